// The bench harness (core/bench.ts, as built in dist/), threads: one thread or several workers, GB/s summed over the threads.

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { expect } from 'chai';
import type * as Bench from '../../src/core/bench.js';
import { ensureBuilt, ROOT } from '../helpers/cli.js';

// The workers load bench-worker.js, which tsx does not hook inside a worker: the built copy (dist/) runs.
let benchCase: typeof Bench.benchCase;

describe('bench harness', function () {
  this.timeout(30000);
  before(async () => {
    ensureBuilt();
    ({ benchCase } = (await import(pathToFileURL(join(ROOT, 'dist/core/bench.js')).href)) as typeof Bench);
  });
  const c = { op: 'xor', engine: 'software', disks: 3, bytes: 16384, seconds: 0.05, kernel: null } as const;

  it('one thread: one measurement, GBps is it (rounded)', async () => {
    const r = await benchCase(c, 1);
    expect(r).to.include({ op: 'xor', engine: 'software', disks: 3, bytes: 16384, threads: 1 });
    expect(r.perThread).to.have.length(1);
    expect(r.perThread[0]).to.be.greaterThan(0);
    expect(r.GBps).to.be.closeTo(r.perThread[0]!, 0.0005);
  });

  it('--threads 3: one measurement per worker, GBps is their sum', async () => {
    const r = await benchCase(c, 3);
    expect(r).to.include({ op: 'xor', engine: 'software', disks: 3, bytes: 16384, threads: 3 });
    expect(r.perThread).to.have.length(3);
    for (const x of r.perThread) expect(x).to.be.greaterThan(0);
    const sum = r.perThread.reduce((s, x) => s + x, 0);
    expect(r.GBps).to.be.closeTo(sum, 0.0005);
    // a sum, not one thread's figure nor their mean
    expect(r.GBps).to.be.greaterThan(Math.max(...r.perThread));
  });

  it('memcpy and memset count one member, whatever --disks', async () => {
    const r = await benchCase({ ...c, op: 'memset' }, 2);
    expect(r.disks).to.equal(1);
    expect(r.perThread).to.have.length(2);
  });
});
