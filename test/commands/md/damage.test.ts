// raidtx md export, rebuild and check (spawned) around damaged members of kernel-made arrays (DESIGN
// "Damaged members"): the same bad sectors given three ways — read errors at run time (faultfs), a
// mapfile made by real GNU ddrescue over the faulty member, the member's md bad-block log — give the
// same bytes, on every engine. What parity can rebuild is exact; what it cannot is zero, listed and
// mapped (exit 4), or fatal with --strict (exit 3, nothing committed).

import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, flipByte, tmp } from '../../helpers/cli.js';
import { ddrescueMap, eioRules, mapBadRanges, needDdrescue, useFaultFs } from '../../helpers/faulty.js';
import { md, membersOf, type Run, sha } from '../../helpers/md-cli.js';
import { leftSymmetric, writeBadBlocks } from '../../helpers/md-damage.js';
import { type Fixture, fixtureNamed } from '../../helpers/md-fixtures.js';

const ENGINES = ['software', 'native'] as const;
type Way = 'eio' | 'ddrescue' | 'badblocks';
const WAYS: Way[] = ['eio', 'ddrescue', 'badblocks'];
const SOURCE: Record<Way, string> = { eio: 'eio', ddrescue: 'map', badblocks: 'badblocks' };

/** Bytes [offset, offset + length) of slot `slot`'s member file (whole 512-byte sectors). */
interface Bad {
  slot: number;
  offset: number;
  length: number;
}

interface Range {
  offset: number;
  length: number;
}

const ranges = (list: unknown): Range[] =>
  (list as Range[] | undefined)?.map((r) => ({ offset: r.offset, length: r.length })) ?? [];

/** Sorted, adjacent merged. */
function merged(list: Range[]): Range[] {
  const out: Range[] = [];
  for (const r of [...list].sort((a, b) => a.offset - b.offset)) {
    const last = out[out.length - 1];
    if (last && last.offset + last.length === r.offset) last.length += r.length;
    else out.push({ ...r });
  }
  return out;
}

const zeroed = (buf: Buffer, lost: readonly Range[]): Buffer => {
  const b = Buffer.from(buf);
  for (const l of lost) b.fill(0, l.offset, l.offset + l.length);
  return b;
};

