// Property-based tests (fast-check): random member counts, sizes, offsets, flags and failure pairs.
// Every engine configuration gives the same bytes, and recovery round-trips.
import { expect } from 'chai';
import fc from 'fast-check';
import {
  AsyncTxFlags,
  asyncGenSyndrome,
  asyncRaid6DatapRecov,
  asyncRaid62DataRecov,
  asyncSyndromeVal,
  asyncXor,
  DmaStatus,
  dmaWaitForAsyncTx,
  initAsyncSubmit,
  type Tx,
} from '../../src/index.js';
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

function bytes(seed: number, n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

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
  it(`gen_syndrome (with PQ_XOR_DST, null members, offsets) agrees on every engine; recovery round-trips`, async () => {
    await fc.assert(
      fc.asyncProperty(stripe, async ({ s, a, b }) => {
        const { n, len, offset, seed, zeroMask, xorDst } = s;
        const total = offset + len;
        const data = Array.from({ length: n }, (_, i) =>
          (zeroMask >> i) & 1 && i % 3 === 0 ? null : bytes(seed + i, total),
        );
        const results = await underEach(async () => {
          const p = bytes(seed ^ 0x55, total);
          const q = bytes(seed ^ 0xaa, total);
          const flags = xorDst ? AsyncTxFlags.PQ_XOR_DST : 0;
          await done(asyncGenSyndrome([...data, p, q], offset, n + 2, len, initAsyncSubmit(flags)));
          const x = Buffer.alloc(total);
          const srcs = data.map((d) => d ?? Buffer.alloc(total));
          if (n >= 2)
            await done(asyncXor(x, srcs, offset, n, len, initAsyncSubmit(AsyncTxFlags.XOR_ZERO_DST)));
          return { p, q, x };
        });
        const ref = results[0]!.out;
        for (const { cfg, out } of results) {
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
});
