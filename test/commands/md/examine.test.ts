// raidtx md examine (spawned) on arrays the kernel's md driver wrote.

import { expect } from 'chai';
import { geometry, md, membersOf } from '../../helpers/md-cli.js';
import { eachFixture } from '../../helpers/md-fixtures.js';

describe('raidtx md examine (spawned) on kernel-made arrays', function () {
  this.timeout(120000);

  eachFixture((fx) => {
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
        // every member once (an empty list must not pass), at its manifest's data offset
        expect(members.map((m) => m.slot).sort((x, y) => x - y)).to.deep.equal([...Array(n).keys()]);
        for (const m of members) {
          expect(m.path).to.equal(fx.memberPath(m.slot));
          expect(m.dataOffset, `slot ${m.slot}`).to.equal(
            fx.manifest.members.find((x) => x.raid_slot === m.slot)!.data_offset_bytes,
          );
        }
        expect(r.json.missingSlots).to.deep.equal([]);
        expect(r.json.stale).to.deep.equal([]);
      });
    });
  });
});
