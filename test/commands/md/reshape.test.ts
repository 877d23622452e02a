// raidtx md (spawned) on arrays the kernel froze mid-reshape or mid-recovery (scripts/md-fixtures.sh
// STATES block): examine reports both geometries, the direction and the position as manifest.json
// records them, and a recovering member's offset; export equals truth.img whole and with every single
// (RAID5) or every single and double (RAID6) failure that leaves enough redundancy (a recovering
// member counts as missing beyond its offset; the others are refused, exit 2); check finds every
// stripe consistent (exit 4 when a part had no redundancy left to check); rebuild reproduces each
// member's live data areas (the new geometry's below the position at the new offset, the previous
// one's above it; a recovering member's only below its offset).

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { md, membersOf, sha } from '../../helpers/md-cli.js';
import { type Fixture, fixtureNamed } from '../../helpers/md-fixtures.js';
import { editSuperblock } from '../../helpers/md-superblock-editor.js';

interface Shape {
  raid_disks: number;
  layout_md_number: number;
  chunk_bytes: number;
}
interface ReshapeManifest {
  kind: string;
  position_sectors: number;
  direction: 'forwards' | 'backwards';
  old: Shape;
  new: Shape;
}
interface ReshapeMember {
  raid_slot: number;
  data_offset_bytes: number;
  new_data_offset_sectors: number;
}

const reshapeOf = (fx: Fixture) => (fx.manifest as unknown as { reshape: ReshapeManifest | null }).reshape;
const membersOfShape = (fx: Fixture) => fx.manifest.members as unknown as ReshapeMember[];

/** The recovering member's slot and offset (bytes of its data area valid), from mdadm --examine. */
function recoveringOf(fx: Fixture): { slot: number; offset: number } | null {
  for (const [i, text] of fx.manifest.mdadm_examine.entries()) {
    const at = /Recovery Offset : (\d+) sectors/.exec(text);
    if (at) return { slot: fx.manifest.members[i]!.raid_slot, offset: Number(at[1]) * 512 };
  }
  return null;
}

/** Member byte ranges holding live data: [start, end) per geometry, as md reads them. */
function liveAreas(fx: Fixture, slot: number): [number, number][] {
  const r = reshapeOf(fx);
  const m = membersOfShape(fx).find((x) => x.raid_slot === slot)!;
  const level = fx.manifest.level;
  const arrayBytes = fx.manifest.array_bytes;
  const rec = recoveringOf(fx);
  const dataDisks = (s: Shape) => s.raid_disks - (level === 6 ? 2 : 1);
  const area = (s: Shape, offset: number, from: number, to: number): [number, number] | null => {
    if (slot >= s.raid_disks || to <= from) return null;
    const stripe = dataDisks(s) * s.chunk_bytes;
    const s0 = Math.floor(from / stripe);
    let s1 = Math.ceil(to / stripe);
    if (rec?.slot === slot) s1 = Math.min(s1, Math.floor(rec.offset / s.chunk_bytes));
    return s1 > s0 ? [offset + s0 * s.chunk_bytes, offset + s1 * s.chunk_bytes] : null;
  };
  const old = m.data_offset_bytes;
  if (!r) {
    const g = fx.manifest;
    const shape = {
      raid_disks: g.raid_disks,
      layout_md_number: g.layout_md_number,
      chunk_bytes: g.chunk_bytes,
    };
    return [area(shape, old, 0, arrayBytes)].filter((p): p is [number, number] => p !== null);
  }
  const pos = r.position_sectors * 512;
  const next = m.new_data_offset_sectors * 512;
  const parts =
    r.direction === 'forwards'
      ? [area(r.new, next, 0, pos), area(r.old, old, pos, arrayBytes)]
      : [area(r.old, old, 0, pos), area(r.new, next, pos, arrayBytes)];
  return parts.filter((p): p is [number, number] => p !== null);
}

function pairs(n: number): number[][] {
  const out: number[][] = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) out.push([a, b]);
  return out;
}

/** Each fixture and the reshape kinds examine must report (null: no reshape). */
const KINDS: [prefix: string, kinds: string[] | null][] = [
  ['rs1-', ['grow']],
  ['rs2-', ['grow']],
  ['rs3-', ['layout']],
  ['rs4-', ['chunk']],
  ['rs5-', ['layout']],
  ['rs6-', ['chunk']],
  ['rs7-', ['grow']],
  ['rc1-', null],
  ['rc2-', null],
];

