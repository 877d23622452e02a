// What raidtx knows about a member's unreadable bytes, and how it reads around them. Damage comes
// from a ddrescue map (--map), an md bad-block log, or read errors met at run time; it is kept in
// the member's file coordinates, shared by every reader of that member (md's data-area readers are
// copies of the same InputMember), so a range found bad once is never read again.

import type { Extent } from './extents.js';

export type DamageSource = 'map' | 'eio' | 'badblocks';

/** An unreadable extent in file coordinates, with where we learnt of it. */
export interface BadExtent extends Extent {
  source: DamageSource;
}

/** How run-time read errors are narrowed down: re-read in `sector` units, each `retries` times. */
export interface ReadPolicy {
  /** 4096 by default; 512 allowed */
  sector: number;
  /** re-reads of a failing unit before it counts as unreadable (default 1) */
  retries: number;
}

export const DEFAULT_READ_POLICY: ReadPolicy = { sector: 4096, retries: 1 };

/** A member's damage, sorted by offset (sources may overlap), in file coordinates. Run-time finds are added. */
export interface MemberDamage {
  extents: BadExtent[];
}

/** An unreadable range as reports show it: the member's label and its own byte coordinates. */
export interface Unreadable extends Extent {
  member: string;
  source: DamageSource;
}

/** A range of an output (array bytes for md export, member bytes otherwise) and the members involved. */
export interface DamagedRange extends Extent {
  members: string[];
}

/** What a damaged run reports beside its result (DESIGN "Damaged members": JSON additions). */
export interface DamageReport {
  unreadable: Unreadable[];
  /** rebuilt from parity beyond the missing members */
  recovered: DamagedRange[];
  /** more erasures than redundancy: zero-filled in outputs, never guessed */
  lost: DamagedRange[];
}

export function emptyReport(): DamageReport {
  return { unreadable: [], recovered: [], lost: [] };
}

/** Adds `e` (file coordinates) to a member's damage, keeping the list sorted by offset. */
export function addDamage(d: MemberDamage, e: BadExtent): void {
  if (e.length <= 0) return;
  const list = d.extents;
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (list[mid]!.offset <= e.offset) lo = mid + 1;
    else hi = mid;
  }
  list.splice(lo, 0, { offset: e.offset, length: e.length, source: e.source });
}
