// Load: 100,000 chained descriptors across channels complete, and memory does not grow between rounds.
import { expect } from 'chai';
import {
  AsyncTxFlags,
  asyncMemset,
  asyncTxIssuePendingAll,
  asyncXor,
  DmaStatus,
  dmaWaitForAsyncTx,
  initAsyncSubmit,
  type Tx,
} from '../../src/index.js';
import { forEachEngine } from './fixtures.js';

const gc = (globalThis as { gc?: () => void }).gc;

async function round(chains: number, perChain: number): Promise<number> {
  const bufs = Array.from({ length: chains }, () => Buffer.alloc(64));
  const tails: (Tx | null)[] = [];
  let callbacks = 0;
  const cb = () => {
    callbacks++;
  };
  for (let c = 0; c < chains; c++) {
    let tx: Tx | null = null;
    for (let k = 0; k < perChain; k++) {
      const flags = k === perChain - 1 ? AsyncTxFlags.ACK : 0;
      tx =
        k % 2 === 0
          ? asyncMemset(bufs[c]!, k & 0xff, 0, 64, initAsyncSubmit(flags, tx, cb))
          : asyncXor(
              bufs[c]!,
              [bufs[c]!, bufs[c]!],
              0,
              2,
              64,
              initAsyncSubmit(flags | AsyncTxFlags.XOR_DROP_DST, tx, cb),
            );
    }
    tails.push(tx);
  }
  expect(
    tails.every((t) => t !== null),
    'every chain is made of descriptors',
  ).to.equal(true);
  asyncTxIssuePendingAll();
  for (const t of tails) expect(await dmaWaitForAsyncTx(t)).to.equal(DmaStatus.COMPLETE);
  // the last op of every chain is an xor of the buffer with itself: all zero
  for (const b of bufs) expect(b.every((x) => x === 0)).to.equal(true);
  return callbacks;
}

// only engines with channels make descriptors (software and auto run these small ops inline)
forEachEngine(
  () => {
    it('completes 100,000 chained descriptors with stable memory', async () => {
      const chains = 100;
      const perChain = 1000;
      expect(await round(chains, perChain)).to.equal(chains * perChain);
      gc?.();
      const before = process.memoryUsage().heapUsed;
      for (let r = 0; r < 3; r++) expect(await round(chains, perChain)).to.equal(chains * perChain);
      gc?.();
      const growth = process.memoryUsage().heapUsed - before;
      expect(growth, `heap grew by ${growth} bytes over three rounds`).to.be.below(8 * 1024 * 1024);
    });
  },
  (cfg) => cfg.name === 'software-channels' || cfg.name === 'native',
);
