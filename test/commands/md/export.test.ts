// raidtx md export (spawned) on arrays the kernel's md driver wrote.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { geometry, md, membersOf, registered, sha } from '../../helpers/md-cli.js';
import { loadFixtures } from '../../helpers/md-fixtures.js';

const { fixtures, skip } = loadFixtures();

describe('raidtx md export (spawned) on kernel-made arrays', function () {
  this.timeout(120000);
  const why = skip ?? registered();
  if (why) {
    it.skip(`md CLI: ${why}`);
    return;
  }
  let tmp = '';
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'raidtx-md-export-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const fx of fixtures) {
    describe(fx.name, () => {
      const g = geometry(fx);
      const n = g.raidDisks;
      const all = membersOf(fx);
      const truth = () => readFileSync(join(fx.dir, 'truth.img'));
      const lost = g.level === 6 ? [0, n - 1] : [1];
      it(`export equals truth.img, whole and with slot(s) ${lost} missing`, async () => {
        const out = join(tmp, `${fx.name}-array.img`);
        let r = await md(['md', 'export', ...all, '-o', out]);
        expect(r.code, r.stderr).to.equal(0);
        const t = sha(truth());
        expect(sha(readFileSync(out))).to.equal(t);
        r = await md(['md', 'export', ...all.filter((_, s) => !lost.includes(s)), '-o', out]);
        expect(r.code, r.stderr).to.equal(0);
        expect(sha(readFileSync(out))).to.equal(t);
      });
    });
  }
});
