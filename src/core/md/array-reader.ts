// Reading any array range on demand (md serve): bytes on present members are read straight into
// the caller's buffer; a stripe whose data sits on a missing member is read window by window from
// every present member, rebuilt and kept in a small LRU cache of rebuilt windows (read ahead when
// access is sequential). Unreadable bytes of present members are read around (DESIGN "Damaged
// members") and rebuilt the same way, per segment. Ranges that cannot be rebuilt are reported,
// never filled with invented bytes.

import { DEFAULT_READ_POLICY, type ReadPolicy } from '../damage/damage.js';
import { clip, type Extent, normalize } from '../damage/extents.js';
import { readMemberDamaged } from '../damage/read.js';
import { ioBuffer } from '../io/direct.js';
import type { MdArray } from './array.js';
import { dataChunksPerStripe, stripeMap } from './layout.js';
import { dataReader } from './range.js';
import { decodeStripes, tolerated } from './reconstruct.js';

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
   * (array coordinates, merged, in order; their bytes in `buf` are zero); [] when all was read
   * or rebuilt.
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
  /** how read errors are narrowed down (default 4096-byte units, one retry) */
  policy?: ReadPolicy;
}

/** The buffers of one load, shared by its windows. */
interface Batch {
  bufs: Buffer[];
  /** its windows still in the cache */
  live: number;
}

interface Window {
  batch: Batch;
  /** by slot: the data member's window of `len` bytes (read or rebuilt); null for P and Q */
  bySlot: (Buffer | null)[];
  /** by slot: window bytes beyond repair (zero in bySlot) */
  lost: Extent[][];
  len: number;
}