/** The `-` blocks of a mapfile raidtx wrote, checking that its blocks cover `size` bytes. */
function mapLost(path: string, size: number): Range[] {
  const lines = readFileSync(path, 'utf8')
    .split('\n')
    .map((l) => l.replace(/#.*/, '').trim())
    .filter(Boolean)
    .slice(1);
  let at = 0;
  const lost: Range[] = [];
  for (const l of lines) {
    const [pos, len, st] = l.split(/\s+/);
    expect(Number(pos)).to.equal(at);
    if (st === '-') lost.push({ offset: at, length: Number(len) });
    else expect(st).to.equal('+');
    at += Number(len);
  }
  expect(at).to.equal(size);
  return lost;
}

/** `raidtx --engine ENGINE --json md ARGS` (mdj) or without --json (mdh). */
const mdj = (engine: string, args: string[]): Promise<Run> =>
  md(['--engine', engine, '--json', 'md', ...args]);
const mdh = (engine: string, args: string[]): Promise<Run> => md(['--engine', engine, 'md', ...args]);

function ok(r: Run, code: number): Record<string, unknown> {
  expect(r.stderr).not.to.match(/^\s+at /m);
  expect(r.code, r.stderr).to.equal(code);
  return r.json;
}

describe('raidtx md around damaged members (faultfs, GNU ddrescue, md bad-block logs)', function () {
  this.timeout(300000);
  const fs = useFaultFs();
  const r6 = fixtureNamed('a-r6-5d-64k-ls');
  const r5 = fixtureNamed('i-r5-4d-64k-ls');
  after(() => cleanupTmp());

  const dataOffset = (fx: Fixture): number => fx.manifest.members[0]!.data_offset_bytes;
  const name = (fx: Fixture, slot: number, way: Way | 'plain'): string =>
    `${fx.name}-${way === 'badblocks' ? 'bb' : 'm'}${slot}.img`;

  /** The member files of `fx` under the faultfs (bad-block copies for that way) and the arguments. */
  function damaged(
    fx: Fixture,
    way: Way,
    bad: readonly Bad[],
    ctx: Mocha.Context,
  ): { paths: string[]; args: string[] } {
    const n = fx.manifest.raid_disks;
    const paths = Array.from({ length: n }, (_, s) => join(fs().mnt, name(fx, s, way)));
    const rules = eioRules(
      bad.map((b) => ({ name: name(fx, b.slot, way), offset: b.offset, length: b.length })),
    );
    if (way === 'eio') {
      fs().faults(rules);
      return { paths, args: ['--sector', '512'] };
    }
    if (way === 'badblocks') {
      fs().faults([]);
      return { paths, args: [] };
    }
    needDdrescue(ctx);
    const args: string[] = [];
    fs().faults(rules);
    try {
      for (const slot of [...new Set(bad.map((b) => b.slot))]) {
        const map = ddrescueMap(paths[slot]!, 512);
        // real ddrescue found exactly the sectors broken
        const mine = bad.filter((b) => b.slot === slot).map((b) => ({ offset: b.offset, length: b.length }));
        expect(mapBadRanges(map)).to.deep.equal(merged(mine));
        args.push('--map', `${paths[slot]}=${map}`);
      }
    } finally {
      fs().faults([]);
    }
    return { paths, args };
  }

  /** Copies every member of `fx` into the faultfs; bad-block copies carry `bad` in their logs. */
  function install(fx: Fixture, bad: readonly Bad[]): void {
    for (const [slot, src] of membersOf(fx).entries()) {
      copyFileSync(src, join(fs().backing, name(fx, slot, 'plain')));
      const bb = join(fs().backing, name(fx, slot, 'badblocks'));
      copyFileSync(src, bb);
      const mine = bad.filter((b) => b.slot === slot);
      if (mine.length)
        writeBadBlocks(
          bb,
          mine.map((b) => ({ sector: b.offset / 512, count: b.length / 512 })),
        );
    }
  }

  const unreadableOf = (j: Record<string, unknown>) =>
    (j.unreadable as { member: string; offset: number; length: number; source: string }[]).map((u) => ({
      member: u.member,
      offset: u.offset,
      length: u.length,
      source: u.source,
    }));

  const expectUnreadable = (
    j: Record<string, unknown>,
    paths: string[],
    bad: readonly Bad[],
    way: Way,
  ): void => {
    const want = [...bad]
      .sort((a, b) => a.slot - b.slot || a.offset - b.offset)
      .map((b) => ({ member: paths[b.slot]!, offset: b.offset, length: b.length, source: SOURCE[way] }));
    expect(unreadableOf(j)).to.deep.equal(want);
  };

  if (r6) {
    describe(`${r6.name}: RAID6, slot 0 absent, bad sectors on slots 1 and 2`, () => {
      const C = r6.manifest.chunk_bytes;
      const DO = dataOffset(r6);
      // different stripes, and stripe 3 on both members at different sectors
      const bad: Bad[] = [
        { slot: 1, offset: DO + C + 8192, length: 4096 },
        { slot: 1, offset: DO + 3 * C + 4096, length: 512 },
        { slot: 2, offset: DO + 3 * C + 8192, length: 1024 },
        { slot: 2, offset: DO + 6 * C + 51200, length: 512 },
      ];
      before(() => install(r6, bad));
      const truth = (): Buffer => readFileSync(join(r6.dir, 'truth.img'));

      for (const engine of ENGINES)
        for (const way of WAYS) {
          it(`--engine ${engine}, damage by ${way}: export equals truth.img, rebuild of slot 0 and a healed slot 1 equal the originals (exit 0)`, async function () {
            const { paths, args } = damaged(r6, way, bad, this);
            const out = tmp('raidtx-md-dmg-');
            const present = paths.slice(1);
            const e = ok(await mdj(engine, ['export', ...present, ...args, '-o', join(out, 'a.img')]), 0);
            expect(sha(readFileSync(join(out, 'a.img')))).to.equal(sha(truth()));
            expect(e.lost).to.deep.equal([]);
            expectUnreadable(e, paths, bad, way);
            // every unreadable byte of a data chunk (or of the P/Q a missing chunk needed) was rebuilt
            const rec = e.recovered as { members: string[] }[];
            expect(rec.length).to.be.greaterThan(0);
            for (const r of rec)
              expect(r.members.every((m) => m === paths[1] || m === paths[2])).to.equal(true);
            expect(existsSync(join(out, 'a.img.map'))).to.equal(false);

            const r = ok(
              await mdj(engine, ['rebuild', ...present, ...args, '-o', `0=${join(out, 'r0.img')}`]),
              0,
            );
            expect(r.lost).to.deep.equal([]);
            const end = DO + r6.manifest.stripes * C;
            const orig0 = readFileSync(r6.memberPath(0));
            expect(
              readFileSync(join(out, 'r0.img')).subarray(DO, end).equals(orig0.subarray(DO, end)),
            ).to.equal(true);

            const h = ok(
              await mdj(engine, ['rebuild', ...present, ...args, '-o', `1=${join(out, 'h1.img')}`]),
              0,
            );
            const member1 = readFileSync(join(fs().backing, name(r6, 1, way)));
            expect(sha(readFileSync(join(out, 'h1.img')))).to.equal(sha(member1));
            expect(h.healed).to.deep.equal([true]);
            expect(h.recovered).to.deep.equal(
              bad
                .filter((b) => b.slot === 1)
                .map((b) => ({ offset: b.offset, length: b.length, members: [paths[1]] })),
            );
          });
        }
    });
  }

  if (r5) {
    describe(`${r5.name}: RAID5, slot 1 absent, bad sectors on slot 2`, () => {
      const C = r5.manifest.chunk_bytes;
      const n = r5.manifest.raid_disks;
      const m = n - 1;
      const DO = dataOffset(r5);
      // stripe 2: slot 1 holds P; stripe 5: slot 2 holds P; stripe 8: both hold data
      const bad: Bad[] = [
        { slot: 2, offset: DO + 2 * C + 4096, length: 4096 },
        { slot: 2, offset: DO + 5 * C + 512, length: 512 },
        { slot: 2, offset: DO + 8 * C + 10240, length: 1024 },
      ];
      before(() => install(r5, bad));
      // array bytes beyond repair: the data of slots 1 and 2 wherever slot 2 is unreadable
      const lostArray = merged(
        bad.flatMap((b) => {
          const s = Math.floor((b.offset - DO) / C);
          const w = (b.offset - DO) % C;
          const lay = leftSymmetric(5, n, s);
          return [1, 2]
            .filter((x) => lay.data.includes(x))
            .map((x) => ({ offset: (s * m + lay.data.indexOf(x)) * C + w, length: b.length }));
        }),
      );
      const truth = (): Buffer => readFileSync(join(r5.dir, 'truth.img'));

      it('the layout puts the bad sectors where the test means them', () => {
        expect(leftSymmetric(5, n, 2).p).to.equal(1);
        expect(leftSymmetric(5, n, 5).p).to.equal(2);
        expect(leftSymmetric(5, n, 8).p).to.equal(3);
        expect(lostArray.length).to.equal(4);
      });

      for (const engine of ENGINES)
        for (const way of WAYS) {
          it(`--engine ${engine}, damage by ${way}: exactly the unrebuildable sectors are lost, listed and mapped (exit 4); --strict exit 3, nothing committed`, async function () {
            const { paths, args } = damaged(r5, way, bad, this);
            const out = tmp('raidtx-md-dmg-');
            const present = [paths[0]!, paths[2]!, paths[3]!];
            const a = join(out, 'a.img');
            const e = ok(await mdj(engine, ['export', ...present, ...args, '-o', a]), 4);
            expect(ranges(e.lost)).to.deep.equal(lostArray);
            for (const l of e.lost as { members: string[] }[]) expect(l.members).to.deep.equal([paths[2]]);
            expect(e.recovered).to.deep.equal([]);
            expectUnreadable(e, paths, bad, way);
            expect(sha(readFileSync(a))).to.equal(sha(zeroed(truth(), lostArray)));
            expect(mapLost(`${a}.map`, truth().length)).to.deep.equal(lostArray);

            // to stdout with --map-out: the same bytes and map
            const piped = await mdh(engine, [
              'export',
              ...present,
              ...args,
              '-o',
              '-',
              '--map-out',
              join(out, 'p.map'),
            ]);
            expect(piped.code, piped.stderr).to.equal(4);
            expect(mapLost(join(out, 'p.map'), truth().length)).to.deep.equal(lostArray);

            const s = await mdh(engine, [
              'export',
              ...present,
              ...args,
              '-o',
              join(out, 's.img'),
              '--strict',
            ]);
            ok(s, 3);
            expect(s.stderr).to.match(/cannot be recovered .*--strict: nothing committed/);
            expect(readdirSync(out).filter((f) => f.startsWith('s.img'))).to.deep.equal([]);

            // a part of the array (--from/--length): JSON in array bytes, the map in the output's own
            const from = lostArray[1]!.offset - 5000;
            const len = lostArray[2]!.offset - from + 100;
            const part = join(out, 'part.img');
            const pj = ok(
              await mdj(engine, [
                'export',
                ...present,
                ...args,
                '--from',
                String(from),
                '--length',
                String(len),
                '-o',
                part,
              ]),
              4,
            );
            const inPart = lostArray
              .filter((l) => l.offset < from + len && l.offset + l.length > from)
              .map((l) => ({ offset: l.offset, length: Math.min(l.length, from + len - l.offset) }));
            expect(ranges(pj.lost)).to.deep.equal(inPart);
            expect(mapLost(`${part}.map`, len)).to.deep.equal(
              inPart.map((l) => ({ ...l, offset: l.offset - from })),
            );
            expect(readFileSync(part).equals(zeroed(truth(), lostArray).subarray(from, from + len))).to.equal(
              true,
            );

            // the missing member: its bytes wherever slot 2 is unreadable are lost (member coordinates)
            const r1 = join(out, 'r1.img');
            const r = ok(await mdj(engine, ['rebuild', ...present, ...args, '-o', `1=${r1}`]), 4);
            const lostMember = merged(bad.map((b) => ({ offset: b.offset, length: b.length })));
            expect(ranges(r.lost)).to.deep.equal(lostMember);
            const end = DO + r5.manifest.stripes * C;
            const want = zeroed(readFileSync(r5.memberPath(1)), lostMember).subarray(DO, end);
            expect(readFileSync(r1).subarray(DO, end).equals(want)).to.equal(true);
            expect(mapLost(`${r1}.map`, readFileSync(r1).length)).to.deep.equal(lostMember);
            ok(
              await mdh(engine, [
                'rebuild',
                ...present,
                ...args,
                '-o',
                `1=${join(out, 's1.img')}`,
                '--strict',
              ]),
              3,
            );
            expect(existsSync(join(out, 's1.img'))).to.equal(false);

            // all members present: slot 2 healed byte for byte
            const h = ok(
              await mdj(engine, ['rebuild', ...paths, ...args, '-o', `2=${join(out, 'h2.img')}`]),
              0,
            );
            expect(h.lost).to.deep.equal([]);
            const member2 = readFileSync(join(fs().backing, name(r5, 2, way)));
            expect(sha(readFileSync(join(out, 'h2.img')))).to.equal(sha(member2));
          });
        }
    });
  }

  const grow = fixtureNamed('rs1-r5-5d-64k-grow');
  if (grow)
    it(`${grow.name}: mid-reshape, damage in each geometry's part is read around (bad-block log): export equals truth.img`, async function () {
      const C = grow.manifest.chunk_bytes;
      const m1 = grow.manifest.members[1]!;
      const newOffset = m1.new_data_offset_sectors! * 512;
      // stripe 10 of the new geometry (below the reshape position), stripe 131 of the old (above; slot 1 holds data in both)
      const bad: Bad[] = [
        { slot: 1, offset: newOffset + 10 * C + 4096, length: 4096 },
        { slot: 1, offset: m1.data_offset_bytes + 131 * C + 8192, length: 4096 },
      ];
      install(grow, bad);
      const { paths } = damaged(grow, 'badblocks', bad, this);
      const out = tmp('raidtx-md-dmg-');
      const e = ok(await mdj('software', ['export', ...paths, '-o', join(out, 'g.img')]), 0);
      expect(sha(readFileSync(join(out, 'g.img')))).to.equal(sha(readFileSync(join(grow.dir, 'truth.img'))));
      expectUnreadable(e, paths, bad, 'badblocks');
      expect((e.recovered as Range[]).reduce((n, r) => n + r.length, 0)).to.equal(8192);
    });

  describe('md check around unreadable ranges', () => {
    for (const fx of [r6, r5]) {
      if (!fx) continue;
      const C = fx.manifest.chunk_bytes;
      const n = fx.manifest.raid_disks;
      const level = fx.manifest.level;
      const m = n - (level === 6 ? 2 : 1);
      const DO = dataOffset(fx);
      // stripe 4: slot 1 unreadable (4 KiB across a granule edge) where slot 3 is corrupt (RAID6
      // checks it with the parity left); stripe 7: no redundancy left (RAID6: slots 1 and 2; RAID5: 1)
      const bad: Bad[] = [
        { slot: 1, offset: DO + 4 * C + 0x3200, length: 4096 },
        { slot: 1, offset: DO + 7 * C, length: 512 },
        ...(level === 6 ? [{ slot: 2, offset: DO + 7 * C, length: 512 }] : []),
      ];
      const corrupt = { slot: 3, offset: DO + 4 * C + 0x3f80 };
      const elsewhere = { slot: 0, offset: DO + 10 * C + 100 };
      // RAID5 has no parity left wherever a member is unreadable; RAID6 only where two are
      const unchecked = [
        ...(level === 5
          ? Array.from({ length: m }, (_, k) => ({ from: (4 * m + k) * C + 0x3200, length: 4096 }))
          : []),
        ...Array.from({ length: m }, (_, k) => ({ from: (7 * m + k) * C, length: 512 })),
      ].sort((a, b) => a.from - b.from);

      for (const engine of ENGINES)
        it(`${fx.name} --engine ${engine}: unreadable listed, unchecked apart, mismatches found where checkable (exit 1/4/3)`, async function () {
          const dir = fs().backing;
          copyFileSync(fx.memberPath(corrupt.slot), join(dir, `${fx.name}-c${corrupt.slot}.img`));
          copyFileSync(fx.memberPath(elsewhere.slot), join(dir, `${fx.name}-c${elsewhere.slot}.img`));
          for (const [slot, src] of membersOf(fx).entries())
            copyFileSync(src, join(dir, name(fx, slot, 'plain')));
          const { paths, args } = damaged(fx, 'eio', bad, this);
          const clean = ok(await mdj(engine, ['check', ...paths, ...args]), 4);
          expect(clean.mismatches).to.deep.equal([]);
          expect(expectUnchecked(clean)).to.deep.equal(unchecked);
          expectUnreadable(clean, paths, bad, 'eio');

          const strict = await mdh(engine, ['check', ...paths, ...args, '--strict']);
          ok(strict, 3);
          expect(strict.stderr).to.match(/could not be checked/);

          // a corrupt byte under the unreadable range: RAID6 still finds it (the other parity)
          const c = join(dir, `${fx.name}-c${corrupt.slot}.img`);
          flipByte(c, corrupt.offset);
          const p = paths.map((x, s) =>
            s === corrupt.slot ? join(fs().mnt, `${fx.name}-c${corrupt.slot}.img`) : x,
          );
          const r = ok(await mdj(engine, ['check', ...p, ...args]), level === 6 ? 1 : 4);
          const found = r.mismatches as { stripe: number; memberOffset: number; length: number }[];
          expect(found.map((x) => x.stripe)).to.deep.equal(level === 6 ? [4] : []);
          // reported on the --granularity grid (4096 bytes of the chunk), around the damaged piece too
          for (const x of found) {
            const w = x.memberOffset - DO - x.stripe * C;
            expect(Math.floor(w / 4096), `${w}+${x.length}`).to.equal(Math.floor((w + x.length - 1) / 4096));
            expect(w <= 0x3f80 && w + x.length > 0x3f80).to.equal(true);
          }
          // one outside the damage: found on both levels
          const e = join(dir, `${fx.name}-c${elsewhere.slot}.img`);
          flipByte(e, elsewhere.offset);
          const q = p.map((x, s) =>
            s === elsewhere.slot ? join(fs().mnt, `${fx.name}-c${elsewhere.slot}.img`) : x,
          );
          const r2 = ok(await mdj(engine, ['check', ...q, ...args]), 1);
          expect((r2.mismatches as { stripe: number }[]).map((x) => x.stripe)).to.include(10);
          expect(expectUnchecked(r2)).to.deep.equal(unchecked);
        });
    }
  });
});

function expectUnchecked(j: Record<string, unknown>): { from: number; length: number }[] {
  return (j.unchecked as { from: number; length: number }[]).map((u) => ({ from: u.from, length: u.length }));
}
