// raidtx md (spawned) against hostile superblocks: each case of hostile-cases.ts edits one member of
// a kernel-made array (checksum fixed) and runs md commands on it. Each run is either refused (exit 2,
// stderr naming the field, no output, no temporary left) or right (export equals truth.img, check is
// clean, rebuild reproduces the member's data area). The spawns run three at a time up front.

import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { md, type Run, sha } from '../../helpers/md-cli.js';
import { type Fixture, loadFixtures } from '../../helpers/md-fixtures.js';
import { detect, editSuperblock, memberDataArea } from '../../helpers/md-superblock-editor.js';
import { lackingTest } from '../../helpers/prereq.js';
import { CASES, type HostileCase, type MdCommand } from './hostile-cases.js';

const { fixtures, reason } = loadFixtures();
const skip = fixtures.length === 0 ? reason : null;

/** A copy of `src` with only its superblock areas (first 64 KiB, last 128 KiB): enough to be refused. */
function metadataOnlyCopy(src: string, dst: string): void {
  const size = statSync(src).size;
  const from = openSync(src, 'r');
  const to = openSync(dst, 'w');
  try {
    for (const [at, len] of [
      [0, Math.min(65536, size)],
      [Math.max(0, size - 131072), Math.min(131072, size)],
    ] as const) {
      const b = Buffer.alloc(len);
      readSync(from, b, 0, len, at);
      writeSync(to, b, 0, len, at);
    }
  } finally {
    closeSync(from);
    closeSync(to);
  }
}

interface Job {
  c: HostileCase;
  fx: Fixture;
  cmd: MdCommand;
  dir: string;
  result?: Run;
}

async function pool<T>(items: T[], width: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

describe('raidtx md (spawned) on hostile superblocks: refused naming the field, or right', function () {
  this.timeout(180000);
  const why = skip;
  if (why) {
    lackingTest('kernel-made md fixtures', `${why}`);
    return;
  }
  const byPrefix = (p: string) => fixtures.find((f) => f.name.startsWith(p));
  const root = mkdtempSync(join(tmpdir(), 'raidtx-md-hostile-'));
  const jobs: Job[] = [];
  CASES.forEach((c, i) => {
    const fx = byPrefix(c.fx);
    if (!fx) return;
    const dir = join(root, `case${i}`);
    for (const cmd of c.cmds) jobs.push({ c, fx, cmd, dir });
  });
  const members = (j: Job): string[] => {
    const slot = j.c.slot ?? 1;
    return Array.from({ length: j.fx.manifest.raid_disks }, (_, s) =>
      s === slot ? join(j.dir, `member${s}.img`) : j.fx.memberPath(s),
    );
  };
  const args = (j: Job): string[] => {
    const out =
      j.cmd === 'rebuild'
        ? ['-o', `${j.c.slot ?? 1}=${join(j.dir, 'rebuilt.img')}`]
        : j.cmd === 'export'
          ? ['-o', join(j.dir, `out-${j.cmd}.img`)]
          : [];
    return ['md', j.cmd, ...members(j), ...out];
  };

  before(async () => {
    const prepared = new Set<string>();
    for (const j of jobs) {
      if (prepared.has(j.dir)) continue;
      prepared.add(j.dir);
      const slot = j.c.slot ?? 1;
      const edited = join(j.dir, `member${slot}.img`);
      mkdirSync(j.dir);
      if (j.c.refuse && !j.c.full) metadataOnlyCopy(j.fx.memberPath(slot), edited);
      else copyFileSync(j.fx.memberPath(slot), edited);
      editSuperblock(edited, j.c.edits, j.c.kind ?? detect(edited));
    }
    await pool(jobs, 3, async (j) => {
      j.result = await md(args(j));
    });
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it(`covers at least 60 cases over 0.90, 1.0, 1.1 and 1.2 and all four commands (${jobs.length} runs)`, () => {
    expect(jobs.length).to.be.at.least(60);
    const versions = new Set(jobs.map((j) => j.fx.manifest.metadata));
    for (const v of ['0.90', '1.0', '1.1', '1.2']) expect(versions.has(v), v).to.equal(true);
    const cmds = new Set(jobs.map((j) => j.cmd));
    expect(cmds.size).to.equal(4);
  });

  for (const j of jobs) {
    const title = `${j.fx.name.slice(0, 2)}${j.fx.manifest.metadata} ${j.c.what}: md ${j.cmd} ${j.c.refuse ? 'refuses it' : 'is right'}`;
    it(title, () => {
      const r = j.result!;
      const said = `exit ${r.code}\n${r.stderr}${r.stdout.slice(0, 400)}`;
      if (j.c.refuse) {
        expect(r.code, said).to.equal(2);
        expect(r.stderr, said).to.match(j.c.refuse);
        expect(r.stderr.split('\n').filter(Boolean).length, 'one line').to.be.at.most(2);
        expect(r.stderr).to.not.match(/\n\s+at /);
        const left = readdirSync(j.dir).filter(
          (n) => n.startsWith('out') || n.startsWith('rebuilt') || n.includes('raidtx-tmp'),
        );
        expect(left, 'no output and no temporary').to.deep.equal([]);
        return;
      }
      expect(r.code, said).to.equal(0);
      const used = j.fx.manifest.members[0]!.used_data_bytes;
      if (j.cmd === 'export') {
        expect(sha(readFileSync(join(j.dir, 'out-export.img'))), 'export equals truth.img').to.equal(
          sha(readFileSync(join(j.fx.dir, 'truth.img'))),
        );
      } else if (j.cmd === 'rebuild') {
        const slot = j.c.slot ?? 1;
        const want = memberDataArea(j.fx.memberPath(slot), used);
        expect(sha(memberDataArea(join(j.dir, 'rebuilt.img'), used)), 'rebuilt data area').to.equal(
          sha(want),
        );
      }
    });
  }
});
