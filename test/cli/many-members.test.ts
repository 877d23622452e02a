// Many members with tiny steps: every member reads ahead on its own and the steps' writes overlap
// the next steps (src/core/jobs/stream.ts), so results must still equal the reference byte for
// byte, on both engines, however the reads complete.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, flipByte, nativeStatus, raidtx, tmp, writeMembers } from '../helpers/cli.js';
import { lacking } from '../helpers/prereq.js';
import { randomBuffers } from '../helpers/prng.js';
import { refPQ } from '../helpers/reference.js';

const MEMBERS = 24;
const SIZE = 64 * 1024 + 777;

for (const engine of ['software', 'native'] as const) {
  describe(`24 members, tiny steps, --engine ${engine}`, function () {
    this.timeout(120000);
    let dir: string;
    let data: Buffer[];
    let members: string[];
    before(async function () {
      if (engine === 'native' && !(await nativeStatus()).available)
        lacking(this, 'native engine unavailable');
      dir = tmp();
      data = randomBuffers(MEMBERS, SIZE, 0x24);
      members = writeMembers(dir, data);
    });
    after(cleanupTmp);
    const run = (args: string[]) => raidtx(['--engine', engine, '--quiet', ...args], { cwd: dir });

    for (const step of ['4096', '1000']) {
      it(`pq then pq-val with --step ${step}: P and Q equal the reference; a flipped byte is found`, async () => {
        const ref = refPQ(data, SIZE);
        const r = await run(['--step', step, 'pq', '-P', 'P', '-Q', 'Q', ...members]);
        expect(r.code, r.stderr).to.equal(0);
        expect(readFileSync(join(dir, 'P')).equals(ref.p), 'P').to.equal(true);
        expect(readFileSync(join(dir, 'Q')).equals(ref.q), 'Q').to.equal(true);
        let v = await run(['--json', '--step', step, 'pq-val', ...members, '-P', 'P', '-Q', 'Q']);
        expect(v.code, v.stderr).to.equal(0);
        // a byte of member 17 near the end: the mismatch is reported at its 4096-byte unit
        const at = SIZE - 100;
        writeFileSync(join(dir, 'bad'), data[17]!);
        flipByte(join(dir, 'bad'), at);
        const withBad = members.map((m, i) => (i === 17 ? join(dir, 'bad') : m));
        v = await run(['--json', '--step', step, 'pq-val', ...withBad, '-P', 'P', '-Q', 'Q']);
        expect(v.code, v.stderr).to.equal(1);
        const found = JSON.parse(v.stdout) as {
          mismatches: { offset: number; suspect: { index: number } }[];
        };
        expect(found.mismatches.map((m) => [m.offset, m.suspect.index])).to.deep.equal([
          [Math.floor(at / 4096) * 4096, 17],
        ]);
      });
    }

    it('xor-val over 24 members and their XOR, --step 4096: consistent, then a mismatch', async () => {
      const x = refPQ(data.slice(0, MEMBERS - 1), SIZE).p;
      writeFileSync(join(dir, 'X'), x);
      const srcs = [...members.slice(0, MEMBERS - 1), 'X'];
      let v = await run(['--step', '4096', 'xor-val', ...srcs]);
      expect(v.code, v.stderr).to.equal(0);
      flipByte(join(dir, 'X'), 5000);
      v = await run(['--step', '4096', 'xor-val', ...srcs]);
      expect(v.code, v.stderr).to.equal(1);
    });
  });
}
