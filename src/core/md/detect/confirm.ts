// The best candidate, checked the way md check would: whole chunks of sampled stripes through the
// async_tx val operations (xor_val for RAID5, syndrome_val for RAID6, what is left with a member
// missing), on the native engine when it is loaded. Hypotheses were chosen on sampled bytes; this
// confirms every byte of the stripes it reads.

import { awaitChain } from '../../jobs/chain.js';
import { submitStripeCheck } from '../stripe-ops.js';
import type { Hypothesis } from './raid6.js';
import { BLOCK, type SampleReader } from './sample.js';

export interface Confirmation {
  /** stripes checked in full */
  stripes: number;
  /** of those, the ones whose parity holds over every byte */
  consistent: number;
  /** P and Q checked (false when a missing member leaves nothing to check) */
  checked: boolean;
}

/** Checks up to `max` stripes, spread over what may be read, with whole chunks. */
export async function confirm(
  r: SampleReader,
  h: Hypothesis,
  memberOf: readonly number[],
  offsets: readonly number[],
  max = 16,
): Promise<Confirmation> {
  const g = h.geometry;
  const C = g.chunk;
  const colOfSlot = new Map(h.slotOf.map((slot, c) => [slot, c]));
  const missing = [...Array(g.raidDisks).keys()].filter((s) => !colOfSlot.has(s));
  // The last 128 KiB may hold a 0.90/1.0 superblock, not data.
  const room = Math.min(...memberOf.map((m) => r.readable(m) - offsets[m]!)) - 128 * 1024;
  const total = Math.max(0, Math.floor(room / C));
  const picks = new Set<number>();
  for (let i = 0; i < Math.min(max, total); i++) picks.add(Math.floor((i * total) / Math.min(max, total)));
  let stripes = 0;
  let consistent = 0;
  let checked = false;
  const gran = Math.min(BLOCK, C);
  for (const s of picks) {
    const chunks: Buffer[] = [];
    for (let slot = 0; slot < g.raidDisks; slot++) {
      const col = colOfSlot.get(slot);
      const m = col === undefined ? -1 : memberOf[col]!;
      const b = m < 0 ? Buffer.alloc(C) : await r.block(m, offsets[m]! + s * C, C);
      if (!b) return { stripes, consistent, checked };
      chunks.push(Buffer.from(b));
    }
    const detail = { granularity: gran, flags: new Uint8Array(C / gran), suspect: new Int32Array(C / gran) };
    const job = submitStripeCheck(g, s, chunks, missing, C, detail);
    if (!job.checks.p && !job.checks.q) continue;
    await awaitChain(job.tx, 'md detect');
    checked = true;
    stripes++;
    if (job.result.value === 0) consistent++;
  }
  return { stripes, consistent, checked };
}
