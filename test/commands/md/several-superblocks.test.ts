// raidtx md (spawned) on members that carry more than one superblock, and on members whose data
// offsets differ: the array common to all members, most recently created, is chosen (as mdadm does),
// --metadata chooses by hand, and each member's own data offset is honoured.

import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { md, sha } from '../../helpers/md-cli.js';
import { loadFixtures } from '../../helpers/md-fixtures.js';
import {
  editSuperblock,
  getField,
  memberDataArea,
  readSuperblockBytes,
  writeSuperblockBytes,
} from '../../helpers/md-superblock-editor.js';
import { lackingTest } from '../../helpers/prereq.js';

const { fixtures, reason } = loadFixtures();
const skip = fixtures.length === 0 ? reason : null;

describe('raidtx md (spawned): several superblocks on a member, --metadata, per-member data offsets', function () {
  this.timeout(120000);
  const why = skip;
  const d = fixtures.find((f) => f.name.startsWith('d-')); // 1.0, 6 members; data ends where 0.90 would sit
  const e = fixtures.find((f) => f.name.startsWith('e-')); // 0.90, 5 members
  const b = fixtures.find((f) => f.name.startsWith('b-')); // 1.2, 4 members
  if (why || !d || !e || !b) {
    lackingTest('kernel-made md fixtures', `${why ?? 'fixtures b, d and e absent'}`);
    return;
  }
  let tmp = '';
  const truthD = () => sha(readFileSync(join(d.dir, 'truth.img')));
  const dCtime = () =>
    Number(getField('1.0', readSuperblockBytes(d.memberPath(0), '1.0'), 'ctime') & 0xffffffffffn);
  /** d's members, the first five also holding e's 0.90 superblock (created `age` seconds before d). */
  const plant = (dir: string, age: number): string[] => {
    mkdirSync(dir);
    return Array.from({ length: 6 }, (_, s) => {
      const p = join(dir, `m${s}.img`);
      copyFileSync(d.memberPath(s), p);
      if (s < 5) {
        writeSuperblockBytes(p, '0.90', readSuperblockBytes(e.memberPath(s), '0.90'));
        editSuperblock(p, { ctime: dCtime() - age }, '0.90');
      }
      return p;
    });
  };
  let older: string[] = [];
  let newer: string[] = [];
  let tied: string[] = [];
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'raidtx-md-several-'));
    older = plant(join(tmp, 'older'), 100000);
    newer = plant(join(tmp, 'newer'), -100000);
    tied = plant(join(tmp, 'tied'), 0);
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const examine = async (args: string[]) => {
    const r = await md(['--json', 'md', 'examine', ...args]);
    expect(r.code, r.stderr).to.equal(0);
    return r.json.array as { uuid: string; metadata: string };
  };

  it('an older 0.90 superblock left on the members: the 1.0 array is read, export equals truth.img', async () => {
    expect((await examine(older)).metadata).to.equal('1.0');
    const out = join(tmp, 'older.img');
    const r = await md(['md', 'export', ...older, '-o', out]);
    expect(r.code, r.stderr).to.equal(0);
    expect(sha(readFileSync(out))).to.equal(truthD());
  });
  it('the newer array broken on one member is refused naming it, never read as the older array', async () => {
    const dir = join(tmp, 'broken');
    const five = plant(dir, 100000).slice(0, 5);
    editSuperblock(five[2]!, { chunksize: 3000 }, '1.0');
    const r = await md(['md', 'export', ...five, '-o', join(dir, 'out.img')]);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.contain(`'${five[2]}': 1.0 superblock: chunksize 3000 sectors`);
  });
  it('a newer 0.90 array on five of the members: chosen when every member given holds it', async () => {
    const a = await examine(newer.slice(0, 5));
    expect(a.metadata).to.equal('0.90');
    const ofE = await examine(Array.from({ length: 5 }, (_, s) => e.memberPath(s)));
    expect(a.uuid).to.equal(ofE.uuid);
  });
  it('... but not when a member given holds only the 1.0 array (consistent with the other members)', async () => {
    expect((await examine(newer)).metadata).to.equal('1.0');
  });
  it('--metadata chooses by hand', async () => {
    expect((await examine(['--metadata', '1.0', ...newer.slice(0, 5)])).metadata).to.equal('1.0');
    expect((await examine(['--metadata', '0.90', ...older.slice(0, 5)])).metadata).to.equal('0.90');
    expect((await examine(['--metadata', '1', ...older.slice(0, 5)])).metadata).to.equal('1.0');
  });
  it('--metadata naming a version a member does not hold, or no version at all: exit 2', async () => {
    const r = await md(['md', 'examine', '--metadata', '1.2', ...older]);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/holds no md superblock of .*1\.2 \(found: 1\.0/);
    const r2 = await md(['md', 'examine', '--metadata', '2', ...older]);
    expect(r2.code).to.equal(2);
    expect(r2.stderr).to.match(/'2' is not an md metadata version/);
  });
  it('two arrays created at the same second on every member: refused, asking for --metadata', async () => {
    const r = await md(['md', 'export', ...tied.slice(0, 5), '-o', join(tmp, 'tied.img')]);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.match(/created at the same time; choose one with .*metadata/);
  });

  describe('members whose data offsets differ (b, slot 1 moved to 1024 sectors)', () => {
    let m: string[] = [];
    const used = b.manifest.members[0]!.used_data_bytes;
    before(() => {
      const dir = join(tmp, 'moved');
      mkdirSync(dir);
      m = Array.from({ length: 4 }, (_, s) => b.memberPath(s));
      const src = readFileSync(b.memberPath(1));
      const moved = Buffer.alloc(src.length);
      src.copy(moved, 0, 0, 1024 * 512); // superblock, bad-block log
      src.copy(moved, 1024 * 512, 2048 * 512, 2048 * 512 + used);
      m[1] = join(dir, 'm1.img');
      writeFileSync(m[1], moved);
      editSuperblock(m[1], { data_offset: 1024n, data_size: 7168n });
    });
    it('export equals truth.img and check is clean', async () => {
      const out = join(tmp, 'moved.img');
      const r = await md(['md', 'export', ...m, '-o', out]);
      expect(r.code, r.stderr).to.equal(0);
      expect(sha(readFileSync(out))).to.equal(sha(readFileSync(join(b.dir, 'truth.img'))));
      const c = await md(['md', 'check', m[3]!, m[1]!, m[0]!, m[2]!]);
      expect(c.code, c.stderr).to.equal(0);
    });
    for (const order of [
      [2, 1, 3],
      [1, 2, 3],
    ]) {
      it(`rebuild of slot 0 from members ${order} puts the data where the rebuilt superblock says`, async () => {
        const out = join(tmp, `moved-rebuilt-${order.join('')}.img`);
        const r = await md(['md', 'rebuild', ...order.map((s) => m[s]!), '-o', `0=${out}`]);
        expect(r.code, r.stderr).to.equal(0);
        expect(sha(memberDataArea(out, used))).to.equal(sha(memberDataArea(b.memberPath(0), used)));
      });
    }
    it('rebuild of the moved slot itself gives its data area back', async () => {
      const out = join(tmp, 'moved-rebuilt-1.img');
      const r = await md(['md', 'rebuild', m[0]!, m[2]!, m[3]!, '-o', `1=${out}`]);
      expect(r.code, r.stderr).to.equal(0);
      expect(sha(memberDataArea(out, used))).to.equal(sha(memberDataArea(b.memberPath(1), used)));
    });
  });
});
