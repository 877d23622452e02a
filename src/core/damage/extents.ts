// Byte extents of damage: sorted, non-overlapping [offset, offset + length) lists, and the segments
// of a window over which the set of damaged members stays the same (the unit of per-sector decoding).

export interface Extent {
  offset: number;
  length: number;
}

/** Sorts and merges overlapping or touching extents; drops empty ones. Returns a new list. */
export function normalize<T extends Extent>(list: readonly T[]): Extent[] {
  const sorted = list.filter((e) => e.length > 0).sort((a, b) => a.offset - b.offset);
  const out: Extent[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && e.offset <= last.offset + last.length) {
      last.length = Math.max(last.length, e.offset + e.length - last.offset);
    } else {
      out.push({ offset: e.offset, length: e.length });
    }
  }
  return out;
}

/** The parts of sorted `list` inside [lo, hi), shifted so that `lo` is 0. */
export function clip(list: readonly Extent[], lo: number, hi: number): Extent[] {
  const out: Extent[] = [];
  for (const e of list) {
    if (e.offset >= hi) break;
    const a = Math.max(lo, e.offset);
    const b = Math.min(hi, e.offset + e.length);
    if (b > a) out.push({ offset: a - lo, length: b - a });
  }
  return out;
}

/**
 * clip for a sorted list of non-overlapping extents, found by binary search: a step costs
 * O(log n + hits) however long the list (a ddrescue map of a dying disk has thousands of areas).
 */
export function clipDisjoint(list: readonly Extent[], lo: number, hi: number): Extent[] {
  let a = 0;
  let b = list.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    const e = list[mid]!;
    if (e.offset + e.length <= lo) a = mid + 1;
    else b = mid;
  }
  return clip(list.slice(a, searchFrom(list, a, hi)), lo, hi);
}

/** The first index at or after `from` whose extent starts at or after `hi`. */
function searchFrom(list: readonly Extent[], from: number, hi: number): number {
  let a = from;
  let b = list.length;
  while (a < b) {
    const mid = (a + b) >> 1;
    if (list[mid]!.offset < hi) a = mid + 1;
    else b = mid;
  }
  return a;
}

/** The gaps of sorted `list` within [0, len): the readable parts of a window. */
export function gaps(list: readonly Extent[], len: number): Extent[] {
  const out: Extent[] = [];
  let at = 0;
  for (const e of list) {
    if (e.offset > at) out.push({ offset: at, length: Math.min(e.offset, len) - at });
    at = Math.max(at, e.offset + e.length);
    if (at >= len) break;
  }
  if (at < len) out.push({ offset: at, length: len - at });
  return out.filter((e) => e.length > 0);
}

/** Total bytes of a list. */
export function totalLength(list: readonly Extent[]): number {
  return list.reduce((n, e) => n + e.length, 0);
}

/** A stretch of a window and the members (slots) unreadable all along it. */
export interface Segment {
  lo: number;
  hi: number;
  /** slots unreadable over [lo, hi), ascending */
  slots: number[];
}

/**
 * Splits window [0, len) at every boundary of the per-slot damage lists (window-relative, sorted):
 * consecutive segments have different damaged-slot sets. A window with no damage is one segment
 * with no slots, so the undamaged path stays one operation per window.
 */
export function segments(bad: readonly (readonly Extent[] | null | undefined)[], len: number): Segment[] {
  const cuts = new Set<number>([0, len]);
  for (const list of bad) {
    for (const e of list ?? []) {
      if (e.offset < len) cuts.add(Math.max(0, e.offset));
      if (e.offset + e.length < len) cuts.add(e.offset + e.length);
    }
  }
  const points = [...cuts].sort((a, b) => a - b);
  const out: Segment[] = [];
  const cursor = bad.map(() => 0);
  for (let i = 0; i + 1 < points.length; i++) {
    const lo = points[i]!;
    const hi = points[i + 1]!;
    const slots: number[] = [];
    bad.forEach((list, slot) => {
      if (!list) return;
      let c = cursor[slot]!;
      while (c < list.length && list[c]!.offset + list[c]!.length <= lo) c++;
      cursor[slot] = c;
      if (c < list.length && list[c]!.offset <= lo) slots.push(slot);
    });
    const last = out[out.length - 1];
    if (last && sameSlots(last.slots, slots)) last.hi = hi;
    else out.push({ lo, hi, slots });
  }
  return out;
}

function sameSlots(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/**
 * [lo, hi) cut at multiples of `unit` into at most three pieces (a head up to the first multiple, the
 * whole units, a tail), so that reports in `unit` granules keep their grid around damage.
 */
export function unitPieces(lo: number, hi: number, unit: number): Extent[] {
  const a = Math.min(hi, Math.ceil(lo / unit) * unit);
  const b = Math.max(a, Math.floor(hi / unit) * unit);
  return [
    { offset: lo, length: a - lo },
    { offset: a, length: b - a },
    { offset: b, length: hi - b },
  ].filter((e) => e.length > 0);
}
