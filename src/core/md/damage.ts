// md's side of "Damaged members" (DESIGN): what the md jobs report of damage — ranges rebuilt
// beyond the missing members (recovered) and ranges beyond repair (lost) in an output's coordinates,
// met out of order (segment by segment, slot by slot), and the members' unreadable ranges within
// the several areas a job read of one member (regions of a reshape, a healed member's copy).

import {
  type DamagedRange,
  type DamageReport,
  DEFAULT_READ_POLICY,
  type Unreadable,
} from '../damage/damage.js';
import { type Extent, normalize } from '../damage/extents.js';
import type { DamageOptions } from '../damage/options.js';
import {
  appendDamaged,
  type CarriedRanges,
  markRanges,
  strictFailure,
  unreadableOf,
} from '../damage/report.js';
import type { InputMember } from '../io/members.js';
import type { Carried } from '../io/resume.js';

/** How an md job meets damage: read errors narrowed down by `policy`; `strict` fails on a lost byte. */
export type MdDamageOptions = Pick<DamageOptions, 'policy' | 'strict'>;

/**
 * What library callers get by default: md jobs always read around damage, because a member's
 * bad-block log (read at assembly) is damage whatever the options; read errors are narrowed down
 * with the default policy, and lost bytes are reported in the result's `damage`.
 */
export const MD_READ_AROUND: MdDamageOptions = { policy: DEFAULT_READ_POLICY, strict: false };

/** Collects the recovered and lost ranges of one output as they are met, in any order. */
export class DamageLog {
  private readonly got: { recovered: DamagedRange[]; lost: DamagedRange[] } = { recovered: [], lost: [] };

  constructor(
    private readonly label: string,
    private readonly strict: boolean,
  ) {}

  /** Adds a range; with --strict a lost one fails the run (exit 3, nothing committed). */
  add(lost: boolean, offset: number, length: number, members: string[]): void {
    if (length <= 0) return;
    const r = { offset, length, members };
    if (lost && this.strict) throw strictFailure(this.label, r, 'cannot be recovered');
    (lost ? this.got.lost : this.got.recovered).push(r);
  }

  /** The ranges sorted, adjacent ones with the same members merged. */
  ranges(): { recovered: DamagedRange[]; lost: DamagedRange[] } {
    return { recovered: merged(this.got.recovered), lost: merged(this.got.lost) };
  }

  /**
   * The log across a --resume interrupt: what it held at a step boundary, merged. Restored ranges
   * may be met again by the resumed run (md rebuild copies a healed member's metadata again): the
   * merge takes a range met twice once. A lost range under --strict fails the restore as it failed
   * the run (such a state is never written: the run stops before its next checkpoint).
   */
  carried(): Carried<CarriedRanges> {
    return {
      mark: () => {
        const r = markRanges(this.got.recovered);
        const l = markRanges(this.got.lost);
        return () => ({ recovered: merged(r()), lost: merged(l()) });
      },
      restore: (saved) => {
        for (const r of saved.recovered) this.add(false, r.offset, r.length, r.members);
        for (const r of saved.lost) this.add(true, r.offset, r.length, r.members);
      },
    };
  }
}

/** `list` sorted, ranges with the same members merged where adjacent or overlapping. */
function merged(list: readonly DamagedRange[]): DamagedRange[] {
  const out: DamagedRange[] = [];
  for (const r of [...list].sort((x, y) => x.offset - y.offset)) {
    const last = out[out.length - 1];
    const end = last ? last.offset + last.length : 0;
    const alike =
      last?.members.length === r.members.length && last.members.every((x, i) => x === r.members[i]);
    if (last && alike && r.offset < end) last.length = Math.max(end, r.offset + r.length) - last.offset;
    else appendDamaged(out, r.offset, r.length, r.members);
  }
  return out;
}

/** File ranges of a member a job read (file coordinates). */
export interface ReadArea {
  input: InputMember;
  areas: Extent[];
}

/** The area a data-area reader (range.ts dataReader) covers over `length` bytes. */
export const readArea = (input: InputMember, length: number): ReadArea => ({
  input,
  areas: [{ offset: input.start, length }],
});

/**
 * The members' unreadable ranges within what was read, in their own byte coordinates (the file's),
 * per source: a member's areas (its readers share one damage object) are united first.
 */
export function unreadableIn(read: readonly ReadArea[]): Unreadable[] {
  const byMember = new Map<object, ReadArea>();
  for (const r of read) {
    const key = r.input.damage ?? r.input;
    const had = byMember.get(key);
    byMember.set(key, { input: r.input, areas: [...(had?.areas ?? []), ...r.areas] });
  }
  return [...byMember.values()].flatMap((r) =>
    normalize(r.areas).flatMap((a) => unreadableOf([{ ...r.input, start: a.offset }], a.length)),
  );
}

/** The report of a run's one output: its recovered and lost ranges, the unreadable ones of what it read. */
export function damageReport(log: DamageLog, read: readonly ReadArea[]): DamageReport {
  return { unreadable: unreadableIn(read), ...log.ranges() };
}