const noop = (): void => undefined;

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
  const policy = opts.policy ?? DEFAULT_READ_POLICY;
  // LRU: a Map keeps insertion order; a hit moves the entry to the end. Promises, so that
  // concurrent requests for one window share a single load.
  const cache = new Map<string, Promise<Window>>();
  let windowsLoaded = 0;
  let cacheHits = 0;
  // Buffers of batches no longer cached, for the next loads: fresh buffers per load (fresh memory,
  // then garbage) cost a sequential degraded read about a sixth of its throughput.
  const pool = new Map<number, Buffer[]>();
  let pooled = 0;
  const poolLimit = capacity * a.bySlot.length * W;
  const takeBuffer = (n: number): Buffer => {
    const b = pool.get(n)?.pop();
    if (!b) return ioBuffer(n);
    pooled -= n;
    return b;
  };
  /**
   * A batch whose last window left the cache gives its buffers back. Safe to reuse at once: a
   * request copies from a window in a reaction to the window's promise, registered while the
   * window was still cached, so it runs before the eviction's reaction that calls this.
   */
  const release = (batch: Batch): void => {
    if (--batch.live > 0) return;
    for (const b of batch.bufs) {
      if (pooled + b.length > poolLimit) break;
      const list = pool.get(b.length) ?? [];
      list.push(b);
      pool.set(b.length, list);
      pooled += b.length;
    }
    batch.bufs = [];
  };

  /** Window w of stripes first..first+count-1: one read per member when windows are whole chunks. */
  const loadWindows = async (first: number, w: number, count: number): Promise<Window[]> => {
    const lo = w * W;
    const len = Math.min(W, C - lo);
    // every byte is read, zero-filled where unreadable, or rebuilt (XOR_ZERO_DST, recovery writes
    // whole blocks): no zero fill
    const bufs = a.bySlot.map(() => takeBuffer(count * len));
    const bad: (Extent[] | null)[] = a.bySlot.map(() => null);
    await Promise.all(
      readers.map(async (r, slot) => {
        if (!r) return;
        if (len === C) {
          bad[slot] = await readMemberDamaged(r, bufs[slot]!, count * C, first * C, policy);
          return;
        }
        const parts = await Promise.all(
          Array.from({ length: count }, (_, i) =>
            readMemberDamaged(r, bufs[slot]!.subarray(i * len), len, (first + i) * C + lo, policy),
          ),
        );
        bad[slot] = parts.flatMap((list, i) =>
          list.map((e) => ({ offset: e.offset + i * len, length: e.length })),
        );
      }),
    );
    const lost: Extent[][][] = Array.from({ length: count }, () => a.bySlot.map(() => []));
    await decodeStripes(g, missing, bufs, first, count, len, 'md serve', {
      bad,
      want: 'data',
      parity: false,
      onEvent(e) {
        if (e.lost) lost[e.i]![e.slot]!.push({ offset: e.lo, length: e.hi - e.lo });
      },
    });
    windowsLoaded += count;
    // a failed load never gets here: its buffers (reads may still be landing in them) are dropped
    const batch: Batch = { bufs, live: count };
    return Array.from({ length: count }, (_, i) => {
      const data = new Set(stripeMap(g, first + i).dataSlots);
      return {
        batch,
        bySlot: bufs.map((b, slot) => (data.has(slot) ? b.subarray(i * len, (i + 1) * len) : null)),
        lost: lost[i]!.map((l) => l.sort((x, y) => x.offset - y.offset)),
        len,
      };
    });
  };

  // Read-ahead: a miss right after the previous stripe's window loads the next few stripes with it.
  // room for the read-ahead of several sequential clients at once (see `consumed`)
  const readAhead = Math.max(1, Math.min(16, Math.floor(capacity / 8)));
  let lastMiss = '';

  // Windows a request has copied from. Sequential readers (nbdcopy runs one per connection) rarely
  // come back to them, so they go before windows read ahead and not used yet: plain LRU let one
  // connection's read-ahead evict another's before use, and windows were rebuilt twice.
  const consumed = new Set<string>();
  const evict = (key: string): void => {
    const p = cache.get(key);
    cache.delete(key);
    consumed.delete(key);
    p?.then((win) => release(win.batch), noop);
  };
  const remember = (key: string, p: Promise<Window>): void => {
    cache.set(key, p);
    consumed.delete(key);
    // a failed load is not kept: the next request tries the members again (a newer load of the same
    // window, cached since, stays)
    p.catch(() => {
      if (cache.get(key) === p) evict(key);
    });
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
      /** Chunk bytes [within, within + n) of `slot` in `stripe`, at array byte x, from rebuilt windows. */
      const fromWindows = (
        x: number,
        stripe: number,
        within: number,
        n: number,
        slot: number,
      ): Promise<void>[] => {
        const out: Promise<void>[] = [];
        for (let y = within; y < within + n; ) {
          const w = Math.floor(y / W);
          const upto = Math.min((w + 1) * W, within + n);
          const ax = x + (y - within);
          const inWindow = y - w * W;
          const k = upto - y;
          out.push(
            windowOf(stripe, w).then((win) => {
              win.bySlot[slot]!.copy(buf, ax - offset, inWindow, inWindow + k);
              for (const l of clip(win.lost[slot]!, inWindow, inWindow + k))
                lost.push({ offset: ax + l.offset, length: l.length });
              if (cache.has(`${stripe}:${w}`)) consumed.add(`${stripe}:${w}`);
            }),
          );
          y = upto;
        }
        return out;
      };
      /** Read straight from the member; what is unreadable there comes from rebuilt windows. */
      const direct = async (
        x: number,
        stripe: number,
        within: number,
        n: number,
        slot: number,
      ): Promise<void> => {
        const bad = await readMemberDamaged(
          readers[slot]!,
          buf.subarray(x - offset),
          n,
          stripe * C + within,
          policy,
        );
        await Promise.all(
          bad.flatMap((b) => fromWindows(x + b.offset, stripe, within + b.offset, b.length, slot)),
        );
      };
      for (const { x, stripe, within, n: piece, slot } of pieces) {
        const reader = readers[slot];
        if (!reader && !recoverable) {
          // more erasures than the level tolerates: this piece is gone
          buf.fill(0, x - offset, x - offset + piece);
          lost.push({ offset: x, length: piece });
          continue;
        }
        if (reader && needed.size === 0) {
          jobs.push(direct(x, stripe, within, piece, slot));
          continue;
        }
        // window by window: from the rebuilt window when it is (or will be) there, else direct
        for (let y = within; y < within + piece; ) {
          const w = Math.floor(y / W);
          const upto = Math.min((w + 1) * W, within + piece);
          const key = `${stripe}:${w}`;
          const ax = x + (y - within);
          if (reader && !needed.has(key) && !cache.has(key)) jobs.push(direct(ax, stripe, y, upto - y, slot));
          else jobs.push(...fromWindows(ax, stripe, y, upto - y, slot));
          y = upto;
        }
      }
      await Promise.all(jobs);
      return normalize(lost);
    },
    stats: () => ({ windowsLoaded, cacheHits, cachedBytes: cache.size * m * W }),
  };
}
