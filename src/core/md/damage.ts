// md's side of "Damaged members" (DESIGN): how the md jobs read around damage, and what they report
// of it — ranges rebuilt beyond the missing members (recovered), ranges beyond repair (lost), in the
// output's coordinates, and the members' unreadable ranges in their own (file) coordinates.

import type { DamagedRange, DamageReport, ReadPolicy, Unreadable } from '../damage/damage.js';
import { clip, type Extent, normalize } from '../damage/extents.js';
import { IoError } from '../errors.js';
import type { InputMember } from '../io/members.js';

/** How an md job meets damage. */
export interface MdDamageOptions {
  /** run-time read errors are narrowed down this way */
  policy: ReadPolicy;
  /** any lost byte fails the job (exit 3, nothing committed) instead of a zero-filled, mapped range */
  strict: boolean;
}

/** Collects recovered and lost ranges of one output as they are met, in any order. */
export class DamageLog {
  readonly recovered: DamagedRange[] = [];
  readonly lost: DamagedRange[] = [];

  constructor(
    private readonly what: string,
    private readonly strict: boolean,
    /** how an output offset is named in the --strict refusal */
    private readonly where: (offset: number) => string,
  ) {}

  add(lost: boolean, offset: number, length: number, members: string[]): void {
    if (length <= 0) return;
    if (lost && this.strict) {
      throw new IoError(
        `${this.what}: ${this.where(offset)}..${offset + length} cannot be recovered${members.length ? ` (unreadable on ${members.map((m) => `'${m}'`).join(', ')})` : ''}; --strict: nothing committed`,
      );
    }
    (lost ? this.lost : this.recovered).push({ offset, length, members });
  }
}

/** Sorts ranges and merges adjacent or overlapping ones (members united). */
export function mergeDamaged(list: readonly DamagedRange[]): DamagedRange[] {
  const sorted = [...list].sort((a, b) => a.offset - b.offset);
  const out: DamagedRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r.offset <= last.offset + last.length) {
      last.length = Math.max(last.length, r.offset + r.length - last.offset);
      for (const m of r.members) if (!last.members.includes(m)) last.members.push(m);
    } else {
      out.push({ offset: r.offset, length: r.length, members: [...r.members] });
    }
  }
  return out;
}

/** A member and the file ranges of it a job read (file coordinates). */
export interface ReadArea {
  input: InputMember;
  areas: Extent[];
}

/**
 * The unreadable ranges of the members within what was read, per source, in the members' own
 * byte coordinates (the file's: before @OFFSET), merged; members in the order given.
 */
export function unreadableOf(read: readonly ReadArea[]): Unreadable[] {
  const out: Unreadable[] = [];
  const seen = new Map<InputMember['damage'], Extent[]>();
  for (const r of read) {
    const d = r.input.damage;
    if (!d || d.extents.length === 0) continue;
    // md's data-area readers are copies sharing one damage object: areas of one member are united
    seen.set(d, [...(seen.get(d) ?? []), ...r.areas]);
  }
  const labels = new Map(read.map((r) => [r.input.damage, r.input.label]));
  for (const [d, areas] of seen) {
    const within = normalize(areas);
    for (const source of ['map', 'badblocks', 'eio'] as const) {
      const mine = normalize(d!.extents.filter((e) => e.source === source));
      for (const a of within)
        for (const e of clip(mine, a.offset, a.offset + a.length))
          out.push({ member: labels.get(d)!, offset: a.offset + e.offset, length: e.length, source });
    }
  }
  return out;
}

/** The report of a run: its recovered and lost ranges merged, the unreadable ones of what it read. */
export function damageReport(log: DamageLog, read: readonly ReadArea[]): DamageReport {
  return { unreadable: unreadableOf(read), recovered: mergeDamaged(log.recovered), lost: mergeDamaged(log.lost) };
}
