import { type AsyncSubmitCtl, submitOp } from '../async-tx.js';
import type { Tx } from '../descriptor.js';
import { DmaCap } from '../flags.js';

/**
 * async_trigger_callback - runs submit.cbFn once submit.dependTx has completed: now (returning
 * null) when there is no dependency or it is already done, else through an interrupt descriptor.
 */
export function asyncTriggerCallback(submit: AsyncSubmitCtl): Tx | null {
  return submitOp(DmaCap.INTERRUPT, null, submit, null);
}
