// Waiting for submitted work: the one place where a failed async_tx chain becomes an error.

import { asyncTxIssuePendingAll, dmaWaitForAsyncTx } from '../async-tx.js';
import type { Tx } from '../descriptor.js';
import { OperationError } from '../errors.js';
import { DmaStatus } from '../flags.js';

/**
 * Issues what the chains wait on and waits for every one (`null` = already ran synchronously).
 * A chain that did not complete throws OperationError (`what` starts the message); without `what`,
 * the failed descriptor's own error is rethrown as it is (the promise API's contract).
 */
export async function awaitChain(txs: Tx | null | readonly (Tx | null)[], what?: string): Promise<void> {
  const list = Array.isArray(txs) ? (txs as readonly (Tx | null)[]) : [txs as Tx | null];
  asyncTxIssuePendingAll();
  const status = await Promise.all(list.map((tx) => dmaWaitForAsyncTx(tx)));
  const bad = status.findIndex((s) => s !== DmaStatus.COMPLETE);
  if (bad >= 0) {
    const err = list[bad]?.error;
    if (what === undefined) throw err ?? new OperationError(`operation ended with status ${status[bad]}`);
    throw new OperationError(`${what}: operation failed${err ? `: ${err.message}` : ''}`);
  }
}
