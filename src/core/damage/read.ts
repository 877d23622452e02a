// Reading a member around its damage: known-bad extents are not read at all (zeros stand in), and a
// read error is narrowed down to sector units, each re-read a few times, so that one bad sector
// costs one sector, never the step, and a dying disk is not hammered with large re-reads.

import { type InputMember, readMember } from '../io/members.js';
import { addDamage, type MemberDamage, type ReadPolicy } from './damage.js';
import { clipDisjoint, type Extent, gaps, normalize } from './extents.js';

/** Errors a failing medium gives (as opposed to a vanished file or a programming error). */
const MEDIA_ERRORS = new Set(['EIO', 'ENXIO', 'ENODATA', 'EILSEQ', 'EREMOTEIO', 'EBADMSG', 'EBADE']);

/**
 * A member's damage merged per source (sources may overlap one another, a source never overlaps
 * itself once merged), so that each lookup is a binary search. Rebuilt when extents were added.
 */
const merged = new WeakMap<MemberDamage, { count: number; lists: Extent[][] }>();

function mergedLists(d: MemberDamage): Extent[][] {
  const c = merged.get(d);
  if (c && c.count === d.extents.length) return c.lists;
  const sources = [...new Set(d.extents.map((e) => e.source))];
  const lists = sources.map((s) => normalize(d.extents.filter((e) => e.source === s)));
  merged.set(d, { count: d.extents.length, lists });
  return lists;
}

/** Damage of `m` inside its member-relative range [pos, pos + len), window-relative and merged. */
export function damageIn(m: InputMember, pos: number, len: number): Extent[] {
  if (!m.damage || m.damage.extents.length === 0) return [];
  const at = m.start + pos;
  const lists = mergedLists(m.damage);
  if (lists.length === 1) return clipDisjoint(lists[0]!, at, at + len);
  return normalize(lists.flatMap((l) => clipDisjoint(l, at, at + len)));
}

/**
 * Reads member-relative [pos, pos + len) of `m` into buf[0..len) like readMember, but returns the
 * unreadable extents (window-relative, merged; zero-filled in buf) instead of failing on them.
 * Bytes already known bad are skipped; a media error narrows down to `policy.sector` units
 * (aligned in the file), each re-read `policy.retries` times; units that still fail are recorded in
 * the member's damage (source "eio"). Other errors (a vanished file, a short file) still throw.
 */
export async function readMemberDamaged(
  m: InputMember,
  buf: Uint8Array,
  len: number,
  pos: number,
  policy: ReadPolicy,
): Promise<Extent[]> {
  if (m.handle === null) {
    buf.fill(0, 0, len);
    return [];
  }
  const known = damageIn(m, pos, len);
  for (const g of gaps(known, len)) {
    try {
      await readMember(m, buf.subarray(g.offset), g.length, pos + g.offset);
    } catch (err) {
      if (!isMediaError(err)) throw err;
      await narrow(m, buf, pos, g, policy);
    }
  }
  const bad = damageIn(m, pos, len);
  for (const e of bad) buf.fill(0, e.offset, e.offset + e.length);
  return bad;
}

function isMediaError(err: unknown): boolean {
  const code = (err as { cause?: NodeJS.ErrnoException })?.cause?.code;
  return code !== undefined && MEDIA_ERRORS.has(code);
}

/** Re-reads window part `g` unit by unit; failing units become the member's "eio" damage. */
async function narrow(
  m: InputMember,
  buf: Uint8Array,
  pos: number,
  g: Extent,
  policy: ReadPolicy,
): Promise<void> {
  const damage: MemberDamage = m.damage ?? { extents: [] };
  m.damage = damage;
  const fileLo = m.start + pos + g.offset;
  const fileHi = fileLo + g.length;
  for (let u = fileLo; u < fileHi; ) {
    const next = Math.min(fileHi, (Math.floor(u / policy.sector) + 1) * policy.sector);
    const off = u - m.start - pos;
    let ok = false;
    for (let attempt = 0; attempt <= policy.retries && !ok; attempt++) {
      try {
        await readMember(m, buf.subarray(off), next - u, pos + off);
        ok = true;
      } catch (err) {
        if (!isMediaError(err)) throw err;
      }
    }
    if (!ok) addDamage(damage, { offset: u, length: next - u, source: 'eio' });
    u = next;
  }
}
