// Fills a range of a destination with one byte value, in place.

import { initAsyncSubmit } from '../async-tx.js';
import { AsyncTxFlags } from '../flags.js';
import type { MemberSpec } from '../io/member.js';
import { openInPlace } from '../io/output.js';
import { asyncMemset } from '../ops/memset.js';
import { awaitChain } from './chain.js';
import { type JobOptions, type JobResult, runJob } from './run.js';

/** Fills `length` bytes of `dest` from its start (plus opts.offset) with `value`. */
export async function memsetMember(
  dest: MemberSpec,
  value: number,
  length: number,
  opts: JobOptions,
): Promise<JobResult> {
  const out = await openInPlace(dest, [], { force: opts.force, create: true, offset: opts.offset, length });
  const seconds = await runJob('memset', opts, [], [out], length, {
    slots: 1,
    reads: [],
    writes: [{ slot: 0, out }],
    async compute(bufs, len) {
      await awaitChain(asyncMemset(bufs[0]!, value, 0, len, initAsyncSubmit(AsyncTxFlags.ACK)), 'memset');
    },
  });
  return { bytes: length, seconds };
}
