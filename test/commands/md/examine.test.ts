// raidtx md examine (spawned) on arrays the kernel's md driver wrote.

import { expect } from 'chai';
import { geometry, md, membersOf, registered } from '../../helpers/md-cli.js';
import { loadFixtures } from '../../helpers/md-fixtures.js';

const { fixtures, skip } = loadFixtures();

describe('raidtx md examine (spawned) on kernel-made arrays', function () {
  this.timeout(120000);
  const why = skip ?? registered();
  if (why) {
    it.skip(`md CLI: ${why}`);
    return;
  }

  for (const fx of fixtures) {
    describe(fx.name, () => {
      const g = geometry(fx);
      const n = g.raidDisks;
      const all = membersOf(fx);
      it('examine agrees with the manifest, members in any order', async () => {
        const r = await md(['--json', 'md', 'examine', ...[...all].reverse()]);
        expect(r.code, r.stderr).to.equal(0);
        const arr = r.json.array as Record<string, unknown>;
        expect(arr.uuid).to.equal(fx.manifest.array_uuid);
        expect(arr.level).to.equal(g.level);
        expect(arr.layout).to.equal(fx.manifest.layout);
        expect(arr.chunk).to.equal(g.chunk);
        expect(arr.raidDisks).to.equal(n);
        expect(arr.metadata).to.equal(fx.manifest.metadata);
        const members = r.json.members as { path: string; slot: number; dataOffset: number }[];
        for (const m of members) expect(m.path).to.equal(fx.memberPath(m.slot));
        expect(r.json.missingSlots).to.deep.equal([]);
      });
    });
  }
});
