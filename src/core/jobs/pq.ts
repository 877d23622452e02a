// The RAID6 syndrome of data members into P and/or Q outputs.

import { FieldError } from '../field-error.js';
import type { MemberSpec } from '../io/member.js';
import { asyncGenSyndrome } from '../ops/pq.js';
import {
  finishPqStep,
  type JobOptions,
  type JobResult,
  openInputs,
  openOutputsFor,
  runJob,
  stepSubmit,
} from './run.js';

export interface PqJob {
  /** data members in order; a `zero` member keeps its index (its Q coefficient) */
  data: MemberSpec[];
  /** output paths; at least one of the two */
  p: string | null;
  q: string | null;
  verify: boolean;
}

/** Writes P and/or Q of the data members (atomic whole outputs). */
export async function pqMembers(job: PqJob, opts: JobOptions): Promise<JobResult> {
  if (job.data.every((s) => s.kind !== 'path') && opts.length === null) {
    throw new FieldError('length', (f) => `pq: every data member is \`zero\`; give ${f}`);
  }
  const { members, length } = await openInputs(job.data, opts);
  const n = members.length;
  const outPaths = [job.p, job.q].filter((x): x is string => x !== null);
  const outputs = await openOutputsFor(members, outPaths, opts, length);
  const pSlot = n;
  const qSlot = n + 1;
  const writes = [];
  let k = 0;
  if (job.p !== null) writes.push({ slot: pSlot, out: outputs[k++]! });
  if (job.q !== null) writes.push({ slot: qSlot, out: outputs[k++]! });
  const seconds = await runJob('pq', opts, members, outputs, length, {
    slots: n + 2,
    emptySlots: [
      ...members.flatMap((m, i) => (m.handle === null ? [i] : [])),
      ...(job.p === null ? [pSlot] : []),
      ...(job.q === null ? [qSlot] : []),
    ],
    reads: members.flatMap((member, slot) => (member.handle ? [{ slot, member }] : [])),
    writes,
    async compute(bufs, len, pos) {
      const tx = asyncGenSyndrome(bufs, 0, n + 2, len, stepSubmit(job.verify));
      await finishPqStep('pq', tx, bufs, len, pos, job.verify);
    },
  });
  return { bytes: length, seconds };
}
