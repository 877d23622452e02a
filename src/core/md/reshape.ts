// An md array caught mid-reshape (DESIGN "md states"): two geometries over two data offsets, split at
// reshape_position, as raid5.c's make_request chooses between conf->prev_* and the new geometry.
// The jobs (check, export, rebuild) iterate the array's regions and stream each one as a plain array.

import type { ArrayMember, MdArray } from './array.js';
import { dataChunksPerStripe, layoutName, type MdGeometry } from './layout.js';
import type { ArrayRange } from './range.js';
import type { MdSuperblock } from './superblock.js';

export type ReshapeKind = 'grow' | 'shrink' | 'level' | 'chunk' | 'layout';

/** An interrupted reshape as the superblocks record it. */
export interface MdReshape {
  /** array byte where the geometries meet (reshape_position x 512) */
  position: number;
  /**
   * forwards: array bytes below `position` are in the new geometry, at and above it in the previous
   * one; backwards: the reverse (md's reshape_backwards)
   */
  backwards: boolean;
  /** the geometry being left: it sits at each member's data_offset */
  previous: MdGeometry;
  /** the geometry being reached: at each member's new data offset */
  next: MdGeometry;
  kinds: ReshapeKind[];
}

/**
 * The reshape a superblock records. The superblock's level, layout and chunk are the previous
 * geometry, its raid_disks the new count (super_1_validate, raid5.c setup_conf: previous_raid_disks
 * = raid_disks - delta_disks; level, algorithm and chunk come from new_level, new_layout, new_chunk).
 */
export function reshapeOf(sb: MdSuperblock): MdReshape {
  const r = sb.reshape!;
  const previous: MdGeometry = {
    level: sb.level as 5 | 6,
    layout: sb.layout,
    chunk: sb.chunk,
    raidDisks: sb.raidDisks - r.deltaDisks,
  };
  const next: MdGeometry = {
    level: r.newLevel as 5 | 6,
    layout: r.newLayout,
    chunk: r.newChunk,
    raidDisks: sb.raidDisks,
  };
  const kinds: ReshapeKind[] = [];
  if (r.deltaDisks > 0) kinds.push('grow');
  if (r.deltaDisks < 0) kinds.push('shrink');
  if (next.level !== previous.level) kinds.push('level');
  if (next.chunk !== previous.chunk) kinds.push('chunk');
  if (next.layout !== previous.layout) kinds.push('layout');
  // md_p.h / md.c: shrinking always runs backwards; otherwise the flag says.
  return { position: r.position * 512, backwards: r.deltaDisks < 0 || r.backwards, previous, next, kinds };
}

/**
 * Array bytes md shows mid-reshape (raid5.c raid5_size with raid_disks 0): the member size rounded
 * down to both chunks, times the data members of the smaller member count at the new level.
 */
export function reshapeArrayBytes(r: MdReshape, memberDataSize: number): number {
  const chunk = Math.max(r.previous.chunk, r.next.chunk);
  const disks = Math.min(r.previous.raidDisks, r.next.raidDisks) - (r.next.level === 6 ? 2 : 1);
  return Math.floor(memberDataSize / chunk) * chunk * Math.max(0, disks);
}

/** One part of the array in one geometry. */
export interface MdRegion {
  /** array bytes [from, to) */
  from: number;
  to: number;
  /** which geometry of a reshape, or 'only' */
  part: 'previous' | 'next' | 'only';
  /**
   * the array as this region sees it: its geometry, the members of its slots at their data offsets
   * for it, its missing slots; no reshape
   */
  array: MdArray;
}

/**
 * The regions of the array in array order: one for an array at rest, two mid-reshape (an empty one
 * is left out), each cut again where a recovering member's valid data ends (DESIGN "md states": its
 * data at and beyond recovery_offset, member bytes from the data offset of the geometry read, counts
 * as missing; raid5.c analyse_stripe compares the stripe's device sector with recovery_offset). A cut
 * falls on a stripe boundary of the region's geometry: a stripe is used with the member only when all
 * of its chunk lies below the offset. Slots in `exclude` count as missing everywhere (rebuild targets).
 */
