// Resumable long runs (--resume): the temporaries of a run are kept on interrupt, beside a state file
// `.NAME.raidtx-state` (NAME: the first output) that says which inputs made them and how far they are
// complete. Checkpoint rule: fdatasync every temporary, then replace the state (write, fsync, rename,
// fsync the folder), at least every RAIDTX_RESUME_INTERVAL bytes of output (64 MiB). A rerun with
// --resume checks that nothing changed and streams on from the last checkpoint.

import { constants } from 'node:fs';
import { open, readFile, realpath, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { addDamage } from '../damage/damage.js';
import { type Extent, normalize } from '../damage/extents.js';
import { UsageError } from '../errors.js';
import type { InputMember } from './members.js';

/** What the command line asks of a resumable run (commands/lib/resume.ts builds it). */
export interface ResumeRequest {
  /** the command, e.g. 'md export' */
  command: string;
  /** its arguments without --resume and the options that do not change the output */
  argv: string[];
  cwd: string;
  /** files named by `--map PATH=MAPFILE` */
  maps: string[];
  /** tells the user something on stderr (no state found, ...) */
  note(message: string): void;
}

interface Stamp {
  /** as given, for messages */
  label: string;
  path: string;
  size: number;
  mtimeNs: string;
  /** device and inode: a file copied over the path with its size and mtime is still another file */
  file: string;
}

interface Fingerprint {
  command: string;
  argv: string[];
  cwd: string;
  members: Stamp[];
  maps: (Stamp | null)[];
  geometry: unknown;
  outputs: string[];
}

interface State {
  version: 1;
  pid: number;
  fingerprint: Fingerprint;
  /** final output path -> its temporary's name (same folder) */
  temporaries: Record<string, string>;
  /** jobs [0, part) are complete, job `part` below stream position `pos` */
  part: number;
  pos: number;
  /** values a run chose once (md rebuild: device UUIDs), chosen again the same on resume */
  constants: Record<string, unknown>;
  /** what the run's reports held at the checkpoint (lost and recovered ranges), by name: see carry() */
  carried?: Record<string, unknown>;
  /** read errors met so far (source "eio", file coordinates, merged), by index of fingerprint.members */
  eio?: Extent[][];
}

/**
 * A report's part carried across an interrupt: `mark` runs at each step boundary and returns how to
 * make the saved form of what the report held then (called only when a checkpoint is written, so
 * that a mark costs little); `restore` takes that form back on resume.
 */
export interface Carried<T> {
  mark(): () => T;
  restore(saved: T): void;
}

/** Bytes of output between two checkpoints (tests lower it through RAIDTX_RESUME_INTERVAL). */
function checkpointInterval(): number {
  const v = Number(process.env.RAIDTX_RESUME_INTERVAL);
  return Number.isSafeInteger(v) && v > 0 ? v : 64 << 20;
}

const STATE_SUFFIX = '.raidtx-state';

export function statePathOf(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}${STATE_SUFFIX}`);
}

/** Whether process `pid` exists (whose temporaries and state are not stale). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function readState(path: string): Promise<State | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const s = JSON.parse(text) as State;
    const ok = s.version === 1 && Number.isSafeInteger(s.pid) && s.pid > 0 && s.fingerprint && s.temporaries;
    if (ok && Number.isSafeInteger(s.pos) && Number.isSafeInteger(s.part)) return s;
  } catch {
    // damaged: treated below
  }
  throw new UsageError(`--resume: state file '${path}' is damaged; run without --resume to start over`);
}

/**
 * Without --resume: removes the state left beside output `name` in `dir` by a run that no longer
 * exists (as its temporaries are removed).
 */
export async function removeStaleState(dir: string, name: string): Promise<void> {
  const path = join(dir, `.${name}${STATE_SUFFIX}`);
  const s = await readState(path).catch(() => ({ pid: 0 }) as Pick<State, 'pid'>);
  if (s !== null && s.pid > 0 && s.pid !== process.pid && processAlive(s.pid)) return;
  await unlink(path).catch(() => undefined);
  await unlink(`${path}.new`).catch(() => undefined);
}

async function stampOf(label: string, path: string, size?: number): Promise<Stamp> {
  const st = await stat(path, { bigint: true });
  const file = `${st.dev}:${st.ino}`;
  return { label, path: resolve(path), size: size ?? Number(st.size), mtimeNs: String(st.mtimeNs), file };
}

async function syncDir(dir: string): Promise<void> {
  const dh = await open(dir, constants.O_RDONLY).catch(() => null);
  await dh?.sync().catch(() => undefined);
  await dh?.close().catch(() => undefined);
}

const iso = (ns: string): string => new Date(Number(BigInt(ns) / 1000000n)).toISOString();

/** The first difference between the recorded and the present fingerprint, in words, or null. */
function changed(was: Fingerprint, now: Fingerprint): string | null {
  if (was.command !== now.command || was.cwd !== now.cwd || was.argv.join('\0') !== now.argv.join('\0'))
    return `the interrupted run was 'raidtx ${was.argv.join(' ')}' in '${was.cwd}'`;
  if (was.outputs.join('\0') !== now.outputs.join('\0')) return 'the outputs differ from the interrupted run';
  const files = (what: string, a: (Stamp | null)[], b: (Stamp | null)[]): string | null => {
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i];
      const y = b[i];
      if (!x || !y || x.path !== y.path) return `the ${what}s differ from the interrupted run's`;
      if (x.size !== y.size)
        return `${what} '${y.label}' changed since the interrupted run (size ${x.size} -> ${y.size})`;
      if (x.mtimeNs !== y.mtimeNs)
        return `${what} '${y.label}' changed since the interrupted run (mtime ${iso(x.mtimeNs)} -> ${iso(y.mtimeNs)})`;
      if (x.file !== y.file) return `${what} '${y.label}' is another file than in the interrupted run`;
    }
    return null;
  };
  const diff = files('member', was.members, now.members) ?? files('map', was.maps, now.maps);
  if (diff) return diff;
  if (JSON.stringify(was.geometry) !== JSON.stringify(now.geometry))
    return `the array geometry changed since the interrupted run (${JSON.stringify(was.geometry)} -> ${JSON.stringify(now.geometry)})`;
  return null;
}

