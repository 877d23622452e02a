// raidtx info: its JSON shape and human summary.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ROOT, raidtx } from '../helpers/cli.js';

describe('info', () => {
  it('info --json reports version, engines and the default', async () => {
    const r = await raidtx(['--json', 'info']);
    expect(r.code, r.stderr).to.equal(0);
    const j = JSON.parse(r.stdout);
    expect(j.version).to.equal(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
    expect(j.engines.software.available).to.equal(true);
    expect(j.default).to.be.oneOf(['native', 'software']);
    if (j.engines.native.available) {
      // keyed by command name, like every report
      expect(Object.keys(j.engines.native.kernels)).to.include.members([
        'pq',
        'pq-val',
        'recover-2data',
        'xor-val',
      ]);
      expect(j.engines.native.cpu).to.be.an('array');
    } else {
      expect(j.engines.native.reason).to.be.a('string').and.not.equal('');
    }
  });

  it('info prints a human summary', async () => {
    const r = await raidtx(['info']);
    expect(r.code).to.equal(0);
    expect(r.stdout).to.match(/^raidtx \d+\.\d+\.\d+/);
    expect(r.stdout).to.match(/native:/);
  });
});
