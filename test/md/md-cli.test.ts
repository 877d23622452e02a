// raidtx md examine/check/rebuild/export, spawned against arrays the kernel's md driver wrote.

import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { MdMismatch } from '../../src/core/md/check.js';
import { dataChunksPerStripe, type MdGeometry, stripeMap } from '../../src/core/md/layout.js';
import { submitStripeRebuild } from '../../src/core/md/stripe-ops.js';
import { asyncTxIssuePendingAll, dmaWaitForAsyncTx } from '../../src/index.js';
import { ensureBuilt } from '../helpers/cli.js';
import { type Fixture, hasMdadm, loadFixtures, ROOT } from './fixtures.js';

// RAIDTX_MD_CLI overrides the entry (e.g. "node --import tsx some-entry.mts") while md is not registered.
const ENTRY = process.env.RAIDTX_MD_CLI?.split(' ') ?? [process.execPath, join(ROOT, 'bin/raidtx.js')];

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  json: Record<string, unknown>;
}

function md(args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const c = spawn(ENTRY[0]!, [...ENTRY.slice(1), ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', RAIDTX_ENGINE: undefined },
    });
    let stdout = '';
    let stderr = '';
    c.stdout.on('data', (d) => (stdout += d));
    c.stderr.on('data', (d) => (stderr += d));
    c.on('error', reject);
    c.on('close', (code) => {
      let json = {};
      try {
        json = JSON.parse(stdout);
      } catch {
        // human output
      }
      resolve({ code, stdout, stderr, json });
    });
  });
}

