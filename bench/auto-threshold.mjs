// Where `--engine auto` should stop running operations inline: 64 independent pq operations of
// each size, run inline on the JS thread (the native kernel called directly) and on the native
// channels (worker threads), best of 30. INLINE_MAX_BYTES in src/core/contract.ts comes from here.
//   npm run build && node bench/auto-threshold.mjs
import { setChannelPolicy } from '../dist/core/async-tx.js';
import {
  asyncGenSyndrome,
  asyncTxIssuePendingAll,
  dmaWaitForAsyncTx,
  initAsyncSubmit,
  setEngine,
} from '../dist/index.js';

const n = 8;
for (const len of [1024, 4096, 16384, 24576, 32768, 49152, 65536, 262144]) {
  const sets = Array.from({ length: 64 }, () => [
    ...Array.from({ length: n }, () => Buffer.alloc(len, 7)),
    Buffer.alloc(len),
    Buffer.alloc(len),
  ]);
  const res = [];
  for (const mode of ['inline', 'channels']) {
    setEngine('native');
    if (mode === 'inline') setChannelPolicy(() => false);
    const run = async () => {
      const txs = sets.map((b) => asyncGenSyndrome(b, 0, n + 2, len, initAsyncSubmit()));
      asyncTxIssuePendingAll();
      for (const t of txs) await dmaWaitForAsyncTx(t);
    };
    for (let i = 0; i < 20; i++) await run();
    let best = Infinity;
    for (let r = 0; r < 30; r++) {
      const t0 = process.hrtime.bigint();
      await run();
      best = Math.min(best, Number(process.hrtime.bigint() - t0) / 1e3);
    }
    res.push(`${mode} ${(best / 64).toFixed(2)} us/op`);
  }
  console.log(`pq ${n} x ${len} B (${((len * (n + 2)) / 1024).toFixed(0)} KiB touched): ${res.join(', ')}`);
}
