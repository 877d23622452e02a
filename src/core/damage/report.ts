// Building a DamageReport: the members' unreadable extents as found, and ranges of an output (lost,
// recovered, unchecked) appended in order, adjacent ones with the same members merged.

import { IoError } from '../errors.js';
import type { InputMember } from '../io/members.js';
import type { DamagedRange, DamageSource, Unreadable } from './damage.js';
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