function registered(): string | null {
  if (!process.env.RAIDTX_MD_CLI) ensureBuilt();
  const r = spawnSync(ENTRY[0]!, [...ENTRY.slice(1), 'md', '--help'], { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0
    ? null
    : '`raidtx md` is not registered in src/cli.ts (set RAIDTX_MD_CLI to test anyway)';
}

const sha = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

function geometry(fx: Fixture): MdGeometry {
  const m = fx.manifest;
  return { level: m.level, layout: m.layout_md_number, chunk: m.chunk_bytes, raidDisks: m.raid_disks };
}

function pairs(n: number): number[][] {
  const out: number[][] = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) out.push([a, b]);
  return out;
}

const { fixtures, skip } = loadFixtures();

describe('md rebuild math: every single and double failure of every kernel-made array', () => {
  if (skip) {
    it.skip(`kernel-made fixtures: ${skip}`);
    return;
  }
  for (const fx of fixtures) {
    it(`${fx.name}: rebuilt data areas equal the originals`, async () => {
      const g = geometry(fx);
      const n = g.raidDisks;
      const C = g.chunk;
      const stripes = fx.manifest.stripes;
      const area = Array.from({ length: n }, (_, slot) => {
        const off = fx.manifest.members.find((m) => m.raid_slot === slot)!.data_offset_bytes;
        return readFileSync(fx.memberPath(slot)).subarray(off, off + stripes * C);
      });
      const failures = [...Array.from({ length: n }, (_, i) => [i]), ...(g.level === 6 ? pairs(n) : [])];
      for (const lost of failures) {
        const work = area.map((b, slot) => (lost.includes(slot) ? Buffer.alloc(b.length) : b));
        const txs = [];
        for (let s = 0; s < stripes; s++) {
          const chunks = work.map((b) => b.subarray(s * C, (s + 1) * C));
          txs.push(submitStripeRebuild(g, s, chunks, lost, C, true).tx);
        }
        asyncTxIssuePendingAll();
        await Promise.all(txs.map((t) => dmaWaitForAsyncTx(t)));
        for (const slot of lost) {
          expect(work[slot]!.equals(area[slot]!), `${fx.name}: slot ${slot} of lost ${lost}`).to.equal(true);
        }
      }
    });
  }
});

describe('raidtx md (spawned) on kernel-made arrays', function () {
  this.timeout(120000);
  const why = skip ?? registered();
  if (why) {
    it.skip(`md CLI: ${why}`);
    return;
  }
  let tmp = '';
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'raidtx-md-cli-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const fx of fixtures) {
    describe(fx.name, () => {
      const g = geometry(fx);
      const n = g.raidDisks;
      const all = Array.from({ length: n }, (_, s) => fx.memberPath(s));
      const truth = () => readFileSync(join(fx.dir, 'truth.img'));

      it('examine agrees with the manifest, members in any order', async () => {
        const r = await md(['--json', 'md', 'examine', ...[...all].reverse()]);
        expect(r.code, r.stderr).to.equal(0);
        const arr = r.json.array as Record<string, unknown>;
        expect(arr.uuid).to.equal(fx.manifest.array_uuid);
        expect(arr.level).to.equal(g.level);
        expect(arr.layout).to.equal(fx.manifest.layout);
        expect(arr.chunk).to.equal(g.chunk);
        expect(arr.raidDisks).to.equal(n);
        expect(arr.metadata).to.equal(fx.manifest.metadata);
        const members = r.json.members as { path: string; slot: number; dataOffset: number }[];
        for (const m of members) expect(m.path).to.equal(fx.memberPath(m.slot));
        expect(r.json.missingSlots).to.deep.equal([]);
      });

      it('check passes the clean array', async () => {
        const r = await md(['--json', 'md', 'check', ...all]);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.json.ok).to.equal(true);
        expect(r.json.stripes).to.equal(fx.manifest.stripes);
      });

      it('check pins flipped bytes in a data, P and Q chunk to stripe, offsets and member', async () => {
        const C = g.chunk;
        const m = dataChunksPerStripe(g);
        const stripes = fx.manifest.stripes;
        const copies = all.map((p, slot) => {
          const c = join(tmp, `${fx.name}-flip-${slot}.img`);
          copyFileSync(p, c);
          return c;
        });
        const off = (slot: number) =>
          fx.manifest.members.find((x) => x.raid_slot === slot)!.data_offset_bytes;
        const flip = (slot: number, at: number) => {
          const b = readFileSync(copies[slot]!);
          b[at]! ^= 0x5a;
          writeFileSync(copies[slot]!, b);
        };
        const sData = 1 % stripes;
        const sP = 2 % stripes;
        const sQ = 3 % stripes;
        const dmap = stripeMap(g, sData);
        const k = m - 1;
        const dSlot = dmap.dataSlots[k]!;
        flip(dSlot, off(dSlot) + sData * C + 4096 + 17);
        const pSlot = stripeMap(g, sP).pSlot;
        flip(pSlot, off(pSlot) + sP * C + 100);
        const qSlot = stripeMap(g, sQ).qSlot;
        if (qSlot >= 0) flip(qSlot, off(qSlot) + sQ * C + 200);
        const r = await md(['--json', 'md', 'check', ...copies]);
        expect(r.code, r.stderr).to.equal(1);
        const mm = r.json.mismatches as MdMismatch[];
        const d = mm.find((x) => x.stripe === sData)!;
        expect(d, JSON.stringify(mm)).to.not.equal(undefined);
        expect(d.memberOffset).to.equal(off(dSlot) + sData * C + 4096);
        expect(d.length).to.equal(4096);
        if (g.level === 6) {
          expect(d.suspect).to.deep.equal({ role: 'data', slot: dSlot, path: copies[dSlot] });
          expect(d.arrayOffset).to.equal((sData * m + k) * C + 4096);
          expect([d.p, d.q]).to.deep.equal([true, true]);
          const p = mm.find((x) => x.stripe === sP)!;
          expect(p.suspect).to.deep.equal({ role: 'p', slot: pSlot, path: copies[pSlot] });
          expect([p.p, p.q, p.memberOffset]).to.deep.equal([true, false, off(pSlot) + sP * C]);
          const q = mm.find((x) => x.stripe === sQ)!;
          expect(q.suspect).to.deep.equal({ role: 'q', slot: qSlot, path: copies[qSlot] });
          expect([q.p, q.q, q.memberOffset]).to.deep.equal([false, true, off(qSlot) + sQ * C]);
          expect(mm).to.have.length(3);
        } else {
          expect(d.suspect.role).to.equal('unknown');
          expect(mm.map((x) => x.stripe).sort()).to.deep.equal([sData, sP].sort());
        }
      });

      const lost = g.level === 6 ? [0, n - 1] : [1];
      it(`export equals truth.img, whole and with slot(s) ${lost} missing`, async () => {
        const out = join(tmp, `${fx.name}-array.img`);
        let r = await md(['md', 'export', ...all, '-o', out]);
        expect(r.code, r.stderr).to.equal(0);
        const t = sha(truth());
        expect(sha(readFileSync(out))).to.equal(t);
        r = await md(['md', 'export', ...all.filter((_, s) => !lost.includes(s)), '-o', out]);
        expect(r.code, r.stderr).to.equal(0);
        expect(sha(readFileSync(out))).to.equal(t);
      });

      it(`rebuild of slot(s) ${lost} reproduces the data areas; mdadm --examine accepts the superblocks`, async () => {
        const outs = lost.map((s) => join(tmp, `${fx.name}-rebuilt-${s}.img`));
        const r = await md([
          '--json',
          'md',
          'rebuild',
          ...all.filter((_, s) => !lost.includes(s)),
          ...lost.flatMap((s, i) => ['-o', `${s}=${outs[i]}`]),
        ]);
        expect(r.code, r.stderr).to.equal(0);
        for (const [i, s] of lost.entries()) {
          const mm = fx.manifest.members.find((x) => x.raid_slot === s)!;
          const orig = readFileSync(fx.memberPath(s));
          const got = readFileSync(outs[i]!);
          expect(got.length).to.equal(orig.length);
          const end = mm.data_offset_bytes + fx.manifest.stripes * g.chunk;
          expect(
            got.subarray(mm.data_offset_bytes, end).equals(orig.subarray(mm.data_offset_bytes, end)),
          ).to.equal(true);
          if (hasMdadm()) {
            const e = spawnSync('mdadm', ['--examine', outs[i]!], { encoding: 'utf8' });
            expect(e.status, e.stderr).to.equal(0);
            expect(e.stdout).to.match(/Checksum : [0-9a-f]+ - correct/);
            if (fx.manifest.metadata === '0.90')
              expect(e.stdout).to.match(new RegExp(`^this\\s+\\d+\\s+\\d+\\s+\\d+\\s+${s}\\s`, 'm'));
            else expect(e.stdout).to.match(new RegExp(`Device Role : Active device ${s}\\b`));
          }
        }
        // the rebuilt members make a complete array again
        const whole = all.map((p, s) => (lost.includes(s) ? outs[lost.indexOf(s)]! : p));
        const c = await md(['--json', 'md', 'check', ...whole]);
        expect(c.code, c.stderr).to.equal(0);
      });
    });
  }
});

