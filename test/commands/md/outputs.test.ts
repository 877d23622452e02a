// md outputs done right: sparse rebuilt images, per-member data offsets honoured whatever the order
// of the members, stdout closed early, and refusals of outputs that cannot work (spawned CLI).

import { spawn } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  statSync,
  truncateSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { superblock1Checksum } from '../../../src/core/md/superblock.js';
import { BIN, cleanupTmp, ROOT, tmp } from '../../helpers/cli.js';
import { md, membersOf } from '../../helpers/md-cli.js';
import { fixtureNamed } from '../../helpers/md-fixtures.js';

const MiB = 1024 * 1024;

/** The 1.2 superblock of a member moved `by` bytes further into the member (data offset grows). */
function shiftDataArea(src: string, dst: string, by: number): void {
  const img = readFileSync(src);
  const sb = img.subarray(4096, 8192);
  const dataOffset = Number(sb.readBigUInt64LE(128)) * 512;
  const out = Buffer.alloc(img.length + by);
  img.copy(out, 0, 0, dataOffset);
  img.copy(out, dataOffset + by, dataOffset);
  const nsb = out.subarray(4096, 8192);
  nsb.writeBigUInt64LE(BigInt((dataOffset + by) / 512), 128);
  nsb.writeUInt32LE(superblock1Checksum(nsb), 216);
  writeFileSync(dst, out);
}

describe('raidtx md outputs', function () {
  this.timeout(120000);
  after(cleanupTmp);
  const fx = fixtureNamed('i-r5-4d-64k-ls-1.2');

  it('md rebuild beside 4 GiB sparse peers writes a sparse image: holes, not zeros', async function () {
    if (!fx) return this.skip();
    const dir = tmp();
    const members = membersOf(fx).map((p, s) => {
      const q = join(dir, `m${s}.img`);
      copyFileSync(p, q);
      truncateSync(q, 4 * 1024 * MiB);
      return q;
    });
    const out = join(dir, 'rebuilt1.img');
    const r = await md(['--json', 'md', 'rebuild', members[0]!, members[2]!, members[3]!, '-o', `1=${out}`]);
    expect(r.code, r.stderr).to.equal(0);
    const st = statSync(out);
    expect(st.size).to.equal(4 * 1024 * MiB);
    expect(st.blocks * 512, 'allocated bytes').to.be.below(16 * MiB);
    const orig = readFileSync(fx.memberPath(1));
    const got = Buffer.alloc(orig.length);
    const fd = openSync(out, 'r');
    readSync(fd, got, 0, got.length, 0);
    closeSync(fd);
    const off = r.json.dataOffset as number;
    expect(Buffer.compare(got.subarray(off), orig.subarray(off))).to.equal(0);
  });

  it('members with different data offsets: export, rebuild and check are right in any order', async function () {
    if (!fx) return this.skip();
    const dir = tmp();
    const orig = membersOf(fx);
    const moved = join(dir, 'm0-moved.img');
    shiftDataArea(orig[0]!, moved, MiB);
    const truth = readFileSync(join(fx.dir, 'truth.img'));
    for (const order of [
      [orig[1]!, orig[3]!, moved],
      [moved, orig[3]!, orig[1]!],
    ]) {
      const img = join(dir, 'array.img');
      const e = await md(['md', 'export', ...order, '-o', img]);
      expect(e.code, e.stderr).to.equal(0);
      expect(Buffer.compare(readFileSync(img).subarray(0, truth.length), truth)).to.equal(0);
      const out = join(dir, 'rebuilt2.img');
      const r = await md(['--json', 'md', 'rebuild', ...order, '-o', `2=${out}`]);
      expect(r.code, r.stderr).to.equal(0);
      const c = await md(['--json', 'md', 'check', moved, orig[1]!, out, orig[3]!]);
      expect(c.code, c.stderr).to.equal(0);
      expect(c.json.mismatchCount).to.equal(0);
    }
  });

  it('md export -o - into a reader that closes early stops quietly (exit 141, no stack trace)', async function () {
    if (!fx) return this.skip();
    const child = spawn(process.execPath, [BIN, 'md', 'export', ...membersOf(fx), '-o', '-'], { cwd: ROOT });
    let stderr = '';
    child.stderr.on('data', (d) => {
      stderr += d;
    });
    let got = 0;
    child.stdout.on('data', (d: Buffer) => {
      got += d.length;
      if (got >= 100) child.stdout.destroy();
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    expect(got).to.be.at.least(100);
    expect(stderr).to.equal('');
    expect(code).to.equal(141);
  });

  it('--ignore-superblocks reads the members in slot order with the geometry given', async function () {
    if (!fx) return this.skip();
    const dir = tmp();
    const m = fx.manifest;
    const img = join(dir, 'array.img');
    const geometry = [
      '--level',
      '5',
      '--layout',
      m.layout,
      '--chunk',
      String(m.chunk_bytes),
      '--raid-disks',
      '4',
    ];
    const offset = String(m.members[0]!.data_offset_bytes);
    const e = await md([
      'md',
      'export',
      '--ignore-superblocks',
      ...geometry,
      '--data-offset',
      offset,
      ...membersOf(fx),
      '-o',
      img,
    ]);
    expect(e.code, e.stderr).to.equal(0);
    const truth = readFileSync(join(fx.dir, 'truth.img'));
    expect(Buffer.compare(readFileSync(img).subarray(0, truth.length), truth)).to.equal(0);
    // the same geometry without --ignore-superblocks is checked against the superblocks
    const bad = await md(['md', 'export', ...geometry, '--data-offset', '0', ...membersOf(fx), '-o', img]);
    expect(bad.code).to.equal(2);
    expect(bad.stderr).to.match(/--data-offset 0 contradicts the superblocks/);
  });

  it('refuses --step beyond 1G and -o SLOT=- before writing anything', async function () {
    if (!fx) return this.skip();
    const dir = tmp();
    const m = membersOf(fx);
    const big = await md(['md', 'export', ...m, '--step', '100G', '-o', join(dir, 'a.img')]);
    expect(big.code).to.equal(2);
    expect(big.stderr).to.match(/--step: at most 1G/);
    const dash = await md(['md', 'rebuild', m[0]!, m[2]!, m[3]!, '-o', '1=-'], { cwd: dir });
    expect(dash.code).to.equal(2);
    expect(dash.stderr).to.match(/-o '1=-': a member image cannot go to stdout/);
    expect(existsSync(join(dir, '-'))).to.equal(false);
    expect(readdirSync(dir)).to.deep.equal([]);
  });
});
