// Linear algebra over GF(2^8) for geometry discovery: the relations that hold among the members of a
// stripe are the null space of the matrix whose rows are byte positions and whose columns are members
// (RAID5: P ^ sum D = 0; RAID6: that and Q ^ sum g^e·D = 0). Small matrices, plain TypeScript.

import { gfexp, gflog } from '../../gf.js';

/** exp table doubled, so that a product needs no modulo */
export const EXP2 = new Uint8Array(512);
/** gflog, for loops that multiply by logarithms themselves */
export const LOG = gflog;
for (let i = 0; i < 512; i++) EXP2[i] = gfexp[i % 255]!;

export function mul(a: number, b: number): number {
  return a === 0 || b === 0 ? 0 : EXP2[gflog[a]! + gflog[b]!]!;
}

export function inv(a: number): number {
  return EXP2[255 - gflog[a]!]!;
}

/** g^e */
export function pow(e: number): number {
  return gfexp[((e % 255) + 255) % 255]!;
}

/** log_g(a), a != 0 */
export function log(a: number): number {
  return gflog[a]!;
}

export interface NullSpace {
  /** rank of the rows */
  rank: number;
  /** a basis of {v : row·v = 0 for every row}, in reduced form (each vector 1 at its own free column) */
  basis: Uint8Array[];
}

/**
 * The null space of `rows` (each of `width` entries): vectors v with sum_i row[i]·v[i] = 0 for every
 * row. Stops reading rows once the rank is full (nothing but zero is left).
 */
export function nullSpace(rows: Iterable<Uint8Array>, width: number): NullSpace {
  // Reduced row echelon form, built row by row.
  const basis: Uint8Array[] = [];
  const pivots: number[] = [];
  for (const input of rows) {
    if (basis.length === width) break;
    const r = Uint8Array.from(input);
    for (let b = 0; b < basis.length; b++) {
      const c = r[pivots[b]!]!;
      if (c !== 0) axpy(r, basis[b]!, c);
    }
    let p = -1;
    for (let i = 0; i < width; i++)
      if (r[i] !== 0) {
        p = i;
        break;
      }
    if (p < 0) continue;
    scale(r, inv(r[p]!));
    for (let b = 0; b < basis.length; b++) {
      const c = basis[b]![p]!;
      if (c !== 0) axpy(basis[b]!, r, c);
    }
    basis.push(r);
    pivots.push(p);
  }
  const free: number[] = [];
  for (let i = 0; i < width; i++) if (!pivots.includes(i)) free.push(i);
  const out = free.map((f) => {
    const v = new Uint8Array(width);
    v[f] = 1;
    // pivot row b: x_p + sum_f row[f]·x_f = 0  ->  x_p = row[f] (characteristic 2)
    basis.forEach((row, b) => {
      v[pivots[b]!] = row[f]!;
    });
    return v;
  });
  return { rank: basis.length, basis: out };
}

/** r ^= c·s */
function axpy(r: Uint8Array, s: Uint8Array, c: number): void {
  for (let i = 0; i < r.length; i++) if (s[i] !== 0) r[i]! ^= mul(c, s[i]!);
}

function scale(r: Uint8Array, c: number): void {
  for (let i = 0; i < r.length; i++) r[i] = mul(r[i]!, c);
}

/** v scaled so that its first non-zero entry is 1 (a canonical representative of its line). */
export function normalize(v: Uint8Array): Uint8Array {
  const first = v.find((x) => x !== 0);
  if (first === undefined) return v;
  const c = inv(first);
  return v.map((x) => mul(x, c));
}

/** The null vector of a 2-dimensional space with a zero at `j` (null when every vector has one). */
export function zeroAt(basis: Uint8Array[], j: number): Uint8Array | null {
  const [a, b] = basis as [Uint8Array, Uint8Array];
  const x = a[j]!;
  const y = b[j]!;
  if (x === 0 && y === 0) return null;
  // y·a + x·b has y·x + x·y = 0 at j
  return a.map((ai, i) => mul(y, ai) ^ mul(x, b[i]!));
}

/** Does relation `rel` (one coefficient per column) hold on every row? */
export function holds(rows: readonly Uint8Array[], rel: Uint8Array): boolean {
  for (const row of rows) {
    let acc = 0;
    for (let i = 0; i < rel.length; i++) if (rel[i] !== 0 && row[i] !== 0) acc ^= mul(rel[i]!, row[i]!);
    if (acc !== 0) return false;
  }
  return true;
}
