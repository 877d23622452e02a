// Hostile arguments to the native addon: random records to runSync and run must throw (or run)
// and never crash the process. The calls run in a child process (native-fuzz-child.ts), so that
// a crash fails this test instead of killing mocha. RAIDTX_NATIVE_PATH picks another build (ASan).

import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../helpers/cli.js';
import { lacking } from '../helpers/prereq.js';

const RUNS = Number(process.env.RAIDTX_FUZZ_NATIVE_RUNS ?? 1500);

/** Runs the child synchronously: mocha waits anyway, and a crash is just a signal in the result. */
function runChild(seed: number) {
  const child = join(ROOT, 'test/reliability/native-fuzz-child.ts');
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', '--expose-gc', child, String(seed), String(RUNS)],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('reliability: fuzzed native addon arguments', function () {
  this.timeout(120000);

  it(`${RUNS} random records to runSync and run: each throws or runs, the process survives`, async function () {
    const seed = Number(process.env.RAIDTX_FC_SEED ?? Date.now() % 0x7fffffff);
    const r = runChild(seed);
    const tail = r.stderr.trim().split('\n').slice(-6).join('\n');
    expect({ code: r.code, signal: r.signal }, `seed ${seed}; last cases:\n${tail}`).to.deep.equal({
      code: 0,
      signal: null,
    });
    const summary = JSON.parse(r.stdout) as {
      skipped?: string;
      runs: number;
      threw: number;
      returned: number;
    };
    if (summary.skipped) lacking(this, `native addon not loaded: ${summary.skipped}`);
    // most records are broken on purpose; some must still get through to the kernels
    expect(summary.threw).to.be.greaterThan(RUNS / 2);
    expect(summary.returned).to.be.greaterThan(RUNS / 20);
  });
});
