// Checking an md array: P (and Q) of every stripe in a range, with raid6check's suspect for each
// inconsistent range. What a stripe can still verify with members missing is stripe-ops' business.

import { Suspect } from '../contract.js';
import { UsageError } from '../errors.js';
import { awaitChain } from '../jobs/chain.js';
import { appendRange } from '../jobs/ranges.js';
import { type JobOptions, runJob } from '../jobs/run.js';
import type { MdArray } from './array.js';
import { dataChunksPerStripe } from './layout.js';
import { type ArrayRange, presentReads, slotLabel, stepBytes } from './range.js';
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
  /** array ranges left unchecked: no redundancy there (missing members, recovering ones beyond their offset) */
  unchecked: { from: number; length: number; missingSlots: number[] }[];
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
export async function checkArray(a: MdArray, o: MdCheckOptions, opts: JobOptions): Promise<MdCheckResult> {
  // Parts without redundancy (a recovering member's slot beyond its recovery offset on top of the
  // missing ones) are left unchecked and reported; when no part has any, the check is refused.
  const regions = inRange(a, o.range, () => undefined);
  const checkable = regions.filter((r) => !noRedundancy(r.array));
  if (checkable.length === 0) requireCheckable(regions[0]!.array);
  const parts: MdCheckResult[] = [];
  for (const r of checkable) parts.push(await checkRegion(r.array, { from: r.from, to: r.to }, o, opts));
  const first = parts[0]!;
  return {
    stripes: parts.reduce((n, p) => n + p.stripes, 0),
    firstStripe: first.firstStripe,
    checked: { p: parts.some((p) => p.checked.p), q: parts.some((p) => p.checked.q) },
    mismatches: parts.flatMap((p) => p.mismatches),
    dataBytes: parts.reduce((n, p) => n + p.dataBytes, 0),
    seconds: parts.reduce((n, p) => n + p.seconds, 0),
    unchecked: regions
      .filter((r) => noRedundancy(r.array))
      .map((r) => ({ from: r.from, length: r.to - r.from, missingSlots: r.array.missingSlots })),
  };
}

const noRedundancy = (a: MdArray): boolean => a.missingSlots.length >= (a.geometry.level === 6 ? 2 : 1);

function requireCheckable(a: MdArray): void {
  const g = a.geometry;
  const tolerated = g.level === 6 ? 2 : 1;
  if (a.missingSlots.length >= tolerated) {
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
  const anySlot = reads[0]!.slot;
  const offsetOf = (slot: number): number => (a.bySlot[slot] ?? a.bySlot[anySlot]!).dataOffset;
  const checked = { p: false, q: false };
  const seconds = await runJob('md check', opts, [], [], (s1 - s0) * C, {
    chunk: step,
    slots: g.raidDisks,
    reads,
    writes: [],
    async compute(bufs, len, pos) {
      const count = len / C;
      flags.fill(0);
      suspect.fill(Suspect.NONE);
      const jobs = [];
      for (let i = 0; i < count; i++) {
        const chunks = bufs.map((b) => b!.subarray(i * C, (i + 1) * C));
        const detail = {
          granularity: gran,
          flags: flags.subarray(i * perChunk, (i + 1) * perChunk),
          suspect: suspect.subarray(i * perChunk, (i + 1) * perChunk),
        };
        jobs.push(submitStripeCheck(g, s0 + pos / C + i, chunks, a.missingSlots, C, detail));
      }
      await awaitChain(
        jobs.map((j) => j.tx),
        'md check',
      );
      jobs.forEach((j, i) => {
        checked.p ||= j.checks.p;
        checked.q ||= j.checks.q;
        if (j.result.value === 0) return;
        const stripe = s0 + pos / C + i;
        const full = j.checks.p && j.checks.q;
        for (let k = 0; k < perChunk; k++) {
          const f = flags[i * perChunk + k]!;
          if (f === 0) continue;
          const w = k * gran;
          const code = suspect[i * perChunk + k]!;
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
            length: Math.min(gran, C - w),
            p: g.level === 5 ? true : (f & 1) !== 0,
            q: (f & 2) !== 0,
            suspect: sus,
          };
          appendRange(mismatches, x, alike, (r) => r.memberOffset);
        }
      });
    },
  });
  return {
    stripes: s1 - s0,
    firstStripe: s0,
    checked,
    mismatches,
    dataBytes: (s1 - s0) * C * m,
    seconds,
    unchecked: [],
  };
}
