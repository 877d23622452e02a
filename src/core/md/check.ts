// Checking an md array: P (and Q) of every stripe in a range, with raid6check's suspect for each
// inconsistent range. What a stripe can still verify with members missing is stripe-ops' business;
// where members are unreadable, each segment is checked with the parity left there (DESIGN "Damaged
// members"), and what has none left is reported unchecked.

import { Suspect } from '../contract.js';
import type { Unreadable } from '../damage/damage.js';
import { type Segment, unitPieces } from '../damage/extents.js';
import { UsageError } from '../errors.js';
import { awaitChain } from '../jobs/chain.js';
import { appendRange } from '../jobs/ranges.js';
import { type JobOptions, runJob } from '../jobs/run.js';
import type { MdArray } from './array.js';
import { MD_READ_AROUND, type MdDamageOptions, type ReadArea, readArea, unreadableIn } from './damage.js';
import { dataChunksPerStripe } from './layout.js';
import { type ArrayRange, presentReads, slotLabel, stepBytes } from './range.js';
import { pieceSegments, tolerated, union } from './reconstruct.js';
import { inRange, stripeSpan } from './reshape.js';
import { submitStripeCheck } from './stripe-ops.js';

export interface MdMismatch {
  stripe: number;
  arrayOffset: number;
  memberOffset: number;
  length: number;
  p: boolean;
  q: boolean;
  suspect: { role: 'data' | 'p' | 'q' | 'unknown'; slot?: number; path?: string };
}

export interface MdCheckResult {
  /** stripes checked, from firstStripe */
  stripes: number;
  firstStripe: number;
  /** which parity could be checked at all */
  checked: { p: boolean; q: boolean };
  mismatches: MdMismatch[];
  /** array data bytes in the stripes checked */
  dataBytes: number;
  seconds: number;
  /**
   * array ranges left unchecked: no redundancy there (missing members, recovering ones beyond their
   * offset, members unreadable there: `unreadable` names them)
   */
  unchecked: MdUnchecked[];
  /** the members' unreadable ranges (their own byte coordinates) */
  unreadable: Unreadable[];
}

export interface MdUnchecked {
  from: number;
  length: number;
  missingSlots: number[];
  /** the members unreadable there, beyond the missing ones */
  unreadable?: string[];
}

export interface MdCheckOptions {
  range: ArrayRange;
  /** bytes per member per step, or null for the default */
  step: number | null;
  /** report unit, bytes (at most a chunk) */
  granularity: number;
}

const alike = (a: MdMismatch, b: MdMismatch): boolean =>
  a.stripe === b.stripe &&
  a.p === b.p &&
  a.q === b.q &&
  a.suspect.role === b.suspect.role &&
  a.suspect.slot === b.suspect.slot;

/**
 * Verifies the stripes holding `o.range`; the array must have redundancy left to check. Mid-reshape,
 * each part is checked in its own geometry (stripe numbers are that geometry's).
 */
export async function checkArray(
  a: MdArray,
  o: MdCheckOptions,
  opts: JobOptions,
  dmg: MdDamageOptions = MD_READ_AROUND,
): Promise<MdCheckResult> {
  // Parts without redundancy (a recovering member's slot beyond its recovery offset on top of the
  // missing ones) are left unchecked and reported; when no part has any, the check is refused.
  const regions = inRange(a, o.range, () => undefined);
  const checkable = regions.filter((r) => !noRedundancy(r.array));
  if (checkable.length === 0) requireCheckable(regions[0]!.array);
  const parts: MdCheckResult[] = [];
  const read: ReadArea[] = [];
  for (const r of checkable)
    parts.push(await checkRegion(r.array, { from: r.from, to: r.to }, o, opts, dmg, read));
  const first = parts[0]!;
  return {
    stripes: parts.reduce((n, p) => n + p.stripes, 0),
    firstStripe: first.firstStripe,
    checked: { p: parts.some((p) => p.checked.p), q: parts.some((p) => p.checked.q) },
    mismatches: parts.flatMap((p) => p.mismatches),
    dataBytes: parts.reduce((n, p) => n + p.dataBytes, 0),
    seconds: parts.reduce((n, p) => n + p.seconds, 0),
    unchecked: [
      ...regions
        .filter((r) => noRedundancy(r.array))
        .map((r) => ({ from: r.from, length: r.to - r.from, missingSlots: r.array.missingSlots })),
      ...parts.flatMap((p) => p.unchecked),
    ].sort((x, y) => x.from - y.from),
    unreadable: unreadableIn(read),
  };
}

const noRedundancy = (a: MdArray): boolean => a.missingSlots.length >= tolerated(a.geometry);

function requireCheckable(a: MdArray): void {
  const g = a.geometry;
  if (a.missingSlots.length >= tolerated(g)) {
    throw new UsageError(
      `md check: slots ${a.missingSlots.join(', ')} missing; RAID${g.level} has no redundancy left to check`,
    );
  }
}

