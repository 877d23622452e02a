// Property-based tests (fast-check): random member counts, sizes, offsets, flags and failure pairs.
// Every engine configuration gives the same bytes, and recovery round-trips.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  AsyncTxFlags,
  asyncGenSyndrome,
  asyncMemcpy,
  asyncRaid6DatapRecov,
  asyncRaid62DataRecov,
  asyncSyndromeVal,
  asyncXor,
  asyncXorVal,
  DmaStatus,
  dmaWaitForAsyncTx,
  initAsyncSubmit,
  SumCheckFlags,
  type Tx,
} from '../../src/index.js';
import { lacking } from '../helpers/prereq.js';
import { prng } from '../helpers/prng.js';
import { refPQ, refXor } from '../helpers/reference.js';
import { type EngineConfig, engineConfigs } from './fixtures.js';

const RUNS = Number(process.env.RAIDTX_FC_RUNS ?? 60);

const stripe = fc
  .record({
    n: fc.integer({ min: 2, max: 40 }),
    len: fc.oneof(fc.integer({ min: 0, max: 70 }), fc.integer({ min: 0, max: 5000 })),
    offset: fc.integer({ min: 0, max: 17 }),
    seed: fc.integer({ min: 1, max: 0x7fffffff }),
    zeroMask: fc.integer({ min: 0, max: 0xffff }),
    xorDst: fc.boolean(),
  })
  .chain((s) =>
    fc.record({
      s: fc.constant(s),
      a: fc.integer({ min: 0, max: s.n - 1 }),
      b: fc.integer({ min: 0, max: s.n - 1 }),
    }),
  );

/** Waits for a descriptor and insists that it completed (an engine refusing the op fails the case). */
async function done(tx: Tx | null): Promise<void> {
  const status = await dmaWaitForAsyncTx(tx);
  expect(status, tx?.error?.message).to.equal(DmaStatus.COMPLETE);
}

const usable = engineConfigs().filter((c) => !c.unavailable);

/** Runs `fn` under every usable engine configuration and returns each one's result. */
async function underEach<T>(fn: () => Promise<T>): Promise<{ cfg: EngineConfig; out: T }[]> {
  const res = [];
  for (const cfg of usable) {
    cfg.setup();
    try {
      res.push({ cfg, out: await fn() });
    } finally {
      cfg.teardown();
    }
  }
  return res;
}

