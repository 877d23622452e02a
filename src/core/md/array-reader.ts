// Reading any array range on demand (md serve): bytes on present members are read straight into
// the caller's buffer; a stripe whose data sits on a missing member is read window by window from
// every present member, rebuilt and kept in a small LRU cache of rebuilt windows (read ahead when
// access is sequential). Ranges that cannot be rebuilt are reported, never filled with invented
// bytes.

import { readMember } from '../io/members.js';
import type { MdArray } from './array.js';
import { dataChunksPerStripe, stripeMap } from './layout.js';
import { dataReader } from './range.js';
import { rebuildMissingData, tolerated } from './reconstruct.js';

/** Array bytes [offset, offset + length) that could not be read or rebuilt. */
export interface LostRange {
  offset: number;
  length: number;
}

export interface ArrayReader {
  /** array bytes */
  readonly size: number;
  /**
   * Reads array range [offset, offset + length) into buf[0..length). Returns the lost ranges
   * (array coordinates, merged, in order; their bytes in `buf` are zero); [] when all was read.
   * Throws IoError when a member read fails, RangeError when the range is outside the array.
   */
  read(buf: Buffer, offset: number, length: number): Promise<LostRange[]>;
  /** counters, for reports and tests */
  stats(): { windowsLoaded: number; cacheHits: number; cachedBytes: number };
}

export interface ArrayReaderOptions {
  /** bytes of a cached window per member (whole 4 KiB units, at most the chunk); default 64 KiB */
  window?: number;
  /** memory for cached windows; default 8 MiB (at least two windows are kept) */
  cacheBytes?: number;
}

interface Window {
  /** by slot: the data member's window of `len` bytes (read or rebuilt); null for P and Q */
  bySlot: (Buffer | null)[];
  len: number;
}

