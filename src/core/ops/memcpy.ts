import { type AsyncSubmitCtl, submitOp } from '../async-tx.js';
import type { Tx } from '../descriptor.js';
import { DmaCap } from '../flags.js';
import { blockView, checkInt } from '../validate.js';

/** async_memcpy - copies src[srcOffset, +len) to dest[destOffset, +len); overlapping views move correctly. */
export function asyncMemcpy(
  dest: Uint8Array,
  src: Uint8Array,
  destOffset: number,
  srcOffset: number,
  len: number,
  submit: AsyncSubmitCtl,
): Tx | null {
  checkInt('destOffset', destOffset, 0);
  checkInt('srcOffset', srcOffset, 0);
  checkInt('len', len, 0);
  const d = blockView('dest', dest, destOffset, len);
  const s = blockView('src', src, srcOffset, len);
  return submitOp(DmaCap.MEMCPY, { op: 'memcpy', dest: d, src: s }, submit, null);
}
