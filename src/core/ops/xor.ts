import { type AsyncSubmitCtl, submitOp } from '../async-tx.js';
import type { Tx } from '../descriptor.js';
import { ArgumentError } from '../errors.js';
import { AsyncTxFlags, DmaCap } from '../flags.js';
import { blockView, checkArray, checkInt, checkSrcCnt } from '../validate.js';

/**
 * async_xor - xor srcs[0..srcCnt-1] into dest, at `offset` in every block, for `len` bytes.
 * submit.flags must hold exactly one of:
 *   XOR_ZERO_DST: dest = srcs[0] ^ ... (dest is not a source), srcCnt >= 2;
 *   XOR_DROP_DST: srcs[0] is dest; dest ^= srcs[1] ^ ..., srcCnt >= 2.
 * Returns null when it ran synchronously, else the descriptor.
 */
export function asyncXor(
  dest: Uint8Array,
  srcs: readonly Uint8Array[],
  offset: number,
  srcCnt: number,
  len: number,
  submit: AsyncSubmitCtl,
): Tx | null {
  const zero = (submit.flags & AsyncTxFlags.XOR_ZERO_DST) !== 0;
  const drop = (submit.flags & AsyncTxFlags.XOR_DROP_DST) !== 0;
  if (zero === drop)
    throw new ArgumentError('submit.flags', 'need exactly one of XOR_ZERO_DST or XOR_DROP_DST');
  checkInt('offset', offset, 0);
  checkInt('len', len, 0);
  checkArray('srcs', srcs, 0);
  checkSrcCnt(srcCnt, srcs.length);
  const d = blockView('dest', dest, offset, len);
  if (drop && srcs[0] !== dest) throw new ArgumentError('srcs[0]', 'must be dest with XOR_DROP_DST');
  const views = [];
  for (let i = drop ? 1 : 0; i < srcCnt; i++) views.push(blockView(`srcs[${i}]`, srcs[i], offset, len));
  return submitOp(DmaCap.XOR, { op: 'xor', dest: d, srcs: views, accumulate: drop }, submit, null);
}
