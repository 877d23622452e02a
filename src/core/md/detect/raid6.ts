// RAID6 order and layout from the Q coefficients. In each stripe the members satisfy P ^ sum D = 0 and
// Q ^ sum g^e·D = 0; the null space of the stripe's byte rows holds exactly these relations. The P
// relation is the one null vector whose non-zero entries are all equal (zero at Q); the Q relation's
// entries are the g^e of the data members. Under a layout, the stripe's roles and exponents name each
// member's slot: one stripe fixes the order, every other stripe verifies it. With one member missing
// the single relation left is solved for each slot the missing member may have held.

import { type MdGeometry, stripeMap } from '../layout.js';
import { holds, inv, log, mul, type NullSpace, normalize, pow, zeroAt } from './gf-solve.js';

/** A geometry hypothesis: slotOf[c] is the slot of present column c. */
export interface Hypothesis {
  geometry: MdGeometry;
  slotOf: number[];
}

/** A sampled stripe: its rows (one column per present member) and their null space. */
export interface SampledStripe {
  stripe: number;
  rows: Uint8Array[];
  ns: NullSpace;
}

export const RAID6_LAYOUTS = [0, 1, 2, 3, 4, 5, 8, 9, 10, 16, 17, 18, 19, 20];
export const RAID5_LAYOUTS = [0, 1, 2, 3, 4, 5];

/** Per slot: (P coefficient, Q coefficient) of stripe `s`. */
function coefficients(
  g: MdGeometry,
  s: number,
): { p: number[]; q: number[]; map: ReturnType<typeof stripeMap> } {
  const map = stripeMap(g, s);
  const p = new Array<number>(g.raidDisks).fill(0);
  const q = new Array<number>(g.raidDisks).fill(0);
  p[map.pSlot] = 1;
  if (map.qSlot >= 0) q[map.qSlot] = 1;
  map.dataSlots.forEach((slot, k) => {
    p[slot] = 1;
    q[slot] = pow(map.qCoef[k]!);
  });
  return { p, q, map };
}

/**
 * The relations a hypothesis predicts among the present members in stripe `s`: RAID5 the XOR; RAID6
 * P and Q, or with one slot missing the one combination that does without it.
 */
export function relationsAt(h: Hypothesis, s: number): Uint8Array[] {
  const g = h.geometry;
  const { p, q, map } = coefficients(g, s);
  const onPresent = (per: number[]): Uint8Array => Uint8Array.from(h.slotOf.map((slot) => per[slot]!));
  const taken = new Set(h.slotOf);
  const missing = [...Array(g.raidDisks).keys()].filter((slot) => !taken.has(slot));
  if (g.level === 5) return missing.length === 0 ? [onPresent(p)] : [];
  if (missing.length === 0) return [onPresent(p), onPresent(q)];
  if (missing.length > 1) return [];
  const x = missing[0]!;
  if (x === map.qSlot) return [onPresent(p)];
  if (x === map.pSlot) return [onPresent(q)];
  const gx = q[x]!;
  return [onPresent(p.map((pi, i) => mul(gx, pi) ^ q[i]!))];
}

/** The slot of each data exponent in stripe `s`. */
function slotsByExponent(g: MdGeometry, s: number): Map<number, number> {
  const map = stripeMap(g, s);
  return new Map(map.dataSlots.map((slot, k) => [map.qCoef[k]!, slot]));
}

/**
 * Orders that stripe `st` admits under geometry `g` (layout and chunk fixed): every assignment of the
 * present columns to slots that turns the observed relations into the layout's.
 */
export function deriveOrders(g: MdGeometry, st: SampledStripe, columns: number): number[][] {
  const { map } = coefficients(g, st.stripe);
  const bySlot = slotsByExponent(g, st.stripe);
  const out: number[][] = [];
  // Data columns: exponent e (after normalising Q's coefficient to 1, shifted by `gx`) -> slot.
  const assign = (v: Uint8Array, fixed: Map<number, number>, gx: number, exclude: number): void => {
    const slotOf = new Array<number>(columns).fill(-1);
    const used = new Set<number>();
    for (const [c, slot] of fixed) {
      slotOf[c] = slot;
      used.add(slot);
    }
    for (let c = 0; c < columns; c++) {
      if (fixed.has(c)) continue;
      const coef = v[c]! ^ gx;
      if (coef === 0) return;
      const slot = bySlot.get(log(coef));
      if (slot === undefined || slot === exclude || used.has(slot)) return;
      slotOf[c] = slot;
      used.add(slot);
    }
    out.push(slotOf);
  };
  const missing = g.raidDisks - columns;
  if (missing === 0 && st.ns.basis.length === 2) {
    // Q: the column where a null vector with otherwise equal entries vanishes (the P relation).
    for (let qc = 0; qc < columns; qc++) {
      const v = zeroAt(st.ns.basis, qc);
      if (!v?.every((x, i) => i === qc || (x !== 0 && x === v[qc === 0 ? 1 : 0]))) continue;
      for (let pc = 0; pc < columns; pc++) {
        if (pc === qc) continue;
        const w = zeroAt(st.ns.basis, pc);
        if (!w || w[qc] === 0) continue;
        const c = inv(w[qc]!);
        const fixed = new Map([
          [qc, map.qSlot],
          [pc, map.pSlot],
        ]);
        assign(
          w.map((x) => mul(x, c)),
          fixed,
          0,
          -1,
        );
      }
    }
  } else if (missing === 1 && st.ns.basis.length === 1) {
    const r = st.ns.basis[0]!;
    for (let x = 0; x < g.raidDisks; x++) {
      if (x === map.qSlot) continue; // the P relation alone says nothing about the order
      const gx = x === map.pSlot ? 0 : pow(map.qCoef[map.dataSlots.indexOf(x)]!);
      for (let qc = 0; qc < columns; qc++) {
        if (r[qc] === 0) continue;
        const c = inv(r[qc]!);
        const v = r.map((e) => mul(e, c));
        const fixed = new Map([[qc, map.qSlot]]);
        if (gx !== 0) {
          const pcs = [...v.keys()].filter((i) => i !== qc && v[i] === gx);
          if (pcs.length !== 1) continue;
          fixed.set(pcs[0]!, map.pSlot);
        }
        assign(v, fixed, gx, x);
      }
    }
  }
  return out;
}

export interface Verdict {
  /** stripes with data to check */
  sampled: number;
  consistent: number;
}

/** Checks a hypothesis on every sampled stripe; `early` stops at the first failure. */
export function verify(h: Hypothesis, stripes: readonly SampledStripe[], early = false): Verdict {
  let sampled = 0;
  let consistent = 0;
  for (const st of stripes) {
    if (st.rows.length === 0 || st.ns.rank <= 1) continue;
    const rels = relationsAt(h, st.stripe);
    if (rels.length === 0) continue;
    sampled++;
    if (rels.every((rel) => holds(st.rows, rel))) consistent++;
    else if (early) break;
  }
  return { sampled, consistent };
}

/** The null space's identity: equal spaces give equal keys (the basis is in reduced form). */
export function spaceKey(ns: NullSpace): string {
  return ns.basis.map((v) => Buffer.from(normalize(v)).toString('hex')).join('/');
}