/** A resumable run's temporaries and state; created by openResume, used by temporary.ts and runJob. */
export class ResumeSession {
  private readonly syncs = new Map<string, () => Promise<void>>();
  private readonly temporaries: Record<string, string> = {};
  private readonly interval = checkpointInterval();
  private written = 0;
  private saved = false;
  private at: { part: number; pos: number };
  private uncommitted = 0;
  private kept: Promise<void> | null = null;
  private readonly carriers = new Map<string, Carried<unknown>>();
  /** the carried reports as they were at `at` (null: not marked yet, i.e. as restored) */
  private marks: Map<string, () => unknown> | null = null;

  constructor(
    private readonly statePath: string,
    private readonly fingerprint: Fingerprint,
    private readonly previous: State | null,
    private readonly constants: Record<string, unknown>,
    /** where the run starts: job `part`, stream position `pos` */
    readonly start: { part: number; pos: number },
    /** the members with a path, in fingerprint order (their run-time read errors are kept) */
    private readonly members: InputMember[],
    private readonly signal?: AbortSignal,
  ) {
    this.at = { ...start };
  }

  /** The kept temporary of output `finalPath` (to reopen, not truncate), or null for a fresh one. */
  keptTemporary(finalPath: string): string | null {
    const name = this.previous?.temporaries[finalPath];
    return name ? join(dirname(finalPath), name) : null;
  }

  /** Records an open temporary of output `finalPath`; `sync` makes its data durable. */
  adopt(finalPath: string, tmp: string, sync: () => Promise<void>): void {
    this.temporaries[finalPath] = basename(tmp);
    this.syncs.set(finalPath, sync);
    this.uncommitted++;
  }

  /** The value named `name` of the interrupted run, or `make()` for a fresh one (kept in the state). */
  constant<T>(name: string, make: () => T): T {
    if (!(name in this.constants)) this.constants[name] = make();
    return this.constants[name] as T;
  }

  /**
   * Carries report part `name` across an interrupt: restored now from the interrupted run's state
   * (register before the first step), saved with every checkpoint as it was at that step boundary.
   */
  carry<T>(name: string, c: Carried<T>): void {
    this.carriers.set(name, c as Carried<unknown>);
    const saved = this.previous?.carried?.[name];
    if (saved !== undefined) c.restore(saved as T);
  }

  private markAll(): Map<string, () => unknown> {
    return new Map([...this.carriers].map(([name, c]) => [name, c.mark()]));
  }

  /** Counts output bytes towards the next checkpoint. */
  wrote(bytes: number): void {
    this.written += bytes;
  }

  /** Stream position where job `part` of `length` bytes starts (length: nothing left to do). */
  startOf(part: number, length: number): number {
    if (part < this.start.part) return length;
    return part === this.start.part ? this.start.pos : 0;
  }

  /**
   * Called at each step boundary of job `part`; `drain` resolves once everything it writes below
   * `pos` is written (only a checkpoint waits for it, so other steps keep their writes overlapped).
   */
  async step(part: number, pos: number, drain: () => Promise<void> = async () => {}): Promise<void> {
    const due = !this.saved || this.written >= this.interval;
    if (due) await drain();
    // The reports are marked with the position, at once: they hold the steps before `pos` (each
    // computed, and written once drained, so made durable by the data sync of save()) and nothing of
    // step `pos`; keep() after an interrupt (the stream drains its writes first) saves this pair,
    // not what later steps added.
    this.at = { part, pos };
    this.marks = this.markAll();
    if (due) await this.save();
  }

