// Load: concurrent CLI runs on the same members do not interfere, and runs racing to write the
// same output leave one complete, correct output (the last rename wins) and no temporaries.
// (100,000 chained descriptors with stable memory: test/core/load.test.ts.)

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, nativeStatus, raidtx, tmp, writeMembers } from '../helpers/cli.js';
import { note } from '../helpers/prereq.js';
import { randomBuffers } from '../helpers/prng.js';
import { refPQ } from '../helpers/reference.js';
import { temporariesIn } from './helpers.js';

const MiB = 1024 * 1024;
const SIZE = 8 * MiB;

describe('reliability: concurrent runs', function () {
  this.timeout(60000);
  const data = randomBuffers(5, SIZE, 0x10ad);
  const ref = refPQ(data, SIZE);
  let dir: string;
  let members: string[];
  before(() => {
    dir = tmp('raidtx-load-');
    members = writeMembers(dir, data);
  });
  after(cleanupTmp);

  it('4 pq writing different outputs and 2 pq-val reading, all at once: byte-exact, all exit 0', async () => {
    writeMembers(dir, [ref.p, ref.q], 'ref-');
    const native = await nativeStatus();
    if (!native.available) note(`native engine unavailable (${native.reason}): its run uses --engine auto`);
    const engines = ['native', 'software', 'auto', 'software'];
    const writers = engines.map((engine, i) =>
      raidtx([
        'pq',
        '--engine',
        native.available || engine !== 'native' ? engine : 'auto',
        '--step',
        `${256 << i}K`,
        '-P',
        join(dir, `p${i}`),
        '-Q',
        join(dir, `q${i}`),
        ...members,
      ]),
    );
    const readers = [0, 1].map(() =>
      raidtx(['pq-val', '--json', '-P', join(dir, 'ref-0'), '-Q', join(dir, 'ref-1'), ...members]),
    );
    const results = await Promise.all([...writers, ...readers]);
    for (const r of results) expect(r.code, r.stderr).to.equal(0);
    for (let i = 0; i < writers.length; i++) {
      expect(readFileSync(join(dir, `p${i}`)).equals(ref.p), `P of run ${i}`).to.equal(true);
      expect(readFileSync(join(dir, `q${i}`)).equals(ref.q), `Q of run ${i}`).to.equal(true);
    }
    for (const r of results.slice(writers.length)) expect(JSON.parse(r.stdout).mismatchCount).to.equal(0);
    expect(temporariesIn(dir)).to.deep.equal([]);
  });

  it('4 runs writing the same P and Q at once leave complete, correct outputs and no temporaries', async () => {
    const p = join(dir, 'same-p');
    const q = join(dir, 'same-q');
    // small chunks on the software path: long enough runs that their writes really overlap
    const results = await Promise.all(
      ['64K', '128K', '96K', '1M'].map((chunk) =>
        raidtx(['pq', '--engine', 'software', '--step', chunk, '-P', p, '-Q', q, ...members]),
      ),
    );
    for (const r of results) expect(r.code, r.stderr).to.equal(0);
    expect(readFileSync(p).equals(ref.p), 'P').to.equal(true);
    expect(readFileSync(q).equals(ref.q), 'Q').to.equal(true);
    expect(temporariesIn(dir)).to.deep.equal([]);
  });
});
