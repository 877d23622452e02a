// Real I/O faults under the CLI: EIO and short reads from a FUSE filesystem (faultfs.c), a member
// cut short while it is read, ENOSPC from a small tmpfs, a failing fsync and a read-only folder.
// Every failure: exit 3 (2 when caught before work starts), a message naming the member and the
// offset, no output committed (previous outputs intact byte for byte) and no temporary left.

import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, raidtx, sha256, tmp, writeMembers } from '../helpers/cli.js';
import { randomBuffers } from '../helpers/prng.js';
import { refPQ } from '../helpers/reference.js';
import { expectFailure, type FaultFs, mountFaultFs, mountTmpfs, remountReadOnly } from './helpers.js';

const MiB = 1024 * 1024;
const SIZE = 4 * MiB;
const data = randomBuffers(4, SIZE, 0xfa17);
const ref = refPQ(data, SIZE);
const OLD_P = Buffer.alloc(SIZE, 0x50);
const OLD_Q = Buffer.alloc(SIZE, 0x51);

/** Old P and Q in `dir` (to prove a failed run leaves them as they were). */
function previousOutputs(dir: string): { p: string; q: string; sums: [string, string] } {
  const p = join(dir, 'p.img');
  const q = join(dir, 'q.img');
  writeFileSync(p, OLD_P);
  writeFileSync(q, OLD_Q);
  return { p, q, sums: [sha256(p), sha256(q)] };
}

function expectIntact(o: { p: string; q: string; sums: [string, string] }): void {
  expect([sha256(o.p), sha256(o.q)], 'previous P and Q').to.deep.equal(o.sums);
}

