// Nothing lost: SIGINT/SIGTERM -> exit 130 with temporaries removed and earlier outputs intact;
// outputs are replaced atomically; inputs never change.

import type { ChildProcess } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, raidtx, sha256, tmp } from '../helpers/cli.js';

const MEMBER = 192 * 1024 * 1024;

/** Names, sizes and mtimes: cheap evidence that nothing was created or touched (hashing GiBs is slow). */
function listing(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .map((n) => {
      const st = statSync(join(dir, n));
      return `${n} ${st.size} ${st.mtimeMs}`;
    });
}

/** Sends `signal` as soon as a temporary output appears in `dir` (the work has started). */
function interruptWhenWriting(dir: string, signal: NodeJS.Signals) {
  return (child: ChildProcess) => {
    const timer = setInterval(() => {
      if (readdirSync(dir).some((n) => n.includes('.raidtx-tmp-'))) {
        clearInterval(timer);
        setTimeout(() => child.kill(signal), 20);
      }
    }, 10);
    child.on('close', () => clearInterval(timer));
  };
}

describe('interrupts and atomic outputs', function () {
  this.timeout(60000);
  let dir: string;
  let names: string[];
  before(() => {
    dir = tmp();
    names = Array.from({ length: 8 }, (_, i) => `big${i}`);
    for (const n of names) {
      writeFileSync(join(dir, n), Buffer.from(n));
      truncateSync(join(dir, n), MEMBER); // sparse: reads cost no disk
    }
  });
  after(cleanupTmp);

  it('SIGINT during a large pq: exit 130, no P/Q file, no temporary left', async () => {
    const before = listing(dir);
    const r = await raidtx(['--engine', 'software', '--step', '256K', 'pq', '-P', 'P', '-Q', 'Q', ...names], {
      cwd: dir,
      onSpawn: interruptWhenWriting(dir, 'SIGINT'),
    });
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stderr).to.match(/interrupted by SIGINT/);
    expect(existsSync(join(dir, 'P'))).to.equal(false);
    expect(existsSync(join(dir, 'Q'))).to.equal(false);
    expect(listing(dir)).to.deep.equal(before);
  });

  it('SIGTERM during a large pq leaves the previous P and Q as they were', async () => {
    writeFileSync(join(dir, 'P'), 'old P');
    writeFileSync(join(dir, 'Q'), 'old Q');
    const before = listing(dir);
    const r = await raidtx(['--engine', 'software', '--step', '256K', 'pq', '-P', 'P', '-Q', 'Q', ...names], {
      cwd: dir,
      onSpawn: interruptWhenWriting(dir, 'SIGTERM'),
    });
    expect(r.code, r.stderr).to.equal(130);
    expect(readFileSync(join(dir, 'P'), 'utf8')).to.equal('old P');
    expect(readFileSync(join(dir, 'Q'), 'utf8')).to.equal('old Q');
    expect(listing(dir)).to.deep.equal(before);
  });

  it('replaces an existing output only on success, through its symlink, keeping the link', async () => {
    const d = tmp();
    writeFileSync(join(d, 'a'), Buffer.alloc(1000, 1));
    writeFileSync(join(d, 'b'), Buffer.alloc(1000, 2));
    writeFileSync(join(d, 'real'), 'old');
    symlinkSync('real', join(d, 'out'));
    const ina = sha256(join(d, 'a'));
    const r = await raidtx(['xor', '-o', 'out', 'a', 'b'], { cwd: d });
    expect(r.code, r.stderr).to.equal(0);
    expect(lstatSync(join(d, 'out')).isSymbolicLink()).to.equal(true);
    expect(readFileSync(join(d, 'real')).equals(Buffer.alloc(1000, 3))).to.equal(true);
    expect(sha256(join(d, 'a'))).to.equal(ina);
    expect(readdirSync(d).filter((n) => n.includes('raidtx-tmp'))).to.deep.equal([]);
  });
});
