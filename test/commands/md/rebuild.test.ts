// raidtx md rebuild (spawned) on arrays the kernel's md driver wrote; mdadm --examine judges the superblocks.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { geometry, md, membersOf, registered } from '../../helpers/md-cli.js';
import { hasMdadm, loadFixtures } from '../../helpers/md-fixtures.js';

const { fixtures, skip } = loadFixtures();

describe('raidtx md rebuild (spawned) on kernel-made arrays', function () {
  this.timeout(120000);
  const why = skip ?? registered();
  if (why) {
    it.skip(`md CLI: ${why}`);
    return;
  }
  let tmp = '';
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'raidtx-md-rebuild-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const fx of fixtures) {
    describe(fx.name, () => {
      const g = geometry(fx);
      const n = g.raidDisks;
      const all = membersOf(fx);
      const lost = g.level === 6 ? [0, n - 1] : [1];
      it(`rebuild of slot(s) ${lost} reproduces the data areas; mdadm --examine accepts the superblocks`, async () => {
        const outs = lost.map((s) => join(tmp, `${fx.name}-rebuilt-${s}.img`));
        const r = await md([
          '--json',
          'md',
          'rebuild',
          ...all.filter((_, s) => !lost.includes(s)),
          ...lost.flatMap((s, i) => ['-o', `${s}=${outs[i]}`]),
        ]);
        expect(r.code, r.stderr).to.equal(0);
        for (const [i, s] of lost.entries()) {
          const mm = fx.manifest.members.find((x) => x.raid_slot === s)!;
          const orig = readFileSync(fx.memberPath(s));
          const got = readFileSync(outs[i]!);
          expect(got.length).to.equal(orig.length);
          const end = mm.data_offset_bytes + fx.manifest.stripes * g.chunk;
          expect(
            got.subarray(mm.data_offset_bytes, end).equals(orig.subarray(mm.data_offset_bytes, end)),
          ).to.equal(true);
          if (hasMdadm()) {
            const e = spawnSync('mdadm', ['--examine', outs[i]!], { encoding: 'utf8' });
            expect(e.status, e.stderr).to.equal(0);
            expect(e.stdout).to.match(/Checksum : [0-9a-f]+ - correct/);
            if (fx.manifest.metadata === '0.90')
              expect(e.stdout).to.match(new RegExp(`^this\\s+\\d+\\s+\\d+\\s+\\d+\\s+${s}\\s`, 'm'));
            else expect(e.stdout).to.match(new RegExp(`Device Role : Active device ${s}\\b`));
          }
        }
        // the rebuilt members make a complete array again
        const whole = all.map((p, s) => (lost.includes(s) ? outs[lost.indexOf(s)]! : p));
        const c = await md(['--json', 'md', 'check', ...whole]);
        expect(c.code, c.stderr).to.equal(0);
      });
    });
  }
});
