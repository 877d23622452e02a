// Outputs. Whole outputs (xor, pq, recover-*) that are regular files go to a temporary in the
// same folder, are flushed and renamed into place only on success; block-device outputs need
// --force and must be neither mounted, held nor an input. In-place destinations (xor --accumulate,
// memcpy, memset) are written where they are.

import { randomBytes } from 'node:crypto';
import { constants, unlinkSync } from 'node:fs';
import { type FileHandle, lstat, open, readdir, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { IoError, UsageError } from '../errors.js';
import { blockDeviceSize, deviceAndPartitions, isHeld, loopBackingFile, mountedDeviceIds } from './device.js';
import type { MemberSpec } from './member.js';
import { describeError, type Identity, type InputMember, sameTarget, statMember } from './members.js';

/** Where a stream step's result goes. Positions are relative to the output's own start. */
export interface OutputSink {
  label: string;
  write(buf: Uint8Array, len: number, pos: number): Promise<void>;
  /**
   * Makes the result durable without publishing it (fsync; a temporary stays a temporary), so that
   * a command with several outputs publishes none of them when flushing any one fails.
   */
  flush?(): Promise<void>;
  /** makes the result durable and visible (rename for temporaries) */
  commit(): Promise<void>;
  /** forgets the result: removes a temporary, leaves an existing output as it was */
  abort(): Promise<void>;
}

// Temporaries alive in this process, so that a second interrupt can still remove them synchronously.
const temporaries = new Set<string>();

export function removeTemporariesSync(): void {
  for (const path of temporaries) {
    try {
      unlinkSync(path);
    } catch {
      // already gone
    }
  }
  temporaries.clear();
}

// `.<name>.raidtx-tmp-<pid>-<8 hex>`: the temporary of output <name> written by process <pid>.
const TEMPORARY = /^\.(.+)\.raidtx-tmp-(\d+)-[0-9a-f]{8}$/;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes the temporaries of output `name` in `dir` that runs killed outright (SIGKILL, a crash)
 * left behind: those whose process no longer exists. A live run's temporary is left alone.
 */
async function removeStaleTemporaries(dir: string, name: string): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = TEMPORARY.exec(entry);
    if (!m || m[1] !== name || processAlive(Number(m[2]))) continue;
    await unlink(join(dir, entry)).catch(() => undefined);
  }
}

export interface OutputOptions {
  /** --force: allow writing to block devices */
  force: boolean;
  /** bytes the output will receive */
  length: number;
}

interface PlannedOutput {
  label: string;
  kind: 'file' | 'block';
  /** the final path (symlinks resolved, so that rename replaces the file, not the link) */
  target: string;
  identity: Identity | null;
  mode: number;
}

function fileWriter(label: string, handle: FileHandle, start: number) {
  return async (buf: Uint8Array, len: number, pos: number): Promise<void> => {
    let done = 0;
    while (done < len) {
      try {
        const { bytesWritten } = await handle.write(buf, done, len - done, start + pos + done);
        done += bytesWritten;
      } catch (err) {
        throw new IoError(
          `output '${label}': write error at offset ${pos + done}: ${describeError(err)}`,
          label,
          pos + done,
        );
      }
    }
  };
}

/** The identity of the file behind a loop device, so that a loop device and its file count as one. */
async function backingIdentity(id: Identity): Promise<Identity | null> {
  if (!id.block) return null;
  const file = await loopBackingFile(id.rdev);
  if (file === null) return null;
  try {
    const st = await stat(file, { bigint: true });
    return { dev: st.dev, ino: st.ino, rdev: st.rdev, block: false };
  } catch {
    return null;
  }
}

/** The input that is the same file or device as `id` (a loop device and its backing file included). */
async function inputOf(id: Identity, inputs: InputMember[]): Promise<InputMember | undefined> {
  const mine = [id, await backingIdentity(id)].filter((x): x is Identity => x !== null);
  for (const m of inputs) {
    if (m.identity === null) continue;
    const theirs = [m.identity, await backingIdentity(m.identity)].filter((x): x is Identity => x !== null);
    if (mine.some((a) => theirs.some((b) => sameTarget(a, b)))) return m;
  }
  return undefined;
}

