// RAID6 recovery of lost data members (lib/raid6/recov.c): two data members from P, Q and the
// rest (2data), or one data member and P from Q and the rest (datap).

import type { MemberSpec } from '../io/member.js';
import { asyncRaid62DataRecov } from '../ops/raid6-2data-recov.js';
import { asyncRaid6DatapRecov } from '../ops/raid6-datap-recov.js';
import {
  finishPqStep,
  type JobOptions,
  type JobResult,
  openInputs,
  openOutputsFor,
  resumeFor,
  runJob,
  stepSubmit,
} from './run.js';

export interface Recover2DataJob {
  /** data members in order; exactly two are `missing` */
  data: MemberSpec[];
  p: MemberSpec;
  q: MemberSpec;
  /** one output per missing member, in member order */
  outputs: [string, string];
  verify: boolean;
}

const missingOf = (data: MemberSpec[]): number[] => data.flatMap((s, i) => (s.kind === 'missing' ? [i] : []));

export async function recover2DataMembers(
  job: Recover2DataJob,
  opts: JobOptions,
): Promise<JobResult & { failed: [number, number] }> {
  const n = job.data.length;
  const [fa, fb] = missingOf(job.data) as [number, number];
  const { members, length } = await openInputs([...job.data, job.p, job.q], opts);
  const resume = await resumeFor(members, job.outputs, opts);
  const outputs = await openOutputsFor(members, job.outputs, opts, length, resume);
  const seconds = await runJob('recover-2data', opts, members, outputs, length, {
    slots: n + 2,
    emptySlots: members.slice(0, n).flatMap((m, i) => (m.kind === 'zero' ? [i] : [])),
    reads: members.flatMap((member, slot) => (member.handle ? [{ slot, member }] : [])),
    writes: [
      { slot: fa, out: outputs[0]! },
      { slot: fb, out: outputs[1]! },
    ],
    async compute(bufs, len, pos) {
      const tx = asyncRaid62DataRecov(n + 2, len, fa, fb, bufs, stepSubmit(job.verify));
      await finishPqStep('recover-2data', tx, bufs, len, pos, job.verify);
    },
    resume: { session: resume, part: 0 },
  });
  return { bytes: length, seconds, failed: [fa, fb] };
}

export interface RecoverDatapJob {
  /** data members in order; exactly one is `missing` */
  data: MemberSpec[];
  q: MemberSpec;
  output: string;
  /** also write the rebuilt P here */
  outP: string | null;
  verify: boolean;
}

export async function recoverDatapMembers(
  job: RecoverDatapJob,
  opts: JobOptions,
): Promise<JobResult & { failed: number }> {
  const n = job.data.length;
  const fa = missingOf(job.data)[0]!;
  const { members, length } = await openInputs([...job.data, job.q], opts);
  const outPaths = [job.output, ...(job.outP !== null ? [job.outP] : [])];
  const resume = await resumeFor(members, outPaths, opts);
  const outputs = await openOutputsFor(members, outPaths, opts, length, resume);
  const qSlot = n + 1;
  const seconds = await runJob('recover-datap', opts, members, outputs, length, {
    slots: n + 2,
    emptySlots: members.slice(0, n).flatMap((m, i) => (m.kind === 'zero' ? [i] : [])),
    reads: members.flatMap((member, i) => (member.handle ? [{ slot: i < n ? i : qSlot, member }] : [])),
    writes: [{ slot: fa, out: outputs[0]! }, ...(job.outP !== null ? [{ slot: n, out: outputs[1]! }] : [])],
    async compute(bufs, len, pos) {
      const tx = asyncRaid6DatapRecov(n + 2, len, fa, bufs, stepSubmit(job.verify));
      await finishPqStep('recover-datap', tx, bufs, len, pos, job.verify);
    },
    resume: { session: resume, part: 0 },
  });
  return { bytes: length, seconds, failed: fa };
}
