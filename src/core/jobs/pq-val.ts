// Checks P and/or Q against the data members and names the suspect of every inconsistent range.
// Around damage: each stretch with the same unreadable members is checked with the parity left
// (damage/raid6.ts); stretches with nothing left to check are reported unchecked, never as mismatches.

import { initAsyncSubmit } from '../async-tx.js';
import { Suspect } from '../contract.js';
import { type DamageReport, emptyReport } from '../damage/damage.js';
import { type Extent, segments, unitPieces } from '../damage/extents.js';
import { raid6Checkable, submitRaid6Check } from '../damage/raid6.js';
import { appendDamaged, strictFailure, unreadableOf } from '../damage/report.js';
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
  /** unreadable ranges; `lost` holds the ranges that could not be checked */
  damage: DamageReport;
}

export async function pqValMembers(job: PqValJob, opts: JobOptions): Promise<PqValResult> {
  const n = job.data.length;
  const parity = [job.p, job.q].filter((s): s is MemberSpec => s !== null);
  const { members, length } = await openInputs([...job.data, ...parity], opts);
  const pSlot = n;
  const qSlot = n + 1;
  const slotOf = (i: number): number => (i < n ? i : i === n && job.p !== null ? pSlot : qSlot);
  const labels: string[] = [];
  members.forEach((m, i) => {
    labels[slotOf(i)] = m.label;
  });
  const absent = [...(job.p === null ? [pSlot] : []), ...(job.q === null ? [qSlot] : [])];
  const g = job.granularity;
  const step = valStep(opts.step, g);
  const granules = Math.ceil(Math.min(step, Math.max(length, 1)) / g);
  const flags = new Uint8Array(granules);
  const suspect = new Int32Array(granules);
  const mismatches: PqMismatch[] = [];
  const report = emptyReport();
  const strict = opts.damage?.strict ?? false;
  /** Checks bufs[*][piece] with `slots` unreadable there and records its mismatches. */
  const check = async (
    bufs: (Buffer | null)[],
    piece: Extent,
    pos: number,
    slots: number[],
  ): Promise<void> => {
    const views = bufs.map((b) => b?.subarray(piece.offset, piece.offset + piece.length) ?? null);
    const res = { value: 0 };
    const detail = { granularity: g, flags, suspect };
    const tx =
      slots.length === 0
        ? asyncSyndromeVal(views, 0, n + 2, piece.length, res, initAsyncSubmit(AsyncTxFlags.ACK), detail)
        : submitRaid6Check(views, new Set([...absent, ...slots]), piece.length, res, detail).tx;
    await awaitChain(tx, 'pq-val');
    if (res.value === 0) return;
    for (let i = 0; i < Math.ceil(piece.length / g); i++) {
      const f = flags[i]!;
      if (f === 0) continue;
      // with a member unreadable, the parity left cannot say who is wrong
      const code = slots.length > 0 ? Suspect.UNKNOWN : suspect[i]!;
      const m: PqMismatch = {
        offset: pos + piece.offset + i * g,
        length: Math.min(g, piece.length - i * g),
        p: (f & 1) !== 0,
        q: (f & 2) !== 0,
        suspect: suspectOf(code === Suspect.NONE ? Suspect.UNKNOWN : code),
      };
      appendRange(mismatches, m, alikePq);
    }
  };
  const seconds = await runJob('pq-val', opts, members, [], length, {
    chunk: step,
    slots: n + 2,
    emptySlots: [...members.slice(0, n).flatMap((m, i) => (m.handle === null ? [i] : [])), ...absent],
    reads: members.flatMap((member, i) => (member.handle ? [{ slot: slotOf(i), member }] : [])),
    writes: [],
    // read around damage when asked to (the command line always is); a library caller without
    // `damage` keeps read errors fatal
    ...(opts.damage ? { readPolicy: opts.damage.policy } : {}),
    async compute(bufs, len, pos, bad) {
      for (const seg of segments(bad, len)) {
        if (seg.slots.length > 0) {
          if (!raid6Checkable(new Set([...absent, ...seg.slots]), n)) {
            appendDamaged(
              report.lost,
              pos + seg.lo,
              seg.hi - seg.lo,
              seg.slots.map((s) => labels[s]!),
            );
            if (strict)
              throw strictFailure('pq-val', report.lost[report.lost.length - 1]!, 'could not be checked');
            continue;
          }
        }
        for (const piece of unitPieces(seg.lo, seg.hi, g)) await check(bufs, piece, pos, seg.slots);
      }
    },
  });
  report.unreadable = unreadableOf(members, length);
  return { bytes: length, seconds, mismatches, damage: report };
}
