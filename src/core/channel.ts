import type { Tx, TxChannel } from './descriptor.js';
import type { OpRecord } from './op-record.js';

/** What actually runs a batch of records, in order: the native addon or the software kernels. */
export interface ChannelExecutor {
  readonly engine: 'native' | 'software';
  /** runs the records in order; resolves with one result per record */
  run(records: OpRecord[]): Promise<ArrayLike<number>>;
}

/** Pending descriptors issue themselves once this many are queued (like a driver's threshold). */
export const ISSUE_THRESHOLD = 32;
/** The most descriptors handed to the executor at once, so long queues still complete in steps. */
export const MAX_BATCH = 256;

let nextChannelId = 0;

/**
 * struct dma_chan: a queue of descriptors on one executor with a capability mask. Pending
 * descriptors wait until issuePending (or the threshold); issued ones run one batch at a time, so
 * a channel completes its descriptors in submission order. Channels run in parallel to each other.
 */
export class Channel implements TxChannel {
  readonly id = nextChannelId++;
  readonly name: string;
  readonly capMask: number;
  readonly executor: ChannelExecutor;
  /** taken by requestChannel: the general allocator skips it */
  isPrivate = false;
  private pending: Tx[] = [];
  private issued: Tx[] = [];
  private busy = false;
  /** called for every descriptor the executor finished (set by the async_tx core) */
  complete: (tx: Tx, result: number, error: Error | null) => void = () => {};

  constructor(name: string, capMask: number, executor: ChannelExecutor) {
    this.name = name;
    this.capMask = capMask;
    this.executor = executor;
  }

  hasCap(cap: number): boolean {
    return (this.capMask & cap) === cap;
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  enqueue(tx: Tx): void {
    this.pending.push(tx);
    if (this.pending.length >= ISSUE_THRESHOLD) this.issuePending();
  }

  issuePending(): void {
    if (this.pending.length === 0) return;
    for (const tx of this.pending) this.issued.push(tx);
    this.pending = [];
    this.pump();
  }

  private pump(): void {
    if (this.busy || this.issued.length === 0) return;
    const batch = this.issued.length <= MAX_BATCH ? this.issued : this.issued.splice(0, MAX_BATCH);
    if (batch === this.issued) this.issued = [];
    this.busy = true;
    let running: Promise<ArrayLike<number>>;
    try {
      running = this.executor.run(batch.map((tx) => tx.record!));
    } catch (e) {
      // an executor that refuses a batch fails its descriptors, never the submitter
      queueMicrotask(() => this.finish(batch, null, e instanceof Error ? e : new Error(String(e))));
      return;
    }
    running.then(
      (results) => this.finish(batch, results, null),
      (err: unknown) => this.finish(batch, null, err instanceof Error ? err : new Error(String(err))),
    );
  }

  private finish(batch: Tx[], results: ArrayLike<number> | null, error: Error | null): void {
    this.busy = false;
    for (let i = 0; i < batch.length; i++) this.complete(batch[i]!, results ? results[i]! : 0, error);
    this.pump();
  }
}
