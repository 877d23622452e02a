// Stripe streaming over members: each step reads one chunk of every input member, hands the
// buffers to `compute` (which submits the operation as an async_tx chain and waits for it) and
// writes the results. Two buffer sets alternate, so the reads of step k+1 overlap the compute and
// writes of step k. Memory: slots x chunk x 2, whatever the member sizes.

import type { ReadPolicy } from '../damage/damage.js';
import type { Extent } from '../damage/extents.js';
import { readMemberDamaged } from '../damage/read.js';
import { InterruptedError } from '../errors.js';
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
   * Runs the operation on bufs[*][0..len) for member range [pos, pos + len). With a read policy,
   * `bad[slot]` lists that slot's unreadable extents in the step (step-relative, merged; empty
   * when none, null for slots not read).
   */
  compute(bufs: (Buffer | null)[], len: number, pos: number, bad: (Extent[] | null)[]): Promise<void>;
  progress?(done: number, total: number): void;
}

const noop = (): void => undefined;

function checkAbort(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new InterruptedError(String(signal.reason ?? 'SIGINT'));
}

/**
 * Runs the job over [0, length). Does not commit or abort the outputs: the caller does that once,
 * after the whole stream succeeded or failed.
 */
export async function streamStripes(job: StreamJob): Promise<void> {
  const { length, signal } = job;
  const chunk = Math.max(1, Math.min(job.chunk, length || 1));
  const empty = new Set(job.emptySlots ?? []);
  const makeSet = (): (Buffer | null)[] =>
    Array.from({ length: job.slots }, (_, i) => (empty.has(i) ? null : Buffer.alloc(chunk)));
  const sets = [makeSet(), length > chunk ? makeSet() : null];

  const makeBad = (): (Extent[] | null)[] => Array.from({ length: job.slots }, () => null);
  const bads = [makeBad(), makeBad()];
  const policy = job.readPolicy;
  const readSet = (bufs: (Buffer | null)[], bad: (Extent[] | null)[], pos: number): Promise<void> => {
    const len = Math.min(chunk, length - pos);
    return Promise.all(
      job.reads.map(async (r) => {
        if (!policy) return readMember(r.member, bufs[r.slot]!, len, pos);
        bad[r.slot] = await readMemberDamaged(r.member, bufs[r.slot]!, len, pos, policy);
      }),
    ).then(noop);
  };

  let pending: Promise<void> | null = null;
  const startRead = (k: number, pos: number): void => {
    const p = readSet(sets[k & 1]!, bads[k & 1]!, pos);
    p.catch(noop); // awaited later; keeps an early failure from counting as unhandled
    pending = p;
  };

  try {
    const start = job.start ?? 0;
    if (start < length) startRead(0, start);
    for (let pos = start, k = 0; pos < length; pos += chunk, k++) {
      const len = Math.min(chunk, length - pos);
      const cur = sets[k & 1]!;
      await pending;
      pending = null;
      checkAbort(signal);
      if (pos + chunk < length) startRead(k + 1, pos + chunk);
      await job.compute(cur, len, pos, bads[k & 1]!);
      checkAbort(signal);
      await Promise.all(job.writes.map((w) => w.out.write(cur[w.slot]!, len, pos)));
      job.progress?.(pos + len, length);
      checkAbort(signal);
    }
  } finally {
    // Never leave a read in flight on a handle the caller is about to close.
    if (pending) await (pending as Promise<void>).catch(noop);
  }
}
