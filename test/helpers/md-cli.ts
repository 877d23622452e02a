// Helpers of the spawned `raidtx md ...` suites (test/commands/md/): the entry, a run with parsed JSON,
// the geometry of a kernel-made fixture.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { MdGeometry } from '../../src/core/md/layout.js';
import { ensureBuilt } from './cli.js';
import { type Fixture, ROOT } from './md-fixtures.js';

// RAIDTX_MD_CLI overrides the entry (e.g. "node --import tsx some-entry.mts") while md is not registered.
const ENTRY = process.env.RAIDTX_MD_CLI?.split(' ') ?? [process.execPath, join(ROOT, 'bin/raidtx.js')];

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

export function md(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const c = spawn(ENTRY[0]!, [...ENTRY.slice(1), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', RAIDTX_ENGINE: undefined },
    });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('error', reject);
    c.on('close', (code) => {
      let json = {};
      try {
        json = JSON.parse(stdout);
      } catch {
        // human output
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

export function registered(): string | null {
  if (!process.env.RAIDTX_MD_CLI) ensureBuilt();
  const r = spawnSync(ENTRY[0]!, [...ENTRY.slice(1), 'md', '--help'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0
    ? null
    : '`raidtx md` is not registered in src/cli.ts (set RAIDTX_MD_CLI to test anyway)';
}

export const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export function geometry(fx: Fixture): MdGeometry {
  const m = fx.manifest;
  return { level: m.level, layout: m.layout_md_number, chunk: m.chunk_bytes, raidDisks: m.raid_disks };
}

/** Every fixture's members in slot order. */
export const membersOf = (fx: Fixture): string[] =>
  Array.from({ length: fx.manifest.raid_disks }, (_, s) => fx.memberPath(s));
