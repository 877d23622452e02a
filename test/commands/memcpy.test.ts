// raidtx memcpy: a range between offsets, DEST written in place.

import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, raidtx, tmp } from '../helpers/cli.js';
import { randomBuffers } from '../helpers/prng.js';

describe('memcpy', () => {
  after(cleanupTmp);

  it('memcpy copies a range between offsets without truncating DEST', async () => {
    const dir = tmp();
    const [src, dst] = randomBuffers(2, 6000, 13);
    writeFileSync(join(dir, 'S'), src!);
    writeFileSync(join(dir, 'D'), dst!);
    const r = await raidtx(
      ['--length', '1500', 'memcpy', 'S', 'D', '--src-offset', '100', '--dest-offset', '4000'],
      { cwd: dir },
    );
    expect(r.code, r.stderr).to.equal(0);
    const want = Buffer.from(dst!);
    src!.copy(want, 4000, 100, 1600);
    expect(readFileSync(join(dir, 'D')).equals(want)).to.equal(true);
  });
});
