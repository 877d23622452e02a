// XOR of members into an output (RAID5 parity), or into the destination in place (accumulate).

import { initAsyncSubmit } from '../async-tx.js';
import { AsyncTxFlags } from '../flags.js';
import type { MemberSpec } from '../io/member.js';
import { closeAll } from '../io/members.js';
import { type OutputSink, openInPlace } from '../io/output.js';
import { asyncMemcpy } from '../ops/memcpy.js';
import { asyncXor } from '../ops/xor.js';
import { asyncXorVal } from '../ops/xor-val.js';
import { awaitChain } from './chain.js';
import {
  type JobOptions,
  type JobResult,
  openInputs,
  openOutputsFor,
  refuseSame,
  runJob,
  verifyFailed,
} from './run.js';

export interface XorJob {
  srcs: MemberSpec[];
  output: string;
  /** check each step's result with a dependent xor_val before it is written */
  verify: boolean;
}

/** output = XOR of the srcs (an atomic whole output). */
export async function xorMembers(job: XorJob, opts: JobOptions): Promise<JobResult & { members: number }> {
  const { members, length } = await openInputs(job.srcs, opts);
  const n = members.length;
  const outputs = await openOutputsFor(members, [job.output], opts, length);
  const seconds = await runJob('xor', opts, members, outputs, length, {
    slots: n + 1,
    reads: members.map((member, slot) => ({ slot, member })),
    writes: [{ slot: n, out: outputs[0]! }],
    async compute(bufs, len, pos) {
      const srcs = bufs.slice(0, n) as Buffer[];
      const dest = bufs[n]!;
      const flags = AsyncTxFlags.XOR_ZERO_DST | (job.verify ? 0 : AsyncTxFlags.ACK);
      let tx = asyncXor(dest, srcs, 0, n, len, initAsyncSubmit(flags));
      const res = { value: 0 };
      if (job.verify)
        tx = asyncXorVal(null, [dest, ...srcs], 0, n + 1, len, res, initAsyncSubmit(AsyncTxFlags.ACK, tx));
      await awaitChain(tx, 'xor');
      if (res.value !== 0) throw verifyFailed('xor', pos, '; nothing written', job.output);
    },
  });
  return { bytes: length, seconds, members: n };
}

export interface XorAccumulateJob {
  /** the destination, read and written in place */
  dest: MemberSpec;
  srcs: MemberSpec[];
  verify: boolean;
}

/** dest ^= XOR of the srcs, in place. */
export async function xorAccumulate(job: XorAccumulateJob, opts: JobOptions): Promise<JobResult> {
  const { members, length } = await openInputs([job.dest, ...job.srcs], opts);
  const n = job.srcs.length;
  let out: OutputSink;
  try {
    refuseSame(members[0]!, members.slice(1), 'destination');
    out = await openInPlace(job.dest, members.slice(1), {
      force: opts.force,
      create: false,
      offset: opts.offset,
      length,
    });
  } catch (err) {
    await closeAll(members);
    throw err;
  }
  const dest = job.dest.spec;
  // slots: 0 = DEST, 1..n = SRCs, n + 1 = the old DEST (kept for verify)
  const seconds = await runJob('xor', opts, members, [out], length, {
    slots: job.verify ? n + 2 : n + 1,
    reads: members.map((member, slot) => ({ slot, member })),
    writes: [{ slot: 0, out }],
    async compute(bufs, len, pos) {
      const d = bufs[0]!;
      const srcs = bufs.slice(1, n + 1) as Buffer[];
      let tx = null;
      if (job.verify) tx = asyncMemcpy(bufs[n + 1]!, d, 0, 0, len, initAsyncSubmit(0));
      const flags = AsyncTxFlags.XOR_DROP_DST | (job.verify ? 0 : AsyncTxFlags.ACK);
      tx = asyncXor(d, [d, ...srcs], 0, n + 1, len, initAsyncSubmit(flags, tx));
      const res = { value: 0 };
      if (job.verify) {
        const all = [d, bufs[n + 1]!, ...srcs];
        tx = asyncXorVal(null, all, 0, n + 2, len, res, initAsyncSubmit(AsyncTxFlags.ACK, tx));
      }
      await awaitChain(tx, 'xor');
      if (res.value !== 0) throw verifyFailed('xor', pos, '', dest);
    },
  });
  return { bytes: length, seconds };
}
