// raidtx md (spawned): bad input to the md commands is refused with exit 2, naming the members.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { md, registered } from '../../helpers/md-cli.js';
import { loadFixtures } from '../../helpers/md-fixtures.js';

const { fixtures, skip } = loadFixtures();

describe('raidtx md (spawned): bad input is refused with exit 2, naming the members', function () {
  this.timeout(60000);
  const why = skip ?? registered();
  const a = fixtures.find((f) => f.name.startsWith('a-'));
  const c = fixtures.find((f) => f.name.startsWith('c-'));
  if (why || !a || !c) {
    it.skip(`md CLI: ${why ?? 'fixtures a and c absent'}`);
    return;
  }
  const am = Array.from({ length: 5 }, (_, s) => a.memberPath(s));
  let tmp = '';
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'raidtx-md-bad-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const refused = async (args: string[], ...mentions: string[]) => {
    const out = join(tmp, 'out.img');
    const r = await md(['md', ...args]);
    expect(r.code, r.stderr + r.stdout).to.equal(2);
    for (const s of mentions) expect(r.stderr).to.contain(s);
    expect(() => readFileSync(out)).to.throw();
  };

  it('members of different arrays', () =>
    refused(['check', am[0]!, am[1]!, c.memberPath(2)], 'different arrays', c.memberPath(2), am[0]!));
  it('two members claiming one slot', async () => {
    const twin = join(tmp, 'twin.img');
    copyFileSync(am[1]!, twin);
    await refused(
      ['export', am[0]!, am[1]!, twin, am[2]!, '-o', join(tmp, 'out.img')],
      'slot 1',
      twin,
      am[1]!,
    );
  });
  it('too many members missing for the level', () =>
    refused(['export', am[0]!, am[1]!, '-o', join(tmp, 'out.img')], 'tolerates 2'));
  it('an unknown layout name', async () => {
    const x = join(tmp, 'x');
    writeFileSync(x, Buffer.alloc(1 << 20));
    const geo = ['--level', '6', '--layout', 'left-symetric', '--chunk', '64K', '--raid-disks', '3'];
    await refused(['export', ...geo, x, x, x, '-o', join(tmp, 'out.img')], "unknown layout 'left-symetric'");
  });
  it('geometry options that contradict the superblocks', () =>
    refused(['check', '--layout', 'right-symmetric', ...am], '--layout right-symmetric', am[0]!));
  it('a stale member is reported and left out (too many missing then)', async () => {
    const stale = join(tmp, 'stale.img');
    const b = readFileSync(am[2]!);
    b.writeBigUInt64LE(b.readBigUInt64LE(4096 + 200) - 1n, 4096 + 200); // events - 1
    b.writeUInt32LE(0, 4096 + 216);
    const { superblock1Checksum } = await import('../../../src/core/md/superblock.js');
    b.writeUInt32LE(superblock1Checksum(b.subarray(4096, 8192)), 4096 + 216);
    writeFileSync(stale, b);
    const r = await md(['--json', 'md', 'examine', am[0]!, am[1]!, stale, am[3]!, am[4]!]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.json.stale).to.deep.equal([
      { path: stale, slot: 2, events: Number(b.readBigUInt64LE(4096 + 200)) },
    ]);
    expect(r.json.missingSlots).to.deep.equal([2]);
    await refused(['export', am[0]!, stale, am[3]!, '-o', join(tmp, 'out.img')], 'tolerates 2', stale);
  });
});
