// The async_tx core (crypto/async_tx/async_tx.c): submit control, channel lookup, descriptor
// submission with one parent / one child, the synchronous fallback, callbacks, waiting and acks.
import type { Channel } from './channel.js';
import { type AsyncTxCallback, Tx, type TxChannel } from './descriptor.js';
import { ArgumentError, ChainError } from './errors.js';
import { AsyncTxFlags, DmaStatus } from './flags.js';
import { type OpRecord, recordBytes } from './op-record.js';
import { runSoftware } from './soft/index.js';

/** struct async_submit_ctl */
export interface AsyncSubmitCtl {
  flags: number;
  dependTx: Tx | null;
  cbFn: AsyncTxCallback | null;
  cbParam: unknown;
  /** raidtx extension: run on this channel (e.g. one taken with requestChannel) */
  channel?: Channel | null;
}

/** init_async_submit */
export function initAsyncSubmit(
  flags = 0,
  dependTx: Tx | null = null,
  cbFn: AsyncTxCallback | null = null,
  cbParam: unknown = null,
): AsyncSubmitCtl {
  if (!Number.isInteger(flags) || flags < 0)
    throw new ArgumentError('flags', `must be a non-negative integer, got ${flags}`);
  if (dependTx !== null && !(dependTx instanceof Tx))
    throw new ArgumentError('dependTx', 'must be a Tx or null');
  if (cbFn !== null && typeof cbFn !== 'function')
    throw new ArgumentError('cbFn', 'must be a function or null');
  return { flags, dependTx, cbFn, cbParam };
}

/** Channels the general allocator may hand out; maintained by the engine. */
const channels: Channel[] = [];
let roundRobin = 0;
let callbackDepth = 0;

/** Whether an op that touches `bytes` bytes in all should go to a channel; set by the engine. */
let channelPolicy: (cap: number, bytes: number) => boolean = () => true;
/** What runs an operation on the synchronous path; set by the engine. */
let inlineRunner: (r: OpRecord) => number = runSoftware;

export function setChannelPolicy(policy: (cap: number, bytes: number) => boolean): void {
  channelPolicy = policy;
}

/**
 * The synchronous path runs on the JS thread with the best kernel the engine allows, as the
 * kernel's own synchronous path uses the CPU's best lib/raid6 routine: TypeScript for the
 * software engine, the native kernel called inline otherwise.
 */
export function setInlineRunner(run: (r: OpRecord) => number): void {
  inlineRunner = run;
}

export function registerChannel(ch: Channel): void {
  ch.complete = completeTx;
  channels.push(ch);
}

export function unregisterChannels(pred: (ch: Channel) => boolean): void {
  for (let i = channels.length - 1; i >= 0; i--) if (pred(channels[i]!)) channels.splice(i, 1);
}

export function allChannels(): readonly Channel[] {
  return channels;
}

/**
 * async_tx_find_channel: a dependency's channel if it can do the op (keeps the chain in order on
 * one queue), else the next public channel with the capability, else null (synchronous path).
 */
function findChannel(submit: AsyncSubmitCtl, cap: number, record: OpRecord): TxChannel | null {
  if (submit.channel) {
    if (!submit.channel.hasCap(cap))
      throw new ArgumentError('submit.channel', `channel ${submit.channel.name} lacks the capability`);
    return submit.channel;
  }
  const dep = submit.dependTx;
  if (dep && !dep.done && dep.chan?.hasCap(cap) && !dep.chan.isPrivate) return dep.chan;
  if (!channelPolicy(cap, recordBytes(record))) return null;
  for (let i = 0; i < channels.length; i++) {
    const ch = channels[(roundRobin + i) % channels.length]!;
    if (!ch.isPrivate && ch.hasCap(cap)) {
      roundRobin = (roundRobin + i + 1) % channels.length;
      return ch;
    }
  }
  return null;
}

/** The chain rules, checked before anything runs so that a refused call changes nothing. */
function checkSubmit(submit: AsyncSubmitCtl): void {
  if (callbackDepth > 0) throw new ChainError('cannot submit an operation from inside a completion callback');
  const dep = submit.dependTx;
  if (!dep) return;
  if (dep.acked)
    throw new ChainError(`dependTx #${dep.cookie} is acked: an acked descriptor cannot be depended on`);
  if (dep.next)
    throw new ChainError(`dependTx #${dep.cookie} already has a dependent (one parent, one child)`);
}

