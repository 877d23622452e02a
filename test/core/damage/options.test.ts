import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { applyMaps, readMaps } from '../../../src/core/damage/options.js';
import { parseMemberSpec } from '../../../src/core/io/member.js';
import { closeAll, openMembers } from '../../../src/core/io/members.js';

describe('--map: maps become members damage', () => {
  const dir = mkdtempSync(join(tmpdir(), 'raidtx-maps-'));
  const a = join(dir, 'a.img');
  const b = join(dir, 'b.img');
  writeFileSync(a, Buffer.alloc(20000, 1));
  writeFileSync(b, Buffer.alloc(16000, 2));
  const map = join(dir, 'a.map');
  writeFileSync(map, '0 +\n0 4096 +\n4096 512 -\n4608 10000 +\n');

  it('in file coordinates (before @OFFSET and --offset), beyond the last block unreadable', async () => {
    const maps = await readMaps([`${a}=${map}`]);
    const { members } = await openMembers([parseMemberSpec(`${a}@4000`), parseMemberSpec(b)], {
      offset: 0,
      length: 12000,
      pad: false,
    });
    try {
      applyMaps(members, maps);
      expect(members[0]!.damage!.extents).to.deep.equal([
        { offset: 4096, length: 512, source: 'map' },
        { offset: 14608, length: 5392, source: 'map' },
      ]);
      expect(members[1]!.damage!.extents).to.deep.equal([]);
    } finally {
      await closeAll(members);
    }
  });

  it('PATH naming no member, two maps for a member, a missing map or a bad spec: usage errors', async () => {
    const maps = await readMaps([`${join(dir, 'c.img')}=${map}`]);
    const { members } = await openMembers([parseMemberSpec(a)], { offset: 0, length: null, pad: false });
    try {
      expect(() => applyMaps(members, maps)).to.throw(/--map: '.*c\.img' is not a member/);
    } finally {
      await closeAll(members);
    }
    let err = await readMaps([`${a}=${map}`, `${a}=${map}`]).catch((e) => e);
    expect(err.message).to.match(/two maps for member '.*a\.img'/);
    err = await readMaps([`${a}=${join(dir, 'none.map')}`]).catch((e) => e);
    expect(err.message).to.match(/map '.*none\.map': no such file/);
    err = await readMaps([a]).catch((e) => e);
    expect(err.message).to.match(/expected PATH=MAPFILE/);
  });
});