describe('reliability: real I/O faults (faultfs, tmpfs)', function () {
  this.timeout(60000);
  let fs: FaultFs;
  let members: string[];
  let out: string;

  before(async function () {
    fs = await mountFaultFs(this);
    writeMembers(fs.backing, data);
    members = data.map((_, i) => join(fs.mnt, `d${i}`));
    writeFileSync(join(fs.backing, 'p.img'), ref.p);
    writeFileSync(join(fs.backing, 'q.img'), ref.q);
  });
  after(async () => {
    await fs?.unmount();
    cleanupTmp();
  });
  beforeEach(() => {
    out = tmp('raidtx-faults-out-');
    fs?.faults([]);
  });

  it('pq: EIO reading a member mid-stream -> exit 3 naming member and offset; old P/Q intact', async () => {
    const prev = previousOutputs(out);
    const bad = 3 * MiB + 4096;
    fs.faults([`eio /d1 ${bad}`]);
    const r = await raidtx(['pq', '-P', prev.p, '-Q', prev.q, ...members]);
    expectFailure(r, 3, [`'${members[1]}'`, `offset ${bad}`], [out]);
    expectIntact(prev);
  });

  it('pq: EIO on the first read of a member -> exit 3, no P/Q created', async () => {
    fs.faults(['eio /d3 0']);
    const r = await raidtx(['pq', '-P', join(out, 'p'), '-Q', join(out, 'q'), ...members]);
    expectFailure(r, 3, [`'${members[3]}'`, 'offset 0'], [out]);
    expect(existsSync(join(out, 'p')) || existsSync(join(out, 'q'))).to.equal(false);
  });

  // Read errors are damage (exit 4, test/commands/damage.test.ts); --strict makes them fatal.
  it('recover-2data --strict: EIO reading Q mid-stream -> exit 3 naming Q and its sector, nothing committed', async () => {
    const bad = 2 * MiB + 512;
    fs.faults([`eio /q.img ${bad}`]);
    const o1 = join(out, 'd1.new');
    const o2 = join(out, 'd2.new');
    const r = await raidtx([
      'recover-2data',
      '--strict',
      '-P',
      join(fs.mnt, 'p.img'),
      '-Q',
      join(fs.mnt, 'q.img'),
      members[0]!,
      'missing',
      'missing',
      members[3]!,
      '-o',
      o1,
      '-o',
      o2,
    ]);
    // the failing 4096-byte sector that holds `bad`
    expectFailure(r, 3, [`'${join(fs.mnt, 'q.img')}'`, `offset ${2 * MiB}`], [out]);
    expect(existsSync(o1) || existsSync(o2) || existsSync(`${o1}.map`)).to.equal(false);
  });

  it('xor-val --strict: EIO mid-stream is exit 3 (an I/O error), not a mismatch', async () => {
    const bad = MiB + 7 * 512;
    fs.faults([`eio /d2 ${bad}`]);
    const r = await raidtx(['xor-val', '--strict', '--json', ...members]);
    expectFailure(r, 3, [`'${members[2]}'`, `offset ${MiB}`], [fs.backing]);
    const j = JSON.parse(r.stdout) as { ok: boolean; error: { exitCode: number; message: string } };
    expect(j.ok).to.equal(false);
    expect(j.error.exitCode).to.equal(3);
  });

  it('short reads from every member still give byte-exact P and Q', async () => {
    fs.faults(['short * 1000']);
    const p = join(out, 'p');
    const q = join(out, 'q');
    const r = await raidtx(['pq', '-P', p, '-Q', q, ...members]);
    expect(r.code, r.stderr).to.equal(0);
    expect(readFileSync(p).equals(ref.p), 'P').to.equal(true);
    expect(readFileSync(q).equals(ref.q), 'Q').to.equal(true);
  });

  it('a member truncated while being read -> exit 3 naming member and offset; old P/Q intact', async () => {
    const victim = join(fs.backing, 'victim');
    copyFileSync(join(fs.backing, 'd2'), victim);
    const cut = 2 * MiB + 100;
    fs.faults([`truncate /victim ${cut}`]);
    const prev = previousOutputs(out);
    const list = [members[0]!, members[1]!, join(fs.mnt, 'victim'), members[3]!];
    const r = await raidtx(['pq', '-P', prev.p, '-Q', prev.q, ...list]);
    expectFailure(r, 3, [`'${list[2]}'`, `offset ${cut}`], [out]);
    expectIntact(prev);
  });

  /** pq with its old P and Q in folder `sub` of the faultfs, under `rules` (temporaries match `p.img.raidtx-tmp`). */
  async function pqOutputsOnFaultFs(sub: string, rules: string[]) {
    const dir = join(fs.backing, sub);
    mkdirSync(dir, { recursive: true });
    const prev = previousOutputs(dir);
    const p = join(fs.mnt, sub, 'p.img');
    const q = join(fs.mnt, sub, 'q.img');
    fs.faults(rules);
    const r = await raidtx(['pq', '-P', p, '-Q', q, ...members]);
    return { r, dir, prev, p, q };
  }

  it('a failing fsync of Q commits neither P nor Q', async () => {
    const { r, dir, prev, q } = await pqOutputsOnFaultFs('outs-fsync', ['fsyncfail q.img.raidtx-tmp 5']);
    expectFailure(r, 3, [`'${q}'`], [dir]);
    expectIntact(prev);
  });

  it('a failing write of P (EIO) -> exit 3 naming output and offset; old P/Q intact', async () => {
    const bad = 3 * MiB + 8192;
    const { r, dir, prev, p } = await pqOutputsOnFaultFs('outs-write', [`wfail p.img.raidtx-tmp ${bad} 5`]);
    expectFailure(r, 3, [`'${p}'`, /write error at offset 3\d{6}/], [dir]);
    expectIntact(prev);
  });

  it('ENOSPC writing P/Q on a small filesystem -> exit 3 naming the output; old P/Q intact', async function () {
    // old P and Q (8 MiB) plus room for only ~5 MiB of the 8 MiB of temporaries
    const small = mountTmpfs(this, 13 * MiB);
    try {
      const prev = previousOutputs(small.dir);
      const r = await raidtx(['pq', '-P', prev.p, '-Q', prev.q, ...members]);
      expectFailure(
        r,
        3,
        [/output '.*\/[pq]\.img': write error at offset \d+: .*(ENOSPC|no space)/i],
        [small.dir],
      );
      expectIntact(prev);
    } finally {
      small.unmount();
    }
  });

  it('a read-only output folder -> exit 2 before any work; old P/Q intact', async function () {
    const ro = mountTmpfs(this, 16 * MiB);
    try {
      const prev = previousOutputs(ro.dir);
      remountReadOnly(ro.dir);
      const r = await raidtx(['pq', '-P', prev.p, '-Q', prev.q, ...members]);
      expectFailure(r, 2, [`'${prev.p}'`, /read-only/i], [ro.dir]);
      expectIntact(prev);
    } finally {
      ro.unmount();
    }
  });
});
