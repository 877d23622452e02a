import { DmaStatus } from './flags.js';
import type { OpRecord } from './op-record.js';

/** The channel side of a descriptor: where it runs. Implemented by Channel. */
export interface TxChannel {
  readonly id: number;
  readonly name: string;
  readonly isPrivate: boolean;
  hasCap(cap: number): boolean;
  enqueue(tx: Tx): void;
  issuePending(): void;
}

export type AsyncTxCallback = (param: unknown) => void;

let nextCookie = 1;

/**
 * struct dma_async_tx_descriptor: one operation, with at most one parent it waits for and at most
 * one child that waits for it. `chan === null` means the software path: it runs on the JS thread
 * as soon as its parent completes.
 */
export class Tx {
  readonly cookie = nextCookie++;
  /** what to run; dropped on completion so finished chains hold no buffers */
  record: OpRecord | null;
  readonly chan: TxChannel | null;
  parent: Tx | null = null;
  next: Tx | null = null;
  acked = false;
  status: DmaStatus = DmaStatus.IN_PROGRESS;
  /** the error that failed this descriptor (or its parent) */
  error: Error | null = null;
  /** queued on its channel behind its parent (same channel keeps order, so no hand-off needed) */
  queuedBehindParent = false;
  callback: AsyncTxCallback | null;
  callbackParam: unknown;
  /** delivers a val operation's result to the caller's {value} object */
  onResult: ((value: number) => void) | null;
  private waiters: (() => void)[] = [];

  constructor(
    record: OpRecord | null,
    chan: TxChannel | null,
    callback: AsyncTxCallback | null,
    callbackParam: unknown,
    onResult: ((value: number) => void) | null,
  ) {
    this.record = record;
    this.chan = chan;
    this.callback = callback;
    this.callbackParam = callbackParam;
    this.onResult = onResult;
  }

  get done(): boolean {
    return this.status !== DmaStatus.IN_PROGRESS;
  }

  /** Resolves once this descriptor has completed (or failed). */
  whenDone(): Promise<void> {
    if (this.done) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** @internal marks the outcome and wakes waiters; the caller runs callback and dependencies */
  settle(status: DmaStatus, error: Error | null): void {
    this.status = status;
    this.error = error;
    this.record = null;
    const w = this.waiters;
    this.waiters = [];
    for (const resolve of w) resolve();
  }
}
