#!/usr/bin/env node
// raidtx on members already in the page cache, against dd over the same bytes:
//   pq       N members -> P and Q (fsynced): bound = dd reading the members and dd writing P and Q
//            (conv=fsync), all at once
//   export   a degraded md array (RAID6, two members missing) to stdout (a drained pipe): array
//            bytes per second against dd's read rate over the present members, all at once; and
//            the pipe's own ceiling: the present members spliced into the same drain with no work
//            (bench/pipe-ceiling.c, needs gcc), which no exporter through that pipe can beat
//
//   npm run bench:cache -- [--pq 8x256M] [--export 8x1G] [--raidtx bin/raidtx.js] [--dir /tmp]
//                          [--compare OTHER/bin/raidtx.js]   (another raidtx on the same files)
//
// Members are made in --dir (a real filesystem: P and Q are fsynced there) and read once before
// timing, so that both sides find them in the page cache. Prints seconds, ratios and peak RSS.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, parseSize, ROOT, raid6Geometry, randomFile, timed } from './timing.mjs';

function shape(s) {
  const [n, size] = s.split('x');
  return { n: Number(n), size: parseSize(size) };
}

function args() {
  const o = {
    pq: shape('8x256M'),
    export: shape('8x1G'),
    raidtx: BIN,
    dir: tmpdir(),
  };
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i += 2) {
    const v = a[i + 1];
    if (a[i] === '--pq') o.pq = v === 'none' ? null : shape(v);
    else if (a[i] === '--export') o.export = v === 'none' ? null : shape(v);
    else if (a[i] === '--raidtx') o.raidtx = v;
    else if (a[i] === '--dir') o.dir = v;
    else if (a[i] === '--compare') o.compare = v;
    else throw new Error(`unknown option '${a[i]}'`);
  }
  return o;
}

async function all(jobs) {
  const t0 = performance.now();
  const rs = await Promise.all(jobs);
  for (const r of rs) if (r.code !== 0) throw new Error(`dd failed: ${r.err}`);
  return (performance.now() - t0) / 1000;
}

const ddRead = (p) => timed('dd', [`if=${p}`, 'of=/dev/null', 'bs=1M']);
const ddWrite = (p, size) =>
  timed('dd', ['if=/dev/zero', `of=${p}`, 'bs=1M', `count=${size >> 20}`, 'conv=fsync']);

function warm(paths) {
  for (const p of paths) execFileSync('cat', [p], { stdio: ['ignore', 'ignore', 'ignore'] });
}

async function main() {
  const o = args();
  const work = mkdtempSync(join(o.dir, 'raidtx-cache-'));
  const env = { ...process.env };
  delete env.UV_THREADPOOL_SIZE;
  const bins = [o.raidtx, ...(o.compare ? [o.compare] : [])];
  const raidtx = (bin, argv) => timed(process.execPath, [bin, '--quiet', ...argv], env);
  const line = (what, r, bound, extra = '') =>
    console.log(
      `${what.padEnd(34)} ${r.seconds.toFixed(3)} s  bound ${bound.toFixed(3)} s  ratio ${(r.seconds / bound).toFixed(2)}  peak RSS ${(r.rss / 1024).toFixed(0)} MiB${extra}`,
    );
  try {
    if (o.pq) {
      const { n, size } = o.pq;
      const d = Array.from({ length: n }, (_, i) => join(work, `d${i}`));
      for (const p of d) randomFile(p, size);
      warm(d);
      const bound = await all([
        ...d.map(ddRead),
        ddWrite(join(work, 'ddP'), size),
        ddWrite(join(work, 'ddQ'), size),
      ]);
      rmSync(join(work, 'ddP'));
      rmSync(join(work, 'ddQ'));
      for (const bin of bins) {
        const r = await raidtx(bin, ['pq', ...d, '-P', join(work, 'P'), '-Q', join(work, 'Q')]);
        if (r.code !== 0) throw new Error(`pq: ${r.err}`);
        line(`pq ${n} x ${size >> 20} MiB (P, Q fsynced)`, r, bound, bins.length > 1 ? ` (${bin})` : '');
      }
      for (const p of [...d, join(work, 'P'), join(work, 'Q')]) rmSync(p);
    }
    if (o.export) {
      const { n, size } = o.export;
      const d = Array.from({ length: n }, (_, i) => join(work, `m${i}`));
      for (const p of d.slice(2)) randomFile(p, size);
      // any content is a consistent degraded array: slots 0 and 1 are what the others imply
      const geo = ['--metadata', 'none', ...raid6Geometry(n, '512K'), '--data-offset', '0'];
      warm(d.slice(2));
      const bound = await all(d.slice(2).map(ddRead));
      const readRate = ((n - 2) * size) / bound;
      const ceiling = join(work, 'pipe-ceiling');
      execFileSync('gcc', ['-O2', '-Wall', '-o', ceiling, join(ROOT, 'bench/pipe-ceiling.c')]);
      const pipe = await timed(ceiling, d.slice(2));
      if (pipe.code !== 0) throw new Error(`pipe-ceiling: ${pipe.err}`);
      console.log(
        `pipe ceiling (splice, no work)      ${pipe.seconds.toFixed(3)} s  = ${((100 * bound) / pipe.seconds).toFixed(0)}% of dd's read rate`,
      );
      for (const bin of bins) {
        const r = await raidtx(bin, ['md', 'export', ...geo, 'missing', 'missing', ...d.slice(2), '-o', '-']);
        if (r.code !== 0) throw new Error(`md export: ${r.err}`);
        const arrayRate = ((n - 2) * size) / r.seconds;
        line(
          `md export ${n} x ${size >> 20} MiB, 2 missing`,
          r,
          bound,
          `; array ${(arrayRate / 1e9).toFixed(2)} GB/s = ${((100 * arrayRate) / readRate).toFixed(0)}% of dd's read rate (${(readRate / 1e9).toFixed(2)} GB/s)${bins.length > 1 ? ` (${bin})` : ''}`,
        );
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`page-cache: ${err.message}`);
  process.exitCode = 1;
});
