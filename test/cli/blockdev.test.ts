// Block devices, for real, with loop devices (root): members sized by the kernel, outputs that need
// --force, and refusal of a mounted device or one that is also an input.

import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, raidtx, sha256, tmp } from '../helpers/cli.js';
import { lacking } from '../helpers/prereq.js';
import { randomBuffers } from '../helpers/prng.js';
import { refPQ } from '../helpers/reference.js';

const SIZE = 1024 * 1024;

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    .toString()
    .trim();
}

describe('block devices (loop devices)', function () {
  this.timeout(60000);
  const loops: string[] = [];
  let mountDir: string | null = null;
  let dir: string;
  let data: Buffer[];

  function attach(file: string): string {
    const dev = sh('losetup', ['-f', '--show', file]);
    loops.push(dev);
    return dev;
  }

  before(function () {
    dir = tmp();
    data = randomBuffers(3, SIZE, 31);
    try {
      data.forEach((d, i) => writeFileSync(join(dir, `f${i}`), d));
      writeFileSync(join(dir, 'target'), Buffer.alloc(SIZE, 0x77));
      attach(join(dir, 'f0'));
    } catch (err) {
      lacking(this, `losetup unavailable here (${(err as Error).message.split('\n')[0]})`);
    }
  });

  after(() => {
    if (mountDir) {
      try {
        sh('umount', [mountDir]);
      } catch {
        // already gone
      }
    }
    for (const dev of loops.reverse()) {
      try {
        sh('losetup', ['-d', dev]);
      } catch {
        // detached already
      }
    }
    cleanupTmp();
  });

  it('reads loop devices as members, sized by the kernel (not stat)', async () => {
    const devs = [loops[0]!, attach(join(dir, 'f1')), attach(join(dir, 'f2'))];
    const r = await raidtx(['--json', 'pq', '-P', 'P', '-Q', 'Q', ...devs], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).bytes).to.equal(SIZE);
    const ref = refPQ(data, SIZE);
    expect(readFileSync(join(dir, 'P')).equals(ref.p)).to.equal(true);
    expect(readFileSync(join(dir, 'Q')).equals(ref.q)).to.equal(true);
  });

  it('refuses a block-device output without --force, and leaves it unchanged', async () => {
    const target = attach(join(dir, 'target'));
    const before = sha256(target);
    const r = await raidtx(['xor', '-o', target, 'f0', 'f1'], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/is a block device: add --force/);
    expect(sha256(target)).to.equal(before);
  });

  it('writes a block-device output with --force', async () => {
    const target = loops[loops.length - 1]!;
    const r = await raidtx(['--force', 'xor', '-o', target, 'f0', 'f1'], { cwd: dir });
    expect(r.code, r.stderr).to.equal(0);
    expect(readFileSync(target).equals(refPQ([data[0]!, data[1]!], SIZE).p)).to.equal(true);
  });

  it('refuses an output device that is also an input, even with --force', async () => {
    const r = await raidtx(['--force', 'xor', '-o', loops[0]!, join(dir, 'f0'), 'f1'], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/same file as input/);
    const r2 = await raidtx(['--force', 'xor', '-o', loops[0]!, loops[0]!, 'f1'], { cwd: dir });
    expect(r2.code).to.equal(2);
  });

  it('refuses a mounted device, even with --force', async function () {
    const img = join(dir, 'fs.img');
    writeFileSync(img, Buffer.alloc(8 * SIZE));
    const dev = attach(img);
    try {
      sh('mkfs.ext4', ['-q', '-F', dev]);
      mountDir = join(dir, 'mnt');
      mkdirSync(mountDir);
      sh('mount', [dev, mountDir]);
    } catch (err) {
      mountDir = null;
      lacking(this, `cannot mkfs/mount here (${(err as Error).message.split('\n')[0]})`);
    }
    writeFileSync(join(dir, 'g0'), Buffer.alloc(8 * SIZE, 1));
    writeFileSync(join(dir, 'g1'), Buffer.alloc(8 * SIZE, 2));
    const r = await raidtx(['--force', 'xor', '-o', dev, 'g0', 'g1'], { cwd: dir });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.match(/mounted/);
  });
});
