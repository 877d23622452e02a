// Shared by the benchmarks: where raidtx is, the arrays' md geometry, sizes, random member files,
// and a child process timed to its end with its peak RSS.

import { execFileSync, spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout, and the raidtx it runs by default. */
export const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
export const BIN = join(ROOT, 'bin/raidtx.js');

/** Explicit md geometry of the benchmarks' arrays: RAID6, left-symmetric, `disks` members. */
export const raid6Geometry = (disks, chunk = '64K') => [
  '--level',
  '6',
  '--layout',
  'left-symmetric',
  '--chunk',
  chunk,
  '--raid-disks',
  String(disks),
];

export function parseSize(s) {
  const m = /^(\d+)([KMG]?)$/i.exec(s);
  if (!m) throw new Error(`bad size '${s}'`);
  return Number(m[1]) * { '': 1, K: 1024, M: 1 << 20, G: 1 << 30 }[m[2].toUpperCase()];
}

export function randomFile(path, size) {
  const fd = openSync(path, 'w');
  const buf = Buffer.alloc(1 << 20);
  for (let done = 0; done < size; done += buf.length)
    writeSync(fd, randomFillSync(buf), 0, Math.min(buf.length, size - done));
  closeSync(fd);
}

let runs = 0;

/**
 * Runs a command to its end, its stdout a pipe that `cat > /dev/null` drains (as a reader of
 * `md export -o -` would): { seconds, rss (KiB, from /usr/bin/time), code, err (stderr) }. The
 * pipe is a real one (a FIFO), as a shell's `|` makes: Node's own 'pipe' is a socket pair.
 */
export function timed(cmd, argv, env = process.env) {
  return new Promise((resolve, reject) => {
    const name = join(tmpdir(), `raidtx-bench-${process.pid}-${runs++}`);
    const rssFile = `${name}.rss`;
    execFileSync('mkfifo', [`${name}.fifo`]);
    const cat = spawn('cat', [`${name}.fifo`], { stdio: ['ignore', 'ignore', 'ignore'] });
    const fifo = openSync(`${name}.fifo`, 'w'); // returns once cat has opened it to read
    rmSync(`${name}.fifo`);
    const t0 = performance.now();
    const child = spawn('/usr/bin/time', ['-f', '%M', '-o', rssFile, cmd, ...argv], {
      env,
      stdio: ['ignore', fifo, 'pipe'],
    });
    closeSync(fifo); // the child holds the pipe now: cat ends when it does
    let err = '';
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    // the end is when the reader has had the last byte, not when the writer has let go of it
    const ended = (p) => new Promise((done) => p.on('close', done));
    Promise.all([ended(child), ended(cat)]).then(([code]) => {
      const seconds = (performance.now() - t0) / 1000;
      const rss = Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop());
      rmSync(rssFile, { force: true });
      resolve({ seconds, rss, code, err });
    });
  });
}
