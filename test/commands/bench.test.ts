// raidtx bench: its JSON shape, threads and options.

import { expect } from 'chai';
import { raidtx } from '../helpers/cli.js';

describe('bench', () => {
  it('bench --json gives one result per op and engine, in DESIGN shape', async () => {
    const r = await raidtx([
      '--json',
      '--engine',
      'software',
      'bench',
      '--op',
      'pq',
      '--op',
      'xor',
      '--op',
      'recover-2data',
      '--disks',
      '4',
      '--size',
      '64K',
      '--seconds',
      '0.05',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    const j = JSON.parse(r.stdout);
    expect(j.results).to.have.length(3);
    for (const x of j.results) {
      expect(Object.keys(x)).to.deep.equal(['op', 'engine', 'kernel', 'disks', 'bytes', 'GBps']);
      expect(x).to.include({ engine: 'software', disks: 4, bytes: 65536 });
      expect(x.GBps).to.be.greaterThan(0);
    }
    expect(j.results.map((x: { op: string }) => x.op)).to.deep.equal(['pq', 'xor', 'recover-2data']);
  });

  it('bench --threads 2 sums the threads', async () => {
    const r = await raidtx([
      '--json',
      '--engine',
      'software',
      'bench',
      '--op',
      'xor',
      '--size',
      '16K',
      '--seconds',
      '0.05',
      '--threads',
      '2',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).results[0]).to.include({ op: 'xor', threads: 2 });
  });

  it('bench --kernel needs the native engine', async () => {
    const r = await raidtx(['--engine', 'software', 'bench', '--kernel', 'avx2', '--seconds', '0.01']);
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/--kernel/);
  });
});
