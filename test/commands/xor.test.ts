// raidtx xor: --accumulate xors into DEST in place.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, raidtx, tmp, writeMembers } from '../helpers/cli.js';
import { randomBuffers } from '../helpers/prng.js';
import { refXor } from '../helpers/reference.js';

describe('xor', () => {
  after(cleanupTmp);

  it('xor --accumulate xors into DEST in place (with --verify)', async () => {
    const dir = tmp();
    const data = randomBuffers(3, 5000, 12);
    writeMembers(dir, data);
    const r = await raidtx(['--step', '1000', 'xor', '--verify', '--accumulate', '-o', 'd0', 'd1', 'd2'], {
      cwd: dir,
    });
    expect(r.code, r.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'd0')).equals(refXor(data, 5000))).to.equal(true);
    expect(readFileSync(join(dir, 'd1')).equals(data[1]!)).to.equal(true);
  });
});
