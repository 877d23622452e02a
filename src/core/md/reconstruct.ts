// Chunks rebuilt from the parity left (as async_tx chains), stripe by stripe and, where members are
// unreadable, segment by segment: at each byte the erasures are the missing slots plus the slots
// unreadable there (DESIGN "Damaged members"). What md export, md rebuild and the on-demand reader
// (md serve) share before they lay chunks out.

import { clip, type Extent, type Segment, segments } from '../damage/extents.js';
import { awaitChain } from '../jobs/chain.js';
import { type MdGeometry, stripeMap } from './layout.js';
import { submitStripeRebuild } from './stripe-ops.js';

/** Erasures a level can rebuild in one stripe. */
export function tolerated(g: MdGeometry): number {
  return g.level === 6 ? 2 : 1;
}

/** What decoding did to a wanted slot's piece where it had to compute it. */
export interface DecodeEvent {
  slot: number;
  /** stripe first + i */
  i: number;
  /** bytes [lo, hi) of the piece (0..len) */
  lo: number;
  hi: number;
  /** more erasures than the level tolerates: the bytes are zero, never guessed */
  lost: boolean;
  /** the slots unreadable there, beyond the missing ones (ascending) */
  unreadable: number[];
}

export interface DecodeOptions {
  /**
   * Per slot, the unreadable extents of its buffer (relative to the buffer: piece i covers
   * [i * len, (i + 1) * len)); null or [] where none. Their bytes must be zero-filled already.
   */
  bad?: readonly (readonly Extent[] | null)[];
  /** the slots the caller needs: each stripe's data slots (export, serve), or these (rebuild) */
  want: 'data' | readonly number[];
  /** with `want` slots that hold P or Q: rebuild them too */
  parity: boolean;
  /** every piece of a wanted slot that was computed (`unreadable` non-empty) or lost */
  onEvent?: (e: DecodeEvent) => void;
}

/**
 * Rebuilds, for stripes first..first+count-1, the wanted slots' bytes that are erased (missing, or
 * unreadable there). `bufs[slot]` holds `count` pieces of `len` bytes (piece i belongs to stripe
 * first+i; `len` is the chunk, or one window of it: parity is byte-positional). Undamaged stripes are
 * one operation each; a damaged one is one per segment (where the set of unreadable slots changes).
 */
export async function decodeStripes(
  g: MdGeometry,
  missing: readonly number[],
  bufs: readonly Buffer[],
  first: number,
  count: number,
  len: number,
  what: string,
  o: DecodeOptions,
): Promise<void> {
  const damaged = o.bad?.some((l) => l && l.length > 0) ?? false;
  if (missing.length === 0 && !damaged) return;
  const whole: Segment[] = [{ lo: 0, hi: len, slots: [] }];
  const txs = [];
  for (let i = 0; i < count; i++) {
    const map = stripeMap(g, first + i);
    const want = o.want === 'data' ? map.dataSlots : o.want;
    const segs = damaged ? pieceSegments(o.bad!, i, len) : whole;
    for (const seg of segs) {
      const erased = seg.slots.length === 0 ? missing : union(missing, seg.slots);
      const needed = want.filter((s) => erased.includes(s));
      if (needed.length === 0) continue;
      const unreadable = seg.slots.filter((s) => !missing.includes(s));
      const lost = erased.length > tolerated(g);
      for (const slot of needed) {
        if (lost) bufs[slot]!.fill(0, i * len + seg.lo, i * len + seg.hi);
        if (lost || unreadable.length > 0) o.onEvent?.({ slot, i, lo: seg.lo, hi: seg.hi, lost, unreadable });
      }
      if (lost) continue;
      const a = i * len + seg.lo;
      const pieces = bufs.map((b) => b.subarray(a, a + seg.hi - seg.lo));
      txs.push(submitStripeRebuild(g, first + i, pieces, erased, seg.hi - seg.lo, o.parity).tx);
    }
  }
  await awaitChain(txs, what);
}

/** The segments of piece i (bytes [i * len, (i + 1) * len) of each buffer), piece-relative. */
export function pieceSegments(bad: readonly (readonly Extent[] | null)[], i: number, len: number): Segment[] {
  return segments(
    bad.map((l) => (l ? clip(l, i * len, (i + 1) * len) : null)),
    len,
  );
}

/** Slots in a or b, ascending. */
export function union(a: readonly number[], b: readonly number[]): number[] {
  return [...new Set([...a, ...b])].sort((x, y) => x - y);
}
