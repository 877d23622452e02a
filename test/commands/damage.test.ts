// recover-2data, recover-datap, pq-val and xor-val around damaged members (DESIGN "Damaged members"):
// the same damage given three ways — read errors at run time (faultfs), a mapfile made by real GNU
// ddrescue over the faulty member, a hand-written map — gives the same result, on every engine.

import { execFileSync } from 'node:child_process';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, flipByte, type RunResult, raidtx, tmp } from '../helpers/cli.js';
import {
  type BadRange,
  ddrescueMap,
  eioRules,
  mapBadRanges,
  needDdrescue,
  useFaultFs,
  writeMap,
} from '../helpers/faulty.js';
import { lacking } from '../helpers/prereq.js';
import { randomBuffers } from '../helpers/prng.js';
import { refPQ, refXor } from '../helpers/reference.js';

/** Not a multiple of any sector: the last sector of every member is partial. */
const SIZE = 300 * 1024 + 1000;
/** Junk before the members' copies used as `PATH@PREFIX` (map positions are file positions). */
const PREFIX = 3000;
const ENGINES = ['native', 'software'] as const;
const SECTOR = 512;

type Way = 'eio' | 'ddrescue' | 'hand';
const WAYS: Way[] = ['eio', 'ddrescue', 'hand'];

interface Lost {
  offset: number;
  length: number;
}

/** `ranges` widened to whole `sector` units of the file and clipped to it (what reading them finds). */
function units(ranges: readonly BadRange[], sector = SECTOR, size = SIZE): Lost[] {
  return ranges.map((r) => {
    const lo = Math.floor(r.offset / sector) * sector;
    return { offset: lo, length: Math.min(size, Math.ceil((r.offset + r.length) / sector) * sector) - lo };
  });
}

function json(r: RunResult) {
  expect(r.stderr).not.to.match(/^\s+at /m);
  return JSON.parse(r.stdout);
}