async function checkBlockWritable(label: string, id: Identity, force: boolean, need: number): Promise<void> {
  if (!force) throw new UsageError(`output '${label}' is a block device: add --force to write to it`);
  const mounted = await mountedDeviceIds();
  const ids = await deviceAndPartitions(id.rdev);
  const busy = ids.find((d) => mounted.has(d));
  if (busy !== undefined) {
    throw new UsageError(
      `output '${label}': the device${busy === ids[0] ? '' : ` (partition ${busy})`} is mounted; refusing to write`,
    );
  }
  if (await isHeld(id.rdev))
    throw new UsageError(`output '${label}': the device is in use by another device (holders)`);
  const size = await blockDeviceSize(id.rdev);
  if (size < need) throw new UsageError(`output '${label}': device holds ${size} bytes, ${need} needed`);
}

async function planOutput(path: string, inputs: InputMember[], opts: OutputOptions): Promise<PlannedOutput> {
  const label = path;
  let exists = true;
  try {
    await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT')
      throw new UsageError(`output '${label}': ${describeError(err)}`);
    exists = false;
  }
  if (!exists) {
    try {
      await lstat(path);
      throw new UsageError(`output '${label}': dangling symbolic link`);
    } catch (err) {
      if (err instanceof UsageError) throw err;
    }
    const dir = dirname(resolve(path));
    const dst = await stat(dir).catch(() => null);
    if (!dst?.isDirectory()) throw new UsageError(`output '${label}': folder '${dir}' does not exist`);
    return { label, kind: 'file', target: resolve(path), identity: null, mode: 0o666 };
  }
  const { st, id } = await statMember(path, label);
  if (st.isDirectory()) throw new UsageError(`output '${label}': is a directory`);
  const twin = await inputOf(id, inputs);
  if (twin)
    throw new UsageError(
      `output '${label}' is the same file as input '${twin.label}'; refusing to overwrite an input`,
    );
  if (st.isBlockDevice()) {
    await checkBlockWritable(label, id, opts.force, opts.length);
    return { label, kind: 'block', target: path, identity: id, mode: 0 };
  }
  if (!st.isFile()) throw new UsageError(`output '${label}': not a regular file or block device`);
  return { label, kind: 'file', target: await realpath(path), identity: id, mode: st.mode & 0o7777 };
}

