// raidtx md (spawned) on kernel-made arrays with an internal write-intent bitmap or a partial parity
// log (scripts/md-fixtures.sh STATES block): neither moves data, so they are read as any array, and
// examine shows them. A write-journal array stays refused: its data may sit in the journal.

import {
  closeSync,
  copyFileSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { md, membersOf, sha } from '../../helpers/md-cli.js';
import { fixtureNamed } from '../../helpers/md-fixtures.js';
import { editSuperblock } from '../../helpers/md-superblock-editor.js';

type Member = { slot: number; features: string; bitmapOffset: number | null; ppl: object | null };

const CASES: [prefix: string, feature: 'BITMAP_OFFSET' | 'PPL', shown: RegExp][] = [
  ['st1-', 'BITMAP_OFFSET', /internal write-intent bitmap at sector -?\d+ from the superblock/],
  ['st2-', 'PPL', /partial parity log \(\d+ sectors at -?\d+ from the superblock\)/],
];

describe('raidtx md on arrays with a bitmap or a PPL (spawned)', function () {
  this.timeout(120000);
  let tmp = '';
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'raidtx-md-states-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const [prefix, feature, shown] of CASES) {
    const fx = fixtureNamed(prefix);
    if (!fx) continue;
    describe(fx.name, () => {
      const all = membersOf(fx);
      it(`examine shows the ${feature} of every member`, async () => {
        const run = await md(['--json', 'md', 'examine', ...all]);
        expect(run.code, run.stderr).to.equal(0);
        const members = (run.json as { members: Member[] }).members;
        for (const m of members) {
          expect(m.features).to.include(feature);
          if (feature === 'PPL') expect(m.ppl).to.not.equal(null);
          else expect(m.bitmapOffset).to.not.equal(null);
        }
        expect((await md(['md', 'examine', ...all])).stdout).to.match(shown);
      });
      it('export equals truth.img (whole and with slot 0 missing); check is clean', async () => {
        const out = join(tmp, `${fx.name}.img`);
        const truth = sha(readFileSync(join(fx.dir, 'truth.img')));
        for (const members of [all, all.slice(1)]) {
          const run = await md(['md', 'export', ...members, '-o', out]);
          expect(run.code, run.stderr).to.equal(0);
          expect(sha(readFileSync(out))).to.equal(truth);
        }
        const run = await md(['--json', 'md', 'check', ...all]);
        expect(run.code, run.stderr).to.equal(0);
      });
    });
  }

  const plain = fixtureNamed('a-r6-');
  if (plain) {
    it('a member whose bad-block log lists bad ranges is read around them (rebuilt from parity, listed as badblocks); an empty log is harmless', async () => {
      const all = membersOf(plain);
      const copy = join(tmp, 'bb-member0.img');
      copyFileSync(all[0]!, copy);
      // the feature bit says the log holds entries (mdadm --examine-badblocks reads it only then)
      editSuperblock(copy, { feature_map: 8 });
      const ok = await md(['md', 'check', copy, ...all.slice(1)]);
      expect(ok.code, ok.stderr).to.equal(0);
      const sb = readFileSync(copy).subarray(4096, 4096 + 256);
      const at = 4096 + sb.readInt32LE(188) * 512;
      const entry = Buffer.alloc(8);
      entry.writeBigUInt64LE((4096n << 10n) | 8n);
      const fd = openSync(copy, 'r+');
      writeSync(fd, entry, 0, 8, at);
      closeSync(fd);
      const out = join(tmp, 'bb.img');
      const run = await md(['--json', 'md', 'export', copy, ...all.slice(1), '-o', out]);
      expect(run.code, run.stderr).to.equal(0);
      expect(sha(readFileSync(out))).to.equal(sha(readFileSync(join(plain.dir, 'truth.img'))));
      expect(run.json.unreadable).to.deep.equal([
        { member: copy, offset: 4096 * 512, length: 8 * 512, source: 'badblocks' },
      ]);
      // md check cannot read those sectors: exit 4, listed
      const c = await md(['--json', 'md', 'check', copy, ...all.slice(1)]);
      expect(c.code, c.stderr).to.equal(4);
      expect(c.json.unreadable).to.deep.equal(run.json.unreadable);
      // a range beyond the member's end is not understood: refused, naming the member
      entry.writeBigUInt64LE((100000n << 10n) | 8n);
      const fd2 = openSync(copy, 'r+');
      writeSync(fd2, entry, 0, 8, at);
      closeSync(fd2);
      const bad = await md(['md', 'export', copy, ...all.slice(1), '-o', join(tmp, 'bb2.img')]);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.match(
        /bb-member0\.img': 1\.2 superblock: its bad-block log lists 8 sectors at sector 100000, beyond the member's end/,
      );
    });
  }

  const journal = fixtureNamed('st3-');
  if (journal) {
    it(`${journal.name}: a write-journal array is refused (exit 2, naming member and feature)`, async () => {
      const files = readdirSync(journal.dir)
        .filter((f) => /^member\d+\.img$/.test(f))
        .map((f) => join(journal.dir, f));
      for (const cmd of [['examine'], ['check'], ['export', '-o', join(tmp, 'j.img')]]) {
        const run = await md(['md', cmd[0]!, ...files, ...cmd.slice(1)]);
        expect(run.code).to.equal(2);
        expect(run.stderr).to.match(
          /member\d\.img': 1\.2 superblock: feature_map 0x[0-9a-f]+ \(.*JOURNAL.*\): a write-journal array/,
        );
      }
    });
  }
});
