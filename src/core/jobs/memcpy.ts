// Copies a range of one member into a destination, in place (like dd conv=notrunc).

import { initAsyncSubmit } from '../async-tx.js';
import { AsyncTxFlags } from '../flags.js';
import type { MemberSpec } from '../io/member.js';
import { closeAll } from '../io/members.js';
import { type OutputSink, openInPlace } from '../io/output.js';
import { asyncMemcpy } from '../ops/memcpy.js';
import { awaitChain } from './chain.js';
import { type JobOptions, type JobResult, openInputs, runJob } from './run.js';

export interface MemcpyJob {
  src: MemberSpec;
  /** created when absent, never truncated */
  dest: MemberSpec;
  /** added to the source's start */
  srcOffset: number;
  /** added to the destination's start */
  destOffset: number;
}

export async function memcpyMembers(job: MemcpyJob, opts: JobOptions): Promise<JobResult> {
  const { members, length } = await openInputs([job.src], opts, job.srcOffset);
  let out: OutputSink;
  try {
    out = await openInPlace(job.dest, members, {
      force: opts.force,
      create: true,
      offset: opts.offset + job.destOffset,
      length,
    });
  } catch (err) {
    await closeAll(members);
    throw err;
  }
  const seconds = await runJob('memcpy', opts, members, [out], length, {
    slots: 2,
    reads: [{ slot: 0, member: members[0]! }],
    writes: [{ slot: 1, out }],
    async compute(bufs, len) {
      await awaitChain(
        asyncMemcpy(bufs[1]!, bufs[0]!, 0, 0, len, initAsyncSubmit(AsyncTxFlags.ACK)),
        'memcpy',
      );
    },
  });
  return { bytes: length, seconds };
}
