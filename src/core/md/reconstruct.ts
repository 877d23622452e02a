// Missing data chunks rebuilt from the parity left (as async_tx chains), stripe by stripe: what md
// export and the on-demand reader (md serve) share before they lay data chunks out in array order.

import { awaitChain } from '../jobs/chain.js';
import { type MdGeometry, stripeMap } from './layout.js';
import { submitStripeRebuild } from './stripe-ops.js';

/** Erasures a level can rebuild in one stripe. */
export function tolerated(g: MdGeometry): number {
  return g.level === 6 ? 2 : 1;
}

/**
 * Rebuilds, for stripes first..first+count-1, the data chunks that sit on `missing` slots.
 * `bufs[slot]` holds `count` pieces of `len` bytes (piece i belongs to stripe first+i; `len` is the
 * chunk, or one window of it: parity is byte-positional). Missing slots' buffers receive the result.
 * Returns the stripes whose missing data could not be rebuilt (more erasures than the level
 * tolerates); their missing pieces are zero-filled, never guessed.
 */
export async function rebuildMissingData(
  g: MdGeometry,
  missing: readonly number[],
  bufs: readonly Buffer[],
  first: number,
  count: number,
  len: number,
  what: string,
): Promise<number[]> {
  const lost: number[] = [];
  if (missing.length === 0) return lost;
  const txs = [];
  for (let i = 0; i < count; i++) {
    const map = stripeMap(g, first + i);
    const gone = missing.filter((s) => map.dataSlots.includes(s));
    if (gone.length === 0) continue;
    if (missing.length > tolerated(g)) {
      for (const s of gone) bufs[s]!.fill(0, i * len, (i + 1) * len);
      lost.push(first + i);
      continue;
    }
    const pieces = bufs.map((b) => b.subarray(i * len, (i + 1) * len));
    txs.push(submitStripeRebuild(g, first + i, pieces, missing, len, false).tx);
  }
  await awaitChain(txs, what);
  return lost;
}
