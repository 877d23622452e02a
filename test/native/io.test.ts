// The addon's I/O helpers: aligned buffers, and pipeOut (a step's output to a pipe: buffers
// written with writev, file ranges spliced), into a real FIFO read by `cat`, byte-exact, with its
// failures reported as errno, part and bytes done.

import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { constants as os } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { NativeAddon, OutPart } from '../../src/native/loader.js';
import { cleanupTmp, tmp } from '../helpers/cli.js';
import { fillRandom, requireAddon } from './helpers.js';

/** A FIFO whose reader runs `reader` (shell commands reading stdin into `out`); opens its write end. */
function fifo(dir: string, reader: string, flags = constants.O_WRONLY) {
  const path = join(dir, `fifo-${Math.random().toString(16).slice(2)}`);
  execFileSync('mkfifo', [path]);
  const out = join(dir, 'out');
  const child = spawn('sh', ['-c', `{ ${reader}; } < "$0" > "$1"`, path, out]);
  const done = new Promise<number | null>((resolve) => child.on('close', resolve));
  return { open: () => openWriter(path, flags), out, done };
}

/** Opens a FIFO to write; a non-blocking open waits until the reader has opened it (ENXIO until then). */
function openWriter(path: string, flags: number): number {
  for (;;) {
    try {
      return openSync(path, flags);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENXIO') throw err;
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 5);
    }
  }
}

const bytesOf = (parts: OutPart[], file: Buffer): Buffer =>
  Buffer.concat(parts.map((p) => (Buffer.isBuffer(p) ? p : file.subarray(p[1], p[1] + p[2]))));

describe('native I/O helpers', function () {
  this.timeout(60000);
  let addon: NativeAddon;
  let dir = '';
  before(function () {
    addon = requireAddon(this);
    dir = tmp();
  });
  after(cleanupTmp);

  it('alignedBuffer: zeroed and writable, small and large; O_DIRECT reads into it where they need alignment', () => {
    const path = join(dir, 'direct.bin');
    writeFileSync(path, Buffer.alloc(1 << 20, 0x5a));
    let direct = -1;
    try {
      direct = openSync(path, constants.O_RDONLY | constants.O_DIRECT);
    } catch {
      // a filesystem without direct I/O: the alignment is shown by the loop-device tests
    }
    for (const size of [0, 1, 4095, 4096, 65535, 65536, 1 << 20, (1 << 20) + 1]) {
      const b = addon.alignedBuffer!(size, 4096);
      expect(b.length).to.equal(size);
      expect(b.every((x) => x === 0)).to.equal(true);
      if (direct >= 0 && size >= 8192) {
        expect(readSync(direct, b, 0, 4096, 0)).to.equal(4096);
        expect(b[4095]).to.equal(0x5a);
        expect(() => readSync(direct, b, 512 + 16, 4096, 0)).to.throw(/EINVAL/);
      }
      b.fill(7); // writable to its last byte
    }
    if (direct >= 0) closeSync(direct);
  });

  it('pipeOut: buffers, file ranges and empty parts arrive in order, byte-exact', async () => {
    const file = Buffer.from(fillRandom(new Uint8Array(3 << 20)));
    const path = join(dir, 'src.bin');
    writeFileSync(path, file);
    const src = openSync(path, 'r');
    const parts: OutPart[] = [];
    // more buffer parts in a run than one writev takes (64), odd sizes, empties, splices between
    for (let i = 0; i < 150; i++) parts.push(Buffer.from(fillRandom(new Uint8Array((i * 977) % 5000))));
    parts.push([src, 0, 0], [src, 1, 65537], Buffer.alloc(0), [src, 100000, 2 << 20]);
    parts.push(Buffer.from(fillRandom(new Uint8Array(3 << 20))), [src, (3 << 20) - 1, 1]);
    const f = fifo(dir, 'cat');
    const fd = f.open();
    expect(await addon.pipeOut!(fd, parts)).to.equal(null);
    closeSync(fd);
    expect(await f.done).to.equal(0);
    expect(readFileSync(f.out).equals(bytesOf(parts, file))).to.equal(true);
    closeSync(src);
  });

  it('pipeOut: a non-blocking pipe end that fills waits for the reader (EAGAIN), still byte-exact', async () => {
    const big = Buffer.from(fillRandom(new Uint8Array(8 << 20)));
    const path = join(dir, 'big.bin');
    writeFileSync(path, big);
    const src = openSync(path, 'r');
    const parts: OutPart[] = [big.subarray(0, 3 << 20), [src, 3 << 20, 5 << 20]];
    const f = fifo(dir, 'sleep 0.3; cat', constants.O_WRONLY | constants.O_NONBLOCK);
    const fd = f.open();
    expect(await addon.pipeOut!(fd, parts)).to.equal(null);
    closeSync(fd);
    expect(await f.done).to.equal(0);
    expect(readFileSync(f.out).equals(big)).to.equal(true);
    closeSync(src);
  });

  it('pipeOut: failures come back as errno, the part and its bytes done', async () => {
    const path = join(dir, 'short.bin');
    writeFileSync(path, Buffer.alloc(1000, 1));
    const src = openSync(path, 'r');
    // a file range past the file's end: the file changed since it was read (EIO)
    let f = fifo(dir, 'cat');
    let fd = f.open();
    const eio = await addon.pipeOut!(fd, [Buffer.alloc(10), [src, 500, 1000]]);
    closeSync(fd);
    await f.done;
    expect(eio).to.deep.equal({ errno: os.errno.EIO, part: 1, done: 500 });
    // a reader that leaves: EPIPE, in the part being written when it left
    f = fifo(dir, 'head -c 100');
    fd = f.open();
    const parts: OutPart[] = Array.from({ length: 64 }, () => Buffer.alloc(1 << 20));
    const epipe = await addon.pipeOut!(fd, parts);
    closeSync(fd);
    await f.done;
    expect(epipe?.errno).to.equal(os.errno.EPIPE);
    expect(epipe!.part).to.be.within(0, 63);
    // a closed source descriptor: EBADF, nothing of it done
    f = fifo(dir, 'cat');
    fd = f.open();
    closeSync(src);
    const ebadf = await addon.pipeOut!(fd, [[src, 0, 10]]);
    closeSync(fd);
    await f.done;
    expect(ebadf).to.deep.equal({ errno: os.errno.EBADF, part: 0, done: 0 });
  });

  it('pipeOut: bad arguments are a TypeError, not a crash', () => {
    expect(() => addon.pipeOut!(1, [[1, -1, 5]])).to.throw(TypeError);
    expect(() => addon.pipeOut!(1, [['x' as unknown as number, 0, 5]])).to.throw(TypeError);
    expect(() => (addon.pipeOut as unknown as (fd: number, p: unknown) => unknown)(1, 'x')).to.throw(
      TypeError,
    );
  });
});