/** A reader over an assembled array; the array's members must stay open while it is used. */
export function createArrayReader(a: MdArray, opts: ArrayReaderOptions = {}): ArrayReader {
  const g = a.geometry;
  const C = g.chunk;
  const m = dataChunksPerStripe(g);
  const W = Math.min(C, Math.max(4096, Math.floor((opts.window ?? 64 * 1024) / 4096) * 4096));
  const capacity = Math.max(2, Math.floor((opts.cacheBytes ?? 8 * 1024 * 1024) / (m * W)));
  const missing = a.missingSlots;
  const recoverable = missing.length <= tolerated(g);
  const readers = a.bySlot.map((mem) => (mem ? dataReader(mem, 0) : null));
  // LRU: a Map keeps insertion order; a hit moves the entry to the end. Promises, so that
  // concurrent requests for one window share a single load.
  const cache = new Map<string, Promise<Window>>();
  let windowsLoaded = 0;
  let cacheHits = 0;

  /** Window w of stripes first..first+count-1: one read per member when windows are whole chunks. */
  const loadWindows = async (first: number, w: number, count: number): Promise<Window[]> => {
    const lo = w * W;
    const len = Math.min(W, C - lo);
    // every byte is read or rebuilt (XOR_ZERO_DST, recovery writes whole blocks): no zero fill
    const bufs = a.bySlot.map(() => Buffer.allocUnsafe(count * len));
    await Promise.all(
      readers.flatMap((r, slot) => {
        if (!r) return [];
        if (len === C) return [readMember(r, bufs[slot]!, count * C, first * C)];
        return Array.from({ length: count }, (_, i) =>
          readMember(r, bufs[slot]!.subarray(i * len), len, (first + i) * C + lo),
        );
      }),
    );
    await rebuildMissingData(g, missing, bufs, first, count, len, 'md serve');
    windowsLoaded += count;
    return Array.from({ length: count }, (_, i) => {
      const data = new Set(stripeMap(g, first + i).dataSlots);
      return {
        bySlot: bufs.map((b, slot) => (data.has(slot) ? b.subarray(i * len, (i + 1) * len) : null)),
        len,
      };
    });
  };

  // Read-ahead: a miss right after the previous stripe's window loads the next few stripes with it.
  // room for the read-ahead of several sequential clients at once (see `consumed`)
  const readAhead = Math.max(1, Math.min(8, Math.floor(capacity / 16)));
  let lastMiss = '';

  // Windows a request has copied from. Sequential readers (nbdcopy runs one per connection) rarely
  // come back to them, so they go before windows read ahead and not used yet: plain LRU let one
  // connection's read-ahead evict another's before use, and windows were rebuilt twice.
  const consumed = new Set<string>();
  const evict = (key: string): void => {
    cache.delete(key);
    consumed.delete(key);
  };
  const remember = (key: string, p: Promise<Window>): void => {
    cache.set(key, p);
    consumed.delete(key);
    // a failed load is not kept: the next request tries the members again
    p.catch(() => evict(key));
    while (cache.size > capacity) {
      const used = consumed.values().next();
      evict(used.done ? cache.keys().next().value! : used.value);
    }
  };

  /** Loads stripes [stripe, stripe + count) of window w as one batch (stopping at a cached one). */
  const loadBatch = (stripe: number, w: number, count: number): void => {
    for (let i = 1; i < count; i++) {
      if (cache.has(`${stripe + i}:${w}`)) {
        count = i;
        break;
      }
    }
    lastMiss = `${stripe + count - 1}:${w}`;
    const batch = loadWindows(stripe, w, count);
    batch.catch(() => undefined);
    // oldest first: the stripes read ahead are the last to be evicted
    for (let i = 0; i < count; i++)
      remember(
        `${stripe + i}:${w}`,
        batch.then((ws) => ws[i]!),
      );
  };

  /**
   * Sequential access keeps the next batch loading while this one is served: when the stripes
   * just ahead of `stripe` are not cached yet, their load starts now, so member reads and
   * rebuilds overlap with the replies instead of waiting for the next miss.
   */
  const prefetch = (stripe: number, w: number): void => {
    for (let i = 1; i <= readAhead; i++) {
      const next = stripe + i;
      if (next >= a.stripes) return;
      if (!cache.has(`${next}:${w}`)) {
        loadBatch(next, w, Math.min(readAhead, a.stripes - next));
        return;
      }
    }
  };

  const windowOf = (stripe: number, w: number): Promise<Window> => {
    const key = `${stripe}:${w}`;
    const hit = cache.get(key);
    if (hit) {
      cacheHits++;
      cache.delete(key);
      cache.set(key, hit);
      // the stripe before still cached: this client reads sequentially (per client, not global)
      if (cache.has(`${stripe - 1}:${w}`)) prefetch(stripe, w);
      return hit;
    }
    const sequential = lastMiss === `${stripe - 1}:${w}` || cache.has(`${stripe - 1}:${w}`);
    loadBatch(stripe, w, sequential ? Math.min(readAhead, a.stripes - stripe) : 1);
    if (sequential) prefetch(stripe, w);
    return cache.get(key)!;
  };

  return {
    size: a.arrayBytes,
    async read(buf, offset, length) {
      if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
        throw new RangeError(`array read: bad range ${offset}+${length}`);
      }
      if (offset + length > a.arrayBytes) {
        throw new RangeError(`array read: ${offset}+${length} is beyond the array's end (${a.arrayBytes})`);
      }
      if (buf.length < length) throw new RangeError(`array read: buffer of ${buf.length} < ${length}`);
      const lost: LostRange[] = [];
      const addLost = (off: number, len: number): void => {
        const last = lost[lost.length - 1];
        if (last && last.offset + last.length === off) last.length += len;
        else lost.push({ offset: off, length: len });
      };
      const jobs: Promise<void>[] = [];
      const end = offset + length;
      // The pieces of the request, one per chunk touched.
      const pieces: { x: number; stripe: number; within: number; n: number; slot: number }[] = [];
      for (let x = offset; x < end; ) {
        const c = Math.floor(x / C);
        const stripe = Math.floor(c / m);
        const within = x - c * C;
        const n = Math.min(C - within, end - x);
        pieces.push({ x, stripe, within, n, slot: stripeMap(g, stripe).dataSlots[c % m]! });
        x += n;
      }
      // Windows this request must rebuild anyway: pieces of present members inside them are copied
      // from the rebuilt window too (one read per member instead of two).
      const needed = new Set<string>();
      if (recoverable) {
        for (const p of pieces) {
          if (readers[p.slot]) continue;
          for (let w = Math.floor(p.within / W); w * W < p.within + p.n; w++) needed.add(`${p.stripe}:${w}`);
        }
      }
      for (const { x, stripe, within, n: piece, slot } of pieces) {
        const reader = readers[slot];
        if (!reader && !recoverable) {
          // more erasures than the level tolerates: this piece is gone
          buf.fill(0, x - offset, x - offset + piece);
          addLost(x, piece);
          continue;
        }
        if (reader && needed.size === 0) {
          jobs.push(readMember(reader, buf.subarray(x - offset), piece, stripe * C + within));
          continue;
        }
        // window by window: from the rebuilt window when it is (or will be) there, else direct
        for (let y = within; y < within + piece; ) {
          const w = Math.floor(y / W);
          const upto = Math.min((w + 1) * W, within + piece);
          const at = x + (y - within) - offset;
          const n = upto - y;
          const inWindow = y - w * W;
          const key = `${stripe}:${w}`;
          if (reader && !needed.has(key) && !cache.has(key)) {
            jobs.push(readMember(reader, buf.subarray(at), n, stripe * C + y));
          } else {
            jobs.push(
              windowOf(stripe, w).then((win) => {
                win.bySlot[slot]!.copy(buf, at, inWindow, inWindow + n);
                if (cache.has(key)) consumed.add(key);
              }),
            );
          }
          y = upto;
        }
      }
      await Promise.all(jobs);
      return lost;
    },
    stats: () => ({ windowsLoaded, cacheHits, cachedBytes: cache.size * m * W }),
  };
}
