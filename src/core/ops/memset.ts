import { type AsyncSubmitCtl, submitOp } from '../async-tx.js';
import type { Tx } from '../descriptor.js';
import { DmaCap } from '../flags.js';
import { blockView, checkInt } from '../validate.js';

/** async_memset - fills dest[offset, offset + len) with the byte `value` (0..255). */
export function asyncMemset(
  dest: Uint8Array,
  value: number,
  offset: number,
  len: number,
  submit: AsyncSubmitCtl,
): Tx | null {
  checkInt('value', value, 0, 255);
  checkInt('offset', offset, 0);
  checkInt('len', len, 0);
  const d = blockView('dest', dest, offset, len);
  return submitOp(DmaCap.MEMSET, { op: 'memset', dest: d, value }, submit, null);
}
