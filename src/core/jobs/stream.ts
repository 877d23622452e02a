// Stripe streaming over members: each step reads one chunk of every input member, hands the
// buffers to `compute` (which submits the operation as an async_tx chain and waits for it) and
// writes the results. A ring of buffer sets keeps every member busy: each member reads its own
// steps in order, up to SETS - 1 steps ahead of the compute, without waiting for the other members
// (a slow member only holds back the steps that need it); the writes of a step run while the
// next steps compute, in step order per output. Memory: slots x chunk x sets (four sets, or two
// when four would exceed RING_BUDGET), whatever the member sizes.

import type { ReadPolicy } from '../damage/damage.js';
import type { Extent } from '../damage/extents.js';
import { readMemberDamaged } from '../damage/read.js';
import { InterruptedError } from '../errors.js';
import { ioBuffer } from '../io/direct.js';
import { type InputMember, readMember } from '../io/members.js';
import type { OutputSink } from '../io/output.js';

export interface StreamJob {
  /** buffers per set; slot numbers index into the `bufs` given to `compute` */
  slots: number;
  /** slots that never hold data (e.g. a `zero` member) and need no buffer */
  emptySlots?: number[];
  reads: { slot: number; member: InputMember }[];
  writes: { slot: number; out: OutputSink }[];
  /** bytes per member */
  length: number;
  /** where to begin (a step boundary of an earlier run: --resume); 0 when absent */
  start?: number;
  /** bytes per member per step */
  chunk: number;
  signal?: AbortSignal;
  /**
   * Read around damage: with a policy, unreadable bytes (known, or met now) read as zeros and are
   * handed to `compute` per slot instead of failing the job. Without one, a read error fails it.
   */
  readPolicy?: ReadPolicy;
  /**
   * Called before the step at `pos` computes (--resume's checkpoints). `drain` resolves once the
   * writes of every earlier step are done; a checkpoint awaits it, other steps need not.
   */
  boundary?(pos: number, drain: () => Promise<void>): Promise<void>;
  /**
   * Runs the operation on bufs[*][0..len) for member range [pos, pos + len). With a read policy,
   * `bad[slot]` lists that slot's unreadable extents in the step (step-relative, merged; empty
   * when none, null for slots not read).
   */
  compute(bufs: (Buffer | null)[], len: number, pos: number, bad: (Extent[] | null)[]): Promise<void>;
  progress?(done: number, total: number): void;
}

/**
 * Buffer sets in the ring: one computing, one being written, and reads up to two steps ahead of
 * both (a disk that stalls for a moment is caught up while the others' data waits in memory).
 */
export const STREAM_SETS = 4;
/** Sets beyond two are used only while all of them fit in this (a huge step keeps two sets). */
const RING_BUDGET = 256 * 1024 * 1024;

const noop = (): void => undefined;

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError(String(signal.reason ?? 'SIGINT'));
}

/** Thrown into the reads still queued once the stream has failed; never reaches the caller. */
const STOPPED = new Error('stream stopped');

/**
 * Runs the job over [0, length). Does not commit or abort the outputs: the caller does that once,
 * after the whole stream succeeded or failed.
 */
export async function streamStripes(job: StreamJob): Promise<void> {
  const { length, signal } = job;
  const chunk = Math.max(1, Math.min(job.chunk, length || 1));
  const start = Math.min(job.start ?? 0, length);
  const steps = length > start ? Math.ceil((length - start) / chunk) : 0;
  const empty = new Set(job.emptySlots ?? []);
  const makeSet = (): (Buffer | null)[] =>
    Array.from({ length: job.slots }, (_, i) => (empty.has(i) ? null : ioBuffer(chunk)));
  const perSet = (job.slots - empty.size) * chunk;
  const ring = Math.max(2, Math.min(STREAM_SETS, Math.floor(RING_BUDGET / Math.max(1, perSet))));
  const sets = Array.from({ length: Math.max(1, Math.min(ring, steps)) }, makeSet);
  const nsets = sets.length;
  // per set: each slot's unreadable extents of the step it holds (read policy only)
  const bads = sets.map(() => Array.from({ length: job.slots }, (): Extent[] | null => null));
  const policy = job.readPolicy;

  let stopped = false;
  const inflight = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    p.then(
      () => inflight.delete(p),
      () => inflight.delete(p),
    );
    return p;
  };
  // free[s]: set s may be refilled (its last step's writes are done); tail[i]: member i's last read
  const free: Promise<void>[] = sets.map(() => Promise.resolve());
  const tail: Promise<void>[] = job.reads.map(() => Promise.resolve());
  const readsOf: (Promise<void> | undefined)[] = [];

  const issueReads = (k: number): void => {
    if (k >= steps) return;
    const bufs = sets[k % nsets]!;
    const bad = bads[k % nsets]!;
    const gate = free[k % nsets]!;
    const pos = start + k * chunk;
    const len = Math.min(chunk, length - pos);
    const reads = job.reads.map((r, i) => {
      const p = Promise.all([tail[i], gate]).then(async () => {
        if (stopped) throw STOPPED;
        if (!policy) return readMember(r.member, bufs[r.slot]!, len, pos);
        bad[r.slot] = await readMemberDamaged(r.member, bufs[r.slot]!, len, pos, policy);
      });
      tail[i] = p.catch(noop);
      return p;
    });
    const all = track(Promise.all(reads).then(noop));
    all.catch(noop); // awaited in step order; keeps an early failure from counting as unhandled
    readsOf[k] = all;
  };

  let writing: Promise<void> = Promise.resolve();
  const failed: { write?: { err: unknown } } = {};
  try {
    for (let k = 0; k < nsets; k++) issueReads(k);
    for (let k = 0; k < steps; k++) {
      const pos = start + k * chunk;
      const len = Math.min(chunk, length - pos);
      const cur = sets[k % nsets]!;
      await readsOf[k];
      readsOf[k] = undefined;
      if (failed.write) throw failed.write.err;
      checkAbort(signal);
      const written = writing;
      await job.boundary?.(pos, () => written);
      await job.compute(cur, len, pos, bads[k % nsets]!);
      checkAbort(signal);
      // Writes in step order (an output may be a pipe); the set is refilled once they are done.
      const done = writing.then(async () => {
        await Promise.all(job.writes.map((w) => w.out.write(cur[w.slot]!, len, pos)));
        job.progress?.(pos + len, length);
      });
      done.catch((err: unknown) => {
        failed.write ??= { err };
      });
      writing = track(done);
      free[k % nsets] = done.catch(noop);
      issueReads(k + nsets);
    }
    await writing;
    checkAbort(signal);
  } finally {
    // Never leave a read or write in flight on a handle the caller is about to close.
    stopped = true;
    while (inflight.size > 0) await Promise.allSettled([...inflight]);
  }
}
