// raidtx md detect (spawned): the recovery story end to end. Superblocks zeroed, members renamed and
// shuffled; detect names the geometry, and the `raidtx md export` command it prints rebuilds the
// array byte for byte (RAID6, also with a member missing) or a filesystem e2fsck accepts (RAID5).

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { md, sha } from '../../helpers/md-cli.js';
import { type Fixture, fixtureNamed } from '../../helpers/md-fixtures.js';
import { wipedCopy } from '../../helpers/md-wiped.js';
import { lacking } from '../../helpers/prereq.js';
import { Prng } from '../../helpers/prng.js';

interface Detected {
  ok: boolean;
  ambiguous: boolean;
  candidates: { layout: string; chunk: number; command: string[]; evidence: { signature: string | null } }[];
  bytesRead: number;
}

/** Runs the best candidate's export command with the output in `out`; returns the array image. */
async function runExport(command: string[], out: string): Promise<Buffer> {
  expect(command.slice(0, 3)).to.deep.equal(['raidtx', 'md', 'export']);
  const args = command.slice(1).map((a) => (a === 'ARRAY.img' ? out : a));
  const r = await md(args);
  expect(r.code, r.stderr).to.equal(0);
  return readFileSync(out);
}

describe('raidtx md detect (spawned)', function () {
  this.timeout(120000);
  let tmp = '';
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'raidtx-md-detect-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const roundTrip = (prefix: string, missingSlot?: number, moved = false) => {
    const fx: Fixture | null = fixtureNamed(prefix);
    if (!fx) return;
    const what =
      (missingSlot === undefined ? '' : `, slot ${missingSlot} missing`) +
      (moved ? ", slot 0's data area moved by 132K" : '');
    it(`${fx.name}${what}: the printed export command rebuilds truth.img`, async () => {
      const c = wipedCopy(fx, {
        seed: 21,
        ...(missingSlot === undefined ? {} : { missingSlot }),
        ...(moved ? { move: { slot: 0, by: 132 * 1024 } } : {}),
      });
      try {
        const r = await md(['md', 'detect', '--json', ...c.args]);
        expect(r.code, r.stderr).to.equal(0);
        const j = r.json as unknown as Detected;
        expect(j.ok).to.equal(true);
        const out = join(tmp, `${fx.name}.img`);
        const img = await runExport(j.candidates[0]!.command, out);
        const truth = readFileSync(join(fx.dir, 'truth.img'));
        expect(sha(img.subarray(0, truth.length))).to.equal(sha(truth));
      } finally {
        rmSync(c.dir, { recursive: true, force: true });
      }
    });
  };
  roundTrip('a-r6');
  roundTrip('d-r6', 2);
  roundTrip('f-r6');
  roundTrip('y-r6', 2);
  roundTrip('c-r6', undefined, true);

  for (const prefix of ['w-r5', 'x-r5']) {
    const fx = fixtureNamed(prefix);
    if (!fx) continue;
    it(`${fx.name}: RAID5 holding ext4 -> export passes e2fsck -fn`, async function () {
      if (spawnSync('e2fsck', ['-V']).error) lacking(this, 'e2fsck (e2fsprogs) is not installed');
      const c = wipedCopy(fx, { seed: 4 });
      try {
        const r = await md(['md', 'detect', ...c.args]);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stdout).to.match(/export with: raidtx md export --ignore-superblocks --level 5 /);
        const j = (await md(['md', 'detect', '--json', ...c.args])).json as unknown as Detected;
        expect(j.candidates[0]!.evidence.signature).to.equal('ext4');
        const out = join(tmp, `${fx.name}.img`);
        await runExport(j.candidates[0]!.command, out);
        const fsck = spawnSync('e2fsck', ['-fn', out], { encoding: 'utf8' });
        expect(fsck.status, fsck.stdout + fsck.stderr).to.equal(0);
      } finally {
        rmSync(c.dir, { recursive: true, force: true });
      }
    });
  }

  it('random images: exit 1, no candidate', async () => {
    const rnd = new Prng(5);
    const args = [0, 1, 2, 3].map((i) => {
      const p = join(tmp, `random-${i}.img`);
      writeFileSync(p, rnd.bytes(2 * 1024 * 1024));
      return p;
    });
    const r = await md(['md', 'detect', '--json', ...args]);
    expect(r.code).to.equal(1);
    expect(r.json).to.deep.include({ command: 'md detect', ok: false, candidates: [] });
    const h = await md(['md', 'detect', ...args]);
    expect(h.code).to.equal(1);
    expect(h.stdout).to.match(/no consistent geometry/);
  });

  it('refuses bad constraints naming the option (exit 2)', async () => {
    const p = join(tmp, 'x.img');
    writeFileSync(p, Buffer.alloc(65536));
    for (const [opt, val] of [
      ['--level', '7'],
      ['--chunk', '3K'],
      ['--layout', 'sideways'],
      ['--data-offset', '1000'],
    ] as const) {
      const r = await md(['md', 'detect', opt, val, p, p, p]);
      expect(r.code, `${opt} ${val}`).to.equal(2);
      expect(r.stderr).to.include(opt);
    }
  });

  it('refuses members whose superblocks say the array is mid-reshape (two geometries), exit 2', async () => {
    const fx = fixtureNamed('rs1-');
    if (!fx) return;
    const r = await md(['md', 'detect', ...fx.manifest.members.map((m) => join(fx.dir, m.file))]);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/caught mid-reshape/);
    expect(r.stdout).to.not.match(/md export/);
  });
});