describe('properties across engines (fast-check)', () => {
  it('every engine configuration is available to compare', function () {
    const missing = engineConfigs().filter((c) => c.unavailable);
    if (missing.length > 0) lacking(this, missing.map((c) => `${c.name}: ${c.unavailable}`).join('; '));
  });

  it(`gen_syndrome (with PQ_XOR_DST, null members, offsets) agrees on every engine; recovery round-trips`, async () => {
    await fc.assert(
      fc.asyncProperty(stripe, async ({ s, a, b }) => {
        const { n, len, offset, seed, zeroMask, xorDst } = s;
        const total = offset + len;
        const g = prng(seed);
        const data = Array.from({ length: n }, (_, i) =>
          (zeroMask >> i) & 1 && i % 3 === 0 ? null : g.bytes(total),
        );
        const p0 = g.bytes(total);
        const q0 = g.bytes(total);
        const results = await underEach(async () => {
          const p = Buffer.from(p0);
          const q = Buffer.from(q0);
          const flags = xorDst ? AsyncTxFlags.PQ_XOR_DST : 0;
          await done(asyncGenSyndrome([...data, p, q], offset, n + 2, len, initAsyncSubmit(flags)));
          const x = Buffer.alloc(total);
          const srcs = data.map((d) => d ?? Buffer.alloc(total));
          if (n >= 2)
            await done(asyncXor(x, srcs, offset, n, len, initAsyncSubmit(AsyncTxFlags.XOR_ZERO_DST)));
          return { p, q, x };
        });
        // the reference: bytes before `offset` untouched; P/Q (xored into the old ones with PQ_XOR_DST)
        const want = refPQ(
          data.map((d) => d?.subarray(offset) ?? null),
          len,
        );
        const wantP = Buffer.concat([
          p0.subarray(0, offset),
          xorDst ? refXor([p0.subarray(offset), want.p], len) : want.p,
        ]);
        const wantQ = Buffer.concat([
          q0.subarray(0, offset),
          xorDst ? refXor([q0.subarray(offset), want.q], len) : want.q,
        ]);
        const wantX = Buffer.concat([Buffer.alloc(offset), want.p]);
        const ref = results[0]!.out;
        for (const { cfg, out } of results) {
          expect(out.p.equals(wantP), `P against the reference on ${cfg.name}`).to.equal(true);
          expect(out.q.equals(wantQ), `Q against the reference on ${cfg.name}`).to.equal(true);
          expect(out.x.equals(wantX), `xor against the reference on ${cfg.name}`).to.equal(true);
          expect(out.p.equals(ref.p), `P on ${cfg.name}`).to.equal(true);
          expect(out.q.equals(ref.q), `Q on ${cfg.name}`).to.equal(true);
          expect(out.x.equals(ref.x), `xor on ${cfg.name}`).to.equal(true);
        }
        if (xorDst) return;
        // recovery of (a, b) — or of a with P when a == b — gives the data back on every engine
        const full = data.map((d) => d ?? Buffer.alloc(total));
        const rec = await underEach(async () => {
          const blocks: Buffer[] = [
            ...full.map((d) => Buffer.from(d)),
            Buffer.from(ref.p),
            Buffer.from(ref.q),
          ];
          blocks[a]!.fill(0xee);
          if (a === b) {
            blocks[n]!.fill(0x11);
            await done(asyncRaid6DatapRecov(n + 2, total, a, blocks, initAsyncSubmit()));
          } else {
            blocks[b]!.fill(0x22);
            await done(asyncRaid62DataRecov(n + 2, total, a, b, blocks, initAsyncSubmit()));
          }
          const pqres = { value: -1 };
          await done(asyncSyndromeVal(blocks, offset, n + 2, len, pqres, initAsyncSubmit()));
          return { blocks, pq: pqres.value };
        });
        for (const { cfg, out } of rec) {
          // bytes before `offset` were never covered by P/Q, so only [offset, total) must round-trip
          expect(
            out.blocks[a]!.subarray(offset).equals(full[a]!.subarray(offset)),
            `D${a} on ${cfg.name}`,
          ).to.equal(true);
          expect(
            out.blocks[b]!.subarray(offset).equals(full[b]!.subarray(offset)),
            `D${b} on ${cfg.name}`,
          ).to.equal(true);
          expect(out.pq, `syndrome_val after recovery on ${cfg.name}`).to.equal(0);
        }
      }),
      { numRuns: RUNS },
    );
  });
  it('xor_val and syndrome_val report the same per-granule flags and suspects on every engine', async () => {
    const corruption = fc.record({
      target: fc.integer({ min: 0, max: 41 }),
      pos: fc.nat(),
      byte: fc.integer({ min: 1, max: 255 }),
    });
    const valCase = fc.record({
      n: fc.integer({ min: 2, max: 40 }),
      len: fc.oneof(fc.integer({ min: 1, max: 70 }), fc.integer({ min: 1, max: 5000 })),
      granularity: fc.oneof(fc.integer({ min: 1, max: 64 }), fc.integer({ min: 1, max: 6000 })),
      seed: fc.integer({ min: 1, max: 0x7fffffff }),
      corruptions: fc.array(corruption, { maxLength: 4 }),
    });
    await fc.assert(
      fc.asyncProperty(valCase, async ({ n, len, granularity, seed, corruptions }) => {
        const gen = prng(seed);
        const data = Array.from({ length: n }, () => gen.bytes(len));
        const p = Buffer.alloc(len);
        const q = Buffer.alloc(len);
        await done(asyncGenSyndrome([...data, p, q], 0, n + 2, len, initAsyncSubmit()));
        const blocks = [...data, p, q];
        // target n is P, n + 1 is Q; larger targets fold back onto the data members
        for (const c of corruptions) blocks[c.target % (n + 2)]![c.pos % len]! ^= c.byte;
        const count = Math.ceil(len / granularity);
        const results = await underEach(async () => {
          const xorRes = { value: -1 };
          const xorFlags = new Uint8Array(count);
          const srcs = [...blocks.slice(0, n + 1)] as Buffer[];
          await done(
            asyncXorVal(null, srcs, 0, n + 1, len, xorRes, initAsyncSubmit(), {
              granularity,
              flags: xorFlags,
            }),
          );
          const pqRes = { value: -1 };
          const flags = new Uint8Array(count);
          const suspect = new Int32Array(count);
          await done(
            asyncSyndromeVal(blocks, 0, n + 2, len, pqRes, initAsyncSubmit(), {
              granularity,
              flags,
              suspect,
            }),
          );
          return { xor: xorRes.value, xorFlags, pq: pqRes.value, flags, suspect };
        });
        // the reference flags per granule, from the corrupted blocks
        const now = refPQ(blocks.slice(0, n), len);
        const xorNow = refXor(blocks.slice(0, n + 1), len);
        const differs = (a: Buffer, b: Buffer, i: number) =>
          !a
            .subarray(i * granularity, (i + 1) * granularity)
            .equals(b.subarray(i * granularity, (i + 1) * granularity));
        const wantFlags = Array.from(
          { length: count },
          (_, i) =>
            (differs(now.p, blocks[n]!, i) ? SumCheckFlags.P_RESULT : 0) |
            (differs(now.q, blocks[n + 1]!, i) ? SumCheckFlags.Q_RESULT : 0),
        );
        const wantXorFlags = Array.from({ length: count }, (_, i) =>
          differs(xorNow, Buffer.alloc(len), i) ? 1 : 0,
        );
        const ref = results[0]!.out;
        expect([...ref.flags], 'syndrome_val flags against the reference').to.deep.equal(wantFlags);
        expect(ref.pq, 'syndrome_val result against the reference').to.equal(
          wantFlags.reduce((a, b) => a | b, 0),
        );
        expect([...ref.xorFlags], 'xor_val flags against the reference').to.deep.equal(wantXorFlags);
        expect(ref.xor !== 0, 'xor_val result against the reference').to.equal(wantXorFlags.includes(1));
        for (const { cfg, out } of results) {
          expect(out.xor, `xor_val result on ${cfg.name}`).to.equal(ref.xor);
          expect([...out.xorFlags], `xor_val flags on ${cfg.name}`).to.deep.equal([...ref.xorFlags]);
          expect(out.pq, `syndrome_val result on ${cfg.name}`).to.equal(ref.pq);
          expect([...out.flags], `syndrome_val flags on ${cfg.name}`).to.deep.equal([...ref.flags]);
          expect([...out.suspect], `syndrome_val suspects on ${cfg.name}`).to.deep.equal([...ref.suspect]);
        }
        // one corrupted data byte: its granule names that member, with both P and Q differing
        if (corruptions.length === 1 && corruptions[0]!.target % (n + 2) < n) {
          const c = corruptions[0]!;
          const g = Math.floor((c.pos % len) / granularity);
          expect(ref.flags[g]).to.equal(SumCheckFlags.P_RESULT | SumCheckFlags.Q_RESULT);
          expect(ref.suspect[g]).to.equal(c.target % (n + 2));
          expect(ref.xorFlags[g]).to.equal(1);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('memcpy between overlapping views of one buffer moves like copyWithin on every engine', async () => {
    const overlap = fc.record({
      size: fc.integer({ min: 1, max: 5000 }),
      seed: fc.integer({ min: 1, max: 0x7fffffff }),
      a: fc.nat(),
      b: fc.nat(),
      l: fc.nat(),
    });
    await fc.assert(
      fc.asyncProperty(overlap, async ({ size, seed, a, b, l }) => {
        const srcOffset = a % size;
        const destOffset = b % size;
        const len = l % (size - Math.max(srcOffset, destOffset) + 1);
        const original = prng(seed).bytes(size);
        const expected = Buffer.from(original).copyWithin(destOffset, srcOffset, srcOffset + len);
        const results = await underEach(async () => {
          const buf = Buffer.from(original);
          await done(asyncMemcpy(buf, buf, destOffset, srcOffset, len, initAsyncSubmit()));
          return buf;
        });
        for (const { cfg, out } of results)
          expect(out.equals(expected), `memcpy on ${cfg.name}`).to.equal(true);
      }),
      { numRuns: RUNS },
    );
  });
});
