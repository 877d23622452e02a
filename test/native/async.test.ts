// run(): batches on worker threads, in order, many in flight, with garbage collection forced
// between awaits — results stay correct and the buffers stay alive.
import { spawnSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { expect } from 'chai';
import type { OpRecord } from '../../src/core/op-record.js';
import { loadNative, type NativeAddon } from '../../src/native/loader.js';
import { lacking } from '../helpers/prereq.js';
import { refPQ } from '../helpers/reference.js';
import { equal, requireAddon, reseed, views } from './helpers.js';

const gc = (): void => {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) g();
  else for (let i = 0; i < 200; i++) new Array(10000).fill(i); // garbage instead
};

describe('native engine: run() batches', () => {
  let addon: NativeAddon;
  before(function () {
    addon = requireAddon(this);
  });

  it('runs a batch in order and resolves one result per record', async () => {
    reseed(30);
    const len = 70000;
    const data = views(6, len);
    const ref = refPQ(data, len);
    const p = new Uint8Array(len);
    const q = new Uint8Array(len);
    const copy = new Uint8Array(len);
    const lost = views(2, len);
    const batch: OpRecord[] = [
      { op: 'pq', data, p, q, xorDst: false },
      { op: 'pq_val', data, p, q, granularity: 4096, flags: null, suspect: null }, // sees the pq above
      { op: 'memcpy', dest: copy, src: p },
      { op: 'xor_val', srcs: [...data, p], granularity: len, mismatch: null },
      { op: 'memset', dest: p, value: 0 },
      { op: 'pq_val', data, p, q, granularity: 4096, flags: null, suspect: null }, // P now wrong
      {
        op: 'recov_2data',
        data: [data[0], lost[0], data[2], lost[1], data[4], data[5]],
        p: copy,
        q,
        faila: 1,
        failb: 3,
      },
    ];
    const res = await addon.run(batch);
    expect(res).to.be.instanceOf(Int32Array);
    expect(Array.from(res)).to.deep.equal([0, 0, 0, 0, 0, 1, 0]);
    expect(equal(copy, ref.p) && equal(q, ref.q)).to.equal(true);
    expect(equal(lost[0], data[1]) && equal(lost[1], data[3])).to.equal(true);
  });

  it('many batches in flight with gc between awaits stay correct', async () => {
    reseed(31);
    const jobs: Promise<void>[] = [];
    for (let j = 0; j < 120; j++) {
      const n = 2 + (j % 12);
      const len = [1, 4096, 65537, 300000][j % 4];
      // only the promise keeps these alive: the addon must hold them until the batch completes
      const job = (async () => {
        let data: Uint8Array[] | null = views(n, len);
        const ref = refPQ(data, len);
        const p = new Uint8Array(len);
        const q = new Uint8Array(len);
        const r = addon.run([
          { op: 'pq', data, p, q, xorDst: false },
          {
            op: 'pq_val',
            data,
            p,
            q,
            granularity: 512,
            flags: new Uint8Array(Math.ceil(len / 512)),
            suspect: new Int32Array(Math.ceil(len / 512)),
          },
        ]);
        data = null;
        gc();
        const res = await r;
        gc();
        expect(Array.from(res)).to.deep.equal([0, 0]);
        expect(equal(p, ref.p) && equal(q, ref.q), `job ${j}`).to.equal(true);
      })();
      jobs.push(job);
      if (j % 10 === 0) {
        await new Promise((r) => setImmediate(r));
        gc();
      }
    }
    await Promise.all(jobs);
  });

  it('survives worker_threads that load the addon and terminate with batches in flight', () => {
    // in a fresh process, so that the main thread has not loaded the addon: node dlclose()s it
    // when the last worker that loaded it goes away, while pool threads still exist
    const script = `
      const { Worker } = require('node:worker_threads');
      const path = process.argv[1];
      const code = \`
        const { parentPort, workerData } = require('node:worker_threads');
        const a = require(workerData);
        const len = 1 << 21;
        const data = Array.from({ length: 6 }, (_, i) => new Uint8Array(len).fill(i + 1));
        for (let i = 0; i < 12; i++)
          a.run([{ op: 'pq', data, p: new Uint8Array(len), q: new Uint8Array(len), xorDst: false }]);
        parentPort.postMessage('submitted');\`;
      (async () => {
        for (let k = 0; k < 4; k++) {
          const w = new Worker(code, { eval: true, workerData: path });
          await new Promise((res, rej) => { w.on('message', res); w.on('error', rej); });
          await w.terminate();
        }
        const a = require(path);
        const d = [new Uint8Array(70000).fill(1), new Uint8Array(70000).fill(2)];
        const p = new Uint8Array(70000), q = new Uint8Array(70000);
        await a.run([{ op: 'pq', data: d, p, q, xorDst: false }]);
        console.log(p[69999] === 3 && q[0] === 5 ? 'ok' : 'wrong');
      })();`;
    const r = spawnSync(process.execPath, ['-e', script, loadNative().path!], {
      encoding: 'utf8',
      timeout: 60000,
    });
    expect(r.signal, r.stderr).to.equal(null);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal('ok');
  });

  it('runs several batches in parallel (two or more workers)', async function () {
    this.timeout(60000);
    if (availableParallelism() < 2) lacking(this, 'one CPU: parallel batches cannot overlap');
    // the compute-bound base kernel on cache-sized blocks: memory bandwidth does not hide overlap
    addon.selectKernel('pq', 'base');
    try {
      const len = 1 << 16;
      const data = views(8, len);
      const mk = () =>
        ({ op: 'pq', data, p: new Uint8Array(len), q: new Uint8Array(len), xorDst: false }) as OpRecord;
      const one = Array.from({ length: 16 }, mk);
      await addon.run(one); // warm up
      // best of up to 12 rounds: on a shared VM the second core is at times taken for a few ms
      let best = { serial: 0, parallel: 0, ratio: Infinity };
      for (let r = 0; r < 12 && best.ratio >= 0.8; r++) {
        let t = process.hrtime.bigint();
        await addon.run(one);
        const serial = Number(process.hrtime.bigint() - t);
        t = process.hrtime.bigint();
        await Promise.all([addon.run(one.slice(0, 8)), addon.run(one.slice(8))]);
        const parallel = Number(process.hrtime.bigint() - t);
        if (parallel / serial < best.ratio) best = { serial, parallel, ratio: parallel / serial };
      }
      console.log(
        `      16 x pq (base) 8 x 64 KiB: one batch ${(best.serial / 1e6).toFixed(1)} ms, two batches ${(best.parallel / 1e6).toFixed(1)} ms`,
      );
      expect(best.ratio).to.be.lessThan(0.85);
    } finally {
      addon.selectKernel('pq', 'auto');
    }
  });
});
