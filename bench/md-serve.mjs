#!/usr/bin/env node
// md serve throughput (not run by npm test):
//   npm run build:ts && node bench/md-serve.mjs [MEMBER_MIB=256] [DISKS=6] [SECONDS=5]
// A RAID6 array without superblocks (left-symmetric, 64 KiB chunks, members of random bytes, page
// cache warm) in a temporary folder. Sequential: wall time of `nbdcopy URI null:` against the
// server vs `raidtx md export -o - > /dev/null`, best of 3, complete and with one data member
// missing (reconstructed on the fly). Random: 4 KiB reads at aligned random offsets for SECONDS,
// queue depth 1 and 16, one connection, counted by a small raw-socket client.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Cmd,
  FLAG_C_FIXED_NEWSTYLE,
  FLAG_C_NO_ZEROES,
  IHAVEOPT,
  Opt,
  REQUEST_MAGIC,
} from '../dist/core/nbd/protocol.js';
import { Wire } from '../dist/core/nbd/wire.js';
import { BIN as bin, raid6Geometry } from './timing.mjs';

const memberMiB = Number(process.argv[2] ?? 256);
const disks = Number(process.argv[3] ?? 6);
const seconds = Number(process.argv[4] ?? 5);
const geometry = raid6Geometry(disks);

const dir = mkdtempSync(join(tmpdir(), 'raidtx-bench-serve-'));
const members = [];
const block = randomBytes((16 << 20) + 4096);
for (let i = 0; i < disks; i++) {
  const p = join(dir, `m${i}`);
  const fd = openSync(p, 'w');
  for (let o = 0; o < memberMiB; o += 16)
    writeSync(fd, block, (i * 4099) % 4096, Math.min(16, memberMiB - o) << 20);
  closeSync(fd);
  members.push(p);
}
spawnSync('sh', ['-c', `cat ${members.join(' ')} > /dev/null`]);
const arrayBytes = (disks - 2) * memberMiB * 2 ** 20;

const wall = (cmd, args, opts = {}) => {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
  return (performance.now() - t0) / 1000;
};
const best = (f) => Math.min(f(), f(), f());

function startServer(list) {
  const sock = join(dir, `s${Math.random().toString(36).slice(2)}.sock`);
  const child = spawn(process.execPath, [bin, 'md', 'serve', ...geometry, ...list, '--socket', sock]);
  let err = '';
  child.stderr.on('data', (d) => {
    err += d;
  });
  return new Promise((res, rej) => {
    const t = setInterval(() => {
      if (/serving/.test(err)) {
        clearInterval(t);
        res({
          sock,
          uri: `nbd+unix:///?socket=${sock}`,
          stop: () => new Promise((r) => child.once('close', r).kill('SIGINT')),
        });
      } else if (child.exitCode !== null) {
        clearInterval(t);
        rej(new Error(err));
      }
    }, 20);
  });
}

async function randomReads(sock, depth) {
  const s = connect(sock);
  await new Promise((r) => s.once('connect', r));
  const w = new Wire(s);
  await w.read(18);
  const f = Buffer.alloc(4);
  f.writeUInt32BE(FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES);
  s.write(f);
  const go = Buffer.alloc(16 + 6);
  go.writeBigUInt64BE(IHAVEOPT, 0);
  go.writeUInt32BE(Opt.GO, 8);
  go.writeUInt32BE(6, 12);
  s.write(go);
  for (;;) {
    const h = await w.read(20);
    await w.read(h.readUInt32BE(16));
    if (h.readUInt32BE(12) === 1) break;
  }
  const blocks = Math.floor(arrayBytes / 4096);
  const send = () => {
    const b = Buffer.alloc(28);
    b.writeUInt32BE(REQUEST_MAGIC, 0);
    b.writeUInt16BE(Cmd.READ, 6);
    b.writeBigUInt64BE(BigInt(Math.floor(Math.random() * blocks) * 4096), 16);
    b.writeUInt32BE(4096, 24);
    s.write(b);
  };
  for (let i = 0; i < depth; i++) send();
  let done = 0;
  const t0 = performance.now();
  const until = t0 + seconds * 1000;
  for (;;) {
    const h = await w.read(16);
    if (h.readUInt32BE(4) !== 0) throw new Error(`read error ${h.readUInt32BE(4)}`);
    await w.read(4096);
    done++;
    if (performance.now() >= until) break;
    send();
  }
  const rate = done / ((performance.now() - t0) / 1000);
  s.destroy();
  return rate;
}

const gbps = (s) => (arrayBytes / s / 1e9).toFixed(2);
console.log(
  `array: RAID6 ${disks} members x ${memberMiB} MiB, chunk 64K, ${arrayBytes} bytes; node ${process.version}`,
);
for (const [what, list] of [
  ['complete', members],
  ['degraded (slot 1 missing)', members.map((m, i) => (i === 1 ? 'missing' : m))],
]) {
  const exp = best(() =>
    wall('sh', [
      '-c',
      `"${process.execPath}" "${bin}" md export ${geometry.join(' ')} ${list.join(' ')} -o - > /dev/null`,
    ]),
  );
  const srv = await startServer(list);
  const nbd = best(() => wall('nbdcopy', [srv.uri, 'null:']));
  const r1 = await randomReads(srv.sock, 1);
  const r16 = await randomReads(srv.sock, 16);
  await srv.stop();
  console.log(
    `${what}: md export -o - ${exp.toFixed(2)} s (${gbps(exp)} GB/s); nbdcopy via md serve ${nbd.toFixed(2)} s (${gbps(nbd)} GB/s) = ${((exp / nbd) * 100).toFixed(0)}% of export; random 4 KiB reads: ${r1.toFixed(0)}/s at depth 1, ${r16.toFixed(0)}/s at depth 16`,
  );
}
rmSync(dir, { recursive: true, force: true });
