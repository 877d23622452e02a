// raidtx md (spawned): the output side of issue 16 — what the command layer does with hostile option
// values and early-closed pipes. Each run ends refused (exit 2, nothing left behind) or right, with no
// stack trace; rebuilt images stay sparse where the member holds nothing.

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { md, membersOf, registered } from '../../helpers/md-cli.js';
import { loadFixtures, ROOT } from '../../helpers/md-fixtures.js';

const { fixtures, skip } = loadFixtures();

describe('raidtx md (spawned): hostile option values, early-closed stdout, sparse rebuilt images', function () {
  this.timeout(60000);
  const why = skip ?? registered();
  const b = fixtures.find((f) => f.name.startsWith('b-'));
  if (why || !b) {
    it.skip(`md CLI: ${why ?? 'fixture b absent'}`);
    return;
  }
  const all = membersOf(b);
  let tmp = '';
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'raidtx-md-output-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('md export -o - | head -c 100: stops quietly, no stack trace', () => {
    const r = spawnSync(
      'sh',
      ['-c', `node bin/raidtx.js md export ${all.join(' ')} -o - | head -c 100 >/dev/null`],
      {
        cwd: ROOT,
        encoding: 'utf8',
      },
    );
    expect(r.stderr).to.not.match(/EPIPE|\n\s+at /);
  });
  it('--step 100G: refused or right, never an internal error or a temporary left', async () => {
    const out = join(tmp, 'out.img');
    const r = await md(['md', 'export', ...all, '--step', '100G', '-o', out]);
    expect([0, 2], r.stderr).to.include(r.code);
    expect(r.stderr).to.not.match(/internal error/);
    expect(readdirSync(tmp).filter((n) => n.includes('raidtx-tmp'))).to.deep.equal([]);
  });
  it('md rebuild -o 1=- is refused (exit 2) and creates no file named -', async () => {
    const dash = join(ROOT, '-');
    const before = existsSync(dash);
    const r = await md(['md', 'rebuild', all[0]!, all[2]!, all[3]!, '-o', '1=-']);
    const created = !before && existsSync(dash);
    if (created) rmSync(dash); // md() runs in the repository root
    expect(r.code, r.stderr).to.equal(2);
    expect(created, "a file named '-'").to.equal(false);
  });
  it('md rebuild leaves holes where the member holds nothing (before the data area)', async () => {
    const out = join(tmp, 'r1.img');
    const r = await md(['md', 'rebuild', all[0]!, all[2]!, all[3]!, '-o', `1=${out}`]);
    expect(r.code, r.stderr).to.equal(0);
    const st = statSync(out);
    const used = b.manifest.members[1]!.used_data_bytes;
    expect(st.blocks * 512, 'allocated bytes').to.be.at.most(used + 256 * 1024);
  });
});
