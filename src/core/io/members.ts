// Input members: opened read-only, sized (block devices through sysfs), ranged by their own
// `@OFFSET`, the global `--offset` and `--length`, and checked for equal sizes unless `--pad`.

import { constants, type Stats } from 'node:fs';
import { type FileHandle, open, stat } from 'node:fs/promises';
import type { MemberDamage } from '../damage/damage.js';
import { IoError, UsageError } from '../errors.js';
import { FieldError } from '../field-error.js';
import { blockDeviceSize } from './device.js';
import { adviseSequential, directSpan, dropBehind, openDirect, refuseDirect } from './direct.js';
import type { MemberSpec } from './member.js';

/** What makes two paths the same file or device, however they are spelled. */
export interface Identity {
  dev: bigint;
  ino: bigint;
  rdev: bigint;
  block: boolean;
}

export function sameTarget(a: Identity, b: Identity): boolean {
  return (a.dev === b.dev && a.ino === b.ino) || (a.block && b.block && a.rdev === b.rdev);
}

export interface InputMember {
  /** the member as the user wrote it, for messages */
  label: string;
  kind: 'file' | 'block' | 'zero' | 'missing';
  path: string | null;
  handle: FileHandle | null;
  identity: Identity | null;
  /** file position of the member's byte 0: its `@OFFSET` plus the range's offset */
  start: number;
  /** bytes from `start` to the end of the file or device */
  available: number;
  /** unreadable extents known so far (file coordinates), shared by every reader of the member */
  damage?: MemberDamage;
  /** the same member opened with O_DIRECT (aligned reads go there), or absent/null (direct.ts) */
  direct?: FileHandle | null;
  /** drop what was read from the page cache (a file in a run much larger than memory) */
  dropBehind?: boolean;
}

export interface RangeOptions {
  /** added to every member's own start */
  offset: number;
  /** bytes per member, or null for "the members' size" */
  length: number | null;
  /** shorter members read as zero-padded */
  pad: boolean;
}

export function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'no such file or directory';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  if (e?.code === 'EISDIR') return 'is a directory';
  if (e?.code === 'EBUSY') return 'device or resource busy';
  return e?.message ?? String(err);
}

/** stat with bigint inode numbers; a missing or unreadable path is a usage error naming `label`. */
export async function statMember(path: string, label: string): Promise<{ st: Stats; id: Identity }> {
  let st: Stats;
  let big: import('node:fs').BigIntStats;
  try {
    st = await stat(path);
    big = await stat(path, { bigint: true });
  } catch (err) {
    throw new UsageError(`member '${label}': ${describeError(err)}`);
  }
  return { st, id: { dev: big.dev, ino: big.ino, rdev: big.rdev, block: st.isBlockDevice() } };
}

async function openInput(spec: MemberSpec, globalOffset: number): Promise<InputMember> {
  if (spec.kind !== 'path') {
    return {
      label: spec.spec,
      kind: spec.kind,
      path: null,
      handle: null,
      identity: null,
      start: 0,
      available: -1,
    };
  }
  const label = spec.spec;
  const { st, id } = await statMember(spec.path, label);
  if (st.isDirectory()) throw new UsageError(`member '${label}': is a directory`);
  if (!st.isFile() && !st.isBlockDevice()) {
    throw new UsageError(`member '${label}': not a regular file or block device`);
  }
  const size = st.isBlockDevice() ? await blockDeviceSize(id.rdev) : st.size;
  const start = spec.offset + globalOffset;
  if (start > size) {
    throw new UsageError(`member '${label}': offset ${start} is beyond its end (size ${size} bytes)`);
  }
  let handle: FileHandle;
  try {
    handle = await open(spec.path, constants.O_RDONLY);
  } catch (err) {
    throw new UsageError(`member '${label}': cannot open: ${describeError(err)}`);
  }
  let direct: FileHandle | null;
  try {
    direct = await openDirect(spec.path, label, st.isBlockDevice());
  } catch (err) {
    await handle.close();
    throw err;
  }
  return {
    label,
    kind: st.isBlockDevice() ? 'block' : 'file',
    path: spec.path,
    handle,
    identity: id,
    start,
    available: size - start,
    // one object per opened member, so readers copied from it (md data areas) share what is found
    damage: { extents: [] },
    direct,
  };
}

