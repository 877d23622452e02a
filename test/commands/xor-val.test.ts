// xor-val: mismatch ranges at --granularity (offset and length only), exit 1.

import { copyFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  cleanupTmp,
  flipByte as flip,
  raidtx,
  randomBuffers,
  refPQ,
  tmp,
  writeMembers,
} from '../helpers/cli.js';

const SIZE = 20000;

describe('xor-val reports mismatch ranges', () => {
  let base: string;
  let names: string[];
  before(() => {
    base = tmp();
    const data = randomBuffers(6, SIZE, 99);
    names = writeMembers(base, data).map((p) => p.slice(base.length + 1));
    writeFileSync(join(base, 'P'), refPQ(data, SIZE).p);
  });
  after(cleanupTmp);

  /** A copy of the consistent set in a fresh folder, with `corrupt` applied. */
  function setup(corrupt: [string, number][]): string {
    const d = tmp();
    for (const n of [...names, 'P']) copyFileSync(join(base, n), join(d, n));
    for (const [n, off] of corrupt) flip(join(d, n), off);
    return d;
  }

  it('xor-val reports offset and length only, exit 1', async () => {
    const d = setup([
      ['d1', 0],
      ['d1', 4096],
      ['d5', 17000],
    ]);
    const r = await raidtx(['--json', 'xor-val', ...names, 'P'], { cwd: d });
    expect(r.code).to.equal(1);
    const j = JSON.parse(r.stdout);
    expect(j).to.include({ command: 'xor-val', ok: false, bytes: SIZE, granularity: 4096, mismatchCount: 2 });
    expect(j.mismatches).to.deep.equal([
      { offset: 0, length: 8192 },
      { offset: 16384, length: SIZE - 16384 },
    ]);
  });

  it('xor-val is consistent on a good set (exit 0)', async () => {
    const r = await raidtx(['xor-val', ...names, 'P'], { cwd: base });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/is zero/);
  });
});
