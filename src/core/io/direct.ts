// Direct I/O for members: block devices are read with O_DIRECT by default (a multi-terabyte scan
// must not push the user's page cache out, and the cache is no use to a read-once stream), into
// step buffers aligned by the native addon (Node cannot align its own). Regular files keep the
// page cache, read with sequential advice and, in a run much larger than memory, dropped behind.

import { constants } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { totalmem } from 'node:os';
import { loadNative } from '../../native/loader.js';
import { UsageError } from '../errors.js';
import { describeError } from './members.js';

/** Offsets, lengths and buffer addresses of direct reads are multiples of this. */
export const DIRECT_ALIGN = 4096;

/** `auto`: block devices direct, files through the page cache; `on`: every member; `off`: none. */
export type DirectMode = 'auto' | 'on' | 'off';

let mode: DirectMode = 'auto';

/** Chooses direct I/O for the members opened from now on (the command line: --direct, --no-direct). */
export function setDirectIo(next: DirectMode): void {
  mode = next;
}

const aligned = new WeakSet<ArrayBufferLike>();
let externalRefused = false;

/**
 * A zeroed buffer for member reads, writes or a step's results, page-aligned when the native addon
 * is loaded: direct reads need it, and the kernel's page-cache copy into or out of a buffer 16 bytes
 * off a 64-byte line (where malloc puts Node's large buffers) runs at a quarter of its speed.
 */
export function ioBuffer(size: number): Buffer {
  const alloc = loadNative().addon?.alignedBuffer;
  if (!alloc || externalRefused) return Buffer.alloc(size);
  try {
    const buf = alloc(size, DIRECT_ALIGN);
    aligned.add(buf.buffer);
    return buf;
  } catch {
    externalRefused = true; // a runtime that allows no external buffers: Node's own, unaligned
    return Buffer.alloc(size);
  }
}

/** Direct handles that refused a read (EINVAL: a device with larger blocks): read buffered instead. */
const refused = new WeakSet<FileHandle>();

export function refuseDirect(handle: FileHandle): void {
  refused.add(handle);
}

/**
 * How many of `want` bytes at file offset `at` into buf[from..] may be read through the direct
 * handle (0: read them buffered). The unaligned head or tail of a range is read buffered.
 */
export function directSpan(
  handle: FileHandle | null | undefined,
  buf: Uint8Array,
  from: number,
  at: number,
  want: number,
): number {
  if (!handle || refused.has(handle) || !aligned.has(buf.buffer)) return 0;
  if ((buf.byteOffset + from) % DIRECT_ALIGN !== 0 || at % DIRECT_ALIGN !== 0) return 0;
  return want - (want % DIRECT_ALIGN);
}

/**
 * The O_DIRECT handle of a member, or null when it is read through the page cache. With `on`, a
 * member that cannot be opened so (a filesystem without direct I/O, no native addon) is refused.
 */
export async function openDirect(path: string, label: string, block: boolean): Promise<FileHandle | null> {
  if (mode === 'off' || (mode === 'auto' && !block)) return null;
  if (!loadNative().addon?.alignedBuffer) {
    if (mode === 'auto') return null;
    throw new UsageError(
      `member '${label}': --direct needs aligned buffers from the native addon, which is not loaded (use --no-direct)`,
    );
  }
  try {
    return await open(path, constants.O_RDONLY | constants.O_DIRECT);
  } catch (err) {
    if (mode === 'auto') return null;
    const why =
      (err as NodeJS.ErrnoException).code === 'EINVAL'
        ? 'its filesystem has no direct I/O'
        : describeError(err);
    throw new UsageError(`member '${label}': cannot open for direct I/O (--direct): ${why}; use --no-direct`);
  }
}

/** Members of a run larger than this (all together) are dropped from the page cache behind the reads. */
const DROP_BEHIND = totalmem() / 4;

/** Page-cache advice for a member file read once, front to back, as part of a run of `total` bytes. */
export function adviseSequential(handle: FileHandle, total: number): boolean {
  const fadvise = loadNative().addon?.fadvise;
  if (!fadvise) return false;
  fadvise(handle.fd, 0, 0, 'sequential');
  return total > DROP_BEHIND;
}

/** Drops [at, at + len) of a file from the page cache (it has been read and will not be again). */
export function dropBehind(handle: FileHandle, at: number, len: number): void {
  loadNative().addon?.fadvise?.(handle.fd, at, len, 'dontneed');
}
