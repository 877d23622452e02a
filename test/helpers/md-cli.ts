// Helpers of the spawned `raidtx md ...` suites (test/commands/md/): a run with its JSON parsed, and
// the geometry and members of a kernel-made fixture.

import { createHash } from 'node:crypto';
import type { MdGeometry } from '../../src/core/md/layout.js';
import { type RunOptions, type RunResult, raidtx } from './cli.js';
import type { Fixture } from './md-fixtures.js';

export interface Run extends RunResult {
  /** stdout parsed, or {} when it is not JSON */
  json: Record<string, unknown>;
}

/** Spawns `bin/raidtx.js ...args` (the one entry: a broken md registration fails every test). */
export async function md(args: string[], opts: RunOptions = {}): Promise<Run> {
  const r = await raidtx(args, opts);
  let json = {};
  try {
    json = JSON.parse(r.stdout);
  } catch {
    // human output
  }
  return { ...r, json };
}

export const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

export function geometry(fx: Fixture): MdGeometry {
  const m = fx.manifest;
  return { level: m.level, layout: m.layout_md_number, chunk: m.chunk_bytes, raidDisks: m.raid_disks };
}

/** A fixture's members in slot order. */
export const membersOf = (fx: Fixture): string[] =>
  Array.from({ length: fx.manifest.raid_disks }, (_, s) => fx.memberPath(s));
