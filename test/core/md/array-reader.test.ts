// The on-demand array reader (md serve's backend) against truth.img of kernel-made arrays: random
// and boundary-crossing ranges, complete and degraded, a bounded window cache, and lost ranges
// reported exactly (never invented bytes) when more members are missing than the level tolerates.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { addDamage } from '../../../src/core/damage/damage.js';
import { clip, type Extent, normalize } from '../../../src/core/damage/extents.js';
import { UsageError } from '../../../src/core/errors.js';
import type { MemberSpec } from '../../../src/core/io/member.js';
import { assembleArray, closeArray, type MdArray } from '../../../src/core/md/array.js';
import { createArrayReader } from '../../../src/core/md/array-reader.js';
import { dataChunksPerStripe, mapArrayOffset } from '../../../src/core/md/layout.js';
import { serveArray } from '../../../src/core/md/serve.js';
import { geometry, membersOf } from '../../helpers/md-cli.js';
import { leftSymmetric } from '../../helpers/md-damage.js';
import { eachFixture, type Fixture, fixtureNamed } from '../../helpers/md-fixtures.js';
import { Prng } from '../../helpers/prng.js';

const spec = (path: string): MemberSpec => ({ kind: 'path', spec: path, path, offset: 0 });

function open(fx: Fixture, leaveOut: number[]): Promise<MdArray> {
  const paths = membersOf(fx).filter((_, s) => !leaveOut.includes(s));
  return assembleArray(paths.map(spec), { explicit: {}, includeStale: false, offset: 0 });
}

