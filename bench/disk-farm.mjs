#!/usr/bin/env node
// The disk farm: raidtx over many members that each behave like a disk (bench/diskfarm.c, a FUSE
// filesystem: one request at a time per member, a bandwidth and a latency per request), each
// command's time set against reading the same members all at once with dd (the bound no tool
// reading them can beat). Outputs go to a tmpfs folder, so the members' reads are what is measured.
//
//   npm run bench:farm -- [--members 4,12,24] [--size 64M] [--mbps 90] [--latency-us 100]
//                         [--commands pq,pq-val,...] [--raidtx bin/raidtx.js] [--engine auto]
//                         [--repeat N] [--compare OTHER/bin/raidtx.js]
//
// Needs gcc, pkg-config, libfuse3-dev and fuse3 (root or user_allow_other is not needed). Prints one
// line per command and member count: seconds, the dd bound, their ratio and raidtx's peak RSS.

import { execFileSync, spawn } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN, parseSize, ROOT, raid6Geometry, randomFile, timed } from './timing.mjs';

const ALL = ['pq', 'pq-val', 'xor-val', 'recover-2data', 'md-check', 'md-export', 'md-rebuild'];

function args() {
  const o = { members: [4, 12, 24], size: 64 << 20, mbps: 90, latencyUs: 100, commands: ALL, engine: 'auto' };
  o.repeat = 1;
  o.compare = null;
  o.raidtx = BIN;
  const a = process.argv.slice(2);
  for (let i = 0; i < a.length; i++) {
    const v = a[i + 1];
    if (a[i] === '--members') o.members = v.split(',').map(Number);
    else if (a[i] === '--size') o.size = parseSize(v);
    else if (a[i] === '--mbps') o.mbps = Number(v);
    else if (a[i] === '--latency-us') o.latencyUs = Number(v);
    else if (a[i] === '--commands') o.commands = v.split(',');
    else if (a[i] === '--raidtx') o.raidtx = v;
    else if (a[i] === '--engine') o.engine = v;
    else if (a[i] === '--repeat') o.repeat = Number(v);
    else if (a[i] === '--compare') o.compare = v;
    else throw new Error(`unknown option '${a[i]}'`);
    i++;
  }
  for (const c of o.commands)
    if (!ALL.includes(c)) throw new Error(`unknown command '${c}' (${ALL.join(', ')})`);
  return o;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function build(dir) {
  const flags = execFileSync('pkg-config', ['--cflags', '--libs', 'fuse3'], { encoding: 'utf8' })
    .trim()
    .split(/\s+/);
  const bin = join(dir, 'diskfarm');
  execFileSync('gcc', ['-O2', '-Wall', '-o', bin, join(ROOT, 'bench/diskfarm.c'), ...flags], {
    stdio: 'inherit',
  });
  return bin;
}

/** Every path read at once with dd, as the bound. */
async function ddBound(paths) {
  const t0 = performance.now();
  await Promise.all(paths.map((p) => timed('dd', [`if=${p}`, 'of=/dev/null', 'bs=1M'])));
  return (performance.now() - t0) / 1000;
}

function mount(bin, backing, mnt, o) {
  const child = spawn(
    bin,
    [backing, mnt, String(o.mbps), String(o.latencyUs), '-f', '-o', 'max_threads=128'],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  const deadline = Date.now() + 10_000;
  while (!existsSync(join(mnt, 'd0.img'))) {
    if (Date.now() > deadline) throw new Error('diskfarm did not mount');
    execFileSync('sleep', ['0.05']);
  }
  return child;
}

function unmount(child, mnt) {
  try {
    execFileSync('fusermount3', ['-u', mnt]);
  } catch {
    child.kill();
  }
}

async function main() {
  const o = args();
  const work = mkdtempSync(join(tmpdir(), 'raidtx-farm-'));
  const outDir = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'raidtx-farm-out-'));
  const bin = build(work);
  const env = { ...process.env };
  delete env.UV_THREADPOOL_SIZE; // raidtx must size its own pool
  console.log(
    `disk farm: ${o.mbps} MB/s and ${o.latencyUs} us per request per member, ${o.size >> 20} MiB per member, raidtx ${o.raidtx}`,
  );
  console.log(
    `members  command         seconds  dd-bound  ratio  peak-RSS${o.compare ? `  compare  ratio   (compare: ${o.compare})` : ''}`,
  );
  if (o.repeat > 1) console.log(`(medians of ${o.repeat} runs each, dd and raidtx in turn)`);
  try {
    for (const n of o.members) {
      const backing = join(work, `b${n}`);
      const mnt = join(work, `m${n}`);
      mkdirSync(backing);
      mkdirSync(mnt);
      for (let i = 0; i < n; i++) randomFile(join(backing, `d${i}.img`), o.size);
      const d = (i) => join(backing, `d${i}.img`);
      const m = (name) => join(mnt, name);
      const dn = (k) => Array.from({ length: k }, (_, i) => `d${i}.img`);
      // Parity files and a consistent md array (explicit geometry: RAID6, left-symmetric, 512K chunks),
      // made on the backing folder, outside the measured runs.
      const setup = async (argv) => {
        const r = await timed(process.execPath, [o.raidtx, '--quiet', ...argv]);
        if (r.code !== 0) throw new Error(`setup: raidtx ${argv.join(' ')}: ${r.err}`);
      };
      await setup([
        'pq',
        ...dn(n - 2).map((x) => join(backing, x)),
        '-P',
        join(backing, 'p.img'),
        '-Q',
        join(backing, 'q.img'),
      ]);
      await setup(['xor', ...dn(n - 1).map((x) => join(backing, x)), '-o', join(backing, 'x.img')]);
      const geo = ['--metadata', 'none', ...raid6Geometry(n, '512K'), '--data-offset', '0'];
      await setup([
        'md',
        'rebuild',
        ...geo,
        ...dn(n - 2).map((x) => join(backing, x)),
        'missing',
        'missing',
        '--data-only',
        '-o',
        `${n - 2}=${join(backing, `r${n - 2}.img`)}`,
        '-o',
        `${n - 1}=${join(backing, `r${n - 1}.img`)}`,
      ]);
      // md members: the data files hard-linked under their own names, so each is its own disk
      for (let i = 0; i < n - 2; i++) linkSync(d(i), join(backing, `md${i}.img`));
      linkSync(join(backing, `r${n - 2}.img`), join(backing, `md${n - 2}.img`));
      linkSync(join(backing, `r${n - 1}.img`), join(backing, `md${n - 1}.img`));
      const md = Array.from({ length: n }, (_, i) => `md${i}.img`);
      const child = mount(bin, backing, mnt, o);
      try {
        const cases = {
          pq: {
            reads: dn(n),
            argv: ['pq', ...dn(n).map(m), '-P', join(outDir, 'p'), '-Q', join(outDir, 'q')],
          },
          'pq-val': {
            reads: [...dn(n - 2), 'p.img', 'q.img'],
            argv: ['pq-val', ...dn(n - 2).map(m), '-P', m('p.img'), '-Q', m('q.img')],
          },
          'xor-val': { reads: [...dn(n - 1), 'x.img'], argv: ['xor-val', ...dn(n - 1).map(m), m('x.img')] },
          'recover-2data': {
            reads: [...dn(n - 2).slice(2), 'p.img', 'q.img'],
            argv: [
              'recover-2data',
              'missing',
              'missing',
              ...dn(n - 2)
                .slice(2)
                .map(m),
              '-P',
              m('p.img'),
              '-Q',
              m('q.img'),
              '-o',
              join(outDir, 'a'),
              '-o',
              join(outDir, 'b'),
            ],
          },
          'md-check': { reads: md, argv: ['md', 'check', ...geo, ...md.map(m)] },
          // degraded: the first two members missing, the array to stdout (a pipe, drained)
          'md-export': {
            reads: md.slice(2),
            argv: ['md', 'export', ...geo, 'missing', 'missing', ...md.slice(2).map(m), '-o', '-'],
          },
          'md-rebuild': {
            reads: md.slice(1),
            argv: [
              'md',
              'rebuild',
              ...geo,
              'missing',
              ...md.slice(1).map(m),
              '--data-only',
              '-o',
              `0=${join(outDir, 'r0')}`,
            ],
          },
        };
        for (const name of o.commands) {
          const c = cases[name];
          // dd, raidtx (and the other raidtx) in turn, `repeat` times: medians, so that the load of
          // a shared machine hits every side alike
          const runs = { dd: [], raidtx: [], other: [] };
          let rss = 0;
          for (let k = 0; k < o.repeat; k++) {
            runs.dd.push(await ddBound(c.reads.map(m)));
            for (const [side, bin] of [
              ['raidtx', o.raidtx],
              ['other', o.compare],
            ]) {
              if (!bin) continue;
              const r = await timed(process.execPath, [bin, '--quiet', '--engine', o.engine, ...c.argv], env);
              if (r.code !== 0) throw new Error(`${name} (${n} members, ${bin}) exited ${r.code}: ${r.err}`);
              runs[side].push(r.seconds);
              if (side === 'raidtx') rss = Math.max(rss, r.rss);
              rmSync(outDir, { recursive: true, force: true });
              mkdirSync(outDir);
            }
          }
          const bound = median(runs.dd);
          const t = median(runs.raidtx);
          const cols = [
            String(n).padStart(7),
            name.padEnd(14),
            t.toFixed(3).padStart(7),
            bound.toFixed(3).padStart(8),
            (t / bound).toFixed(2).padStart(5),
            `${(rss / 1024).toFixed(0).padStart(5)} MiB`,
          ];
          if (o.compare) {
            const u = median(runs.other);
            cols.push(`${u.toFixed(3).padStart(7)}  ${(u / bound).toFixed(2).padStart(5)}`);
          }
          console.log(cols.join('  '));
        }
      } finally {
        unmount(child, mnt);
      }
      rmSync(backing, { recursive: true, force: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
    rmSync(outDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`disk-farm: ${err.message}`);
  process.exitCode = 1;
});
