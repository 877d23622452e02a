// RAID6 recovery of lost data members (lib/raid6/recov.c): two data members from P, Q and the
// rest (2data), or one data member and P from Q and the rest (datap). Read around damage: at each
// byte the erasures are the missing members plus the members unreadable there (damage/raid6.ts);
// what exceeds the redundancy is zero-filled and reported lost.

import { type DamageReport, emptyReport } from '../damage/damage.js';
import { type Extent, segments } from '../damage/extents.js';
import { submitRaid6Rebuild } from '../damage/raid6.js';
import { appendDamaged, carriedReport, strictFailure, unreadableOf } from '../damage/report.js';
import type { MemberSpec } from '../io/member.js';
import { closeAll, type InputMember } from '../io/members.js';
import type { ResumeSession } from '../io/resume.js';
import { awaitChain } from './chain.js';
import {
  finishPqStep,
  type JobOptions,
  type JobResult,
  openInputs,
  openOutputsFor,
  resumeFor,
  runJob,
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

/** How one recovery streams: the slots erased everywhere, the slots written, who is in each slot. */
interface Recovery {
  label: string;
  /** erased in every stretch: the missing data members (and P when it is not an input) */
  erased: number[];
  want: number[];
  /** member label per slot, for reports (null: no input there) */
  labels: (string | null)[];
  verify: boolean;
  strict: boolean;
  report: DamageReport;
}

/**
 * One step: each stretch with the same unreadable members is decoded on its own, so one bad sector
 * costs one sector. A healthy step is one stretch and runs as before (with its --verify).
 */
async function recoverStep(
  r: Recovery,
  bufs: (Buffer | null)[],
  len: number,
  pos: number,
  bad: (Extent[] | null)[],
): Promise<void> {
  for (const seg of segments(bad, len)) {
    const seglen = seg.hi - seg.lo;
    const views = bufs.map((b) => b?.subarray(seg.lo, seg.hi) ?? null);
    const erased = new Set([...r.erased, ...seg.slots]);
    const verify = r.verify && seg.slots.length === 0;
    const { tx, lost } = submitRaid6Rebuild(views, erased, r.want, seglen, !verify);
    const who = seg.slots.map((s) => r.labels[s]!);
    if (lost) {
      for (const s of r.want) views[s]!.fill(0);
      appendDamaged(r.report.lost, pos + seg.lo, seglen, who);
      if (r.strict)
        throw strictFailure(r.label, r.report.lost[r.report.lost.length - 1]!, 'could not be recovered');
      continue;
    }
    if (seg.slots.length === 0) {
      await finishPqStep(r.label, tx, views, seglen, pos + seg.lo, verify);
    } else {
      await awaitChain(tx, r.label);
      appendDamaged(r.report.recovered, pos + seg.lo, seglen, who);
    }
  }
}

/**
 * --resume: the report's lost and recovered ranges go with each checkpoint and come back on resume
 * (the unreadable ones are the members' damage, which the session keeps). On refusal the inputs
 * are closed.
 */
async function carryReport(
  resume: ResumeSession | null,
  members: InputMember[],
  report: DamageReport,
  label: string,
  opts: JobOptions,
): Promise<void> {
  try {
    resume?.carry('damage', carriedReport(report, label, opts.damage?.strict ?? false));
  } catch (err) {
    await closeAll(members);
    throw err;
  }
}

function labelsOf(members: InputMember[], slotOf: (i: number) => number, slots: number): (string | null)[] {
  const labels: (string | null)[] = Array.from({ length: slots }, () => null);
  members.forEach((m, i) => {
    if (m.handle !== null) labels[slotOf(i)] = m.label;
  });
  return labels;
}

export async function recover2DataMembers(
  job: Recover2DataJob,
  opts: JobOptions,
): Promise<JobResult & { failed: [number, number]; damage: DamageReport }> {
  const n = job.data.length;
  const [fa, fb] = missingOf(job.data) as [number, number];
  const { members, length } = await openInputs([...job.data, job.p, job.q], opts);
  const resume = await resumeFor(members, job.outputs, opts);
  const report = emptyReport();
  await carryReport(resume, members, report, 'recover-2data', opts);
  const outputs = await openOutputsFor(members, job.outputs, opts, length, resume);
  const r: Recovery = {
    label: 'recover-2data',
    erased: [fa, fb],
    want: [fa, fb],
    labels: labelsOf(members, (i) => i, n + 2),
    verify: job.verify,
    strict: opts.damage?.strict ?? false,
    report,
  };
  const seconds = await runJob('recover-2data', opts, members, outputs, length, {
    slots: n + 2,
    emptySlots: members.slice(0, n).flatMap((m, i) => (m.kind === 'zero' ? [i] : [])),
    reads: members.flatMap((member, slot) => (member.handle ? [{ slot, member }] : [])),
    writes: [
      { slot: fa, out: outputs[0]! },
      { slot: fb, out: outputs[1]! },
    ],
    // read around damage when asked to (the command line always is); a library caller without
    // `damage` keeps read errors fatal
    ...(opts.damage ? { readPolicy: opts.damage.policy } : {}),
    compute: (bufs, len, pos, bad) => recoverStep(r, bufs, len, pos, bad),
    resume: { session: resume, part: 0 },
  });
  report.unreadable = unreadableOf(members, length);
  return { bytes: length, seconds, failed: [fa, fb], damage: report };
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
): Promise<JobResult & { failed: number; damage: DamageReport }> {
  const n = job.data.length;
  const fa = missingOf(job.data)[0]!;
  const { members, length } = await openInputs([...job.data, job.q], opts);
  const outPaths = [job.output, ...(job.outP !== null ? [job.outP] : [])];
  const resume = await resumeFor(members, outPaths, opts);
  const report = emptyReport();
  await carryReport(resume, members, report, 'recover-datap', opts);
  const outputs = await openOutputsFor(members, outPaths, opts, length, resume);
  const qSlot = n + 1;
  const slotOf = (i: number): number => (i < n ? i : qSlot);
  const r: Recovery = {
    label: 'recover-datap',
    erased: [fa, n],
    want: job.outP !== null ? [fa, n] : [fa],
    labels: labelsOf(members, slotOf, n + 2),
    verify: job.verify,
    strict: opts.damage?.strict ?? false,
    report,
  };
  const seconds = await runJob('recover-datap', opts, members, outputs, length, {
    slots: n + 2,
    emptySlots: members.slice(0, n).flatMap((m, i) => (m.kind === 'zero' ? [i] : [])),
    reads: members.flatMap((member, i) => (member.handle ? [{ slot: slotOf(i), member }] : [])),
    writes: [{ slot: fa, out: outputs[0]! }, ...(job.outP !== null ? [{ slot: n, out: outputs[1]! }] : [])],
    // read around damage when asked to (the command line always is); a library caller without
    // `damage` keeps read errors fatal
    ...(opts.damage ? { readPolicy: opts.damage.policy } : {}),
    compute: (bufs, len, pos, bad) => recoverStep(r, bufs, len, pos, bad),
    resume: { session: resume, part: 0 },
  });
  report.unreadable = unreadableOf(members, length);
  return { bytes: length, seconds, failed: fa, damage: report };
}
