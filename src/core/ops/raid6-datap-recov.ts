import { type AsyncSubmitCtl, submitOp } from '../async-tx.js';
import type { Tx } from '../descriptor.js';
import { DmaCap } from '../flags.js';
import { checkFailedData, raid6Views, requireBlock } from './raid6-blocks.js';

/**
 * async_raid6_datap_recov - data block faila and P were lost: rebuilds blocks[faila] from Q and the
 * other data blocks (null = zeros), then writes the full P into blocks[disks-2]. First `bytes` bytes.
 */
export function asyncRaid6DatapRecov(
  disks: number,
  bytes: number,
  faila: number,
  blocks: readonly (Uint8Array | null)[],
  submit: AsyncSubmitCtl,
): Tx | null {
  const { data, p, q } = raid6Views(blocks, 0, disks, bytes);
  checkFailedData('faila', faila, disks);
  requireBlock(`blocks[${faila}]`, data[faila]!);
  return submitOp(
    DmaCap.PQ,
    {
      op: 'recov_datap',
      data,
      p: requireBlock(`blocks[${disks - 2}] (P)`, p),
      q: requireBlock(`blocks[${disks - 1}] (Q)`, q),
      faila,
    },
    submit,
    null,
  );
}
