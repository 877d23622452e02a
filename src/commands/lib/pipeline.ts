// The shape every streaming command shares: open members, open outputs, stream, then commit all
// outputs on success or abort them (temporaries removed) on any error or interrupt.

import type { Tx } from '../../core/descriptor.js';
import { IoError, RaidtxError, UsageError } from '../../core/errors.js';
import { type MemberSpec, parseMemberSpec, type SpecRules } from '../../core/io/member.js';
import { closeAll, type InputMember, openMembers, sameTarget } from '../../core/io/members.js';
import { type OutputSink, openOutputs } from '../../core/io/output.js';
import { formatSize } from '../../core/io/size.js';
import { type StreamJob, streamStripes } from '../../core/stream.js';
import {
  type AsyncSubmitCtl,
  AsyncTxFlags,
  activeEngine,
  asyncSyndromeVal,
  asyncTxIssuePendingAll,
  DmaStatus,
  dmaWaitForAsyncTx,
  initAsyncSubmit,
  kernelName,
  OP_NAMES,
} from '../../index.js';
import type { CommandResult, Context } from './context.js';
import { OP_COMMAND } from './op-commands.js';

/** Submits nothing itself: issues what `tx`'s chain waits on and waits; a failed chain throws. */
export async function waitChain(tx: Tx | null, what: string): Promise<void> {
  asyncTxIssuePendingAll();
  const status = await dmaWaitForAsyncTx(tx);
  if (status !== DmaStatus.COMPLETE) {
    throw new RaidtxError(`${what}: operation failed${tx?.error ? `: ${tx.error.message}` : ''}`, 3);
  }
}

/** Submit control of a step's main operation: acked unless a --verify check will depend on it. */
export function stepSubmit(verify: boolean): AsyncSubmitCtl {
  return initAsyncSubmit(verify ? 0 : AsyncTxFlags.ACK);
}

/**
 * Finishes one step of a RAID6 command: with `verify`, a syndrome_val over the same blocks depends
 * on `tx` and checks the result before anything is written; a mismatch fails the run (exit 3,
 * nothing committed).
 */
export async function finishPqStep(
  command: string,
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
  await waitChain(tx, command);
  if (res.value !== 0) {
    throw new IoError(
      `${command}: --verify failed for the chunk at offset ${pos} (are P, Q and the members consistent?); nothing committed`,
      undefined,
      pos,
    );
  }
}

export function parseSpecs(specs: string[], rules: SpecRules): MemberSpec[] {
  return specs.map((s) => parseMemberSpec(s, rules));
}

/** Opens the inputs with the global range options. */
export function openInputs(specs: MemberSpec[], ctx: Context, extraOffset = 0) {
  return openMembers(specs, {
    offset: ctx.opts.offset + extraOffset,
    length: ctx.opts.length,
    pad: ctx.opts.pad,
  });
}

/** The same input given twice where that makes no sense (e.g. DEST among the SRCs). */
export function refuseSame(a: InputMember, others: InputMember[], what: string): void {
  for (const b of others) {
    if (a.identity && b.identity && sameTarget(a.identity, b.identity)) {
      throw new UsageError(`${what} '${a.label}' is the same file as '${b.label}'`);
    }
  }
}

export type JobSpec = Omit<StreamJob, 'signal' | 'progress' | 'length' | 'chunk'> & { chunk?: number };

/**
 * Streams `job` over `length` bytes, then commits every output. On failure every output is aborted
 * (temporaries removed, existing outputs untouched) and the error rethrown. Inputs are closed.
 * Returns the seconds it took.
 */
export async function runStream(
  ctx: Context,
  label: string,
  inputs: InputMember[],
  outputs: OutputSink[],
  length: number,
  job: JobSpec,
): Promise<number> {
  const progress = ctx.ui.progress(label);
  const t0 = performance.now();
  try {
    await streamStripes({
      ...job,
      length,
      chunk: job.chunk ?? ctx.opts.chunk,
      signal: ctx.signal,
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

/** GB/s (1 GB = 1e9 bytes) of `bytes` in `seconds`, rounded for reports. */
export function gbps(bytes: number, seconds: number): number {
  if (seconds <= 0) return 0;
  return Math.round((bytes / seconds / 1e9) * 1000) / 1000;
}

export function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

/**
 * The result of a generating command: DESIGN's JSON shape and a one-line summary. `op` is the
 * command name of the operation doing the work; `unit` says what `bytes` counts.
 */
export function generated(
  command: string,
  what: string,
  bytes: number,
  members: number,
  seconds: number,
  op = command,
  unit = 'per member',
): CommandResult {
  const opName = OP_NAMES.find((o) => OP_COMMAND[o] === op) ?? 'pq';
  const engine = activeEngine();
  const kernel = kernelName(opName);
  return {
    exitCode: 0,
    json: { command, ok: true, bytes, seconds: round(seconds), engine, kernel },
    human: `${command}: ${what}; ${formatSize(bytes)} ${unit} in ${seconds.toFixed(3)} s (${gbps(bytes * members, seconds)} GB/s, ${engine} ${kernel})`,
  };
}

/** Opens whole outputs after the inputs; on refusal the inputs are closed again. */
export async function openOutputsFor(
  members: InputMember[],
  paths: string[],
  ctx: Context,
  length: number,
): Promise<OutputSink[]> {
  try {
    return await openOutputs(paths, members, { force: ctx.opts.force, length });
  } catch (err) {
    await closeAll(members);
    throw err;
  }
}

/** 2 <= n <= 253 data members (disks = n + 2 <= 255). */
export function checkDataCount(command: string, n: number): void {
  if (n < 2 || n > 253) throw new UsageError(`${command}: needs 2 to 253 DATA members, got ${n}`);
}

/** Length when every member may be a placeholder: --length must then say how long. */
export function requireSomeInput(command: string, members: InputMember[], ctx: Context): void {
  if (members.every((m) => m.handle === null) && ctx.opts.length === null) {
    throw new UsageError(`${command}: every member is a placeholder; give --length`);
  }
}