/** Runs a completion callback; while it runs, submissions are refused (checkSubmit). */
function runCallback(cb: AsyncTxCallback | null, param: unknown): void {
  if (!cb) return;
  callbackDepth++;
  try {
    cb(param);
  } finally {
    callbackDepth--;
  }
}

/** Completion of a descriptor: result, status, callback, then its dependent (async_tx_run_dependencies). */
function completeTx(tx: Tx, result: number, error: Error | null): void {
  if (tx.done) return;
  if (!error && tx.onResult) tx.onResult(result);
  tx.settle(error ? DmaStatus.ERROR : DmaStatus.COMPLETE, error);
  if (!error) {
    try {
      runCallback(tx.callback, tx.callbackParam);
    } catch (e) {
      // The chain stays consistent; the callback's own error surfaces like any uncaught one.
      queueMicrotask(() => {
        throw e;
      });
    }
  }
  tx.callback = null;
  tx.onResult = null;
  const child = tx.next;
  if (!child) return;
  child.parent = null;
  if (error) {
    completeTx(child, 0, new ChainError(`dependency #${tx.cookie} failed: ${error.message}`));
    return;
  }
  if (child.queuedBehindParent) return;
  startTx(child);
}

/** Puts a descriptor whose parent is done onto its channel, or runs it now on the software path. */
function startTx(tx: Tx): void {
  if (tx.chan) {
    tx.chan.enqueue(tx);
    tx.chan.issuePending();
    return;
  }
  let result = 0;
  let error: Error | null = null;
  try {
    if (tx.record) result = inlineRunner(tx.record);
  } catch (e) {
    error = e instanceof Error ? e : new Error(String(e));
  }
  completeTx(tx, result, error);
}

/**
 * The common tail of every async_* operation: either queue `record` on a channel as a descriptor
 * (returning it), or run it synchronously on the software path (returning null, like the kernel).
 * `record === null` is an interrupt descriptor (async_trigger_callback): only its callback runs.
 */
export function submitOp(
  cap: number,
  record: OpRecord | null,
  submit: AsyncSubmitCtl,
  onResult: ((value: number) => void) | null,
): Tx | null {
  checkSubmit(submit);
  const dep = submit.dependTx;
  const chan = record ? findChannel(submit, cap, record) : null;
  if (!chan && (!dep || dep.status === DmaStatus.COMPLETE)) {
    // async_tx_quiesce + the synchronous op + async_tx_sync_epilog
    if (dep) dep.acked = true;
    const result = record ? inlineRunner(record) : 0;
    onResult?.(result);
    runCallback(submit.cbFn, submit.cbParam);
    return null;
  }
  const tx = new Tx(record, chan, submit.cbFn, submit.cbParam, onResult);
  if (submit.flags & AsyncTxFlags.ACK) tx.acked = true;
  if (!dep) {
    chan!.enqueue(tx);
    return tx;
  }
  dep.acked = true;
  dep.next = tx;
  if (dep.status === DmaStatus.ERROR) {
    completeTx(tx, 0, new ChainError(`dependency #${dep.cookie} failed: ${dep.error?.message ?? 'error'}`));
  } else if (dep.done) {
    startTx(tx);
  } else {
    tx.parent = dep;
    if (chan && chan === dep.chan) {
      // Same channel: it completes in order, so the child can queue right behind its parent.
      tx.queuedBehindParent = true;
      chan.enqueue(tx);
    }
  }
  return tx;
}

/** async_tx_issue_pending_all: starts every channel's pending descriptors. */
export function asyncTxIssuePendingAll(): void {
  for (const ch of channels) ch.issuePending();
}

/** async_tx_ack: the client will not use tx as a dependency any more. */
export function asyncTxAck(tx: Tx): void {
  tx.acked = true;
}

/**
 * dma_wait_for_async_tx: issues what the chain waits on and resolves with tx's final status once tx
 * (and so every dependency before it) is done. A null tx already completed synchronously.
 */
export async function dmaWaitForAsyncTx(tx: Tx | null): Promise<DmaStatus> {
  if (tx === null) return DmaStatus.COMPLETE;
  // the chain's descriptors not yet issued sit on its own channels (parents first)
  for (let t: Tx | null = tx; t; t = t.parent) t.chan?.issuePending();
  await tx.whenDone();
  return tx.status;
}
