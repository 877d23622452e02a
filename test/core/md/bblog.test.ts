// md 1.x bad-block logs read as member damage, against mdadm --examine-badblocks (the oracle): logs
// filled in on copies of kernel-made members (1.0, 1.1, 1.2; bblog_shift 0 and 3), correct checksums.

import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { MemberSpec } from '../../../src/core/io/member.js';
import { assembleArray, closeArray } from '../../../src/core/md/array.js';
import { membersOf } from '../../helpers/md-cli.js';
import { type BadSectors, writeBadBlocks } from '../../helpers/md-damage.js';
import { fixtureNamed, hasMdadm } from '../../helpers/md-fixtures.js';
import { lacking } from '../../helpers/prereq.js';

const spec = (path: string): MemberSpec => ({ kind: 'path', spec: path, path, offset: 0 });

/** `mdadm --examine-badblocks`' list: [sector, sectors] pairs. */
function mdadmBadBlocks(path: string): [number, number][] {
  const text = execFileSync('mdadm', ['--examine-badblocks', path], { encoding: 'utf8' });
  return [...text.matchAll(/^\s*(\d+) for (\d+) sectors$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
}

describe('md bad-block logs as member damage (mdadm --examine-badblocks is the oracle)', function () {
  this.timeout(60000);
  let tmp = '';
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'raidtx-md-bblog-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const prefix of ['i-r5-', 's-r5-', 'u-r5-']) {
    const fx = fixtureNamed(prefix);
    if (!fx) continue;
    for (const shift of [0, 3]) {
      it(`${fx.name}, bblog_shift ${shift}: the ranges md recorded become the member's damage, in device bytes`, async function () {
        if (!hasMdadm()) lacking(this, 'mdadm is not installed');
        const all = membersOf(fx);
        const copy = join(tmp, `${fx.name}-${shift}.img`);
        copyFileSync(all[1]!, copy);
        const d = fx.manifest.members.find((m) => m.raid_slot === 1)!.data_offset_bytes / 512;
        const ranges: BadSectors[] = [
          { sector: d + 8, count: 8 },
          { sector: d + 64, count: 16 },
          { sector: d + 200, count: 1016 },
        ];
        writeBadBlocks(copy, ranges, shift);
        const oracle = mdadmBadBlocks(copy);
        expect(oracle).to.deep.equal(ranges.map((r) => [r.sector, r.count]));
        const a = await assembleArray([all[0]!, copy, ...all.slice(2)].map(spec), {
          explicit: {},
          includeStale: false,
          offset: 0,
        });
        try {
          const m = a.bySlot[1]!;
          expect(m.input.path).to.equal(copy);
          const got = m.input.damage!.extents.map((e) => [e.offset / 512, e.length / 512, e.source]);
          expect(got).to.deep.equal(oracle.map(([s, c]) => [s, c, 'badblocks']));
          // the other members' logs are empty
          for (const other of a.bySlot.filter((x) => x !== m))
            expect(other!.input.damage!.extents).to.deep.equal([]);
        } finally {
          await closeArray(a);
        }
      });
    }
  }
});
