// Checks that the XOR of members (data and parity) is zero, granule by granule.

import { initAsyncSubmit } from '../async-tx.js';
import { AsyncTxFlags } from '../flags.js';
import type { MemberSpec } from '../io/member.js';
import { asyncXorVal } from '../ops/xor-val.js';
import { awaitChain } from './chain.js';
import { appendRange, type Range, valStep } from './ranges.js';
import { type JobOptions, openInputs, runJob } from './run.js';

export interface XorValResult {
  bytes: number;
  seconds: number;
  members: number;
  /** ranges (member offsets) where the XOR is not zero, merged */
  mismatches: Range[];
}

/** Reports, in `granularity` units, where the XOR of `srcs` is not zero. */
export async function xorValMembers(
  srcs: MemberSpec[],
  granularity: number,
  opts: JobOptions,
): Promise<XorValResult> {
  const { members, length } = await openInputs(srcs, opts);
  const n = members.length;
  const g = granularity;
  const step = valStep(opts.step, g);
  const flags = new Uint8Array(Math.ceil(Math.min(step, Math.max(length, 1)) / g));
  const mismatches: Range[] = [];
  const seconds = await runJob('xor-val', opts, members, [], length, {
    chunk: step,
    slots: n,
    reads: members.map((member, slot) => ({ slot, member })),
    writes: [],
    async compute(bufs, len, pos) {
      const res = { value: 0 };
      const submit = initAsyncSubmit(AsyncTxFlags.ACK);
      const tx = asyncXorVal(null, bufs as Buffer[], 0, n, len, res, submit, { granularity: g, flags });
      await awaitChain(tx, 'xor-val');
      if (res.value === 0) return;
      for (let i = 0; i < Math.ceil(len / g); i++) {
        if (flags[i] === 0) continue;
        const offset = pos + i * g;
        appendRange(mismatches, { offset, length: Math.min(g, length - offset) });
      }
    },
  });
  return { bytes: length, seconds, members: n, mismatches };
}
