// Real md arrays made by the Linux kernel (scripts/md-fixtures.sh): where they are, how to load them,
// and generating them when absent (qemu present or installable as root), else a printed skip reason.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(fileURLToPath(new URL('.', import.meta.url)), '../..');
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
  return names;
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

let cached: { fixtures: Fixture[]; skip: string | null } | null = null;

/**
 * The kernel-made fixtures. Generates missing configs first (minutes; CI runs scripts/md-fixtures.sh
 * before npm test so this finds them ready). `skip` says why there are none.
 */
export function loadFixtures(): { fixtures: Fixture[]; skip: string | null } {
  if (cached) return cached;
  const want = configNames();
  let have = new Set(present());
  const missing = want.filter((n) => !have.has(n));
  if (missing.length > 0 && process.env.RAIDTX_MD_NO_GENERATE !== '1') {
    const why = canGenerate();
    if (why === null) {
      console.log(`    (md fixtures: generating ${missing.length} configs into ${FIXTURES_DIR}, ~10 s each)`);
      try {
        execFileSync('bash', [SCRIPT, FIXTURES_DIR, ...missing], { stdio: ['ignore', 'ignore', 'inherit'] });
      } catch {
        console.log('    (md fixtures: generation failed for some configs; testing the ones present)');
      }
      have = new Set(present());
    } else if (have.size === 0) {
      cached = { fixtures: [], skip: `no md fixtures in ${FIXTURES_DIR} and ${why}` };
      return cached;
    }
  }
  const fixtures = want
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
  const absent = want.filter((n) => !have.has(n));
  if (absent.length > 0) console.log(`    (md fixtures absent, not tested: ${absent.join(' ')})`);
  cached = { fixtures, skip: fixtures.length ? null : `no md fixtures in ${FIXTURES_DIR}` };
  return cached;
}

/** True when `mdadm` can be run here. */
export function hasMdadm(): boolean {
  return spawnSync('mdadm', ['--version']).status === 0;
}
