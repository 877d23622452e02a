// md serve: the assembled array, read on demand (reconstruction on the fly, a small window cache),
// exported read-only over NBD until the signal stops the server.

import { FLAG_CAN_MULTI_CONN, FLAG_HAS_FLAGS, FLAG_READ_ONLY } from '../nbd/protocol.js';
import { type ListenTarget, type ServeResult, serveNbd } from '../nbd/server.js';
import { type MdArray, requireRecoverable } from './array.js';
import { createArrayReader } from './array-reader.js';
import { layoutName } from './layout.js';

export interface MdServeOptions {
  target: ListenTarget;
  signal: AbortSignal;
  onListening?: (uri: string) => void;
  log?: (message: string) => void;
  /** memory for rebuilt windows (default 8 MiB) */
  cacheBytes?: number;
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
  const reader = createArrayReader(a, opts.cacheBytes === undefined ? {} : { cacheBytes: opts.cacheBytes });
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
