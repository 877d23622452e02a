// Building a DamageReport: the members' unreadable extents as found, and ranges of an output (lost,
// recovered, unchecked) appended in order, adjacent ones with the same members merged.

import { IoError } from '../errors.js';
import type { InputMember } from '../io/members.js';
import type { Carried } from '../io/resume.js';
import type { DamagedRange, DamageReport, DamageSource, Unreadable } from './damage.js';
import { clip, normalize } from './extents.js';

/**
 * The unreadable extents of `members` within the bytes a run used ([start, start + length) of each),
 * in each member's file coordinates, merged per source, ordered by member then offset.
 */
export function unreadableOf(members: readonly InputMember[], length: number): Unreadable[] {
  const out: Unreadable[] = [];
  const seen = new Set<InputMember['damage']>();
  for (const m of members) {
    if (!m.damage || seen.has(m.damage)) continue;
    seen.add(m.damage);
    const sources = [...new Set(m.damage.extents.map((e) => e.source))].sort() as DamageSource[];
    for (const source of sources) {
      const list = normalize(
        clip(
          m.damage.extents.filter((e) => e.source === source),
          m.start,
          m.start + length,
        ),
      );
      for (const e of list)
        out.push({ member: m.label, offset: e.offset + m.start, length: e.length, source });
    }
  }
  return out;
}

/** Appends [offset, offset + length) with `members`, merging into the last range when adjacent and alike. */
export function appendDamaged(list: DamagedRange[], offset: number, length: number, members: string[]): void {
  if (length <= 0) return;
  const last = list[list.length - 1];
  if (
    last &&
    last.offset + last.length === offset &&
    last.members.length === members.length &&
    last.members.every((x, i) => x === members[i])
  ) {
    last.length += length;
    return;
  }
  list.push({ offset, length, members });
}

/**
 * What an append-only range list (appendDamaged's, which may lengthen its last range) holds now: a
 * function giving a copy of that prefix later, however the list grew since (--resume checkpoints).
 */
export function markRanges(list: readonly DamagedRange[]): () => DamagedRange[] {
  const count = list.length;
  const lastLength = list[count - 1]?.length ?? 0;
  return () =>
    list.slice(0, count).map((r, i) => ({ ...r, length: i === count - 1 ? lastLength : r.length }));
}

/** The recovered and lost ranges of a report, as a --resume checkpoint keeps them. */
export interface CarriedRanges {
  recovered: DamagedRange[];
  lost: DamagedRange[];
}

/**
 * A report built by appendDamaged across a --resume interrupt (recover-*): its lost and recovered
 * ranges as at a step boundary. A lost range under --strict fails the restore as it failed the run
 * (such a state is never written: the run stops before its next checkpoint).
 */
export function carriedReport(report: DamageReport, label: string, strict: boolean): Carried<CarriedRanges> {
  return {
    mark: () => {
      const r = markRanges(report.recovered);
      const l = markRanges(report.lost);
      return () => ({ recovered: r(), lost: l() });
    },
    restore: (saved) => {
      if (strict && saved.lost[0]) throw strictFailure(label, saved.lost[0], 'could not be recovered');
      for (const r of saved.recovered) appendDamaged(report.recovered, r.offset, r.length, r.members);
      for (const r of saved.lost) appendDamaged(report.lost, r.offset, r.length, r.members);
    },
  };
}

/** Total bytes of a range list. */
export function bytesOf(list: readonly { length: number }[]): number {
  return list.reduce((n, r) => n + r.length, 0);
}

/** The error of a `--strict` run at its first lost (or unchecked) range: exit 3, nothing committed. */
export function strictFailure(label: string, r: DamagedRange, what: string): IoError {
  const who = r.members.map((m) => `'${m}'`).join(', ');
  return new IoError(
    `${label}: ${r.length} bytes at offset ${r.offset} ${what} (unreadable: ${who}); --strict: nothing committed`,
    undefined,
    r.offset,
  );
}
