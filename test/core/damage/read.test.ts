// readMemberDamaged against real read errors (faultfs) and real GNU ddrescue over the same member.
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { NO_DAMAGE_OPTIONS } from '../../../src/core/damage/options.js';
import { readMemberDamaged } from '../../../src/core/damage/read.js';
import { IoError } from '../../../src/core/errors.js';
import { parseMemberSpec } from '../../../src/core/io/member.js';
import { closeAll, openMembers } from '../../../src/core/io/members.js';
import { xorValMembers } from '../../../src/core/jobs/xor-val.js';
import { cleanupTmp } from '../../helpers/cli.js';
import { ddrescueMap, eioRules, mapBadRanges, needDdrescue, useFaultFs } from '../../helpers/faulty.js';

const KiB = 1024;

describe('reading around read errors (faultfs)', function () {
  this.timeout(60000);
  const fs = useFaultFs();
  const content = randomBytes(256 * KiB);
  const bad = [
    { name: 'm', offset: 10 * KiB + 512, length: 512 },
    { name: 'm', offset: 100 * KiB, length: 9000 },
  ];
  before(() => {
    writeFileSync(join(fs().backing, 'm'), content);
  });
  after(() => cleanupTmp());

  async function readAll(spec: string, sector: number, at = 0) {
    const { members } = await openMembers([parseMemberSpec(spec)], { offset: at, length: null, pad: false });
    const m = members[0]!;
    const buf = Buffer.alloc(m.available);
    try {
      const ext = await readMemberDamaged(m, buf, m.available, 0, { sector, retries: 1 });
      return { ext, buf, damage: m.damage!.extents };
    } finally {
      await closeAll(members);
    }
  }

  for (const sector of [4096, 512]) {
    it(`narrows EIO to ${sector}-byte units (file-aligned), zero-fills them, reads the rest exactly`, async () => {
      fs().faults(eioRules(bad));
      const { ext, buf, damage } = await readAll(join(fs().mnt, 'm'), sector);
      const unit = (lo: number, hi: number) => ({
        offset: Math.floor(lo / sector) * sector,
        length: Math.ceil(hi / sector) * sector - Math.floor(lo / sector) * sector,
      });
      const want = bad.map((b) => unit(b.offset, b.offset + b.length));
      expect(ext).to.deep.equal(want);
      expect(damage.every((d) => d.source === 'eio')).to.equal(true);
      const expected = Buffer.from(content);
      for (const w of want) expected.fill(0, w.offset, w.offset + w.length);
      expect(buf.equals(expected)).to.equal(true);
    });
  }

  it('a member with @OFFSET: damage kept in file coordinates, reads window-relative', async () => {
    fs().faults(eioRules(bad));
    const { ext, damage } = await readAll(`${join(fs().mnt, 'm')}@8192`, 512);
    expect(ext[0]).to.deep.equal({ offset: 10 * KiB + 512 - 8192, length: 512 });
    expect(damage[0]).to.include({ offset: 10 * KiB + 512, length: 512 });
  });

  it('--retries: a sector that fails twice is read on the second try with 1 retry, lost with 0', async () => {
    fs().faults([`eioflaky /m ${12 * KiB} 2`]);
    const once = await readAll(join(fs().mnt, 'm'), 4096);
    expect(once.ext).to.deep.equal([]);
    expect(once.buf.equals(content)).to.equal(true);
    fs().faults([`eioflaky /m ${12 * KiB} 2`]); // a fresh rule: fails twice again
    const { members } = await openMembers([parseMemberSpec(join(fs().mnt, 'm'))], {
      offset: 0,
      length: null,
      pad: false,
    });
    try {
      const buf = Buffer.alloc(members[0]!.available);
      const ext = await readMemberDamaged(members[0]!, buf, buf.length, 0, { sector: 4096, retries: 0 });
      expect(ext).to.deep.equal([{ offset: 12 * KiB, length: 4096 }]);
    } finally {
      await closeAll(members);
    }
  });

  it('library jobs read around damage only when given damage options; without, a read error fails as before', async () => {
    fs().faults(eioRules(bad));
    const m = parseMemberSpec(join(fs().mnt, 'm'));
    const opts = { offset: 0, length: null, pad: false, step: 65536, force: false };
    const err = await xorValMembers([m, m], 4096, opts).catch((e) => e);
    expect(err).to.be.instanceOf(IoError);
    expect(err.message).to.match(/read error at offset 10752/);
    const r = await xorValMembers([m, m], 4096, { ...opts, damage: NO_DAMAGE_OPTIONS });
    expect(r.mismatches).to.deep.equal([]);
    expect(r.damage.lost.map((x) => [x.offset, x.length])).to.deep.equal([
      [8192, 4096],
      [100 * KiB, 12288],
    ]);
  });

  it('real GNU ddrescue over the faulty member maps exactly the bad sectors', function () {
    needDdrescue(this);
    fs().faults(eioRules(bad));
    const map = ddrescueMap(join(fs().mnt, 'm'), 512);
    expect(mapBadRanges(map)).to.deep.equal([
      { offset: 10 * KiB + 512, length: 512 },
      { offset: 100 * KiB, length: 9216 },
    ]);
  });
});
