// raidtx demo: end to end in a temporary folder, then cleaned up.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { raidtx } from '../helpers/cli.js';

describe('demo', () => {
  it('demo runs end to end, prints its table, exits 0 and cleans up', async () => {
    const r = await raidtx(['demo']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/pq\s+[\d.]+\s+[\d.]+/);
    expect(r.stdout).to.match(/recover-2data/);
    expect(r.stdout).to.match(/checksums match/);
    const dir = /in (\S+) \(removed afterwards\)/.exec(r.stdout)![1]!;
    expect(() => readFileSync(join(dir, 'p.img'))).to.throw();
  });

  it('demo --json prints one object', async () => {
    const r = await raidtx(['--json', 'demo']);
    expect(r.code, r.stderr).to.equal(0);
    const j = JSON.parse(r.stdout);
    expect(j).to.include({ command: 'demo', ok: true, verified: true });
    expect(j.steps.map((s: { step: string }) => s.step)).to.deep.equal(['pq', 'pq-val', 'recover-2data']);
  });
});
