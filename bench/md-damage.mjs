#!/usr/bin/env node
// What reading around damage costs a healthy md export (not run by npm test):
//   npm run build:ts && node bench/md-damage.mjs [MEMBER_MIB=128] [DISKS=6] [ROUNDS=3]
// A RAID6 array without superblocks (left-symmetric, 64 KiB chunks, members of random bytes, page
// cache warm) in a scratch folder; `md export -o array.img` with and without `--map`, interleaved,
// best of ROUNDS, job seconds from --json:
//   complete, m1's map marking 16 scattered 4 KiB sectors `-` (rebuilt from P: exit 0);
//   slot 0 missing, m1's map all `+` (nothing lost: exit 0).
// Target (issue 10): with/without >= 0.90 as fast for each.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BIN as bin, raid6Geometry } from './timing.mjs';

const [mib = 128, disks = 6, rounds = 3] = process.argv.slice(2).map(Number);
const size = mib * 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'raidtx-bench-md-damage-'));
const geometry = raid6Geometry(disks);

function raidtx(args) {
  // each run starts with the previous output gone and written back: interleaved runs would
  // otherwise alternate with the page cache's writeback
  rmSync(join(dir, 'array.img'), { force: true });
  spawnSync('sync');
  const r = spawnSync(process.execPath, [bin, '--json', '--quiet', ...args], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`raidtx ${args.join(' ')}: exit ${r.status}\n${r.stderr}`);
  return JSON.parse(r.stdout);
}

try {
  const members = Array.from({ length: disks }, (_, i) => `m${i}`);
  const block = randomBytes((16 << 20) + 4096);
  for (const [i, m] of members.entries()) {
    const fd = openSync(join(dir, m), 'w');
    for (let o = 0; o < mib; o += 16) writeSync(fd, block, (i * 4099) % 4096, Math.min(16, mib - o) << 20);
    closeSync(fd);
  }
  spawnSync('sh', ['-c', `cat ${members.join(' ')} > /dev/null`], { cwd: dir });
  const lines = ['0 +'];
  let at = 0;
  for (let k = 1; k <= 16; k++) {
    const bad = Math.floor((k * size) / 17 / 4096) * 4096;
    lines.push(`${at} ${bad - at} +`, `${bad} 4096 -`);
    at = bad + 4096;
  }
  lines.push(`${at} ${size - at} +`);
  writeFileSync(join(dir, 'bad.map'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'good.map'), `0 +\n0 ${size} +\n`);
  const cases = [
    { name: 'complete, 16 bad sectors on m1', members, map: ['--map', 'm1=bad.map'] },
    {
      name: 'slot 0 missing, all-+ map on m1',
      members: ['missing', ...members.slice(1)],
      map: ['--map', 'm1=good.map'],
    },
  ];
  console.log(`md-damage bench: RAID6, ${disks} members of ${mib} MiB, best of ${rounds}`);
  for (const c of cases) {
    const base = ['md', 'export', ...geometry, ...c.members, '-o', 'array.img'];
    let without = Infinity;
    let withMap = Infinity;
    for (let r = 0; r < rounds; r++) {
      without = Math.min(without, raidtx(base).seconds);
      withMap = Math.min(withMap, raidtx([...base, ...c.map]).seconds);
    }
    const gbs = (s) => ((size * (disks - 2)) / s / 1e9).toFixed(2);
    console.log(
      `  ${c.name}: without ${without.toFixed(3)} s (${gbs(without)} GB/s), with --map ${withMap.toFixed(3)} s (${gbs(withMap)} GB/s), ratio ${(without / withMap).toFixed(3)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
