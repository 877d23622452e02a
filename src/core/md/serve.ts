// md serve: the assembled array, read on demand (reconstruction on the fly, a small window cache),
// exported read-only over NBD until the signal stops the server.

import type { ReadPolicy } from '../damage/damage.js';
import { FLAG_CAN_MULTI_CONN, FLAG_HAS_FLAGS, FLAG_READ_ONLY } from '../nbd/protocol.js';
import { type ListenTarget, type ServeResult, serveNbd } from '../nbd/server.js';
import { type MdArray, requireRecoverable } from './array.js';
import { type ArrayReader, createArrayReader, type LostRange } from './array-reader.js';
import { layoutName } from './layout.js';
import { arrayRegions } from './reshape.js';

export interface MdServeOptions {
  target: ListenTarget;
  signal: AbortSignal;
  onListening?: (uri: string) => void;
  log?: (message: string) => void;
  /** memory for rebuilt windows (default 32 MiB: read-ahead for a few sequential clients) */
  cacheBytes?: number;
  /** how read errors are narrowed down (default 4096-byte units, one retry) */
  policy?: ReadPolicy;
}

export interface MdServeResult extends ServeResult {
  arrayBytes: number;
  windowsRebuilt: number;
}

/**
 * Serves array `a` read-only over NBD. Refuses (exit 2) an array with more members missing than its
 * level tolerates, as export does. Resolves when `signal` aborts and the server has stopped.
 */
export async function serveArray(a: MdArray, opts: MdServeOptions): Promise<MdServeResult> {
  requireRecoverable(a, 'serve');
  const reader = regionsReader(a, opts.cacheBytes ?? 32 * 1024 * 1024, opts.policy);
  const g = a.geometry;
  const missing = a.missingSlots.length ? `, missing slot(s) ${a.missingSlots.join(', ')}` : '';
  const r = await serveNbd({
    target: opts.target,
    backend: reader,
    export: {
      name: a.name ?? a.uuid ?? 'md',
      description: `raidtx md RAID${g.level} ${layoutName(g.level, g.layout)}, chunk ${g.chunk}, ${g.raidDisks} members${missing} (read-only)`,
      // One reader, no write cache: every connection sees the same bytes.
      flags: FLAG_HAS_FLAGS | FLAG_READ_ONLY | FLAG_CAN_MULTI_CONN,
      preferredBlock: 4096,
    },
    signal: opts.signal,
    ...(opts.onListening ? { onListening: opts.onListening } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  return { ...r, arrayBytes: a.arrayBytes, windowsRebuilt: reader.stats().windowsLoaded };
}

/**
 * One reader over the array's regions (DESIGN "md states"): mid-reshape each part is read in its own
 * geometry, and a recovering member is used only below its recovery offset. Array offsets are the
 * same in every region; the cache is shared out between the regions.
 */
function regionsReader(a: MdArray, cacheBytes: number, policy?: ReadPolicy): ArrayReader {
  const regions = arrayRegions(a);
  const share = Math.max(1, Math.floor(cacheBytes / regions.length));
  const parts = regions.map((r) => ({
    r,
    reader: createArrayReader(r.array, { cacheBytes: share, ...(policy ? { policy } : {}) }),
  }));
  if (parts.length === 1) return parts[0]!.reader;
  return {
    size: a.arrayBytes,
    async read(buf, offset, length) {
      if (offset < 0 || length < 0 || offset + length > a.arrayBytes)
        throw new RangeError(
          `read [${offset}, ${offset + length}) is outside the array (${a.arrayBytes} bytes)`,
        );
      const lost: LostRange[] = [];
      for (const { r, reader } of parts) {
        const lo = Math.max(offset, r.from);
        const hi = Math.min(offset + length, r.to);
        if (hi > lo) lost.push(...(await reader.read(buf.subarray(lo - offset, hi - offset), lo, hi - lo)));
      }
      return lost;
    },
    stats() {
      const all = parts.map((p) => p.reader.stats());
      const sum = (k: keyof (typeof all)[number]): number => all.reduce((t, x) => t + x[k], 0);
      return {
        windowsLoaded: sum('windowsLoaded'),
        cacheHits: sum('cacheHits'),
        cachedBytes: sum('cachedBytes'),
      };
    },
  };
}