describe('raidtx md on arrays frozen mid-reshape or mid-recovery (spawned)', function () {
  this.timeout(300000);
  let tmp = '';
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'raidtx-md-reshape-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const [prefix, kinds] of KINDS) {
    const fx = fixtureNamed(prefix);
    if (!fx) continue;
    describe(fx.name, () => {
      const r = reshapeOf(fx);
      const all = membersOf(fx);
      const n = fx.manifest.raid_disks;
      const level = fx.manifest.level;
      const truth = () => sha(readFileSync(join(fx.dir, 'truth.img')));

      const rec = recoveringOf(fx);
      const redundancy = level === 6 ? 2 : 1;
      /** a recovering member counts as missing beyond its offset: what is left must suffice */
      const recoverable = (lost: number[]): boolean =>
        new Set([...lost, ...(rec ? [rec.slot] : [])]).size <= redundancy;
      const losses = [...Array.from({ length: n }, (_, s) => [s]), ...(level === 6 ? pairs(n) : [])];

      it('examine reports the state: reshape kinds, direction, position, both geometries; recovery offset', async () => {
        const run = await md(['--json', 'md', 'examine', ...all]);
        expect(run.code, run.stderr).to.equal(0);
        const a = (run.json as { array: Record<string, unknown> }).array;
        const members = (
          run.json as {
            members: { slot: number; newDataOffset: number | null; recoveryOffset: number | null }[];
          }
        ).members;
        const slotOf = (s: number) => members.find((x) => x.slot === s)!;
        expect(a.arrayBytes).to.equal(fx.manifest.array_bytes);
        for (let s = 0; s < n; s++)
          expect(slotOf(s).recoveryOffset).to.equal(rec?.slot === s ? rec.offset : null);
        if (!r) {
          expect(a.reshape).to.equal(null);
          return;
        }
        const got = a.reshape as Record<string, unknown> & {
          previous: Record<string, number>;
          next: Record<string, number>;
        };
        expect(got.kinds).to.deep.equal(kinds);
        expect(got.direction).to.equal(r.direction);
        expect(got.position).to.equal(r.position_sectors * 512);
        for (const [mine, theirs] of [
          [got.previous, r.old],
          [got.next, r.new],
        ] as const) {
          expect(mine.raidDisks).to.equal(theirs.raid_disks);
          expect(mine.layoutNumber).to.equal(theirs.layout_md_number);
          expect(mine.chunk).to.equal(theirs.chunk_bytes);
        }
        for (const m of membersOfShape(fx))
          expect(slotOf(m.raid_slot).newDataOffset).to.equal(m.new_data_offset_sectors * 512);
        const human = await md(['md', 'examine', ...all]);
        expect(human.stdout).to.match(
          /reshape \(.*\) interrupted: .*(forwards|backwards), at array byte \d+/,
        );
      });

      it('export equals truth.img whole and with each failure that leaves redundancy; the others are refused', async () => {
        const out = join(tmp, `${fx.name}-array.img`);
        const t = truth();
        for (const lost of [[], ...losses]) {
          const run = await md(['md', 'export', ...all.filter((_, s) => !lost.includes(s)), '-o', out]);
          if (!recoverable(lost)) {
            expect(run.code, `slots ${lost} missing`).to.equal(2);
            expect(run.stderr).to.match(/are missing( in array bytes \d+\.\.\d+)?; RAID\d tolerates/);
            continue;
          }
          expect(run.code, `${lost}: ${run.stderr}`).to.equal(0);
          expect(sha(readFileSync(out)), `slots ${lost} missing`).to.equal(t);
        }
      });

      // declared only where it applies (a reshape; a recovering member without one)
      const skip = (): void => undefined;
      const across: (title: string, fn: () => Promise<void>) => unknown = r ? it : skip;
      across(
        'export and check of a range across the reshape position (--from/--length) read both geometries',
        async () => {
          const pos = r!.position_sectors * 512;
          const from = pos - 100000;
          const length = 300001;
          const out = join(tmp, `${fx.name}-range.img`);
          let run = await md([
            'md',
            'export',
            ...all,
            '--from',
            String(from),
            '--length',
            String(length),
            '-o',
            out,
          ]);
          expect(run.code, run.stderr).to.equal(0);
          const whole = readFileSync(join(fx.dir, 'truth.img'));
          expect(readFileSync(out).equals(whole.subarray(from, from + length))).to.be.true;
          run = await md([
            '--json',
            'md',
            'check',
            ...all,
            '--from',
            String(from),
            '--length',
            String(length),
          ]);
          expect(run.code, run.stderr).to.equal(0);
          expect(run.json.stripes).to.be.greaterThan(1);
        },
      );

      const below: (title: string, fn: () => Promise<void>) => unknown = rec && !r ? it : skip;
      below('a failure beyond repair past the recovery offset still exports the part below it', async () => {
        const g = fx.manifest;
        const lost = Array.from({ length: redundancy }, (_, i) => i).map((i) => (i >= rec!.slot ? i + 1 : i));
        const members = all.filter((_, s) => !lost.includes(s));
        const out = join(tmp, `${fx.name}-below.img`);
        let run = await md(['md', 'export', ...members, '-o', out]);
        expect(run.code).to.equal(2);
        expect(run.stderr).to.match(/are missing in array bytes \d+\.\.\d+; RAID\d tolerates/);
        const below = Math.floor(rec!.offset / g.chunk_bytes) * g.chunk_bytes * g.data_disks;
        run = await md(['md', 'export', ...members, '--length', String(below), '-o', out]);
        expect(run.code, run.stderr).to.equal(0);
        const whole = readFileSync(join(fx.dir, 'truth.img'));
        expect(readFileSync(out).equals(whole.subarray(0, below))).to.be.true;
      });

      it('check finds every stripe consistent, and a corrupted live byte (of the recovering member too)', async () => {
        let run = await md(['--json', 'md', 'check', ...all]);
        const partial = rec !== null && level === 5;
        expect(run.code, run.stderr).to.equal(partial ? 4 : 0);
        expect(run.json.mismatchCount).to.equal(0);
        expect((run.json.unchecked as unknown[]).length > 0).to.equal(partial);
        if (level === 6 && !rec) {
          run = await md(['--json', 'md', 'check', ...all.slice(1)]);
          expect(run.code, run.stderr).to.equal(0);
        }
        const victim = rec ? rec.slot : 0;
        const bad = join(tmp, `${fx.name}-bad.img`);
        copyFileSync(all[victim]!, bad);
        const [start] = liveAreas(fx, victim)[0]!;
        const buf = readFileSync(bad);
        buf[start + 100] ^= 0xff;
        writeFileSync(bad, buf);
        run = await md(['--json', 'md', 'check', ...all.map((p, s) => (s === victim ? bad : p))]);
        expect(run.code, run.stderr).to.equal(1);
      });

      it('rebuild of each failure that leaves redundancy reproduces the live data areas', async () => {
        const originals = all.map((p) => readFileSync(p));
        const tried = [...losses, ...(rec ? [[rec.slot]] : [])];
        for (const lost of tried) {
          const outs = lost.map((s) => join(tmp, `${fx.name}-rebuilt-${s}.img`));
          const run = await md([
            'md',
            'rebuild',
            ...all.filter((_, s) => !lost.includes(s)),
            ...lost.flatMap((s, i) => ['-o', `${s}=${outs[i]}`]),
          ]);
          if (!recoverable(lost)) {
            expect(run.code, `slots ${lost} missing`).to.equal(2);
            continue;
          }
          expect(run.code, `${lost}: ${run.stderr}`).to.equal(0);
          for (const [i, s] of lost.entries()) {
            const got = readFileSync(outs[i]!);
            for (const [a, b] of liveAreas(fx, s)) {
              expect(got.subarray(a, b).equals(originals[s]!.subarray(a, b)), `slot ${s} bytes ${a}..${b}`).to
                .be.true;
            }
          }
        }
        if (rec) {
          // the recovering slot rebuilt whole: with it in place the array checks clean everywhere
          const out = join(tmp, `${fx.name}-whole-${rec.slot}.img`);
          let run = await md([
            'md',
            'rebuild',
            ...all.filter((_, s) => s !== rec.slot),
            '-o',
            `${rec.slot}=${out}`,
          ]);
          expect(run.code, run.stderr).to.equal(0);
          run = await md(['--json', 'md', 'check', ...all.map((p, s) => (s === rec.slot ? out : p))]);
          expect(run.code, run.stderr).to.equal(0);
          expect(run.json.unchecked).to.deep.equal([]);
        }
      });
    });
  }

  describe('reshapes raidtx has no kernel-made proof for stay refused (exit 2, naming member and kind)', () => {
    const fx = fixtureNamed('rs1-');
    if (!fx) return;
    const edited = (what: string, edits: Record<string, number | bigint>): string[] => {
      const dir = mkdtempSync(join(tmp || tmpdir(), `${what}-`));
      return membersOf(fx).map((p, s) => {
        const copy = join(dir, `member${s}.img`);
        copyFileSync(p, copy);
        editSuperblock(copy, edits);
        return copy;
      });
    };
    it('a backwards grow', async () => {
      const members = edited('backwards', { feature_map: 0x44 | 0x20 });
      const run = await md(['md', 'export', ...members, '-o', join(tmp, 'x.img')]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(
        /member0\.img'.*RESHAPE_BACKWARDS.*does not read a grow reshape running backwards/,
      );
    });
    it('a reshape in place (no NEW_OFFSET: the backup file would be needed)', async () => {
      const members = edited('inplace', { feature_map: 0x4 });
      const run = await md(['md', 'check', ...members]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/member0\.img'.*RESHAPE_ACTIVE.*reshapes in place/);
    });
    it('a shrink (delta_disks < 0)', async () => {
      const members = edited('shrink', { delta_disks: -1, raid_disks: 3 });
      const run = await md(['md', 'examine', ...members]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/member0\.img'.*does not read a shrink reshape running backwards/);
    });
    it('a grow combined with a chunk change', async () => {
      const members = edited('growchunk', { new_chunk: 64 });
      const run = await md(['md', 'rebuild', ...members.slice(1), '-o', `0=${join(tmp, 'r.img')}`]);
      expect(run.code).to.equal(2);
      expect(run.stderr).to.match(/does not read a grow \+ chunk reshape/);
    });
  });
});
