import { type AsyncSubmitCtl, submitOp } from '../async-tx.js';
import type { Tx } from '../descriptor.js';
import { DmaCap } from '../flags.js';
import { checkDetail, checkResultHolder, type ValDetail } from '../validate.js';
import { raid6Views } from './raid6-blocks.js';

/**
 * async_syndrome_val - checks P (blocks[disks-2]) and Q (blocks[disks-1]) against the data blocks
 * over [offset, offset + len); a null P or Q is not checked. pqres.value gets
 * SumCheckFlags.P_RESULT / Q_RESULT for the parity that differs. Never modifies any block.
 * `detail` (raidtx extension) receives per-granule flags and raid6check's suspect.
 */
export function asyncSyndromeVal(
  blocks: readonly (Uint8Array | null)[],
  offset: number,
  disks: number,
  len: number,
  pqres: { value: number },
  submit: AsyncSubmitCtl,
  detail?: ValDetail,
): Tx | null {
  const { data, p, q } = raid6Views(blocks, offset, disks, len);
  const holder = checkResultHolder('pqres', pqres);
  const d = checkDetail(detail, len, true);
  return submitOp(
    DmaCap.PQ_VAL,
    {
      op: 'pq_val',
      data,
      p,
      q,
      granularity: d ? d.granularity : Math.max(len, 1),
      flags: d ? d.flags : null,
      suspect: d?.suspect ?? null,
    },
    submit,
    (v) => {
      holder.value = v;
    },
  );
}
