// Real md arrays made by the Linux kernel (scripts/md-fixtures.sh): where they are, how to load them,
// and generating them when absent (qemu present or installable as root). A configured fixture that is
// still absent is a missing prerequisite (prereq.ts): a failure under CI=true, else a skip with the reason.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './cli.js';
import { lackingTest } from './prereq.js';

export const FIXTURES_DIR = process.env.RAIDTX_MD_FIXTURES || '/tmp/md-fixtures';
const SCRIPT = join(ROOT, 'scripts/md-fixtures.sh');

export interface ManifestMember {
  index: number;
  file: string;
  raid_slot: number;
  data_offset_bytes: number;
  super_offset_sectors: number | null;
  used_data_bytes: number;
  image_bytes: number;
  /** mid-reshape: where the new geometry's data starts */
  new_data_offset_sectors?: number;
}

export interface Manifest {
  name: string;
  level: 5 | 6;
  layout: string;
  layout_md_number: number;
  chunk_bytes: number;
  metadata: string;
  raid_disks: number;
  data_disks: number;
  array_bytes: number;
  stripes: number;
  members: ManifestMember[];
  array_uuid: string;
  mdadm_examine: string[];
}

export interface Fixture {
  name: string;
  dir: string;
  manifest: Manifest;
  memberPath(slot: number): string;
}

function configNames(): string[] {
  const text = readFileSync(SCRIPT, 'utf8');
  const all = /ALL="([^"]*)\$\(/.exec(text)?.[1] ?? '';
  const extra = /CONFIGS_EXTRA="([^"]*)"/.exec(text)?.[1] ?? '';
  const names = all.split(/\s+/).filter(Boolean);
  for (const line of extra.split('\n')) {
    const n = line.trim().split(/\s+/)[0];
    if (n) names.push(n);
  }
  for (const n of stateNames()) if (!names.includes(n)) names.push(n);
  return names;
}

/** Configs of arrays caught in a state (the script's STATES block): not for the per-fixture suites. */
function stateNames(): Set<string> {
  const block = /\nSTATES="([^"]*)"/.exec(readFileSync(SCRIPT, 'utf8'))?.[1] ?? '';
  return new Set(
    block
      .split('\n')
      .flatMap((l) => l.trim().split(/\s+/).slice(0, 1))
      .filter(Boolean),
  );
}

function present(): string[] {
  if (!existsSync(FIXTURES_DIR)) return [];
  return readdirSync(FIXTURES_DIR).filter((n) => existsSync(join(FIXTURES_DIR, n, 'manifest.json')));
}

function canGenerate(): string | null {
  const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
  if (has('qemu-system-x86_64') && has('mdadm')) return null;
  if (process.getuid?.() === 0 && has('apt-get')) return null;
  return 'qemu-system-x86_64 is not installed and cannot be installed (not root or no apt-get)';
}

export interface Fixtures {
  /** the configured fixtures present in FIXTURES_DIR (arrays caught in a state left out) */
  fixtures: Fixture[];
  /** the configs of the STATES block present (fixtureNamed finds them) */
  states: Fixture[];
  /** configured ones that are not there */
  absent: string[];
  /** why they are absent */
  reason: string;
}

let cached: Fixtures | null = null;

/**
 * The kernel-made fixtures. Generates missing configs first (minutes; CI runs scripts/md-fixtures.sh
 * before npm test so this finds them ready) unless RAIDTX_MD_NO_GENERATE=1.
 */
export function loadFixtures(): Fixtures {
  if (cached) return cached;
  const want = configNames();
  let have = new Set(present());
  let reason = `not in ${FIXTURES_DIR} (make them with scripts/md-fixtures.sh)`;
  if (want.some((n) => !have.has(n))) {
    const why = process.env.RAIDTX_MD_NO_GENERATE === '1' ? 'RAIDTX_MD_NO_GENERATE=1' : canGenerate();
    if (why === null) {
      const missing = want.filter((n) => !have.has(n));
      console.log(`    (md fixtures: generating ${missing.length} configs into ${FIXTURES_DIR}, ~10 s each)`);
      try {
        execFileSync('bash', [SCRIPT, FIXTURES_DIR, ...missing], { stdio: ['ignore', 'ignore', 'inherit'] });
      } catch {
        reason = `generation by scripts/md-fixtures.sh failed for them`;
      }
      have = new Set(present());
    } else {
      reason = `not in ${FIXTURES_DIR}, not generated: ${why}`;
    }
  }
  const all = want
    .filter((n) => have.has(n))
    .map((name) => {
      const dir = join(FIXTURES_DIR, name);
      const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as Manifest;
      return {
        name,
        dir,
        manifest,
        memberPath: (slot: number) => join(dir, manifest.members.find((m) => m.raid_slot === slot)!.file),
      };
    });
  const states = stateNames();
  cached = {
    fixtures: all.filter((f) => !states.has(f.name)),
    states: all.filter((f) => states.has(f.name)),
    absent: want.filter((n) => !have.has(n)),
    reason,
  };
  return cached;
}

/**
 * Declares `fn`'s tests for every configured fixture present, and one missing-prerequisite test for
 * those absent (a failure under CI=true, else pending with the reason).
 */
export function eachFixture(fn: (fx: Fixture) => void): void {
  const { fixtures, absent, reason } = loadFixtures();
  const states = stateNames();
  for (const fx of fixtures) if (!states.has(fx.name)) fn(fx);
  const which =
    fixtures.length === 0 ? `all ${absent.length} configured md fixtures` : `md fixtures ${absent.join(' ')}`;
  if (absent.length > 0) lackingTest('kernel-made md fixtures', `${which}: ${reason}`);
}

/** The present fixture whose name starts with `prefix`, or null (declaring a missing-prerequisite test). */
export function fixtureNamed(prefix: string): Fixture | null {
  const { fixtures, states } = loadFixtures();
  const fx = [...fixtures, ...states].find((f) => f.name.startsWith(prefix));
  if (!fx)
    lackingTest(`kernel-made md fixture ${prefix}*`, `md fixture ${prefix}*: ${loadFixtures().reason}`);
  return fx ?? null;
}

/** True when `mdadm` can be run here. */
export function hasMdadm(): boolean {
  return spawnSync('mdadm', ['--version']).status === 0;
}
