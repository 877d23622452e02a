// Reading any array range on demand (md serve): bytes on present members are read straight into
// the caller's buffer; a stripe whose data sits on a missing member is read window by window from
// every present member, rebuilt and kept in a small LRU cache of assembled windows. Ranges that
// cannot be rebuilt are reported, never filled with invented bytes.

import { readMember } from '../io/members.js';
import type { MdArray } from './array.js';
import { dataChunksPerStripe, stripeMap } from './layout.js';
import { dataReader } from './range.js';
import { assembleStripes, rebuildMissingData, tolerated } from './reconstruct.js';

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
  /** m data pieces of `len` bytes, in array order */
  data: Buffer;
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

  const loadWindow = async (stripe: number, w: number): Promise<Window> => {
    const lo = w * W;
    const len = Math.min(W, C - lo);
    const bufs = a.bySlot.map(() => Buffer.alloc(len));
    await Promise.all(
      readers.map((r, slot) => (r ? readMember(r, bufs[slot]!, len, stripe * C + lo) : null)),
    );
    await rebuildMissingData(g, missing, bufs, stripe, 1, len, 'md serve');
    const data = Buffer.allocUnsafe(m * len);
    assembleStripes(g, bufs, stripe, 1, len, data);
    windowsLoaded++;
    return { data, len };
  };

  const windowOf = (stripe: number, w: number): Promise<Window> => {
    const key = `${stripe}:${w}`;
    const hit = cache.get(key);
    if (hit) {
      cacheHits++;
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const p = loadWindow(stripe, w);
    cache.set(key, p);
    // a failed load is not kept: the next request tries the members again
    p.catch(() => cache.delete(key));
    while (cache.size > capacity) cache.delete(cache.keys().next().value!);
    return p;
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
      for (let x = offset; x < end; ) {
        const c = Math.floor(x / C);
        const stripe = Math.floor(c / m);
        const k = c % m;
        const within = x - c * C;
        const piece = Math.min(C - within, end - x);
        const slot = stripeMap(g, stripe).dataSlots[k]!;
        const dest = buf.subarray(x - offset, x - offset + piece);
        const reader = readers[slot];
        if (reader) {
          jobs.push(readMember(reader, dest, piece, stripe * C + within));
        } else if (!recoverable) {
          // more erasures than the level tolerates: this piece is gone
          dest.fill(0);
          addLost(x, piece);
        } else {
          // the piece, window by window, from the rebuilt stripe
          for (let y = within; y < within + piece; ) {
            const w = Math.floor(y / W);
            const upto = Math.min((w + 1) * W, within + piece);
            const at = x + (y - within);
            const n = upto - y;
            const inWindow = y - w * W;
            jobs.push(
              windowOf(stripe, w).then((win) => {
                const from = k * win.len + inWindow;
                win.data.copy(buf, at - offset, from, from + n);
              }),
            );
            y = upto;
          }
        }
        x += piece;
      }
      await Promise.all(jobs);
      return lost;
    },
    stats: () => ({ windowsLoaded, cacheHits, cachedBytes: cache.size * m * W }),
  };
}
