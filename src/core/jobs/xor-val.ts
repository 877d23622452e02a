// Checks that the XOR of members (data and parity) is zero, granule by granule. A stretch where a
// member is unreadable has nothing left to check it with: it is reported unchecked, not a mismatch.

import { initAsyncSubmit } from '../async-tx.js';
import { type DamageReport, emptyReport } from '../damage/damage.js';
import { segments, unitPieces } from '../damage/extents.js';
import { appendDamaged, strictFailure, unreadableOf } from '../damage/report.js';
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
  /** unreadable ranges; `lost` holds the ranges that could not be checked */
  damage: DamageReport;
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
  const report = emptyReport();
  const strict = opts.damage?.strict ?? false;
  const seconds = await runJob('xor-val', opts, members, [], length, {
    chunk: step,
    slots: n,
    reads: members.map((member, slot) => ({ slot, member })),
    writes: [],
    // read around damage when asked to (the command line always is); a library caller without
    // `damage` keeps read errors fatal
    ...(opts.damage ? { readPolicy: opts.damage.policy } : {}),
    async compute(bufs, len, pos, bad) {
      for (const seg of segments(bad, len)) {
        const seglen = seg.hi - seg.lo;
        if (seg.slots.length > 0) {
          appendDamaged(
            report.lost,
            pos + seg.lo,
            seglen,
            seg.slots.map((s) => members[s]!.label),
          );
          if (strict)
            throw strictFailure('xor-val', report.lost[report.lost.length - 1]!, 'could not be checked');
          continue;
        }
        for (const piece of unitPieces(seg.lo, seg.hi, g)) {
          const views = bufs.map((b) => b!.subarray(piece.offset, piece.offset + piece.length));
          const res = { value: 0 };
          const submit = initAsyncSubmit(AsyncTxFlags.ACK);
          const tx = asyncXorVal(null, views, 0, n, piece.length, res, submit, { granularity: g, flags });
          await awaitChain(tx, 'xor-val');
          if (res.value === 0) continue;
          for (let i = 0; i < Math.ceil(piece.length / g); i++) {
            if (flags[i] === 0) continue;
            const offset = pos + piece.offset + i * g;
            appendRange(mismatches, { offset, length: Math.min(g, piece.length - i * g) });
          }
        }
      }
    },
  });
  report.unreadable = unreadableOf(members, length);
  return { bytes: length, seconds, members: n, mismatches, damage: report };
}
