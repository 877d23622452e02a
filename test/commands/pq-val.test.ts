// pq-val: mismatch ranges at --granularity, the suspect member, merging, exit 1.

import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, flipByte as flip, raidtx, tmp, writeMembers } from '../helpers/cli.js';
import { randomBuffers } from '../helpers/prng.js';
import { refPQ } from '../helpers/reference.js';

const SIZE = 20000;

describe('pq-val reports mismatches with the suspect member', () => {
  let base: string;
  let names: string[];
  before(() => {
    base = tmp();
    const data = randomBuffers(6, SIZE, 99);
    names = writeMembers(base, data).map((p) => p.slice(base.length + 1));
    const { p, q } = refPQ(data, SIZE);
    writeFileSync(join(base, 'P'), p);
    writeFileSync(join(base, 'Q'), q);
  });
  after(cleanupTmp);

  /** A copy of the consistent set in a fresh folder, with `corrupt` applied. */
  function setup(corrupt: [string, number][]): string {
    const d = tmp();
    for (const n of [...names, 'P', 'Q']) copyFileSync(join(base, n), join(d, n));
    for (const [n, off] of corrupt) flip(join(d, n), off);
    return d;
  }
  const pqVal = (cwd: string, extra: string[] = []) =>
    raidtx(['--json', ...extra, 'pq-val', '-P', 'P', '-Q', 'Q', ...names], { cwd });

  it('is consistent (exit 0) before any corruption', async () => {
    const r = await pqVal(base);
    expect(r.code, r.stderr).to.equal(0);
    const j = JSON.parse(r.stdout);
    expect(j.engine).to.be.oneOf(['native', 'software']);
    expect(j).to.deep.equal({
      command: 'pq-val',
      ok: true,
      bytes: SIZE,
      granularity: 4096,
      engine: j.engine,
      mismatches: [],
      mismatchCount: 0,
    });
  });

  it('names data member k when a byte of member k changed (exit 1)', async () => {
    for (const k of [0, 3, 5]) {
      const r = await pqVal(setup([[`d${k}`, 9000]]));
      expect(r.code, r.stderr).to.equal(1);
      const j = JSON.parse(r.stdout);
      expect(j.ok).to.equal(false);
      expect(j.mismatchCount).to.equal(1);
      expect(j.mismatches).to.deep.equal([
        { offset: 8192, length: 4096, p: true, q: true, suspect: { role: 'data', index: k } },
      ]);
    }
  });

  it('names P when only P changed, Q when only Q changed', async () => {
    let j = JSON.parse((await pqVal(setup([['P', 100]]))).stdout);
    expect(j.mismatches).to.deep.equal([
      { offset: 0, length: 4096, p: true, q: false, suspect: { role: 'p' } },
    ]);
    j = JSON.parse((await pqVal(setup([['Q', 4096]]))).stdout);
    expect(j.mismatches).to.deep.equal([
      { offset: 4096, length: 4096, p: false, q: true, suspect: { role: 'q' } },
    ]);
  });

  it('merges adjacent granules with the same verdict and keeps different ones apart', async () => {
    const r = await pqVal(
      setup([
        ['d2', 4100],
        ['d2', 8200],
        ['d4', 12300],
        ['d1', 19999],
      ]),
    );
    expect(r.code).to.equal(1);
    expect(JSON.parse(r.stdout).mismatches).to.deep.equal([
      { offset: 4096, length: 8192, p: true, q: true, suspect: { role: 'data', index: 2 } },
      { offset: 12288, length: 4096, p: true, q: true, suspect: { role: 'data', index: 4 } },
      { offset: 16384, length: SIZE - 16384, p: true, q: true, suspect: { role: 'data', index: 1 } },
    ]);
  });

  it('reports at --granularity, whatever --step', async () => {
    const r = await pqVal(setup([['d1', 9000]]), ['--granularity', '512', '--step', '1000']);
    expect(JSON.parse(r.stdout).mismatches).to.deep.equal([
      { offset: 8704, length: 512, p: true, q: true, suspect: { role: 'data', index: 1 } },
    ]);
  });

  it('offsets are relative to each member start (--offset)', async () => {
    const r = await pqVal(setup([['d1', 9000]]), ['--offset', '4096']);
    expect(JSON.parse(r.stdout).mismatches[0]).to.include({ offset: 4096, length: 4096 });
  });

  it('prints a human summary naming the suspect member', async () => {
    const d = setup([['d3', 5]]);
    const r = await raidtx(['pq-val', '-P', 'P', '-Q', 'Q', ...names], { cwd: d });
    expect(r.code).to.equal(1);
    expect(r.stdout).to.match(/offset 0 length 4096: PQ suspect data member 3 'd3'/);
  });
});
