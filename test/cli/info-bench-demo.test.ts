// info, bench and demo: their JSON shapes and exit codes.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { ROOT, raidtx } from '../helpers/cli.js';

describe('info, bench and demo', () => {
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

  it('--help and --version exit 0; no command exits 2', async () => {
    expect((await raidtx(['--help'])).code).to.equal(0);
    const v = await raidtx(['--version']);
    expect(v.code).to.equal(0);
    expect(v.stdout.trim()).to.match(/^\d+\.\d+\.\d+/);
    expect((await raidtx([])).code).to.equal(2);
  });
});