/** Checks the stripes of one geometry holding array bytes [span.from, span.to). */
async function checkRegion(
  a: MdArray,
  span: { from: number; to: number },
  o: MdCheckOptions,
  opts: JobOptions,
  dmg: MdDamageOptions,
  read: ReadArea[],
): Promise<MdCheckResult> {
  const g = a.geometry;
  const C = g.chunk;
  const m = dataChunksPerStripe(g);
  const { s0, s1 } = stripeSpan(g, span.from, span.to);
  const step = stepBytes(a, o.step);
  const gran = Math.min(o.granularity, C);
  const perChunk = Math.ceil(C / gran);
  const maxStripes = step / C;
  const flags = new Uint8Array(maxStripes * perChunk);
  const suspect = new Int32Array(maxStripes * perChunk);
  const mismatches: MdMismatch[] = [];
  const reads = presentReads(a, s0);
  for (const r of reads) read.push(readArea(r.member, (s1 - s0) * C));
  const unchecked: MdUnchecked[] = [];
  const anySlot = reads[0]!.slot;
  const offsetOf = (slot: number): number => (a.bySlot[slot] ?? a.bySlot[anySlot]!).dataOffset;
  const checked = { p: false, q: false };
  const seconds = await runJob('md check', opts, [], [], (s1 - s0) * C, {
    chunk: step,
    slots: g.raidDisks,
    reads,
    writes: [],
    readPolicy: dmg.policy,
    async compute(bufs, len, pos, bad) {
      const count = len / C;
      flags.fill(0);
      suspect.fill(Suspect.NONE);
      const damaged = bad.some((l) => l && l.length > 0);
      const whole: Segment[] = [{ lo: 0, hi: C, slots: [] }];
      const jobs = [];
      for (let i = 0; i < count; i++) {
        const stripe = s0 + pos / C + i;
        const segs = damaged ? pieceSegments(bad, i, C) : whole;
        for (const seg of segs) {
          const gone = seg.slots.length === 0 ? a.missingSlots : union(a.missingSlots, seg.slots);
          const n = seg.hi - seg.lo;
          if (gone.length >= tolerated(g)) {
            // no parity left here: each data chunk's segment is unchecked
            const names = seg.slots.filter((s) => !a.missingSlots.includes(s)).map((s) => slotLabel(a, s));
            for (let k = 0; k < m; k++) {
              const x = {
                from: (stripe * m + k) * C + seg.lo,
                length: n,
                missingSlots: a.missingSlots,
                unreadable: names,
              };
              if (x.from + n > span.from && x.from < span.to) unchecked.push(x);
            }
            continue;
          }
          if (n === C) {
            const detail = {
              granularity: gran,
              flags: flags.subarray(i * perChunk, (i + 1) * perChunk),
              suspect: suspect.subarray(i * perChunk, (i + 1) * perChunk),
            };
            const chunks = bufs.map((b) => b!.subarray(i * C, (i + 1) * C));
            jobs.push({ i, lo: 0, n, detail, ...submitStripeCheck(g, stripe, chunks, gone, n, detail) });
            continue;
          }
          // cut at granule multiples of the chunk, so that mismatch ranges keep the --granularity grid
          for (const piece of unitPieces(seg.lo, seg.hi, gran)) {
            const k = Math.ceil(piece.length / gran);
            const detail = {
              granularity: gran,
              flags: new Uint8Array(k),
              suspect: new Int32Array(k).fill(Suspect.NONE),
            };
            const at = i * C + piece.offset;
            const chunks = bufs.map((b) => b!.subarray(at, at + piece.length));
            const check = submitStripeCheck(g, stripe, chunks, gone, piece.length, detail);
            jobs.push({ i, lo: piece.offset, n: piece.length, detail, ...check });
          }
        }
      }
      await awaitChain(
        jobs.map((j) => j.tx),
        'md check',
      );
      for (const j of jobs) {
        checked.p ||= j.checks.p;
        checked.q ||= j.checks.q;
        if (j.result.value === 0) continue;
        const stripe = s0 + pos / C + j.i;
        const full = j.checks.p && j.checks.q;
        for (let k = 0; k * gran < j.n; k++) {
          const f = j.detail.flags[k]!;
          if (f === 0) continue;
          const w = j.lo + k * gran;
          const code = j.detail.suspect[k]!;
          let sus: MdMismatch['suspect'] = { role: 'unknown' };
          let dataK = 0;
          if (full && code >= 0 && j.slotOfIndex.has(code)) {
            const slot = j.slotOfIndex.get(code)!;
            sus = { role: 'data', slot, path: slotLabel(a, slot) };
            dataK = j.map.dataSlots.indexOf(slot);
          } else if (full && code === Suspect.P) {
            sus = { role: 'p', slot: j.map.pSlot, path: slotLabel(a, j.map.pSlot) };
          } else if (full && code === Suspect.Q) {
            sus = { role: 'q', slot: j.map.qSlot, path: slotLabel(a, j.map.qSlot) };
          }
          const at = sus.slot ?? anySlot;
          const x: MdMismatch = {
            stripe,
            arrayOffset: (stripe * m + dataK) * C + w,
            memberOffset: offsetOf(at) + stripe * C + w,
            length: Math.min(gran, j.lo + j.n - w),
            p: g.level === 5 ? true : (f & 1) !== 0,
            q: (f & 2) !== 0,
            suspect: sus,
          };
          appendRange(mismatches, x, alike, (r) => r.memberOffset);
        }
      }
    },
  });
  return {
    stripes: s1 - s0,
    firstStripe: s0,
    checked,
    mismatches,
    dataBytes: (s1 - s0) * C * m,
    seconds,
    unchecked: mergeUnchecked(unchecked),
    unreadable: [],
  };
}

/** Sorted by array offset, adjacent entries with the same members merged. */
function mergeUnchecked(list: MdUnchecked[]): MdUnchecked[] {
  const out: MdUnchecked[] = [];
  const same = (x: MdUnchecked, y: MdUnchecked): boolean =>
    String(x.missingSlots) === String(y.missingSlots) && String(x.unreadable) === String(y.unreadable);
  for (const u of list.sort((x, y) => x.from - y.from)) appendRange(out, u, same, (r) => r.from);
  return out;
}