export async function closeAll(members: InputMember[]): Promise<void> {
  await Promise.all(
    members.flatMap((m) => [m.handle, m.direct].map((h) => h?.close().catch(() => undefined))),
  );
}

/**
 * Opens every member read-only and decides the length every member contributes. Without `--pad`,
 * members must offer the same number of bytes (or at least `--length`). Throws UsageError naming the
 * culprit; on error, members already opened are closed.
 */
export async function openMembers(
  specs: MemberSpec[],
  range: RangeOptions,
): Promise<{ members: InputMember[]; length: number }> {
  const members: InputMember[] = [];
  try {
    for (const spec of specs) members.push(await openInput(spec, range.offset));
    // The same member twice is fine for reading (its data counts twice), so no identity check here.
    const real = members.filter((m) => m.handle !== null);
    let length: number;
    if (range.length !== null) {
      length = range.length;
      const short = real.filter((m) => m.available < length);
      if (short.length > 0 && !range.pad) {
        const m = short[0]!;
        throw new FieldError(
          'length',
          (f) => `member '${m.label}': only ${m.available} bytes from offset ${m.start}, ${f} is ${length}`,
        ).withFieldHint(
          (f, name) =>
            `${f} ${Math.min(...real.map((x) => x.available))} (what every member holds), or ${name('pad')} to read '${m.label}' as zero-padded`,
        );
      }
    } else {
      const sizes = new Set(real.map((m) => m.available));
      if (sizes.size > 1 && !range.pad) throw unequalSizes(real);
      length = real.length > 0 ? Math.max(...real.map((m) => m.available)) : 0;
    }
    for (const m of real) if (!m.direct) m.dropBehind = adviseSequential(m.handle!, length * real.length);
    return { members, length };
  } catch (err) {
    await closeAll(members);
    throw err;
  }
}

function unequalSizes(members: InputMember[]): FieldError {
  const bySize = new Map<number, string[]>();
  for (const m of members) {
    const list = bySize.get(m.available) ?? [];
    list.push(`'${m.label}'`);
    bySize.set(m.available, list);
  }
  const parts = [...bySize].map(([size, names]) => {
    const shown =
      names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
    return `${shown}: ${size} bytes`;
  });
  const least = Math.min(...members.map((m) => m.available));
  return new FieldError('pad', () => `members differ in size (${parts.join('; ')})`).withFieldHint(
    (f, name) =>
      `${f} to read the shorter members as zero-padded, or ${name('length')} ${least} to read only what every member holds`,
  );
}

/**
 * Reads `len` bytes of member-relative range [pos, pos + len) into buf[0..len). Bytes past the
 * member's end read as zero (only reachable with `--pad`); a file that ends earlier than its size
 * said is an I/O error naming the member and offset.
 */
export async function readMember(m: InputMember, buf: Uint8Array, len: number, pos: number): Promise<void> {
  if (m.handle === null) {
    buf.fill(0, 0, len);
    return;
  }
  const want = Math.max(0, Math.min(len, m.available - pos));
  let got = 0;
  while (got < want) {
    let n: number;
    const at = m.start + pos + got;
    const span = directSpan(m.direct, buf, got, at, want - got);
    try {
      ({ bytesRead: n } =
        span > 0 ? await m.direct!.read(buf, got, span, at) : await m.handle.read(buf, got, want - got, at));
    } catch (err) {
      if (span > 0 && (err as NodeJS.ErrnoException).code === 'EINVAL') {
        refuseDirect(m.direct!); // larger logical blocks than DIRECT_ALIGN: buffered from now on
        continue;
      }
      const e = new IoError(
        `member '${m.label}': read error at offset ${pos + got}: ${describeError(err)}`,
        m.path ?? undefined,
        pos + got,
      );
      e.cause = err; // the errno tells a failing medium from a vanished file (damage/read.ts)
      throw e;
    }
    if (n === 0) {
      throw new IoError(
        `member '${m.label}': unexpected end of data at offset ${pos + got} (did it shrink?)`,
        m.path ?? undefined,
        pos + got,
      );
    }
    got += n;
  }
  if (m.dropBehind && want > 0) dropBehind(m.handle, m.start + pos, want);
  if (want < len) buf.fill(0, want, len);
}
