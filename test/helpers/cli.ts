// Helpers of the CLI tests: build dist once if stale, spawn bin/raidtx.js, temporary folders,
// checksums and the shared reference vectors (seeded data: prng.ts; reference results: reference.ts).

import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
export const BIN = join(ROOT, 'bin/raidtx.js');
export { loadVector, VECTORS_DIR as VECTORS, type Vector, vectorNames } from './vectors.js';

function newestMtime(dir: string): number {
  let newest = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    newest = Math.max(
      newest,
      e.isDirectory() ? newestMtime(p) : e.name.endsWith('.ts') ? statSync(p).mtimeMs : 0,
    );
  }
  return newest;
}

let built = false;
/**
 * Builds once per test run when the CLI bundle (what bin/raidtx.js loads) is missing or older than a
 * source: `npm run build:ts`, i.e. tsc to dist/ and then scripts/bundle.mjs to dist/bundle/.
 */
export function ensureBuilt(): void {
  if (built) return;
  const src = newestMtime(join(ROOT, 'src'));
  // the bundle, and dist/ (the library, which some tests import) as tsc wrote it
  const outputs = ['dist/bundle/cli.cjs', 'dist/cli.js'].map((f) => join(ROOT, f));
  if (outputs.some((f) => !existsSync(f) || statSync(f).mtimeMs < src)) {
    try {
      execFileSync(
        process.execPath,
        [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
        {
          cwd: ROOT,
          stdio: 'pipe',
        },
      );
    } catch (err) {
      // tsc still emits on type errors; the spawned CLI then shows whether what we test works.
      const e = err as { stdout?: Buffer };
      console.warn(
        `      (warning: npm run build:ts reported errors)\n${e.stdout?.toString().split('\n').slice(0, 5).join('\n')}`,
      );
    }
    execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs')], { cwd: ROOT, stdio: 'pipe' });
  }
  built = true;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** called with the child right after spawn (interrupt tests) */
  onSpawn?: (child: import('node:child_process').ChildProcess) => void;
}

/** Spawns `node bin/raidtx.js ...args` with colours off and no inherited engine choice. */
export function raidtx(args: string[], opts: RunOptions = {}): Promise<RunResult> {
  ensureBuilt();
  const env: Record<string, string | undefined> = {
    ...process.env,
    NO_COLOR: '1',
    RAIDTX_ENGINE: undefined,
    ...opts.env,
  };
  for (const k of Object.keys(env)) if (env[k] === undefined) delete env[k];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: env as NodeJS.ProcessEnv,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => {
      stdout += d;
    });
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code, signal, stdout, stderr }));
    opts.onSpawn?.(child);
  });
}

const dirs: string[] = [];
/** A fresh temporary folder, removed by cleanupTmp(). */
export function tmp(prefix = 'raidtx-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}
export function cleanupTmp(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export const sha256 = (path: string): string => createHash('sha256').update(readFileSync(path)).digest('hex');

/** Checksums of every file in `dir` (to prove inputs untouched and no file created). */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p, { throwIfNoEntry: false });
    out[name] = st?.isFile() ? sha256(p) : st?.isDirectory() ? 'dir' : 'other';
  }
  return out;
}

/** Flips bits of the byte at `offset` of the file at `path`, in place (xor 0x5a). */
export function flipByte(path: string, offset: number): void {
  const fd = openSync(path, 'r+');
  const b = Buffer.alloc(1);
  readSync(fd, b, 0, 1, offset);
  b[0]! ^= 0x5a;
  writeSync(fd, b, 0, 1, offset);
  closeSync(fd);
}

/** Writes buffers as files d0, d1, ... in dir and returns their paths. */
export function writeMembers(dir: string, data: Uint8Array[], prefix = 'd'): string[] {
  return data.map((b, i) => {
    const p = join(dir, `${prefix}${i}`);
    writeFileSync(p, b);
    return p;
  });
}

let nativeChecked: { available: boolean; reason: string } | null = null;
/** Whether the native engine loads in the built CLI (asks `raidtx info --json`). */
export async function nativeStatus(): Promise<{ available: boolean; reason: string }> {
  if (nativeChecked) return nativeChecked;
  const r = await raidtx(['info', '--json']);
  const info = JSON.parse(r.stdout) as { engines: { native: { available: boolean; reason?: string } } };
  nativeChecked = { available: info.engines.native.available, reason: info.engines.native.reason ?? '' };
  return nativeChecked;
}