export function arrayRegions(a: MdArray, exclude: readonly number[] = []): MdRegion[] {
  const r = a.reshape;
  const recovering = recoveringMembers(a).filter((m) => !exclude.includes(m.slot!));
  if (!r && recovering.length === 0 && exclude.length === 0)
    return [{ from: 0, to: a.arrayBytes, part: 'only', array: a }];
  const pos = r ? Math.min(r.position, a.arrayBytes) : a.arrayBytes;
  const low = !r ? 'only' : r.backwards ? 'previous' : 'next';
  const high = !r ? 'only' : r.backwards ? 'next' : 'previous';
  const shapes = (part: MdRegion['part']): MdGeometry => (part === 'only' ? a.geometry : r![part]);
  const out: MdRegion[] = [];
  for (const [from, to, part] of [
    [0, pos, low],
    [pos, a.arrayBytes, high],
  ] as const) {
    if (to <= from) continue;
    const g = shapes(part);
    const stripeBytes = dataChunksPerStripe(g) * g.chunk;
    const usable = recovering.filter((m) => m.slot! < g.raidDisks);
    const validEnd = (m: ArrayMember): number => Math.floor(m.sb!.recoveryOffset / g.chunk) * stripeBytes;
    const cuts = [...new Set(usable.map(validEnd).filter((x) => x > from && x < to))].sort((x, y) => x - y);
    const bounds = [from, ...cuts, to];
    for (let k = 0; k + 1 < bounds.length; k++) {
      const valid = usable.filter((m) => bounds[k + 1]! <= validEnd(m));
      out.push({ from: bounds[k]!, to: bounds[k + 1]!, part, array: view(a, g, part, exclude, valid) });
    }
  }
  return out;
}

/**
 * Recovering members raidtx uses below their recovery offset: fresh (the peer's events), holding a
 * slot no active member holds.
 */
export function recoveringMembers(a: MdArray): ArrayMember[] {
  return a.members.filter(
    (m) =>
      m.sb?.memberState === 'recovering' &&
      m.slot !== null &&
      m.slot < a.bySlot.length &&
      !a.bySlot[m.slot] &&
      a.peer !== null &&
      m.sb.events === a.peer.events &&
      m.sb.recoveryOffset > 0,
  );
}

/**
 * The regions holding `range` (at least one, so that an empty range still commits its output), each
 * clipped to it; `require` runs on each region's view first (a refusal comes before any output).
 */
export function inRange(
  a: MdArray,
  range: ArrayRange,
  require: (view: MdArray, where: string) => void,
): MdRegion[] {
  const end = range.from + range.length;
  const all = arrayRegions(a);
  const hit = all
    .filter((r) => r.to > range.from && r.from < end)
    .map((r) => ({ ...r, from: Math.max(r.from, range.from), to: Math.min(r.to, end) }));
  const regions = hit.length > 0 ? hit : [{ ...all[0]!, from: range.from, to: range.from }];
  const split = all.length > 1;
  for (const r of regions) require(r.array, split ? ` in array bytes ${r.from}..${r.to}` : '');
  return regions;
}

/** Where member `m` keeps the data of `part`'s geometry. */
export function dataOffsetFor(m: ArrayMember, part: MdRegion['part']): number {
  return part === 'next' && m.sb?.reshape ? m.sb.reshape.newDataOffset : m.dataOffset;
}

function view(
  a: MdArray,
  g: MdGeometry,
  part: MdRegion['part'],
  exclude: readonly number[],
  recovering: readonly ArrayMember[],
): MdArray {
  const bySlot: (ArrayMember | null)[] = Array.from({ length: g.raidDisks }, (_, slot) => {
    const m = a.bySlot[slot] ?? recovering.find((x) => x.slot === slot) ?? null;
    if (!m || exclude.includes(slot)) return null;
    return part === 'next' ? { ...m, dataOffset: dataOffsetFor(m, part) } : m;
  });
  return {
    ...a,
    geometry: { ...g, memberDataSize: a.memberDataSize },
    bySlot,
    missingSlots: bySlot.flatMap((m, i) => (m ? [] : [i])),
    stripes: Math.floor(a.memberDataSize / g.chunk),
    rebuildDataOffset:
      part === 'next' && a.peer?.reshape ? a.peer.reshape.newDataOffset : a.rebuildDataOffset,
    reshape: null,
  };
}

/** The stripes [s0, s1) of `g` that hold array bytes [from, to). */
export function stripeSpan(g: MdGeometry, from: number, to: number): { s0: number; s1: number } {
  const stripeBytes = dataChunksPerStripe(g) * g.chunk;
  const s0 = Math.floor(from / stripeBytes);
  return { s0, s1: to <= from ? s0 : Math.ceil(to / stripeBytes) };
}

/** Human words: "4 -> 5 disks, forwards, at array byte N (M%)". */
export function describeMdReshape(r: MdReshape, arrayBytes: number): string {
  const p = r.previous;
  const n = r.next;
  const parts: string[] = [];
  if (p.raidDisks !== n.raidDisks) parts.push(`${p.raidDisks} -> ${n.raidDisks} disks`);
  if (p.level !== n.level) parts.push(`RAID${p.level} -> RAID${n.level}`);
  if (p.chunk !== n.chunk) parts.push(`chunk ${p.chunk} -> ${n.chunk} bytes`);
  if (p.layout !== n.layout)
    parts.push(`layout ${layoutName(p.level, p.layout)} -> ${layoutName(n.level, n.layout)}`);
  const pct = arrayBytes > 0 ? ` (${((100 * r.position) / arrayBytes).toFixed(1)}%)` : '';
  return `${parts.join(', ') || 'same geometry'}, ${r.backwards ? 'backwards' : 'forwards'}, at array byte ${r.position}${pct}`;
}
