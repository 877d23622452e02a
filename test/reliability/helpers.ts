// test/reliability/ is a cross-cutting suite, the one folder of test/ that does not mirror src/: it
// drives the whole CLI (and the addon) under real I/O faults, kills, concurrent runs and fuzzed input.
//
// Helpers of the reliability tests: the fault-injecting FUSE filesystem (faultfs.c, compiled here
// into a temporary folder), small tmpfs mounts, and the checks every fault case shares.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ROOT, type RunResult, tmp } from '../helpers/cli.js';
import { lacking } from '../helpers/prereq.js';

/** Temporaries of raidtx's atomic outputs (`.<name>.raidtx-tmp-<pid>-<hex>`) left in `dir`. */
export function temporariesIn(dir: string): string[] {
  return readdirSync(dir).filter((n) => /\.raidtx-tmp-/.test(n));
}

/** The common contract of a failed run: exit code, message naming member and offset, no temporary. */
export function expectFailure(
  r: RunResult,
  code: number,
  mentions: (string | RegExp)[],
  dirs: string[],
): void {
  expect(r.code, `exit code; stderr: ${r.stderr}`).to.equal(code);
  for (const m of mentions) {
    if (typeof m === 'string') expect(r.stderr).to.include(m);
    else expect(r.stderr).to.match(m);
  }
  expect(r.stderr).not.to.match(/^\s+at /m);
  for (const d of dirs) expect(temporariesIn(d), `temporaries left in ${d}`).to.deep.equal([]);
}

let binary: string | null | undefined;
let buildError = '';

/** Compiles faultfs.c once per run; null (and `buildError`) when it cannot be built here. */
function faultfsBinary(): string | null {
  // a suite's cleanupTmp() may have removed the folder of an earlier build: build again then
  if (binary !== undefined && (binary === null || existsSync(binary))) return binary;
  binary = null;
  if (!existsSync('/dev/fuse')) {
    buildError = '/dev/fuse does not exist';
    return binary;
  }
  try {
    const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'fuse3'], { encoding: 'utf8' })
      .trim()
      .split(/\s+/);
    const out = join(tmp('raidtx-faultfs-bin-'), 'faultfs');
    execFileSync('gcc', ['-O1', '-Wall', '-o', out, join(ROOT, 'test/reliability/faultfs.c'), ...flags], {
      stdio: 'pipe',
    });
    binary = out;
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    buildError = `cannot build faultfs (needs gcc, pkg-config and libfuse3-dev; fuse3 to mount): ${
      e.stderr?.toString().split('\n')[0] || e.message.split('\n')[0]
    }`;
  }
  return binary;
}

/** A mounted faultfs: `mnt` shows `backing`; `faults()` sets the rules (see faultfs.c). */
export interface FaultFs {
  backing: string;
  mnt: string;
  faults(rules: string[]): void;
  unmount(): Promise<void>;
}

function isMountpoint(dir: string, parentDev: number): boolean {
  try {
    return statSync(dir).dev !== parentDev;
  } catch {
    return false;
  }
}

/** Mounts a faultfs over a fresh backing folder, or skips the test (fails in CI) saying why. */
export async function mountFaultFs(ctx: Mocha.Context): Promise<FaultFs> {
  const bin = faultfsBinary();
  if (!bin) lacking(ctx, buildError);
  const base = tmp('raidtx-faultfs-');
  const backing = join(base, 'backing');
  const mnt = join(base, 'mnt');
  const control = join(base, 'control');
  mkdirSync(backing);
  mkdirSync(mnt);
  writeFileSync(control, '');
  const parentDev = statSync(base).dev;
  let stderr = '';
  const child: ChildProcess = spawn(bin, [backing, control, mnt, '-f', '-s'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  child.stderr?.on('data', (d) => {
    stderr += d;
  });
  let exited = false;
  child.on('exit', () => {
    exited = true;
  });
  for (let i = 0; i < 100 && !isMountpoint(mnt, parentDev); i++) {
    if (exited) break;
    await new Promise((r) => setTimeout(r, 30));
  }
  if (!isMountpoint(mnt, parentDev)) {
    child.kill('SIGKILL');
    lacking(ctx, `cannot mount faultfs: ${stderr.trim().split('\n')[0] || 'timed out'}`);
  }
  let rulesVersion = 0;
  return {
    backing,
    mnt,
    faults(rules) {
      writeFileSync(control, rules.map((r) => `${r}\n`).join(''));
      // faultfs reloads on an mtime change; make sure two writes in one clock tick still differ
      const t = new Date(Date.now() + ++rulesVersion * 1000);
      utimesSync(control, t, t);
    },
    async unmount() {
      try {
        execFileSync('umount', [mnt], { stdio: 'pipe' });
      } catch {
        execFileSync('umount', ['-l', mnt], { stdio: 'pipe' });
      }
      if (!exited) await new Promise((r) => child.once('exit', r));
    },
  };
}

/** A tmpfs of `size` bytes (ENOSPC once full), or skips (fails in CI). Returns the mount point. */
export function mountTmpfs(ctx: Mocha.Context, size: number, ro = false): { dir: string; unmount(): void } {
  const dir = tmp('raidtx-tmpfs-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}${ro ? ',ro' : ''}`, 'raidtx-test', dir], {
      stdio: 'pipe',
    });
  } catch (err) {
    lacking(ctx, `cannot mount a tmpfs (needs root): ${(err as Error).message.split('\n')[0]}`);
  }
  return {
    dir,
    unmount() {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    },
  };
}

/** Remounts a tmpfs read-only (after the test put its previous outputs there). */
export function remountReadOnly(dir: string): void {
  execFileSync('mount', ['-o', 'remount,ro', dir], { stdio: 'pipe' });
}
