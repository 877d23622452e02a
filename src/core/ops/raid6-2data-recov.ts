import { type AsyncSubmitCtl, submitOp } from '../async-tx.js';
import type { Tx } from '../descriptor.js';
import { ArgumentError } from '../errors.js';
import { DmaCap } from '../flags.js';
import { checkFailedData, raid6Views, requireBlock } from './raid6-blocks.js';

/**
 * async_raid6_2data_recov - rebuilds data blocks faila and failb (either order) over the first
 * `bytes` bytes from P, Q and the other data blocks (null = zeros), writing into
 * blocks[faila] and blocks[failb]. Follows lib/raid6/recov.c.
 */
export function asyncRaid62DataRecov(
  disks: number,
  bytes: number,
  faila: number,
  failb: number,
  blocks: readonly (Uint8Array | null)[],
  submit: AsyncSubmitCtl,
): Tx | null {
  const { data, p, q } = raid6Views(blocks, 0, disks, bytes);
  checkFailedData('faila', faila, disks);
  checkFailedData('failb', failb, disks);
  if (faila === failb) throw new ArgumentError('failb', `must differ from faila (both ${faila})`);
  if (failb < faila) [faila, failb] = [failb, faila];
  requireBlock(`blocks[${faila}]`, data[faila]!);
  requireBlock(`blocks[${failb}]`, data[failb]!);
  return submitOp(
    DmaCap.PQ,
    {
      op: 'recov_2data',
      data,
      p: requireBlock(`blocks[${disks - 2}] (P)`, p),
      q: requireBlock(`blocks[${disks - 1}] (Q)`, q),
      faila,
      failb,
    },
    submit,
    null,
  );
}
