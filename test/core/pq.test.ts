import { expect } from 'chai';
import {
  AsyncTxFlags,
  asyncGenSyndrome,
  asyncSyndromeVal,
  asyncXorVal,
  dmaWaitForAsyncTx,
  initAsyncSubmit,
  SumCheckFlags,
  Suspect,
} from '../../src/index.js';
import { prng } from '../helpers/prng.js';
import { refPQ } from '../helpers/reference.js';
import { forEachEngine, viewAt } from './fixtures.js';

const SIZES = [0, 1, 3, 63, 64, 65, 4095, 4097];
const COUNTS = [2, 3, 4, 5, 8, 17, 32, 253];

forEachEngine(() => {
  describe('gen_syndrome', () => {
    for (const n of COUNTS) {
      for (const len of SIZES) {
        if (n === 253 && len > 65) continue;
        it(`${n} data members x ${len} bytes, unaligned views, matches the definition`, async () => {
          const rand = prng(n * 10007 + len);
          const data = Array.from({ length: n }, (_, i) => viewAt(rand.bytes(len), (i * 3) % 8));
          const p = viewAt(new Uint8Array(len), 5);
          const q = viewAt(new Uint8Array(len), 2);
          await dmaWaitForAsyncTx(asyncGenSyndrome([...data, p, q], 0, n + 2, len, initAsyncSubmit()));
          const expP = new Uint8Array(len);
          for (const d of data) for (let k = 0; k < len; k++) expP[k]! ^= d[k]!;
          expect(Buffer.from(p).equals(Buffer.from(expP)), 'P').to.equal(true);
          expect(Buffer.from(q).equals(refPQ(data, len).q), 'Q').to.equal(true);
        });
      }
    }

    it('honours the offset argument in every block and leaves bytes outside alone', async () => {
      const rand = prng(99);
      const len = 777;
      const off = 13;
      const data = [rand.bytes(off + len + 9), rand.bytes(off + len + 9), rand.bytes(off + len + 9)];
      const p = Buffer.alloc(off + len + 9, 0xcc);
      const q = Buffer.alloc(off + len + 9, 0xdd);
      await dmaWaitForAsyncTx(asyncGenSyndrome([...data, p, q], off, 5, len, initAsyncSubmit()));
      expect(p.subarray(0, off).every((b) => b === 0xcc)).to.equal(true);
      expect(q.subarray(off + len).every((b) => b === 0xdd)).to.equal(true);
      const views = data.map((d) => d.subarray(off, off + len));
      expect(q.subarray(off, off + len).equals(refPQ(views, len).q)).to.equal(true);
    });

    it('null data blocks count as zeros at their index; P-only and Q-only', async () => {
      const rand = prng(5);
      const len = 300;
      const data: (Buffer | null)[] = [rand.bytes(len), null, rand.bytes(len), null, rand.bytes(len)];
      const q = Buffer.alloc(len);
      await dmaWaitForAsyncTx(asyncGenSyndrome([...data, null, q], 0, 7, len, initAsyncSubmit()));
      expect(q.equals(refPQ(data, len).q)).to.equal(true);
      const p = Buffer.alloc(len);
      await dmaWaitForAsyncTx(asyncGenSyndrome([...data, p, null], 0, 7, len, initAsyncSubmit()));
      expect(p.equals(Buffer.from(data[0]!.map((b, k) => b ^ data[2]![k]! ^ data[4]![k]!)))).to.equal(true);
    });

    it('PQ_XOR_DST read-modify-write equals a full regeneration', async () => {
      const rand = prng(11);
      const len = 4097;
      const n = 9;
      const data = Array.from({ length: n }, () => rand.bytes(len));
      const p = Buffer.alloc(len);
      const q = Buffer.alloc(len);
      await dmaWaitForAsyncTx(asyncGenSyndrome([...data, p, q], 0, n + 2, len, initAsyncSubmit()));
      // rewrite members 2 and 6: remove the old contribution, add the new one (md's rmw path)
      const fresh = [rand.bytes(len), rand.bytes(len)];
      const delta: (Buffer | null)[] = data.map(() => null);
      delta[2] = Buffer.from(data[2]!.map((b, k) => b ^ fresh[0]![k]!));
      delta[6] = Buffer.from(data[6]!.map((b, k) => b ^ fresh[1]![k]!));
      await dmaWaitForAsyncTx(
        asyncGenSyndrome([...delta, p, q], 0, n + 2, len, initAsyncSubmit(AsyncTxFlags.PQ_XOR_DST)),
      );
      data[2] = fresh[0]!;
      data[6] = fresh[1]!;
      const p2 = Buffer.alloc(len);
      const q2 = Buffer.alloc(len);
      await dmaWaitForAsyncTx(asyncGenSyndrome([...data, p2, q2], 0, n + 2, len, initAsyncSubmit()));
      expect(p.equals(p2)).to.equal(true);
      expect(q.equals(q2)).to.equal(true);
    });
  });

  describe('syndrome_val and xor_val', () => {
    const n = 6;
    const len = 4096 * 4 + 100;
    const G = 4096;
    async function setup(): Promise<Buffer[]> {
      const rand = prng(1234);
      const blocks = [
        ...Array.from({ length: n }, () => rand.bytes(len)),
        Buffer.alloc(len),
        Buffer.alloc(len),
      ];
      await dmaWaitForAsyncTx(asyncGenSyndrome(blocks, 0, n + 2, len, initAsyncSubmit()));
      return blocks;
    }
    async function check(blocks: (Buffer | null)[]) {
      const count = Math.ceil(len / G);
      const flags = new Uint8Array(count);
      const suspect = new Int32Array(count);
      const pqres = { value: -1 };
      const before = blocks.map((b) => (b ? Buffer.from(b) : null));
      await dmaWaitForAsyncTx(
        asyncSyndromeVal(blocks, 0, n + 2, len, pqres, initAsyncSubmit(), { granularity: G, flags, suspect }),
      );
      blocks.forEach((b, i) =>
        expect(b === null || b.equals(before[i]!), `block ${i} untouched`).to.equal(true),
      );
      return { pq: pqres.value, flags: [...flags], suspect: [...suspect] };
    }

    it('reports a consistent stripe as clean', async () => {
      const r = await check(await setup());
      expect(r).to.deep.equal({ pq: 0, flags: [0, 0, 0, 0, 0], suspect: [-1, -1, -1, -1, -1] });
    });

    it('names the data member, P or Q that was corrupted, per granule', async () => {
      const blocks = await setup();
      blocks[3]![4096 + 17]! ^= 0x40; // granule 1: data member 3
      blocks[3]![4096 + 999]! ^= 0x01;
      blocks[n]![2 * 4096 + 5]! ^= 0xff; // granule 2: P
      blocks[n + 1]![3 * 4096]! ^= 0x80; // granule 3: Q
      blocks[0]![16384 + 3]! ^= 0x10; // granule 4: two members at once
      blocks[5]![16384 + 3]! ^= 0x22;
      const r = await check(blocks);
      expect(r.pq).to.equal(SumCheckFlags.P_RESULT | SumCheckFlags.Q_RESULT);
      expect(r.flags).to.deep.equal([0, 3, 1, 2, 3]);
      expect(r.suspect).to.deep.equal([Suspect.NONE, 3, Suspect.P, Suspect.Q, Suspect.UNKNOWN]);
    });

    it('checks only P when Q is null (any mismatch is then unknown)', async () => {
      const blocks: (Buffer | null)[] = await setup();
      blocks[2]![10]! ^= 1;
      blocks[n + 1] = null;
      const r = await check(blocks);
      expect(r.pq).to.equal(SumCheckFlags.P_RESULT);
      expect(r.flags[0]).to.equal(1);
      expect(r.suspect[0]).to.equal(Suspect.UNKNOWN);
    });

    it('xor_val flags the granules whose XOR is not zero, without writing', async () => {
      const blocks = await setup();
      const srcs = [...blocks.slice(0, n), blocks[n]!];
      srcs[4]![2 * 4096 + 1]! ^= 9;
      const before = srcs.map((b) => Buffer.from(b));
      const flags = new Uint8Array(5);
      const res = { value: -1 };
      await dmaWaitForAsyncTx(
        asyncXorVal(null, srcs, 0, srcs.length, len, res, initAsyncSubmit(), { granularity: G, flags }),
      );
      expect(res.value).to.equal(SumCheckFlags.P_RESULT);
      expect([...flags]).to.deep.equal([0, 0, 1, 0, 0]);
      srcs.forEach((b, i) => expect(b.equals(before[i]!)).to.equal(true));
    });
  });
});