describe('raidtx md (spawned): bad input is refused with exit 2, naming the members', function () {
  this.timeout(60000);
  const why = skip ?? registered();
  const a = fixtures.find((f) => f.name.startsWith('a-'));
  const c = fixtures.find((f) => f.name.startsWith('c-'));
  if (why || !a || !c) {
    it.skip(`md CLI: ${why ?? 'fixtures a and c absent'}`);
    return;
  }
  const am = Array.from({ length: 5 }, (_, s) => a.memberPath(s));
  let tmp = '';
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'raidtx-md-bad-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  const refused = async (args: string[], ...mentions: string[]) => {
    const out = join(tmp, 'out.img');
    const r = await md(['md', ...args]);
    expect(r.code, r.stderr + r.stdout).to.equal(2);
    for (const s of mentions) expect(r.stderr).to.contain(s);
    expect(() => readFileSync(out)).to.throw();
  };

  it('members of different arrays', () =>
    refused(['check', am[0]!, am[1]!, c.memberPath(2)], 'different arrays', c.memberPath(2), am[0]!));
  it('two members claiming one slot', async () => {
    const twin = join(tmp, 'twin.img');
    copyFileSync(am[1]!, twin);
    await refused(
      ['export', am[0]!, am[1]!, twin, am[2]!, '-o', join(tmp, 'out.img')],
      'slot 1',
      twin,
      am[1]!,
    );
  });
  it('too many members missing for the level', () =>
    refused(['export', am[0]!, am[1]!, '-o', join(tmp, 'out.img')], 'tolerates 2'));
  it('an unknown layout name', async () => {
    const x = join(tmp, 'x');
    writeFileSync(x, Buffer.alloc(1 << 20));
    const geo = ['--level', '6', '--layout', 'left-symetric', '--chunk', '64K', '--raid-disks', '3'];
    await refused(['export', ...geo, x, x, x, '-o', join(tmp, 'out.img')], "unknown layout 'left-symetric'");
  });
  it('geometry options that contradict the superblocks', () =>
    refused(['check', '--layout', 'right-symmetric', ...am], '--layout right-symmetric', am[0]!));
  it('a stale member is reported and left out (too many missing then)', async () => {
    const stale = join(tmp, 'stale.img');
    const b = readFileSync(am[2]!);
    b.writeBigUInt64LE(b.readBigUInt64LE(4096 + 200) - 1n, 4096 + 200); // events - 1
    b.writeUInt32LE(0, 4096 + 216);
    const { superblock1Checksum } = await import('../../src/core/md/superblock.js');
    b.writeUInt32LE(superblock1Checksum(b.subarray(4096, 8192)), 4096 + 216);
    writeFileSync(stale, b);
    const r = await md(['--json', 'md', 'examine', am[0]!, am[1]!, stale, am[3]!, am[4]!]);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.json.stale).to.deep.equal([
      { path: stale, slot: 2, events: Number(b.readBigUInt64LE(4096 + 200)) },
    ]);
    expect(r.json.missingSlots).to.deep.equal([2]);
    await refused(['export', am[0]!, stale, am[3]!, '-o', join(tmp, 'out.img')], 'tolerates 2', stale);
  });
});
