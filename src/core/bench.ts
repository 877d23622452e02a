// The benchmark harness behind `raidtx bench`: in-memory kernel throughput per engine and op, on
// one thread, or on several worker threads each running the same loop. Kernels are timed
// here only, never on an ordinary run (lib/raid6/algos.c times at boot; we leave that to the user).
// Kernels are chosen through the engine (chooseKernel), and the choice in force before is put back
// when a case ends, so a forced kernel never outlives its benchmark.

import { chooseKernel } from './engine.js';
import { EngineError } from './errors.js';
import type { OpName, OpRecord } from './op-record.js';
import { runSoftware } from './soft/index.js';

export type BenchEngine = 'native' | 'software';

export interface BenchCase {
  op: OpName;
  engine: BenchEngine;
  /** data members (1 for memcpy and memset) */
  disks: number;
  /** bytes per member */
  bytes: number;
  seconds: number;
  /** force this native kernel (null: the one chosen at load) */
  kernel: string | null;
}

export interface BenchResult {
  op: OpName;
  engine: BenchEngine;
  kernel: string;
  disks: number;
  bytes: number;
  /** data members x bytes per second, 1 GB = 1e9 bytes */
  GBps: number;
  threads: number;
  /** each thread's GB/s (GBps is their sum, rounded); not part of the CLI's JSON */
  perThread: number[];
}

/**
 * Random bytes from Web Crypto's global, which Node loads on first use: node:crypto imported here
 * would be loaded at every command's start (the CLI bundle holds this module). 64 KiB per call is
 * its limit.
 */
function rand(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i += 65536) crypto.getRandomValues(b.subarray(i, i + 65536));
  return b;
}

/** Members one op touches: memcpy and memset work on one buffer. */
export function benchMembers(op: OpName, disks: number): number {
  return op === 'memcpy' || op === 'memset' ? 1 : disks;
}

/** A record over fresh random members, consistent where the op checks consistency. */
export function benchRecord(op: OpName, disks: number, bytes: number): OpRecord {
  const data = Array.from({ length: disks }, () => rand(bytes));
  const p = new Uint8Array(bytes);
  const q = new Uint8Array(bytes);
  runSoftware({ op: 'pq', data, p, q, xorDst: false });
  switch (op) {
    case 'xor':
      return { op, dest: new Uint8Array(bytes), srcs: data, accumulate: false };
    case 'xor_val':
      return { op, srcs: [...data, p], granularity: bytes || 1, mismatch: null };
    case 'pq':
      return { op, data, p, q, xorDst: false };
    case 'pq_val':
      return { op, data, p, q, granularity: bytes || 1, flags: null, suspect: null };
    case 'recov_2data':
      return { op, data, p, q, faila: 0, failb: Math.max(1, disks - 1) };
    case 'recov_datap':
      return { op, data, p, q, faila: 0 };
    case 'memcpy':
      return { op, dest: new Uint8Array(bytes), src: data[0]! };
    case 'memset':
      return { op, dest: data[0]!, value: 0x5a };
  }
}

/** Times one case on this thread with `run`: warm up, then loop until `seconds` passed. Returns GB/s. */
export function benchLoop(c: BenchCase, run: (r: OpRecord) => number): number {
  const record = benchRecord(c.op, c.disks, c.bytes);
  const warm = Math.min(0.2, c.seconds / 5) * 1000;
  let t0 = performance.now();
  while (performance.now() - t0 < warm) run(record);
  let iters = 0;
  t0 = performance.now();
  let elapsed = 0;
  do {
    run(record);
    iters++;
    elapsed = performance.now() - t0;
  } while (elapsed < c.seconds * 1000);
  const bytes = benchMembers(c.op, c.disks) * c.bytes * iters;
  return bytes / (elapsed / 1000) / 1e9;
}

/**
 * Runs one case on `threads` threads (workers beyond one); GBps is the sum over threads. The kernel
 * is forced here, before any worker starts (the native choice is process-wide), and the previous
 * choice is restored when the case ends, however it ends. An unknown kernel is a FieldError.
 */
export async function benchCase(c: BenchCase, threads: number): Promise<BenchResult> {
  const base = { op: c.op, engine: c.engine, disks: benchMembers(c.op, c.disks), bytes: c.bytes, threads };
  const choice = chooseKernel(c.engine, c.op, c.kernel);
  try {
    if (threads <= 1) {
      const one = benchLoop(c, choice.run);
      return { ...base, kernel: choice.kernel, GBps: round(one), perThread: [one] };
    }
    const { Worker } = await import('node:worker_threads'); // only here: not at every command's start
    const runs = await Promise.all(
      Array.from(
        { length: threads },
        () =>
          new Promise<number>((resolve, reject) => {
            // beside this file in dist/core/ and in the CLI bundle (scripts/bundle.mjs) alike
            const w = new Worker(new URL('./bench-worker.js', import.meta.url), { workerData: c });
            w.once('message', (m: { GBps: number } | { error: string }) =>
              'error' in m ? reject(new EngineError(m.error)) : resolve(m.GBps),
            );
            w.once('error', reject);
          }),
      ),
    );
    return { ...base, kernel: choice.kernel, GBps: round(runs.reduce((s, r) => s + r, 0)), perThread: runs };
  } finally {
    choice.restore();
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
