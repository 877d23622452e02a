// Recovery tested as lib/raid6/test/test.c does: every failed pair (2data) and every single data
// member (datap) for several array widths, on random data; results must pass syndrome_val.
import { expect } from 'chai';
import {
  asyncGenSyndrome,
  asyncRaid6DatapRecov,
  asyncRaid62DataRecov,
  asyncSyndromeVal,
  asyncTxIssuePendingAll,
  dmaWaitForAsyncTx,
  initAsyncSubmit,
  type Tx,
} from '../../src/index.js';
import { prng } from '../helpers/prng.js';
import { forEachEngine } from './fixtures.js';

const WIDTHS = [4, 5, 6, 11, 12, 16, 255];

function makeArray(disks: number, len: number, seed: number): { blocks: Buffer[]; orig: Buffer[] } {
  const rand = prng(seed);
  const orig = Array.from({ length: disks - 2 }, () => rand.bytes(len));
  return { blocks: [...orig.map((b) => Buffer.from(b)), Buffer.alloc(len), Buffer.alloc(len)], orig };
}

/** Runs a batch of independent operations and waits for all of them. */
async function settle(txs: (Tx | null)[]): Promise<void> {
  asyncTxIssuePendingAll();
  for (const tx of txs) await dmaWaitForAsyncTx(tx);
}

forEachEngine(() => {
  describe('raid6 recovery round trips', () => {
    for (const disks of WIDTHS) {
      const len = disks === 255 ? 64 : 4097;
      it(`${disks} disks: every pair of failed data members (2data), ${len} bytes`, async () => {
        const { blocks, orig } = makeArray(disks, len, disks);
        await dmaWaitForAsyncTx(asyncGenSyndrome(blocks, 0, disks, len, initAsyncSubmit()));
        const p = blocks[disks - 2]!;
        const q = blocks[disks - 1]!;
        const n = disks - 2;
        let failures = 0;
        for (let a = 0; a < n; a++) {
          // one working copy per failed pair; all pairs with this `a` run as one batch
          const work: Buffer[][] = [];
          const txs: (Tx | null)[] = [];
          for (let b = a + 1; b < n; b++) {
            const w = blocks.slice();
            w[a] = Buffer.alloc(len, 0xee);
            w[b] = Buffer.alloc(len, 0x11);
            work.push(w);
            txs.push(asyncRaid62DataRecov(disks, len, b, a, w, initAsyncSubmit()));
          }
          await settle(txs);
          work.forEach((w, k) => {
            const b = a + 1 + k;
            if (!w[a]!.equals(orig[a]!) || !w[b]!.equals(orig[b]!)) failures++;
          });
        }
        expect(failures, 'failed pairs').to.equal(0);
        const pqres = { value: -1 };
        await dmaWaitForAsyncTx(asyncSyndromeVal(blocks, 0, disks, len, pqres, initAsyncSubmit()));
        expect(pqres.value).to.equal(0);
        expect(p.length).to.equal(len);
        expect(q.length).to.equal(len);
      });

      it(`${disks} disks: every single data member with P (datap)`, async () => {
        const { blocks, orig } = makeArray(disks, len, disks + 1000);
        await dmaWaitForAsyncTx(asyncGenSyndrome(blocks, 0, disks, len, initAsyncSubmit()));
        const pGood = Buffer.from(blocks[disks - 2]!);
        const work: Buffer[][] = [];
        const txs: (Tx | null)[] = [];
        for (let a = 0; a < disks - 2; a++) {
          const w = blocks.slice();
          w[a] = Buffer.alloc(len, 0x77);
          w[disks - 2] = Buffer.alloc(len, 0x99);
          work.push(w);
          txs.push(asyncRaid6DatapRecov(disks, len, a, w, initAsyncSubmit()));
        }
        await settle(txs);
        work.forEach((w, a) => {
          expect(w[a]!.equals(orig[a]!), `D${a}`).to.equal(true);
          expect(w[disks - 2]!.equals(pGood), `P after D${a}`).to.equal(true);
        });
        const pqres = { value: -1 };
        await dmaWaitForAsyncTx(asyncSyndromeVal(work[0]!, 0, disks, len, pqres, initAsyncSubmit()));
        expect(pqres.value).to.equal(0);
      });
    }

    it('treats null data blocks as zeros when recovering', async () => {
      const disks = 8;
      const len = 1000;
      const { blocks, orig } = makeArray(disks, len, 7);
      const withZero: (Buffer | null)[] = blocks.slice();
      withZero[3] = null;
      await dmaWaitForAsyncTx(asyncGenSyndrome(withZero, 0, disks, len, initAsyncSubmit()));
      withZero[1] = Buffer.alloc(len);
      withZero[5] = Buffer.alloc(len);
      await dmaWaitForAsyncTx(asyncRaid62DataRecov(disks, len, 1, 5, withZero, initAsyncSubmit()));
      expect(withZero[1]!.equals(orig[1]!)).to.equal(true);
      expect(withZero[5]!.equals(orig[5]!)).to.equal(true);
    });
  });
});
