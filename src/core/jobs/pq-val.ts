// Checks P and/or Q against the data members and names the suspect of every inconsistent range.

import { initAsyncSubmit } from '../async-tx.js';
import { Suspect } from '../contract.js';
import { AsyncTxFlags } from '../flags.js';
import type { MemberSpec } from '../io/member.js';
import { asyncSyndromeVal } from '../ops/pq-val.js';
import { awaitChain } from './chain.js';
import { alikePq, appendRange, type PqMismatch, suspectOf, valStep } from './ranges.js';
import { type JobOptions, openInputs, runJob } from './run.js';

export interface PqValJob {
  data: MemberSpec[];
  /** the parity members to check; at least one */
  p: MemberSpec | null;
  q: MemberSpec | null;
  /** report unit, bytes */
  granularity: number;
}

export interface PqValResult {
  bytes: number;
  seconds: number;
  mismatches: PqMismatch[];
}

export async function pqValMembers(job: PqValJob, opts: JobOptions): Promise<PqValResult> {
  const n = job.data.length;
  const parity = [job.p, job.q].filter((s): s is MemberSpec => s !== null);
  const { members, length } = await openInputs([...job.data, ...parity], opts);
  const pSlot = n;
  const qSlot = n + 1;
  const slotOf = (i: number): number => (i < n ? i : i === n && job.p !== null ? pSlot : qSlot);
  const g = job.granularity;
  const step = valStep(opts.step, g);
  const granules = Math.ceil(Math.min(step, Math.max(length, 1)) / g);
  const flags = new Uint8Array(granules);
  const suspect = new Int32Array(granules);
  const mismatches: PqMismatch[] = [];
  const seconds = await runJob('pq-val', opts, members, [], length, {
    chunk: step,
    slots: n + 2,
    emptySlots: [
      ...members.slice(0, n).flatMap((m, i) => (m.handle === null ? [i] : [])),
      ...(job.p === null ? [pSlot] : []),
      ...(job.q === null ? [qSlot] : []),
    ],
    reads: members.flatMap((member, i) => (member.handle ? [{ slot: slotOf(i), member }] : [])),
    writes: [],
    async compute(bufs, len, pos) {
      const res = { value: 0 };
      const detail = { granularity: g, flags, suspect };
      const tx = asyncSyndromeVal(bufs, 0, n + 2, len, res, initAsyncSubmit(AsyncTxFlags.ACK), detail);
      await awaitChain(tx, 'pq-val');
      if (res.value === 0) return;
      for (let i = 0; i < Math.ceil(len / g); i++) {
        const f = flags[i]!;
        if (f === 0) continue;
        const offset = pos + i * g;
        const code = suspect[i]!;
        const m: PqMismatch = {
          offset,
          length: Math.min(g, length - offset),
          p: (f & 1) !== 0,
          q: (f & 2) !== 0,
          suspect: suspectOf(code === Suspect.NONE ? Suspect.UNKNOWN : code),
        };
        appendRange(mismatches, m, alikePq);
      }
    },
  });
  return { bytes: length, seconds, mismatches };
}