describe('md array reader (on demand, kernel-made arrays)', function () {
  this.timeout(120000);

  eachFixture((fx) => {
    const g = geometry(fx);
    const n = g.raidDisks;
    const cases: [string, number[]][] = [
      ['complete', []],
      [`slot(s) ${g.level === 6 ? `1,${n - 2}` : '2'} missing`, g.level === 6 ? [1, n - 2] : [2]],
    ];
    for (const [what, leaveOut] of cases) {
      it(`${fx.name} ${what}: random, unaligned and boundary-crossing ranges equal truth.img`, async () => {
        const truth = readFileSync(join(fx.dir, 'truth.img'));
        const a = await open(fx, leaveOut);
        try {
          const reader = createArrayReader(a, { cacheBytes: 1024 * 1024 });
          expect(reader.size).to.equal(truth.length);
          const rnd = new Prng(0x5e17e + n);
          const stripe = dataChunksPerStripe(g) * g.chunk;
          const ranges: [number, number][] = [
            [0, 1],
            [truth.length - 1, 1],
            [g.chunk - 3, 7],
            [stripe - 4096, 8192],
            [0, Math.min(truth.length, 3 * stripe + 12345)],
          ];
          for (let i = 0; i < 40; i++) {
            const len = 1 + rnd.int(i % 4 === 0 ? 4 * stripe : 9000);
            ranges.push([rnd.int(truth.length - Math.min(len, truth.length - 1)), len]);
          }
          for (const [off, len0] of ranges) {
            const len = Math.min(len0, truth.length - off);
            const buf = Buffer.alloc(len);
            const lost = await reader.read(buf, off, len);
            expect(lost, `${off}+${len}`).to.deep.equal([]);
            expect(buf.equals(truth.subarray(off, off + len)), `${off}+${len}`).to.equal(true);
          }
          // the whole array, in 1 MiB reads issued together
          const all = Buffer.alloc(truth.length);
          const step = 1024 * 1024;
          const jobs = [];
          for (let off = 0; off < truth.length; off += step) {
            const len = Math.min(step, truth.length - off);
            jobs.push(reader.read(all.subarray(off, off + len), off, len));
          }
          expect((await Promise.all(jobs)).flat()).to.deep.equal([]);
          expect(all.equals(truth)).to.equal(true);
          const st = reader.stats();
          expect(st.cachedBytes).to.be.at.most(Math.max(1024 * 1024, 2 * dataChunksPerStripe(g) * 65536));
          if (leaveOut.length === 0) expect(st.windowsLoaded).to.equal(0);
          else expect(st.windowsLoaded).to.be.greaterThan(0);
        } finally {
          await closeArray(a);
        }
      });
    }
  });

  it('rejects ranges outside the array', async () => {
    const fx = fixtureNamed('i-r5');
    if (!fx) return;
    const a = await open(fx, []);
    try {
      const r = createArrayReader(a);
      for (const [off, len] of [
        [r.size, 1],
        [-1, 1],
        [0, r.size + 1],
        [0.5, 1],
      ] as [number, number][]) {
        let err: unknown;
        await r.read(Buffer.alloc(2), off, len).catch((e) => {
          err = e;
        });
        expect(err, `${off}+${len}`).to.be.instanceOf(RangeError);
      }
    } finally {
      await closeArray(a);
    }
  });

  it('RAID5 with two members missing: exactly the chunks on them are lost (zeros), the rest is read', async () => {
    const fx = fixtureNamed('i-r5');
    if (!fx) return;
    const truth = readFileSync(join(fx.dir, 'truth.img'));
    const g = geometry(fx);
    const gone = [0, 2];
    const a = await open(fx, gone);
    try {
      const reader = createArrayReader(a);
      // the expected lost ranges, chunk by chunk from the layout
      const expected: { offset: number; length: number }[] = [];
      for (let x = 0; x < truth.length; x += g.chunk) {
        if (!gone.includes(mapArrayOffset(g, x).slot)) continue;
        const last = expected.at(-1);
        if (last && last.offset + last.length === x) last.length += g.chunk;
        else expected.push({ offset: x, length: g.chunk });
      }
      expect(expected.length).to.be.greaterThan(0);
      const buf = Buffer.alloc(truth.length, 0xee);
      const lost = await reader.read(buf, 0, truth.length);
      expect(lost).to.deep.equal(expected);
      const want = Buffer.from(truth);
      for (const r of expected) want.fill(0, r.offset, r.offset + r.length);
      expect(buf.equals(want)).to.equal(true);
      // an unaligned read across a lost chunk's edge reports only the lost part
      const first = expected.find((r) => r.offset > 0)!;
      const part = Buffer.alloc(100);
      expect(await reader.read(part, first.offset - 40, 100)).to.deep.equal([
        { offset: first.offset, length: 60 },
      ]);
      expect(part.subarray(0, 40).equals(truth.subarray(first.offset - 40, first.offset))).to.equal(true);
      // md serve refuses such an array up front, as export does (exit 2)
      let err: unknown;
      await serveArray(a, {
        target: { kind: 'unix', path: '/nonexistent/x' },
        signal: new AbortController().signal,
      }).catch((e) => {
        err = e;
      });
      expect(err).to.be.instanceOf(UsageError);
      expect(String(err)).to.contain('tolerates 1');
    } finally {
      await closeArray(a);
    }
  });

  for (const [prefix, leaveOut] of [
    ['i-r5-4d-64k-ls', 1],
    ['a-r6-5d-64k-ls', 0],
  ] as const) {
    const fx = fixtureNamed(prefix);
    if (!fx) continue;
    it(`${fx.name}, slot ${leaveOut} missing, unreadable ranges on slot 2: RAID5 reports exactly the bytes beyond repair (zeros), RAID6 rebuilds all`, async () => {
      const truth = readFileSync(join(fx.dir, 'truth.img'));
      const g = geometry(fx);
      const n = g.raidDisks;
      const C = g.chunk;
      const m = dataChunksPerStripe(g);
      const a = await open(fx, [leaveOut]);
      try {
        const member = a.bySlot[2]!;
        const DO = member.dataOffset;
        // unaligned to the windows: within a chunk, across a 4 KiB window edge, a lone sector
        const bad: Extent[] = [
          { offset: 2 * C + 4096, length: 4096 },
          { offset: 5 * C + 3 * 4096 - 512, length: 1024 },
          { offset: 8 * C + 10240, length: 512 },
        ];
        for (const b of bad)
          addDamage(member.input.damage!, {
            offset: member.input.start + DO + b.offset,
            length: b.length,
            source: 'map',
          });
        const lostAll =
          g.level === 6
            ? []
            : normalize(
                bad.flatMap((b) => {
                  const s = Math.floor(b.offset / C);
                  const lay = leftSymmetric(5, n, s);
                  return [leaveOut, 2]
                    .filter((x) => lay.data.includes(x))
                    .map((x) => ({
                      offset: (s * m + lay.data.indexOf(x)) * C + (b.offset % C),
                      length: b.length,
                    }));
                }),
              );
        if (g.level === 5) expect(lostAll.length).to.equal(4);
        const want = Buffer.from(truth);
        for (const l of lostAll) want.fill(0, l.offset, l.offset + l.length);
        const reader = createArrayReader(a, { cacheBytes: 1024 * 1024, window: 4096 });
        const rnd = new Prng(0xdead + n);
        const ranges: [number, number][] = [[0, truth.length]];
        for (const l of lostAll) ranges.push([l.offset - 3, l.length + 6], [l.offset + 1, 1]);
        for (let i = 0; i < 60; i++) {
          const len = 1 + rnd.int(i % 3 === 0 ? 3 * m * C : 9000);
          ranges.push([rnd.int(truth.length - len), len]);
        }
        for (const [off, len] of ranges) {
          const buf = Buffer.alloc(len, 0xee);
          const lost = await reader.read(buf, off, len);
          const expected = clip(lostAll, off, off + len).map((e) => ({
            offset: e.offset + off,
            length: e.length,
          }));
          expect(lost, `${off}+${len}`).to.deep.equal(expected);
          expect(buf.equals(want.subarray(off, off + len)), `${off}+${len}`).to.equal(true);
        }
      } finally {
        await closeArray(a);
      }
    });
  }
});
