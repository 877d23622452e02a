// raidtx pq: `zero` members keep their index; P or Q alone.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, raidtx, tmp, writeMembers } from '../helpers/cli.js';
import { randomBuffers } from '../helpers/prng.js';
import { refPQ } from '../helpers/reference.js';

describe('pq', () => {
  after(cleanupTmp);

  it('a `zero` member keeps its index (its coefficient)', async () => {
    const dir = tmp();
    const data = randomBuffers(3, 3000, 8);
    writeMembers(dir, data);
    const r = await raidtx(['pq', '-P', 'P', '-Q', 'Q', 'd0', 'zero', 'd2'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    const ref = refPQ([data[0]!, Buffer.alloc(3000), data[2]!], 3000);
    expect(readFileSync(join(dir, 'Q')).equals(ref.q)).to.equal(true);
  });

  it('pq with only -Q writes Q and no P', async () => {
    const dir = tmp();
    const data = randomBuffers(3, 3000, 9);
    writeMembers(dir, data);
    const r = await raidtx(['--json', 'pq', '-Q', 'Q', 'd0', 'd1', 'd2'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'Q')).equals(refPQ(data, 3000).q)).to.equal(true);
    expect(existsSync(join(dir, 'P'))).to.equal(false);
    const j = JSON.parse(r.stdout);
    expect(Object.keys(j)).to.deep.equal(['command', 'ok', 'bytes', 'seconds', 'engine', 'kernel']);
    expect(j).to.include({ command: 'pq', ok: true, bytes: 3000 });
  });
});
