// Crash safety: a pq killed with SIGKILL mid-write leaves nothing at the output paths (or the old
// outputs intact), only recognisable temporaries; the next run removes the temporaries of dead
// runs, leaves a live run's alone, and succeeds.

import { existsSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, raidtx, sha256, tmp, writeMembers } from '../helpers/cli.js';
import { randomBuffers } from '../helpers/prng.js';
import { refPQ } from '../helpers/reference.js';
import { temporariesIn } from './helpers.js';

const MiB = 1024 * 1024;
const HEAD = MiB;

describe('reliability: crash safety (SIGKILL mid-write)', function () {
  this.timeout(60000);
  after(cleanupTmp);

  it('leaves only temporaries, which the next run removes before it succeeds', async () => {
    const dir = tmp('raidtx-crash-');
    // 1 MiB of random data, then a sparse tail: a long run that costs no disk for its inputs
    const head = randomBuffers(4, HEAD, 0xc0ffee);
    const members = writeMembers(dir, head);
    for (const m of members) truncateSync(m, 1024 * MiB);
    const p = join(dir, 'p.img');
    const q = join(dir, 'q.img');
    const oldQ = Buffer.alloc(HEAD, 0x51);
    writeFileSync(q, oldQ);
    const oldQSum = sha256(q);

    let childPid = 0;
    const r = await raidtx(['pq', '--engine', 'software', '--step', '256K', '-P', p, '-Q', q, ...members], {
      onSpawn(child) {
        childPid = child.pid ?? 0;
        const poll = setInterval(() => {
          const tmps = temporariesIn(dir);
          const written = tmps.map((t) => statSync(join(dir, t), { throwIfNoEntry: false })?.size ?? 0);
          if (tmps.length === 2 && Math.min(...written) >= 8 * MiB) {
            clearInterval(poll);
            child.kill('SIGKILL');
          }
        }, 5);
        child.on('exit', () => clearInterval(poll));
      },
    });
    expect(r.signal, `the run ended before it was killed: ${r.stderr}`).to.equal('SIGKILL');
    expect(existsSync(p), 'P must not exist after the crash').to.equal(false);
    expect(sha256(q), 'the old Q must be intact').to.equal(oldQSum);
    const left = temporariesIn(dir).sort();
    expect(left).to.have.length(2);
    for (const t of left)
      expect(t).to.match(new RegExp(`^\\.[pq]\\.img\\.raidtx-tmp-${childPid}-[0-9a-f]{8}$`));

    // a temporary of a live run (this process) and one of another output stay where they are
    const live = `.p.img.raidtx-tmp-${process.pid}-0123abcd`;
    const other = `.other.img.raidtx-tmp-${childPid}-0123abcd`;
    writeFileSync(join(dir, live), 'live');
    writeFileSync(join(dir, other), 'other');

    const again = await raidtx(['pq', '--length', String(HEAD), '-P', p, '-Q', q, ...members]);
    expect(again.code, again.stderr).to.equal(0);
    const ref = refPQ(head, HEAD);
    expect(readFileSync(p).equals(ref.p), 'P').to.equal(true);
    expect(readFileSync(q).equals(ref.q), 'Q').to.equal(true);
    expect(temporariesIn(dir).sort()).to.deep.equal([other, live].sort());
  });
});
