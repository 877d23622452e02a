// Helpers of the CLI tests: build dist once if stale, spawn bin/raidtx.js, temporary folders,
// checksums, the shared reference vectors and a plain reference syndrome.

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
/** Compiles src to dist once per test run when dist/cli.js is missing or older than a source. */
export function ensureBuilt(): void {
  if (built) return;
  const cli = join(ROOT, 'dist/cli.js');
  if (!existsSync(cli) || statSync(cli).mtimeMs < newestMtime(join(ROOT, 'src'))) {
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
      if (!existsSync(cli))
        throw new Error(`npm run build:ts failed:\n${e.stdout?.toString() ?? String(err)}`);
      console.warn(
        `      (warning: npm run build:ts reported errors)\n${e.stdout?.toString().split('\n').slice(0, 5).join('\n')}`,
      );
    }
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

/** Plain reference syndrome (Horner over GF(2^8), 0x11d), independent of src/. */
export function refPQ(data: Uint8Array[], len: number): { p: Buffer; q: Buffer } {
  const p = Buffer.alloc(len);
  const q = Buffer.alloc(len);
  for (let i = data.length - 1; i >= 0; i--) {
    const d = data[i]!;
    for (let j = 0; j < len; j++) {
      const x = j < d.length ? d[j]! : 0;
      p[j]! ^= x;
      const v = q[j]!;
      q[j] = (((v << 1) ^ (v & 0x80 ? 0x1d : 0)) & 0xff) ^ x;
    }
  }
  return { p, q };
}

export function randomBuffers(count: number, len: number, seed = 1): Buffer[] {
  let s = seed >>> 0 || 1;
  return Array.from({ length: count }, () => {
    const b = Buffer.alloc(len);
    for (let i = 0; i < len; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      b[i] = s & 0xff;
    }
    return b;
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

/** Engines to run byte-exact tests with; native is skipped (with a printed reason) unless required. */
export async function enginesToTest(): Promise<('software' | 'native')[]> {
  const st = await nativeStatus();
  if (st.available) return ['software', 'native'];
  if (process.env.RAIDTX_REQUIRE_NATIVE === '1')
    throw new Error(`RAIDTX_REQUIRE_NATIVE=1 but the native engine is unavailable: ${st.reason}`);
  console.log(`      (native engine skipped: ${st.reason})`);
  return ['software'];
}
