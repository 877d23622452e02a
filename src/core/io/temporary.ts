// Atomic whole-file outputs: written to `.<name>.raidtx-tmp-<pid>-<8 hex>` in the output's folder,
// flushed, and renamed into place only on success. Temporaries of this process are tracked so that
// a second interrupt can still remove them synchronously, and those left by killed runs are removed.

import { constants, unlinkSync } from 'node:fs';
import { type FileHandle, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { IoError, UsageError } from '../errors.js';
import { describeError } from './members.js';
import { processAlive, type ResumeSession, removeStaleState } from './resume.js';
import { fileWriter, type OutputSink } from './sink.js';

const temporaries = new Set<string>();

/**
 * 8 hex digits that keep two temporaries of one process apart. Math.random, not node:crypto, whose
 * loading costs every run a few ms: the name needs no secrecy, it is created with O_EXCL ('wx'),
 * which fails on any existing file or symlink rather than following it.
 */
function tag(): string {
  return Math.floor(Math.random() * 0x100000000)
    .toString(16)
    .padStart(8, '0');
}

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

/**
 * Removes the temporaries of output `name` in `dir` that runs killed outright (SIGKILL, a crash)
 * left behind: those whose process no longer exists. A live run's temporary is left alone.
 */
async function removeStaleTemporaries(dir: string, name: string, kept: string | null): Promise<void> {
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch {
    return;
  }
  for (const entry of entries) {
    const m = TEMPORARY.exec(entry);
    if (!m || m[1] !== name || entry === kept || processAlive(Number(m[2]))) continue;
    await unlink(join(dir, entry)).catch(() => undefined);
  }
}

/**
 * Opens a temporary for the regular file `target` (which may not exist yet), created with `mode`
 * (`chmod` again when replacing an existing file, so the umask does not narrow it). With `resume`,
 * the temporary kept by an interrupted run is reopened as it is, and kept again on interrupt.
 */
export async function openTemporary(
  label: string,
  target: string,
  mode: number,
  replacing: boolean,
  resume: ResumeSession | null = null,
): Promise<OutputSink> {
  const dir = dirname(target);
  const kept = resume?.keptTemporary(target) ?? null;
  await removeStaleTemporaries(dir, basename(target), kept && basename(kept));
  if (!resume) await removeStaleState(dir, basename(target));
  const tmp = kept ?? join(dir, `.${basename(target)}.raidtx-tmp-${process.pid}-${tag()}`);
  let handle: FileHandle;
  try {
    handle = await open(tmp, kept ? 'r+' : 'wx', mode);
  } catch (err) {
    throw new UsageError(`output '${label}': cannot create a temporary in '${dir}': ${describeError(err)}`);
  }
  // A resumable temporary is not removed by a second interrupt either.
  if (!resume) temporaries.add(tmp);
  if (replacing) await handle.chmod(mode).catch(() => undefined);
  let closed = false;
  resume?.adopt(target, tmp, async () => {
    if (!closed) await handle.datasync();
  });
  const write = fileWriter(label, handle, 0);
  const flush = async (): Promise<void> => {
    if (closed) return;
    try {
      await handle.sync();
      await handle.close();
      closed = true;
    } catch (err) {
      throw new IoError(`output '${label}': could not flush: ${describeError(err)}`, label);
    }
  };
  return {
    label,
    write: resume
      ? async (buf, len, pos) => {
          await write(buf, len, pos);
          resume.wrote(len);
        }
      : write,
    // A fresh file reads as zeros wherever nothing was written: extending it leaves a hole.
    async zero(_from, to) {
      if ((await handle.stat()).size < to) await handle.truncate(to);
    },
    flush,
    async commit() {
      await flush();
      try {
        await rename(tmp, target);
        temporaries.delete(tmp);
      } catch (err) {
        throw new IoError(`output '${label}': could not commit: ${describeError(err)}`, label);
      }
      // Make the rename itself durable.
      const dh = await open(dir, constants.O_RDONLY).catch(() => null);
      await dh?.sync().catch(() => undefined);
      await dh?.close().catch(() => undefined);
      await resume?.committed();
    },
    async abort() {
      if (resume?.keeping()) await resume.keep().catch(() => undefined);
      if (!closed) await handle.close().catch(() => undefined);
      closed = true;
      if (resume?.keeping()) return;
      await unlink(tmp).catch(() => undefined);
      temporaries.delete(tmp);
      await resume?.discard();
    },
  };
}
