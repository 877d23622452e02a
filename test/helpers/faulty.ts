// Members with bad sectors, three ways: read errors at run time from the fault-injecting FUSE
// filesystem (test/reliability/faultfs.c, `eiorange` rules), a mapfile made by REAL GNU ddrescue
// reading that faulty member, and hand-written mapfiles for the edge cases.

import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FaultFs, mountFaultFs } from '../reliability/helpers.js';
import { tmp } from './cli.js';
import { lacking } from './prereq.js';

export type { FaultFs } from '../reliability/helpers.js';

/** A bad range of file `name` (relative to the faultfs root, e.g. 'd1'): [offset, offset + length). */
export interface BadRange {
  name: string;
  offset: number;
  length: number;
}

/** The faultfs rules that make `ranges` unreadable. */
export function eioRules(ranges: readonly BadRange[]): string[] {
  return ranges.map((r) => `eiorange /${r.name} ${r.offset} ${r.length}`);
}

/**
 * Mounts a faultfs for the suite that calls this (in its `describe`): `before` mounts, `after`
 * unmounts, `beforeEach` clears the rules. The returned getter gives the mount.
 */
export function useFaultFs(): () => FaultFs {
  let fs: FaultFs | undefined;
  before(async function () {
    fs = await mountFaultFs(this);
  });
  after(async () => {
    await fs?.unmount();
  });
  beforeEach(() => fs?.faults([]));
  return () => {
    if (!fs) throw new Error('faultfs is not mounted');
    return fs;
  };
}

/** Skips (fails in CI) the test when GNU ddrescue is not installed (Debian package gddrescue). */
export function needDdrescue(ctx: Mocha.Context): void {
  try {
    execFileSync('ddrescue', ['--version'], { stdio: 'pipe' });
  } catch {
    lacking(ctx, 'GNU ddrescue is not installed (apt-get install gddrescue)');
  }
}

/**
 * Runs GNU ddrescue over `src` (a member on the faultfs, with its faults in force): copies it to a
 * scratch image and returns the path of the mapfile it wrote. `sector` is ddrescue's -b.
 */
export function ddrescueMap(src: string, sector = 512): string {
  const dir = tmp('raidtx-ddrescue-');
  const image = join(dir, 'image');
  const map = join(dir, 'map');
  // -r1: one retry pass, like raidtx's default. No -d: faultfs already serves every read directly
  // (direct_io), and O_DIRECT on FUSE would only add alignment errors.
  execFileSync('ddrescue', ['-q', '-b', String(sector), '-r1', src, image, map], { stdio: 'pipe' });
  if (!existsSync(map)) throw new Error(`ddrescue wrote no mapfile for ${src}`);
  return map;
}

/** The blocks of a mapfile that are not `+`, as byte ranges. */
export function mapBadRanges(map: string): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  const lines = readFileSync(map, 'utf8').split('\n');
  let sawStatus = false;
  for (const raw of lines) {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) continue;
    if (!sawStatus) {
      sawStatus = true;
      continue;
    }
    const [pos, size, status] = line.split(/\s+/);
    if (status !== '+') out.push({ offset: Number(pos), length: Number(size) });
  }
  return out;
}

/** Writes a mapfile by hand: `blocks` as `pos size status` lines after a status line. */
export function writeMap(path: string, blocks: [number, number, string][], header = '0 +'): string {
  writeFileSync(
    path,
    `# hand-written\n${header}\n${blocks.map(([p, s, st]) => `${p} ${s} ${st}`).join('\n')}\n`,
  );
  return path;
}
