import { expect } from 'chai';
import {
  AsyncTxFlags,
  asyncGenSyndrome,
  asyncRaid6DatapRecov,
  asyncRaid62DataRecov,
  asyncSyndromeVal,
  asyncXor,
  asyncXorVal,
  DmaStatus,
  dmaWaitForAsyncTx,
  initAsyncSubmit,
} from '../../src/index.js';
import { forEachEngine, loadVectors } from './fixtures.js';

const cases = loadVectors();

describe('reference vectors (../shared/vectors)', () => {
  it('holds the five cases', () => {
    expect(cases.map((c) => c.name).sort()).to.deep.equal([
      '10disks-65537B',
      '15disks-1000B',
      '6disks-4KiB',
      'max-255disks-64B',
      'min-4disks-64B',
    ]);
  });

  forEachEngine(() => {
    for (const c of cases) {
      describe(c.name, () => {
        const disks = c.members + 2;
        it('xor (ZERO_DST) equals xor.bin', async () => {
          const dest = Buffer.alloc(c.bytes, 0xaa);
          const tx = asyncXor(
            dest,
            c.data,
            0,
            c.members,
            c.bytes,
            initAsyncSubmit(AsyncTxFlags.XOR_ZERO_DST),
          );
          expect(await dmaWaitForAsyncTx(tx)).to.equal(DmaStatus.COMPLETE);
          expect(dest.equals(c.xor)).to.equal(true);
        });

        it('xor (DROP_DST) accumulates into srcs[0]', async () => {
          const dest = Buffer.from(c.data[0]!);
          const srcs = [dest, ...c.data.slice(1)];
          await dmaWaitForAsyncTx(
            asyncXor(dest, srcs, 0, c.members, c.bytes, initAsyncSubmit(AsyncTxFlags.XOR_DROP_DST)),
          );
          expect(dest.equals(c.xor)).to.equal(true);
        });

        it('gen_syndrome equals p.bin and q.bin', async () => {
          const p = Buffer.alloc(c.bytes, 1);
          const q = Buffer.alloc(c.bytes, 2);
          await dmaWaitForAsyncTx(asyncGenSyndrome([...c.data, p, q], 0, disks, c.bytes, initAsyncSubmit()));
          expect(p.equals(c.p), 'P').to.equal(true);
          expect(q.equals(c.q), 'Q').to.equal(true);
        });

        it('syndrome_val and xor_val accept the reference parity', async () => {
          const pqres = { value: -1 };
          await dmaWaitForAsyncTx(
            asyncSyndromeVal([...c.data, c.p, c.q], 0, disks, c.bytes, pqres, initAsyncSubmit()),
          );
          expect(pqres.value).to.equal(0);
          const xres = { value: -1 };
          await dmaWaitForAsyncTx(
            asyncXorVal(null, [...c.data, c.xor], 0, c.members + 1, c.bytes, xres, initAsyncSubmit()),
          );
          expect(xres.value).to.equal(0);
        });

        it('recovers the first and last data members, and data + P', async () => {
          const last = c.members - 1;
          const blocks: (Buffer | null)[] = [
            ...c.data.map((d) => Buffer.from(d)),
            Buffer.from(c.p),
            Buffer.from(c.q),
          ];
          blocks[0]!.fill(0x5a);
          blocks[last]!.fill(0xa5);
          await dmaWaitForAsyncTx(asyncRaid62DataRecov(disks, c.bytes, last, 0, blocks, initAsyncSubmit()));
          expect(blocks[0]!.equals(c.data[0]!)).to.equal(true);
          expect(blocks[last]!.equals(c.data[last]!)).to.equal(true);
          blocks[last]!.fill(0x33);
          blocks[disks - 2]!.fill(0x44);
          await dmaWaitForAsyncTx(asyncRaid6DatapRecov(disks, c.bytes, last, blocks, initAsyncSubmit()));
          expect(blocks[last]!.equals(c.data[last]!)).to.equal(true);
          expect(blocks[disks - 2]!.equals(c.p)).to.equal(true);
        });
      });
    }
  });
});
