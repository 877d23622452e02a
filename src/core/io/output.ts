// Outputs. Whole outputs (xor, pq, recover-*, md) that are regular files are atomic (temporary.ts);
// block-device outputs need `force` and must be neither mounted, held nor an input. In-place
// destinations (xor accumulate, memcpy, memset) are written where they are. Every output passes
// the same safety checks (inspectTarget) before anything is created.

import type { Stats } from 'node:fs';
import { constants } from 'node:fs';
import { type FileHandle, lstat, open, realpath, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { IoError, UsageError } from '../errors.js';
import { FieldError } from '../field-error.js';
import { blockDeviceSize, deviceAndPartitions, isHeld, loopBackingFile, mountedDeviceIds } from './device.js';
import type { MemberSpec } from './member.js';
import { describeError, type Identity, type InputMember, sameTarget, statMember } from './members.js';
import type { ResumeSession } from './resume.js';
import { fileWriter, type OutputSink } from './sink.js';
import { openTemporary } from './temporary.js';

export type { OutputSink } from './sink.js';
export { removeTemporariesSync } from './temporary.js';

export interface OutputOptions {
  /** allow writing to block devices */
  force: boolean;
  /** bytes the output will receive */
  length: number;
  /** --resume: temporaries kept on interrupt, reopened from a checkpoint */
  resume?: ResumeSession | null;
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
  if (!force)
    throw new FieldError('force', (f) => `output '${label}' is a block device: add ${f} to write to it`);
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

type Target = { exists: false } | { exists: true; kind: 'file' | 'block'; st: Stats; id: Identity };

/**
 * The safety checks every output passes before anything is created: an absent path needs an existing
 * folder (`create`); an existing one must be a regular file or a writable block device, and never
 * one of the inputs. `what` names it in messages ('output', 'destination').
 */
async function inspectTarget(
  path: string,
  label: string,
  what: 'output' | 'destination',
  inputs: InputMember[],
  o: { force: boolean; need: number; create: boolean },
): Promise<Target> {
  try {
    await stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' || !o.create)
      throw new UsageError(`${what} '${label}': ${describeError(err)}`);
    if (
      what === 'output' &&
      (await lstat(path)
        .then(() => true)
        .catch(() => false))
    )
      throw new UsageError(`${what} '${label}': dangling symbolic link`);
    const dir = dirname(resolve(path));
    const dst = await stat(dir).catch(() => null);
    if (!dst?.isDirectory()) throw new UsageError(`${what} '${label}': folder '${dir}' does not exist`);
    return { exists: false };
  }
  const { st, id } = await statMember(path, label);
  if (st.isDirectory()) throw new UsageError(`${what} '${label}': is a directory`);
  const twin = await inputOf(id, inputs);
  if (twin) {
    const tail = what === 'output' ? '; refusing to overwrite an input' : '';
    throw new UsageError(`${what} '${label}' is the same file as input '${twin.label}'${tail}`);
  }
  if (st.isBlockDevice()) {
    await checkBlockWritable(label, id, o.force, o.need);
    return { exists: true, kind: 'block', st, id };
  }
  if (!st.isFile()) throw new UsageError(`${what} '${label}': not a regular file or block device`);
  return { exists: true, kind: 'file', st, id };
}

interface PlannedOutput {
  label: string;
  target: Target;
  /** the final path (symlinks resolved, so that rename replaces the file, not the link) */
  path: string;
}

async function openBlock(label: string, path: string): Promise<OutputSink> {
  let handle: FileHandle;
  try {
    // O_EXCL on a block device fails with EBUSY while it is mounted or claimed.
    handle = await open(path, constants.O_WRONLY | constants.O_EXCL);
  } catch (err) {
    throw new UsageError(`output '${label}': cannot open: ${describeError(err)}`);
  }
  let flushed = false;
  const flush = async (): Promise<void> => {
    if (flushed) return;
    try {
      await handle.sync();
    } catch (err) {
      throw new IoError(`output '${label}': flush failed: ${describeError(err)}`, label);
    }
    flushed = true;
  };
  return {
    label,
    write: fileWriter(label, handle, 0),
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

function openPlanned(p: PlannedOutput, resume: ResumeSession | null): Promise<OutputSink> {
  const t = p.target;
  if (t.exists && t.kind === 'block') return openBlock(p.label, p.path);
  return openTemporary(p.label, p.path, t.exists ? t.st.mode & 0o7777 : 0o666, t.exists, resume);
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
    const target = await inspectTarget(path, path, 'output', inputs, {
      force: opts.force,
      need: opts.length,
      create: true,
    });
    if (opts.resume && target.exists && target.kind === 'block')
      throw new UsageError(`output '${path}' is a block device: --resume needs file outputs`);
    const final = target.exists && target.kind === 'file' ? await realpath(path) : resolve(path);
    const p: PlannedOutput = {
      label: path,
      target,
      path: target.exists && target.kind === 'block' ? path : final,
    };
    const id = target.exists ? target.id : null;
    const dup = plans.find(
      (q) => q.path === p.path || (q.target.exists && id && sameTarget(q.target.id, id)),
    );
    if (dup) throw new UsageError(`outputs '${dup.label}' and '${p.label}' are the same file`);
    plans.push(p);
  }
  const sinks: OutputSink[] = [];
  try {
    for (const p of plans) sinks.push(await openPlanned(p, opts.resume ?? null));
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
  /** added to the member's own @OFFSET */
  offset: number;
  /** bytes that will be written from the member's start */
  length: number;
}

/** Opens DEST for writing in place at its `@OFFSET` + `offset`. Refused when it is also an input. */
export async function openInPlace(
  spec: MemberSpec,
  inputs: InputMember[],
  opts: InPlaceOptions,
): Promise<OutputSink> {
  if (spec.kind !== 'path')
    throw new UsageError(`destination '${spec.spec}': must be a file or block device`);
  const label = spec.spec;
  const start = spec.offset + opts.offset;
  const target = await inspectTarget(spec.path, label, 'destination', inputs, {
    force: opts.force,
    need: start + opts.length,
    create: opts.create,
  });
  let flags = constants.O_WRONLY;
  if (!target.exists) flags |= constants.O_CREAT;
  else if (target.kind === 'block') flags |= constants.O_EXCL;
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
