// Worker side of `raidtx bench --threads`: one benchLoop with the kernel the main thread chose
// (null: no change here). A file of its own so that it is a real file in dist/core/ and in the CLI
// bundle (an entry point of scripts/bundle.mjs), which bench.ts starts by its URL.
import { parentPort, workerData } from 'node:worker_threads';
import { type BenchCase, benchLoop } from './bench.js';
import { chooseKernel } from './engine.js';

try {
  const c = workerData as BenchCase;
  parentPort!.postMessage({ GBps: benchLoop(c, chooseKernel(c.engine, c.op, null).run) });
} catch (e) {
  parentPort!.postMessage({ error: e instanceof Error ? e.message : String(e) });
}
