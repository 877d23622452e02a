// Member ranges: PATH@OFFSET, --offset, --length, --pad, chunk sizes that do not divide the size,
// tiny sizes, and offsets far beyond 4 GiB in sparse files, across commands. (Per-command behaviour:
// test/commands/.)

import { closeSync, ftruncateSync, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, raidtx, tmp, writeMembers } from '../helpers/cli.js';
import { randomBuffers } from '../helpers/prng.js';
import { refPQ } from '../helpers/reference.js';

describe('member ranges and sizes', () => {
  after(cleanupTmp);

  for (const size of [0, 1, 63, 65, 4097]) {
    it(`pq, xor and recover-2data of ${size}-byte members with --step 64`, async () => {
      const dir = tmp();
      const data = randomBuffers(5, size, size + 3);
      const names = writeMembers(dir, data).map((p) => p.slice(dir.length + 1));
      const ref = refPQ(data, size);
      let r = await raidtx(['--step', '64', 'pq', '-P', 'P', '-Q', 'Q', ...names], { cwd: dir });
      expect(r.code, r.stderr).to.equal(0);
      expect(readFileSync(join(dir, 'P')).equals(ref.p)).to.equal(true);
      expect(readFileSync(join(dir, 'Q')).equals(ref.q)).to.equal(true);
      r = await raidtx(['--step', '64', 'xor', '-o', 'X', ...names], { cwd: dir });
      expect(r.code, r.stderr).to.equal(0);
      expect(readFileSync(join(dir, 'X')).equals(ref.p)).to.equal(true);
      r = await raidtx(
        [
          '--step',
          '64',
          'recover-2data',
          '-P',
          'P',
          '-Q',
          'Q',
          'd0',
          'missing',
          'd2',
          'missing',
          'd4',
          '-o',
          'R1',
          '-o',
          'R3',
        ],
        { cwd: dir },
      );
      expect(r.code, r.stderr).to.equal(0);
      expect(readFileSync(join(dir, 'R1')).equals(data[1]!)).to.equal(true);
      expect(readFileSync(join(dir, 'R3')).equals(data[3]!)).to.equal(true);
    });
  }

  it('PATH@OFFSET, --offset and --length select each member range', async () => {
    const dir = tmp();
    const data = randomBuffers(3, 10000, 5);
    // member i sits at offset 1000 * (i + 1) in a bigger file
    data.forEach((d, i) =>
      writeFileSync(join(dir, `f${i}`), Buffer.concat([Buffer.alloc(1000 * (i + 1), 0xee), d])),
    );
    const specs = data.map((_, i) => `f${i}@${1000 * (i + 1)}`);
    const r = await raidtx(
      ['--offset', '100', '--length', '5000', '--step', '777', 'pq', '-P', 'P', '-Q', 'Q', ...specs],
      { cwd: dir },
    );
    expect(r.code, r.stderr).to.equal(0);
    const ref = refPQ(
      data.map((d) => d.subarray(100, 5100)),
      5000,
    );
    expect(readFileSync(join(dir, 'P')).equals(ref.p)).to.equal(true);
    expect(readFileSync(join(dir, 'Q')).equals(ref.q)).to.equal(true);
  });

  it('sizes with suffixes: 2s and 1K', async () => {
    const dir = tmp();
    const data = randomBuffers(2, 4096, 11);
    const names = writeMembers(dir, data).map((p) => p.slice(dir.length + 1));
    const r = await raidtx(['--offset', '2s', '--length', '1K', 'xor', '-o', 'X', ...names], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(
      readFileSync(join(dir, 'X')).equals(
        refPQ(
          data.map((d) => d.subarray(1024, 2048)),
          1024,
        ).p,
      ),
    ).to.equal(true);
  });

  it('--pad reads shorter members as zero-padded', async () => {
    const dir = tmp();
    const data = [
      randomBuffers(1, 5000, 1)[0]!,
      randomBuffers(1, 3000, 2)[0]!,
      randomBuffers(1, 4999, 3)[0]!,
    ];
    const names = writeMembers(dir, data).map((p) => p.slice(dir.length + 1));
    const r = await raidtx(['--pad', '--step', '1024', 'pq', '-P', 'P', '-Q', 'Q', ...names], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    const ref = refPQ(data, 5000);
    expect(readFileSync(join(dir, 'P')).equals(ref.p)).to.equal(true);
    expect(readFileSync(join(dir, 'Q')).equals(ref.q)).to.equal(true);
  });

  it('works on sparse members far beyond 4 GiB (PATH@OFFSET)', async () => {
    const dir = tmp();
    const at = 5 * 1024 ** 3 + 12345; // 5 GiB + a bit
    const data = randomBuffers(3, 70000, 21);
    data.forEach((d, i) => {
      const fd = openSync(join(dir, `s${i}`), 'w');
      ftruncateSync(fd, at + 100000);
      writeSync(fd, d, 0, d.length, at);
      closeSync(fd);
    });
    const specs = data.map((_, i) => `s${i}@${at}`);
    let r = await raidtx(['--length', '70000', '--step', '32K', 'pq', '-P', 'P', '-Q', 'Q', ...specs], {
      cwd: dir,
    });
    expect(r.code, r.stderr).to.equal(0);
    const ref = refPQ(data, 70000);
    expect(readFileSync(join(dir, 'P')).equals(ref.p)).to.equal(true);
    expect(readFileSync(join(dir, 'Q')).equals(ref.q)).to.equal(true);
    r = await raidtx(['--json', '--length', '70000', 'pq-val', '-P', 'P', '-Q', 'Q', ...specs], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    // and the size check counts from the offset: 100000 bytes remain after it
    r = await raidtx(['--json', 'xor-val', ...specs], { cwd: dir });
    expect(r.code, r.stderr).to.equal(1);
    expect(JSON.parse(r.stdout).bytes).to.equal(100000);
  });
});
