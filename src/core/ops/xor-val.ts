import { type AsyncSubmitCtl, submitOp } from '../async-tx.js';
import type { Tx } from '../descriptor.js';
import { DmaCap, SumCheckFlags } from '../flags.js';
import {
  blockView,
  checkArray,
  checkDetail,
  checkInt,
  checkResultHolder,
  checkSrcCnt,
  type ValDetail,
} from '../validate.js';

/**
 * async_xor_val - checks that srcs[0] ^ ... ^ srcs[srcCnt-1] is zero over [offset, offset + len).
 * result.value gets SumCheckFlags.P_RESULT when it is not. No block is written: `dest` (the
 * kernel's scratch for its synchronous path) is only checked for size. `detail` (raidtx
 * extension) receives a flag per granule.
 */
export function asyncXorVal(
  dest: Uint8Array | null,
  srcs: readonly Uint8Array[],
  offset: number,
  srcCnt: number,
  len: number,
  result: { value: number },
  submit: AsyncSubmitCtl,
  detail?: ValDetail,
): Tx | null {
  checkInt('offset', offset, 0);
  checkInt('len', len, 0);
  checkArray('srcs', srcs, 0);
  checkSrcCnt(srcCnt, srcs.length);
  if (dest !== null && dest !== undefined) blockView('dest', dest, offset, len);
  const holder = checkResultHolder('result', result);
  const d = checkDetail(detail, len, false);
  const views = [];
  for (let i = 0; i < srcCnt; i++) views.push(blockView(`srcs[${i}]`, srcs[i], offset, len));
  return submitOp(
    DmaCap.XOR_VAL,
    {
      op: 'xor_val',
      srcs: views,
      granularity: d ? d.granularity : Math.max(len, 1),
      mismatch: d ? d.flags : null,
    },
    submit,
    (v) => {
      holder.value = v ? SumCheckFlags.P_RESULT : 0;
    },
  );
}
