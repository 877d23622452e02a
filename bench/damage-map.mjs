#!/usr/bin/env node
// What reading around damage costs a healthy run (not run by npm test):
//   npm run bench:damage -- [MIB=64] [DATA=6] [ROUNDS=3]
// Members of MIB MiB each in a scratch folder; the same command with and without `--map` of a
// mostly-`+` map, interleaved, best of ROUNDS, job seconds from --json where reported (recover-2data), else wall time (pq-val):
//   pq-val with d1's map marking 16 scattered 4 KiB sectors `-` (checked through Q there: exit 0),
//   recover-2data with d0's map all `+` (nothing lost: exit 0).
// Target (issue 10): with/without >= 0.90 as fast for each.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN as bin } from './timing.mjs';

const [mib = 64, dataCount = 6, rounds = 3] = process.argv.slice(2).map(Number);
const size = mib * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'raidtx-bench-damage-'));

/** Runs raidtx; `seconds` is the job's own time when it reports one (generating commands), else wall time. */
function raidtx(args) {
  // Each run starts clean: the previous run's outputs removed and written back, so that one run's
  // writeback does not land in the next one's time (interleaved runs would otherwise alternate).
  rmSync(join(dir, 'o1'), { force: true });
  rmSync(join(dir, 'o2'), { force: true });
  execFileSync('sync');
  const t0 = performance.now();
  const r = spawnSync(process.execPath, [bin, '--json', '--quiet', ...args], { cwd: dir, encoding: 'utf8' });
  const wall = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`raidtx ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  const j = JSON.parse(r.stdout);
  return { ...j, seconds: j.seconds ?? wall };
}

try {
  const data = Array.from({ length: dataCount }, (_, i) => `d${i}`);
  for (const d of data)
    writeFileSync(
      join(dir, d),
      execFileSync('head', ['-c', String(size), '/dev/urandom'], { maxBuffer: size + 1 }),
    );
  raidtx(['pq', '-P', 'p', '-Q', 'q', ...data]);
  // 16 scattered bad sectors on d1; everything else `+`
  const lines = ['0 +'];
  let at = 0;
  for (let k = 1; k <= 16; k++) {
    const bad = Math.floor((k * size) / 17 / 4096) * 4096;
    lines.push(`${at} ${bad - at} +`, `${bad} 4096 -`);
    at = bad + 4096;
  }
  lines.push(`${at} ${size - at} +`);
  writeFileSync(join(dir, 'd1.map'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'd0.map'), `0 +\n0 ${size} +\n`);

  const cases = [
    {
      name: 'pq-val (16 bad sectors on d1, checked via Q)',
      base: ['pq-val', '-P', 'p', '-Q', 'q', ...data],
      map: ['--map', 'd1=d1.map'],
      bytes: size * (dataCount + 2),
    },
    {
      name: 'recover-2data (all-+ map on d0)',
      base: [
        'recover-2data',
        '-P',
        'p',
        '-Q',
        'q',
        'd0',
        'missing',
        'missing',
        ...data.slice(3),
        '-o',
        'o1',
        '-o',
        'o2',
      ],
      map: ['--map', 'd0=d0.map'],
      bytes: size * (dataCount + 2),
    },
  ];
  console.log(`damage-map bench: ${dataCount} data members of ${mib} MiB, best of ${rounds}`);
  for (const c of cases) {
    let plain = Infinity;
    let mapped = Infinity;
    raidtx(c.base); // warm the page cache
    for (let r = 0; r < rounds; r++) {
      plain = Math.min(plain, raidtx(c.base).seconds);
      mapped = Math.min(mapped, raidtx([...c.base, ...c.map]).seconds);
    }
    const gbps = (s) => (c.bytes / s / 1e9).toFixed(2);
    const ratio = plain / mapped;
    console.log(
      `  ${c.name}: without --map ${plain.toFixed(3)} s (${gbps(plain)} GB/s), with ${mapped.toFixed(3)} s (${gbps(mapped)} GB/s): ratio ${ratio.toFixed(3)} ${ratio >= 0.9 ? 'ok' : 'BELOW 0.90'}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
