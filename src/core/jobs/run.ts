// The shape every streaming job shares: open the inputs, open the outputs, stream, then commit every
// output on success or abort them all (temporaries removed) on any error or interrupt.

import { type AsyncSubmitCtl, initAsyncSubmit } from '../async-tx.js';
import { applyMaps, type DamageOptions } from '../damage/options.js';
import type { Tx } from '../descriptor.js';
import { IoError, UsageError } from '../errors.js';
import { AsyncTxFlags } from '../flags.js';
import type { MemberSpec } from '../io/member.js';
import { closeAll, type InputMember, openMembers, sameTarget } from '../io/members.js';
import { type OutputSink, openOutputs } from '../io/output.js';
import { openResume, type ResumeRequest, type ResumeSession } from '../io/resume.js';
import { asyncSyndromeVal } from '../ops/pq-val.js';
import { awaitChain } from './chain.js';
import { type StreamJob, streamStripes } from './stream.js';

/** Shows how far a job is; the command line draws it, a library caller may ignore it. */
export interface JobProgress {
  update(done: number, total: number): void;
  stop(): void;
}

/** How a job reads and writes its members. */
export interface JobOptions {
  /** added to every member's start (after its own `@OFFSET`) */
  offset: number;
  /** bytes per member, or null for the members' size */
  length: number | null;
  /** shorter members read as zero-padded instead of refusing unequal sizes */
  pad: boolean;
  /** bytes per member per step (memory: about step x members x 2) */
  step: number;
  /** allow writing to block devices */
  force: boolean;
  signal?: AbortSignal;
  progress?: (label: string) => JobProgress;
  /**
   * Read around damage (recover-*, pq-val, xor-val): maps, the read-error policy, strictness.
   * Without it, those jobs fail on the first read error as they always did.
   */
  damage?: DamageOptions;
  /** --resume: keep the temporaries on interrupt, go on from the last checkpoint */
  resume?: ResumeRequest;
}

/** What a generating job did. */
export interface JobResult {
  /** bytes per member (or per output) */
  bytes: number;
  seconds: number;
}

const noProgress: JobProgress = { update() {}, stop() {} };

/**
 * Opens the input members read-only with the job's range options (plus `extraOffset`); the maps of
 * `opts.damage` become the members' damage (a map naming no member is exit 2, inputs closed).
 */
export async function openInputs(specs: MemberSpec[], opts: JobOptions, extraOffset = 0) {
  const r = await openMembers(specs, {
    offset: opts.offset + extraOffset,
    length: opts.length,
    pad: opts.pad,
  });
  try {
    applyMaps(r.members, opts.damage?.maps ?? []);
  } catch (err) {
    await closeAll(r.members);
    throw err;
  }
  return r;
}

/** Opens whole outputs after the inputs; on refusal the inputs are closed again. */
export async function openOutputsFor(
  members: InputMember[],
  paths: string[],
  opts: JobOptions,
  length: number,
  resume: ResumeSession | null = null,
): Promise<OutputSink[]> {
  try {
    return await openOutputs(paths, members, { force: opts.force, length, resume });
  } catch (err) {
    await closeAll(members);
    throw err;
  }
}

/**
 * The --resume session of a job writing `paths` (null without --resume), opened before the outputs:
 * a changed input is refused with nothing created. On refusal the inputs are closed.
 */
export async function resumeFor(
  members: InputMember[],
  paths: string[],
  opts: JobOptions,
): Promise<ResumeSession | null> {
  try {
    return await openResume(opts.resume, paths, members, null, opts.signal);
  } catch (err) {
    await closeAll(members);
    throw err;
  }
}

/** The same input given twice where that makes no sense (e.g. DEST among the SRCs). */
export function refuseSame(a: InputMember, others: InputMember[], what: string): void {
  for (const b of others) {
    if (a.identity && b.identity && sameTarget(a.identity, b.identity)) {
      throw new UsageError(`${what} '${a.label}' is the same file as '${b.label}'`);
    }
  }
}

export type JobSpec = Omit<StreamJob, 'signal' | 'progress' | 'length' | 'chunk' | 'start'> & {
  chunk?: number;
  /** --resume: the session, and which of the run's jobs this is (md runs one per region or area) */
  resume?: { session: ResumeSession | null; part: number };
};

/**
 * Streams `job` over `length` bytes, then commits every output. On failure every output is aborted
 * (temporaries removed, existing outputs untouched) and the error rethrown. Inputs are closed.
 * Returns the seconds it took.
 */
export async function runJob(
  label: string,
  opts: JobOptions,
  inputs: InputMember[],
  outputs: OutputSink[],
  length: number,
  job: JobSpec,
): Promise<number> {
  const progress = opts.progress?.(label) ?? noProgress;
  const t0 = performance.now();
  const { resume, ...spec } = job;
  const session = resume?.session;
  try {
    await streamStripes({
      ...spec,
      length,
      start: session?.startOf(resume!.part, length) ?? 0,
      // A checkpoint waits for the writes of every earlier step (the stream overlaps them otherwise).
      ...(session
        ? { boundary: (pos: number, drain: () => Promise<void>) => session.step(resume!.part, pos, drain) }
        : {}),
      chunk: job.chunk ?? opts.step,
      ...(opts.signal ? { signal: opts.signal } : {}),
      progress: (done, total) => progress.update(done, total),
    });
    // Flush every output before publishing any: a failed fsync of one commits none of them.
    for (const out of outputs) await out.flush?.();
    for (const out of outputs) await out.commit();
  } catch (err) {
    await Promise.all(outputs.map((o) => o.abort()));
    throw err;
  } finally {
    progress.stop();
    await closeAll(inputs);
  }
  return (performance.now() - t0) / 1000;
}

/** Submit control of a step's main operation: acked unless a verify check will depend on it. */
export function stepSubmit(verify: boolean): AsyncSubmitCtl {
  return initAsyncSubmit(verify ? 0 : AsyncTxFlags.ACK);
}

/**
 * Finishes one step of a RAID6 job: with `verify`, a syndrome_val over the same blocks depends on
 * `tx` and checks the result before anything is written; a mismatch fails the run (exit 3, nothing
 * committed).
 */
export async function finishPqStep(
  label: string,
  tx: Tx | null,
  bufs: (Buffer | null)[],
  len: number,
  pos: number,
  verify: boolean,
): Promise<void> {
  const res = { value: 0 };
  if (verify) {
    tx = asyncSyndromeVal(bufs, 0, bufs.length, len, res, initAsyncSubmit(AsyncTxFlags.ACK, tx));
  }
  await awaitChain(tx, label);
  if (res.value !== 0)
    throw verifyFailed(label, pos, ' (are P, Q and the members consistent?); nothing committed');
}

/** The error of a failed verify step at member offset `pos` (exit 3). */
export function verifyFailed(label: string, pos: number, hint: string, path?: string): IoError {
  return new IoError(`${label}: verification failed for the chunk at offset ${pos}${hint}`, path, pos);
}