async function openPlanned(p: PlannedOutput): Promise<OutputSink> {
  if (p.kind === 'block') {
    let handle: FileHandle;
    try {
      // O_EXCL on a block device fails with EBUSY while it is mounted or claimed.
      handle = await open(p.target, constants.O_WRONLY | constants.O_EXCL);
    } catch (err) {
      throw new UsageError(`output '${p.label}': cannot open: ${describeError(err)}`);
    }
    let flushed = false;
    const flush = async (): Promise<void> => {
      if (flushed) return;
      try {
        await handle.sync();
      } catch (err) {
        throw new IoError(`output '${p.label}': flush failed: ${describeError(err)}`, p.label);
      }
      flushed = true;
    };
    return {
      label: p.label,
      write: fileWriter(p.label, handle, 0),
      flush,
      async commit() {
        await flush();
        await handle.close();
      },
      async abort() {
        await handle.close().catch(() => undefined);
      },
    };
  }
  const dir = dirname(p.target);
  await removeStaleTemporaries(dir, basename(p.target));
  const tmp = join(dir, `.${basename(p.target)}.raidtx-tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  let handle: FileHandle;
  try {
    handle = await open(tmp, 'wx', p.mode);
  } catch (err) {
    throw new UsageError(`output '${p.label}': cannot create a temporary in '${dir}': ${describeError(err)}`);
  }
  temporaries.add(tmp);
  if (p.identity !== null) await handle.chmod(p.mode).catch(() => undefined);
  let closed = false;
  const flush = async (): Promise<void> => {
    if (closed) return;
    try {
      await handle.sync();
      await handle.close();
      closed = true;
    } catch (err) {
      throw new IoError(`output '${p.label}': could not flush: ${describeError(err)}`, p.label);
    }
  };
  return {
    label: p.label,
    write: fileWriter(p.label, handle, 0),
    flush,
    async commit() {
      await flush();
      try {
        await rename(tmp, p.target);
        temporaries.delete(tmp);
      } catch (err) {
        throw new IoError(`output '${p.label}': could not commit: ${describeError(err)}`, p.label);
      }
      // Make the rename itself durable.
      const dh = await open(dir, constants.O_RDONLY).catch(() => null);
      await dh?.sync().catch(() => undefined);
      await dh?.close().catch(() => undefined);
    },
    async abort() {
      if (!closed) await handle.close().catch(() => undefined);
      closed = true;
      await unlink(tmp).catch(() => undefined);
      temporaries.delete(tmp);
    },
  };
}

/**
 * Checks every output against the inputs and each other before creating anything, then opens them
 * (temporaries for files). Throws UsageError naming the culprit with nothing created.
 */
export async function openOutputs(
  paths: string[],
  inputs: InputMember[],
  opts: OutputOptions,
): Promise<OutputSink[]> {
  const plans: PlannedOutput[] = [];
  for (const path of paths) {
    const p = await planOutput(path, inputs, opts);
    const dup = plans.find(
      (q) => q.target === p.target || (q.identity && p.identity && sameTarget(q.identity, p.identity)),
    );
    if (dup) throw new UsageError(`outputs '${dup.label}' and '${p.label}' are the same file`);
    plans.push(p);
  }
  const sinks: OutputSink[] = [];
  try {
    for (const p of plans) sinks.push(await openPlanned(p));
  } catch (err) {
    await Promise.all(sinks.map((s) => s.abort()));
    throw err;
  }
  return sinks;
}

export interface InPlaceOptions {
  force: boolean;
  /** create a regular file that does not exist yet (memcpy's DEST, like dd) */
  create: boolean;
  /** --offset, added to the member's own @OFFSET */
  offset: number;
  /** bytes that will be written from the member's start */
  length: number;
}

/** Opens DEST for writing in place at its `@OFFSET` + `--offset`. Refused when it is also an input. */
export async function openInPlace(
  spec: MemberSpec,
  inputs: InputMember[],
  opts: InPlaceOptions,
): Promise<OutputSink> {
  if (spec.kind !== 'path')
    throw new UsageError(`destination '${spec.spec}': must be a file or block device`);
  const label = spec.spec;
  const start = spec.offset + opts.offset;
  let exists = true;
  try {
    await stat(spec.path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !opts.create) {
      throw new UsageError(`destination '${label}': ${describeError(err)}`);
    }
    exists = false;
  }
  let flags = constants.O_WRONLY;
  if (exists) {
    const { st, id } = await statMember(spec.path, label);
    if (st.isDirectory()) throw new UsageError(`destination '${label}': is a directory`);
    const twin = await inputOf(id, inputs);
    if (twin) throw new UsageError(`destination '${label}' is the same file as input '${twin.label}'`);
    if (st.isBlockDevice()) {
      await checkBlockWritable(label, id, opts.force, start + opts.length);
      flags |= constants.O_EXCL;
    } else if (!st.isFile()) {
      throw new UsageError(`destination '${label}': not a regular file or block device`);
    }
  } else {
    const dir = dirname(resolve(spec.path));
    const dst = await stat(dir).catch(() => null);
    if (!dst?.isDirectory()) throw new UsageError(`destination '${label}': folder '${dir}' does not exist`);
    flags |= constants.O_CREAT;
  }
  let handle: FileHandle;
  try {
    handle = await open(spec.path, flags, 0o666);
  } catch (err) {
    throw new UsageError(`destination '${label}': cannot open for writing: ${describeError(err)}`);
  }
  return {
    label,
    write: fileWriter(label, handle, start),
    async commit() {
      try {
        await handle.sync();
      } catch (err) {
        throw new IoError(`destination '${label}': flush failed: ${describeError(err)}`, label);
      }
      await handle.close();
    },
    async abort() {
      // In place: what was written stays written (like dd); just release the handle.
      await handle.sync().catch(() => undefined);
      await handle.close().catch(() => undefined);
    },
  };
}
