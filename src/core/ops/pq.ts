import { type AsyncSubmitCtl, submitOp } from '../async-tx.js';
import type { Tx } from '../descriptor.js';
import { AsyncTxFlags, DmaCap } from '../flags.js';
import { raid6Views } from './raid6-blocks.js';

/**
 * async_gen_syndrome - P and Q of the data blocks 0..disks-3 into blocks[disks-2] (P) and
 * blocks[disks-1] (Q), over [offset, offset + len). A null data block counts as zeros at its
 * index; a null P or Q is not written (not both). With PQ_XOR_DST the contribution is XORed into
 * the existing P/Q (read-modify-write of a partial stripe).
 */
export function asyncGenSyndrome(
  blocks: readonly (Uint8Array | null)[],
  offset: number,
  disks: number,
  len: number,
  submit: AsyncSubmitCtl,
): Tx | null {
  const { data, p, q } = raid6Views(blocks, offset, disks, len);
  const xorDst = (submit.flags & AsyncTxFlags.PQ_XOR_DST) !== 0;
  return submitOp(DmaCap.PQ, { op: 'pq', data, p, q, xorDst }, submit, null);
}