describe('damaged members: recover-*, pq-val, xor-val (faultfs, GNU ddrescue, hand-written maps)', function () {
  this.timeout(120000);
  const fs = useFaultFs();
  const data = randomBuffers(4, SIZE, 1010);
  const { p, q } = refPQ(data, SIZE);
  let out: string;
  const mnt = (name: string): string => join(fs().mnt, name);

  before(() => {
    const b = fs().backing;
    data.forEach((d, i) => {
      writeFileSync(join(b, `d${i}`), d);
      writeFileSync(join(b, `x${i}`), Buffer.concat([Buffer.alloc(PREFIX, 0xee), d]));
    });
    writeFileSync(join(b, 'p'), p);
    writeFileSync(join(b, 'q'), q);
  });
  after(() => cleanupTmp());
  beforeEach(() => {
    out = tmp('raidtx-damage-out-');
  });

  /**
   * The damage `ranges` given `way`: the faultfs rules stay in force for eio; a ddrescue map is made
   * under them and the rules cleared; a hand-written map needs none. Returns the extra arguments.
   */
  function damage(way: Way, ranges: BadRange[], ctx: Mocha.Context): string[] {
    const names = [...new Set(ranges.map((r) => r.name))];
    if (way === 'eio') {
      fs().faults(eioRules(ranges));
      return ['--sector', String(SECTOR)];
    }
    const args: string[] = [];
    for (const name of names) {
      let map: string;
      if (way === 'ddrescue') {
        needDdrescue(ctx);
        fs().faults(eioRules(ranges));
        map = ddrescueMap(mnt(name), SECTOR);
        fs().faults([]);
        // real ddrescue found exactly the sectors we broke
        expect(mapBadRanges(map)).to.deep.equal(units(ranges.filter((r) => r.name === name)));
      } else {
        const size = readFileSync(join(fs().backing, name)).length;
        const bad = units(
          ranges.filter((r) => r.name === name),
          SECTOR,
          size,
        );
        const blocks: [number, number, string][] = [];
        let at = 0;
        for (const u of bad) {
          if (u.offset > at) blocks.push([at, u.offset - at, '+']);
          blocks.push([u.offset, u.length, '-']);
          at = u.offset + u.length;
        }
        if (at < size) blocks.push([at, size - at, '+']);
        map = writeMap(join(out, `${name}.hand.map`), blocks);
      }
      args.push('--map', `${mnt(name)}=${map}`);
    }
    return args;
  }

  /** `buf` with `lost` zeroed. */
  const zeroed = (buf: Buffer, lost: readonly Lost[]): Buffer => {
    const b = Buffer.from(buf);
    for (const l of lost) b.fill(0, l.offset, l.offset + l.length);
    return b;
  };

  /** The `-` blocks of an output map, and that it covers the output exactly. */
  function mapLost(path: string, size = SIZE): Lost[] {
    const text = readFileSync(path, 'utf8');
    const blocks = text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .slice(1)
      .map((l) => l.split(/\s+/));
    const end = blocks.reduce((at, [pos, len]) => {
      expect(Number(pos)).to.equal(at);
      return at + Number(len);
    }, 0);
    expect(end).to.equal(size);
    return blocks
      .filter((b) => b[2] === '-')
      .map(([pos, len]) => ({ offset: Number(pos), length: Number(len) }));
  }

  for (const engine of ENGINES) {
    describe(`engine ${engine}`, () => {
      const cli = (args: string[]) => raidtx(['--json', '--engine', engine, ...args]);
      /** recover-2data of d1 and d2 into o1 and o2, from d0, d3, P and Q on the faulty filesystem. */
      const recover2 = (flags: string[], o1: string, o2: string) =>
        cli(
          [
            'recover-2data',
            ...flags,
            '-P',
            mnt('p'),
            '-Q',
            mnt('q'),
            mnt('d0'),
            'missing',
            'missing',
            mnt('d3'),
          ].concat(['-o', o1, '-o', o2]),
        );

      // d0 loses a sector in the middle, Q six sectors and its partial last sector (bad sectors
      // are whole 512-byte sectors, as disks fail): with two members missing, each is beyond
      // RAID6's redundancy.
      const bad2: BadRange[] = [
        { name: 'd0', offset: 8192 + 512, length: 512 },
        { name: 'q', offset: 195 * 512, length: 6 * 512 },
        { name: 'q', offset: 601 * 512, length: SIZE - 601 * 512 },
      ];
      const lost2 = units(bad2);
      const results2: Record<string, { o1: Buffer; o2: Buffer; lost: unknown }> = {};
      for (const way of WAYS) {
        it(`recover-2data, damage from ${way}: lost sectors zero-filled, listed and mapped, the rest exact, exit 4`, async function () {
          const extra = damage(way, bad2, this);
          const o1 = join(out, 'd1.new');
          const o2 = join(out, 'd2.new');
          const r = await recover2(extra, o1, o2);
          expect(r.code, r.stderr).to.equal(4);
          const j = json(r);
          expect(j.ok).to.equal(false);
          expect(j.lost.map((l: Lost) => ({ offset: l.offset, length: l.length }))).to.deep.equal(lost2);
          expect(j.lost[0].members).to.deep.equal([mnt('d0')]);
          expect(j.lost[1].members).to.deep.equal([mnt('q')]);
          expect(j.recovered).to.deep.equal([]);
          const source = way === 'eio' ? 'eio' : 'map';
          expect(j.unreadable).to.deep.equal([
            { member: mnt('d0'), ...lost2[0], source },
            { member: mnt('q'), ...lost2[1], source },
            { member: mnt('q'), ...lost2[2], source },
          ]);
          const b1 = readFileSync(o1);
          const b2 = readFileSync(o2);
          expect(b1.equals(zeroed(data[1]!, lost2)), 'd1 exact but the lost sectors').to.equal(true);
          expect(b2.equals(zeroed(data[2]!, lost2)), 'd2 exact but the lost sectors').to.equal(true);
          expect(mapLost(`${o1}.map`)).to.deep.equal(lost2);
          expect(mapLost(`${o2}.map`)).to.deep.equal(lost2);
          const total = lost2.reduce((n, l) => n + l.length, 0);
          expect(r.stderr).to.include(`${total} bytes in 3 ranges could not be recovered (zero-filled)`);
          expect(r.stderr).to.include(`map of the lost ranges written to '${o1}.map'`);
          results2[way] = { o1: b1, o2: b2, lost: j.lost };
          if (way === 'hand') {
            expect(results2.eio?.o1.equals(b1)).to.equal(true);
            expect(results2.eio?.lost).to.deep.equal(j.lost);
            if (results2.ddrescue) expect(results2.ddrescue.o2.equals(b2)).to.equal(true);
          }
        });
      }

      it('recover-2data at the default 4096-byte sector: a read error costs its whole 4096-byte unit', async () => {
        fs().faults(eioRules([bad2[0]!]));
        const o1 = join(out, 'a');
        const o2 = join(out, 'b');
        const r = await recover2([], o1, o2);
        expect(r.code, r.stderr).to.equal(4);
        expect(json(r).lost).to.deep.equal([{ offset: 8192, length: 4096, members: [mnt('d0')] }]);
        expect(readFileSync(o1).equals(zeroed(data[1]!, [{ offset: 8192, length: 4096 }]))).to.equal(true);
      });

      const bad3: BadRange[] = [{ name: 'd3', offset: 78 * 512, length: 10 * 512 }];
      for (const way of ['eio', 'hand'] as Way[]) {
        it(`recover-datap --out-p, damage from ${way}: member and P lose the same sectors, both mapped, exit 4`, async function () {
          const extra = damage(way, bad3, this);
          const o = join(out, 'd1.new');
          const op = join(out, 'p.new');
          const r = await cli([
            'recover-datap',
            ...extra,
            '-Q',
            mnt('q'),
            mnt('d0'),
            'missing',
            mnt('d2'),
            mnt('d3'),
            '-o',
            o,
            '--out-p',
            op,
          ]);
          expect(r.code, r.stderr).to.equal(4);
          const lost = units(bad3);
          expect(json(r).lost).to.deep.equal([{ ...lost[0], members: [mnt('d3')] }]);
          expect(readFileSync(o).equals(zeroed(data[1]!, lost))).to.equal(true);
          expect(readFileSync(op).equals(zeroed(p, lost))).to.equal(true);
          expect(mapLost(`${o}.map`)).to.deep.equal(lost);
          expect(mapLost(`${op}.map`)).to.deep.equal(lost);
        });
      }

      it('recover-datap --map-out: the map of the single output goes there, none beside the output', async () => {
        fs().faults(eioRules(bad3));
        const o = join(out, 'd1.new');
        const mo = join(out, 'lost.map');
        const r = await cli(
          ['recover-datap', '--sector', '512', '--map-out', mo, '-Q', mnt('q')].concat([
            mnt('d0'),
            'missing',
            mnt('d2'),
            mnt('d3'),
            '-o',
            o,
          ]),
        );
        expect(r.code, r.stderr).to.equal(4);
        expect(mapLost(mo)).to.deep.equal(units(bad3));
        expect(existsSync(`${o}.map`)).to.equal(false);
        expect(r.stderr).to.include(`map of the lost ranges written to '${mo}'`);
      });

      it('a rerun that loses nothing removes the map raidtx left beside the output, and only such a map', async () => {
        const o = join(out, 'd1.new');
        const run = () =>
          cli(['recover-datap', '-Q', mnt('q'), mnt('d0'), 'missing', mnt('d2'), mnt('d3'), '-o', o]);
        fs().faults(eioRules(bad3));
        expect((await run()).code).to.equal(4);
        expect(existsSync(`${o}.map`)).to.equal(true);
        fs().faults([]);
        const r = await run();
        expect(r.code, r.stderr).to.equal(0);
        expect(existsSync(`${o}.map`)).to.equal(false);
        expect(r.stderr).to.include('removed the stale');
        writeFileSync(`${o}.map`, '# my own notes\n');
        expect((await run()).code).to.equal(0);
        expect(readFileSync(`${o}.map`, 'utf8')).to.equal('# my own notes\n');
      });

      it('recover-datap with a damaged member that is not needed past --length, and a healthy map: exact, exit 0, no map', async () => {
        const m = writeMap(join(out, 'all.map'), [
          [0, 200000, '+'],
          [200000, SIZE - 200000, '-'],
        ]);
        const o = join(out, 'd2.new');
        const r = await cli(
          ['--length', '150000', 'recover-datap', '--map', `${mnt('d3')}=${m}`].concat([
            '-Q',
            mnt('q'),
            mnt('d0'),
            mnt('d1'),
            'missing',
            mnt('d3'),
            '-o',
            o,
          ]),
        );
        expect(r.code, r.stderr).to.equal(0);
        const j = json(r);
        expect(j.ok).to.equal(true);
        expect(j).not.to.have.property('lost');
        expect(readFileSync(o).equals(data[2]!.subarray(0, 150000))).to.equal(true);
        expect(existsSync(`${o}.map`)).to.equal(false);
      });

      it('members with @OFFSET: map positions are file positions; lost ranges in member coordinates', async () => {
        // x0 = PREFIX junk bytes + d0; its map marks file bytes [PREFIX + 8192, PREFIX + 8192 + 1024) bad
        const m = writeMap(join(out, 'x0.map'), [
          [0, PREFIX + 8192, '+'],
          [PREFIX + 8192, 1024, '-'],
          [PREFIX + 9216, SIZE - 9216, '+'],
        ]);
        const o1 = join(out, 'a');
        const o2 = join(out, 'b');
        const x0 = `${mnt('x0')}@${PREFIX}`;
        const x3 = `${mnt('x3')}@${PREFIX}`;
        const r = await cli(
          ['recover-2data', '--map', `${mnt('x0')}=${m}`, '-P', mnt('p'), '-Q', mnt('q')].concat([
            x0,
            'missing',
            'missing',
            x3,
            '-o',
            o1,
            '-o',
            o2,
          ]),
        );
        expect(r.code, r.stderr).to.equal(4);
        const j = json(r);
        expect(j.lost).to.deep.equal([{ offset: 8192, length: 1024, members: [x0] }]);
        expect(j.unreadable).to.deep.equal([
          { member: x0, offset: PREFIX + 8192, length: 1024, source: 'map' },
        ]);
        expect(readFileSync(o1).equals(zeroed(data[1]!, [{ offset: 8192, length: 1024 }]))).to.equal(true);
        expect(mapLost(`${o1}.map`)).to.deep.equal([{ offset: 8192, length: 1024 }]);
      });

      it('--verify checks the stretches that had no damage and skips the lost ones: same output, exit 4', async () => {
        fs().faults(eioRules([bad2[0]!]));
        const o1 = join(out, 'a');
        const o2 = join(out, 'b');
        const r = await recover2(['--verify'], o1, o2);
        expect(r.code, r.stderr).to.equal(4);
        const lost = [{ offset: 8192, length: 4096 }];
        expect(readFileSync(o1).equals(zeroed(data[1]!, lost))).to.equal(true);
        expect(readFileSync(o2).equals(zeroed(data[2]!, lost))).to.equal(true);
      });

      it('--strict: a lost byte is exit 3, no output, no map, no temporary', async () => {
        fs().faults(eioRules([bad2[0]!]));
        const o1 = join(out, 'a');
        const o2 = join(out, 'b');
        const r = await recover2(['--strict'], o1, o2);
        expect(r.code, r.stderr).to.equal(3);
        expect(r.stderr).to.match(
          /4096 bytes at offset 8192 could not be recovered \(unreadable: '.*d0'\); --strict: nothing committed/,
        );
        expect(readdirSync(out)).to.deep.equal([]);
      });

      // pq-val: one data member unreadable is still checked by Q (rebuilt from P); where a parity
      // is unreadable too, nothing is left: unchecked.
      const badV: BadRange[] = [
        { name: 'd1', offset: 39 * 512, length: 40 * 512 },
        { name: 'p', offset: 70 * 512, length: 20 * 512 },
      ];
      for (const way of WAYS) {
        it(`pq-val, damage from ${way}: unreadable apart, the rest checked with the parity left, exit 4 for the unchecked`, async function () {
          const extra = damage(way, badV, this);
          const r = await cli([
            'pq-val',
            ...extra,
            '-P',
            mnt('p'),
            '-Q',
            mnt('q'),
            ...[0, 1, 2, 3].map((i) => mnt(`d${i}`)),
          ]);
          expect(r.code, r.stderr).to.equal(4);
          const j = json(r);
          const [u1, up] = units(badV);
          expect(j.mismatches).to.deep.equal([]);
          expect(
            j.unreadable.map((u: Lost & { member: string }) => [u.member, u.offset, u.length]),
          ).to.deep.equal([
            [mnt('d1'), u1!.offset, u1!.length],
            [mnt('p'), up!.offset, up!.length],
          ]);
          const overlap = { offset: up!.offset, length: u1!.offset + u1!.length - up!.offset };
          expect(j.unchecked).to.deep.equal([{ ...overlap, members: [mnt('d1'), mnt('p')] }]);
          expect(r.stderr).to.include(`${overlap.length} bytes in 1 ranges could not be checked`);
        });
      }

      it('pq-val: corruption where a data member is unreadable is still found (via Q), exit 1; granules keep their grid', async () => {
        const dir = join(fs().backing, `c-${engine}`);
        mkdirSync(dir, { recursive: true });
        const names = ['d0', 'd1', 'd2', 'd3', 'p', 'q'];
        names.forEach((n) => writeFileSync(join(dir, n), readFileSync(join(fs().backing, n))));
        flipByte(join(dir, 'd2'), 25000); // where d1 is unreadable
        flipByte(join(dir, 'd2'), 41000); // just after it
        const m = (n: string) => join(fs().mnt, `c-${engine}`, n);
        fs().faults([`eiorange /c-${engine}/d1 ${39 * 512} ${40 * 512}`]);
        const r = await cli([
          'pq-val',
          '--sector',
          '512',
          '-P',
          m('p'),
          '-Q',
          m('q'),
          m('d0'),
          m('d1'),
          m('d2'),
          m('d3'),
        ]);
        expect(r.code, r.stderr).to.equal(1);
        const j = json(r);
        expect(j.mismatches).to.deep.equal([
          { offset: 24576, length: 4096, p: false, q: true, suspect: { role: 'unknown' } },
          { offset: 40960, length: 4096, p: true, q: true, suspect: { role: 'data', index: 2 } },
        ]);
        expect(j.unchecked).to.deep.equal([]);
        expect(j.unreadable).to.deep.equal([
          { member: m('d1'), offset: 39 * 512, length: 40 * 512, source: 'eio' },
        ]);
      });

      it('pq-val with P unreadable alone checks Q (exit 0); healthy output unchanged', async () => {
        fs().faults(eioRules([{ name: 'p', offset: 0, length: 5000 }]));
        const members = [0, 1, 2, 3].map((i) => mnt(`d${i}`));
        const r = await cli(['pq-val', '-P', mnt('p'), '-Q', mnt('q'), ...members]);
        expect(r.code, r.stderr).to.equal(0);
        expect(json(r).unchecked).to.deep.equal([]);
        fs().faults([]);
        const h = await cli(['pq-val', '-P', mnt('p'), '-Q', mnt('q'), ...members]);
        expect(h.code).to.equal(0);
        expect(Object.keys(json(h))).to.deep.equal([
          'command',
          'ok',
          'bytes',
          'granularity',
          'engine',
          'mismatches',
          'mismatchCount',
        ]);
        expect(h.stderr).to.equal('');
      });

      it('pq-val with only -P: an unreadable data member leaves nothing to check there (exit 4)', async () => {
        fs().faults(eioRules([{ name: 'd3', offset: 8192, length: 4096 }]));
        const r = await cli(['pq-val', '-P', mnt('p'), ...[0, 1, 2, 3].map((i) => mnt(`d${i}`))]);
        expect(r.code, r.stderr).to.equal(4);
        expect(json(r).unchecked).to.deep.equal([{ offset: 8192, length: 4096, members: [mnt('d3')] }]);
      });

      for (const way of ['eio', 'ddrescue'] as Way[]) {
        it(`xor-val, damage from ${way}: unreadable ranges unchecked, not mismatches, exit 4`, async function () {
          const bad: BadRange[] = [{ name: 'd2', offset: 4096 * 3 + 512, length: 512 }];
          const extra = damage(way, bad, this);
          const r = await cli(['xor-val', ...extra, ...[0, 1, 2, 3].map((i) => mnt(`d${i}`)), mnt('p')]);
          expect(r.code, r.stderr).to.equal(4);
          const j = json(r);
          expect(j.mismatches).to.deep.equal([]);
          expect(j.unchecked).to.deep.equal([{ ...units(bad)[0], members: [mnt('d2')] }]);
          const s = await cli([
            'xor-val',
            '--strict',
            ...extra,
            ...[0, 1, 2, 3].map((i) => mnt(`d${i}`)),
            mnt('p'),
          ]);
          expect(s.code, s.stderr).to.equal(3);
        });
      }
    });
  }

  describe('an output that is a block device', () => {
    let dev = '';
    before(function () {
      const f = join(tmp('raidtx-damage-dev-'), 'target');
      writeFileSync(f, Buffer.alloc(Math.ceil(SIZE / 512) * 512, 0x77)); // loop devices count whole sectors
      try {
        dev = execFileSync('losetup', ['-f', '--show', f], { encoding: 'utf8' }).trim();
      } catch (err) {
        lacking(this, `losetup unavailable here (${(err as Error).message.split('\n')[0]})`);
      }
    });
    after(() => {
      if (dev) execFileSync('losetup', ['-d', dev]);
    });

    it('gets no map beside it (stderr says so) unless --map-out names one; the device holds the result', async () => {
      const m = writeMap(join(out, 'd3.map'), [
        [0, 8192, '+'],
        [8192, 512, '-'],
        [8704, SIZE - 8704, '+'],
      ]);
      const args = ['recover-datap', '--force', '--map', `${mnt('d3')}=${m}`, '-Q', mnt('q')].concat([
        mnt('d0'),
        'missing',
        mnt('d2'),
        mnt('d3'),
        '-o',
        dev,
      ]);
      const r = await raidtx(args);
      expect(r.code, r.stderr).to.equal(4);
      expect(r.stderr).to.include(`no map written for '${dev}' (a block device); use --map-out`);
      expect(existsSync(`${dev}.map`)).to.equal(false);
      const lost = [{ offset: 8192, length: 512 }];
      const got = Buffer.alloc(SIZE);
      const fd = openSync(dev, 'r');
      readSync(fd, got, 0, SIZE, 0);
      closeSync(fd);
      expect(got.equals(zeroed(data[1]!, lost))).to.equal(true);
      const mo = join(out, 'dev.map');
      const r2 = await raidtx([...args, '--map-out', mo]);
      expect(r2.code, r2.stderr).to.equal(4);
      expect(mapLost(mo)).to.deep.equal(lost);
    });
  });

  describe('bad damage options: exit 2, nothing written', () => {
    const args = (o1: string, o2: string) =>
      ['-P', mnt('p'), '-Q', mnt('q'), mnt('d0'), 'missing', 'missing', mnt('d3')].concat([
        '-o',
        o1,
        '-o',
        o2,
      ]);
    async function refused(extra: string[], message: RegExp): Promise<void> {
      const r = await raidtx(['recover-2data', ...extra, ...args(join(out, 'a'), join(out, 'b'))]);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(message);
      expect(r.stderr).not.to.match(/^\s+at /m);
      expect(readdirSync(out).filter((n) => !n.endsWith('.bad'))).to.deep.equal([]);
    }

    it('a malformed map names file and line', async () => {
      const m = join(out, 'm.bad');
      writeFileSync(m, '# ddrescue\n0 +\n0 1000 +\n900 5000 -\n');
      await refused(
        ['--map', `${mnt('d0')}=${m}`],
        /map '.*m\.bad' line 4: block at 900 overlaps the previous one/,
      );
    });

    it('a map for no member, two maps for one member, a bad --sector, --map-out with two outputs', async () => {
      const m = join(out, 'ok.bad');
      writeFileSync(m, `0 +\n0 ${SIZE} +\n`);
      await refused(['--map', `${mnt('d1')}=${m}`], /--map: '.*d1' is not a member/);
      await refused(['--map', `${mnt('d0')}=${m}`, '--map', `${mnt('d0')}=${m}`], /two maps for member/);
      await refused(['--sector', '1000'], /--sector: 4096 or 512, got 1000/);
      await refused(['--retries', 'x'], /--retries/);
      await refused(['--map-out', join(out, 'x.bad')], /--map-out: only for a single output/);
    });
  });

  it('refXor sanity: the xor-val set is consistent', () => {
    expect(refXor([...data, p], SIZE).equals(Buffer.alloc(SIZE))).to.equal(true);
  });
});