  private async save(): Promise<void> {
    // The position and the reports as they were together at the last step boundary.
    const at = this.at;
    const marks = this.marks ?? this.markAll();
    // The data first: the state must never claim output that could still be lost.
    for (const sync of this.syncs.values()) await sync();
    // The whole report so far goes into every checkpoint: its size grows with the number of
    // distinct damaged ranges (merged when adjacent), not with the output; a member with many
    // scattered bad sectors makes a large state, kept exact rather than capped.
    const state: State = {
      version: 1,
      pid: process.pid,
      fingerprint: this.fingerprint,
      temporaries: this.temporaries,
      ...at,
      constants: this.constants,
      carried: Object.fromEntries([...marks].map(([name, make]) => [name, make()])),
      eio: this.members.map((m) => normalize((m.damage?.extents ?? []).filter((e) => e.source === 'eio'))),
    };
    const tmp = `${this.statePath}.new`;
    const fh = await open(tmp, 'w', 0o644);
    try {
      await fh.writeFile(`${JSON.stringify(state)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.statePath);
    // The first time, the temporaries' folders too: their names must outlive a power loss.
    const dirs = new Set([
      dirname(this.statePath),
      ...(this.saved ? [] : Object.keys(this.temporaries).map(dirname)),
    ]);
    for (const d of dirs) await syncDir(d);
    this.written = 0;
    this.saved = true;
  }

  /** An interrupted run keeps its temporaries (and its state) for --resume. */
  keeping(): boolean {
    return this.signal?.aborted === true;
  }

  /** Saves the state at the last step boundary, once, before the temporaries are closed. */
  keep(): Promise<void> {
    this.kept ??= this.save();
    return this.kept;
  }

  /** An output was published; after the last one the state goes. */
  async committed(): Promise<void> {
    if (--this.uncommitted === 0) await this.discard();
  }

  /** The run failed otherwise (or succeeded): the state has nothing left to resume. */
  async discard(): Promise<void> {
    await unlink(this.statePath).catch(() => undefined);
  }
}

/**
 * Opens the resume session of a run writing `outputs` from `inputs` (`geometry`: md arrays), or
 * returns null without --resume. A state whose inputs changed is refused (exit 2) with nothing
 * touched; no state means a fresh start (said on stderr).
 */
export async function openResume(
  req: ResumeRequest | undefined,
  outputs: string[],
  inputs: InputMember[],
  geometry: unknown,
  signal?: AbortSignal,
): Promise<ResumeSession | null> {
  if (!req) return null;
  const finals = await Promise.all(outputs.map((p) => realpath(p).catch(() => resolve(p))));
  const stamped = inputs.filter((m) => m.path !== null);
  const fingerprint: Fingerprint = {
    command: req.command,
    argv: req.argv,
    cwd: req.cwd,
    members: await Promise.all(stamped.map((m) => stampOf(m.label, m.path!, m.start + m.available))),
    maps: await Promise.all(req.maps.map((p) => stampOf(p, p).catch(() => null))),
    geometry: geometry ?? null,
    outputs: finals,
  };
  const statePath = statePathOf(finals[0]!);
  const fresh = (why: string): ResumeSession => {
    req.note(`--resume: ${why}; starting from scratch`);
    return new ResumeSession(statePath, fingerprint, null, {}, { part: 0, pos: 0 }, stamped, signal);
  };
  const state = await readState(statePath);
  if (!state) return fresh(`no state of an interrupted run at '${statePath}'`);
  if (state.pid !== process.pid && processAlive(state.pid))
    throw new UsageError(`--resume: '${statePath}' belongs to a run still going (process ${state.pid})`);
  const diff = changed(state.fingerprint, fingerprint);
  if (diff) throw new UsageError(`--resume: ${diff}; run without --resume to start over`);
  for (const f of finals) {
    const name = state.temporaries[f];
    const ok = name && (await stat(join(dirname(f), name)).catch(() => null))?.isFile();
    if (!ok) return fresh(`the kept temporary of '${f}' is gone`);
  }
  req.note(`--resume: going on from the checkpoint of the interrupted run (${describePoint(state)})`);
  // Read errors met before the checkpoint: the members are the same files (the fingerprint says
  // so), so their bad sectors are known again without reading them, and reported as before.
  // (All the interrupted run met is kept, also read ahead of the checkpoint: an uninterrupted run
  // meets and reports those too.)
  stamped.forEach((m, i) => {
    const eio = state.eio?.[i] ?? [];
    if (eio.length === 0) return;
    m.damage ??= { extents: [] };
    for (const e of eio) addDamage(m.damage, { offset: e.offset, length: e.length, source: 'eio' });
  });
  const start = { part: state.part, pos: state.pos };
  return new ResumeSession(statePath, fingerprint, state, state.constants ?? {}, start, stamped, signal);
}

function describePoint(s: State): string {
  return s.part > 0 ? `part ${s.part + 1}, member offset ${s.pos}` : `member offset ${s.pos}`;
}
