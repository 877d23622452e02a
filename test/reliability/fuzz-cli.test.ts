// Hostile command lines: random argv (real commands and options, sizes good and bad, members that
// exist or not, placeholders, garbage) never print a stack trace and exit only with 0, 1 or 2.
// Replay a failure with RAIDTX_FC_SEED=<seed printed in the failure>; RAIDTX_FUZZ_CLI_RUNS=1000 for a
// longer hunt (npm test runs 120, to keep the suite short).

import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { cleanupTmp, type RunResult, raidtx, tmp, writeMembers } from '../helpers/cli.js';
import { randomBuffers } from '../helpers/prng.js';

const RUNS = Number(process.env.RAIDTX_FUZZ_CLI_RUNS ?? 120);
const PARALLEL = 3;
const TIMEOUT_MS = 15000;

// argv cannot carry NUL bytes (spawn refuses them); everything else goes
const garbage = fc
  .oneof(
    fc.string({ maxLength: 12, unit: 'binary' }),
    fc.string({
      maxLength: 8,
      unit: fc.constantFrom('@', '-', '=', '.', '/', ' ', '\\', 'a', '0', 'K', 's'),
    }),
  )
  .map((s) => s.replaceAll('\0', ''));

// Valid sizes stay small (a `zero` member with --pad and a huge --length would really write it).
const size = fc.oneof(
  fc.constantFrom('0', '1', '512', '4096', '1K', '8s', '64K', '1M', '3'),
  fc.constantFrom(
    '-1',
    '4.5G',
    '1e3',
    'abc',
    '',
    ' 1',
    '0x10',
    '99999999999999999999T',
    'K',
    '2X',
    '1KK',
    'NaN',
  ),
  garbage,
);
const member = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('d0', 'd1', 'd2', 'd3') },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      'missing',
      'zero',
      './missing',
      'short',
      'empty',
      'dir',
      'nonexistent',
      'd0@4K',
      'd0@-1',
      'd1@1M',
      'd2@4.5G',
      'd3@',
      '@',
      '/dev/null',
      '-',
      'out/new',
    ),
  },
  { weight: 1, arbitrary: garbage },
);
const output = fc.oneof(
  fc.constantFrom('out/p', 'out/q', 'out/o1', 'out/o2', 'd0', 'dir', 'nodir/x', '/dev/null', '-'),
  member,
);

const option: fc.Arbitrary<string[]> = fc.oneof(
  fc
    .constantFrom(
      '--json',
      '--pad',
      '--force',
      '-q',
      '--verify',
      '--accumulate',
      '--data-only',
      '--include-stale',
    )
    .map((o) => [o]),
  fc.constantFrom('--help', '-V', '--', '--engine', '-h').map((o) => [o]),
  fc.tuple(fc.constantFrom('--engine'), fc.constantFrom('auto', 'native', 'software', 'gpu', '')),
  fc.tuple(
    fc.constantFrom(
      '--offset',
      '--length',
      '--step',
      '--granularity',
      '--src-offset',
      '--dest-offset',
      '--from',
      '--step',
    ),
    size,
  ),
  fc.tuple(fc.constantFrom('-P', '-Q', '-o', '--out-p', '--output', '--p'), output),
  fc.tuple(
    fc.constantFrom('--value'),
    fc.oneof(fc.constantFrom('0', '255', '256', '0xff', '0x1ff', '-1', 'a'), garbage),
  ),
  fc.tuple(fc.constantFrom('--level'), fc.constantFrom('5', '6', '0', '7', 'x')),
  fc.tuple(
    fc.constantFrom('--layout'),
    fc.constantFrom('left-symmetric', 'ddf-N-restart', 'parity-first-6', 'left-symmetric-6', 'bogus'),
  ),
  fc.tuple(
    fc.constantFrom('--raid-disks', '--data-offset'),
    fc.oneof(fc.constantFrom('4', '1', '300', '-2'), size),
  ),
  fc.tuple(fc.constantFrom('-o'), fc.constantFrom('0=out/r0', '2=out/r2', '9=out/r9', '=', 'x=y')),
  garbage.map((g) => [`--${g}`]),
);
const command = fc.oneof(
  {
    weight: 8,
    arbitrary: fc.constantFrom(
      'xor',
      'xor-val',
      'pq',
      'pq-val',
      'recover-datap',
      'recover-2data',
      'memcpy',
      'memset',
    ),
  },
  {
    weight: 2,
    arbitrary: fc.constantFrom('md examine', 'md check', 'md rebuild', 'md export', 'info', 'help', 'md', ''),
  },
  { weight: 1, arbitrary: garbage },
);
const argv = fc
  .tuple(
    fc.array(option, { maxLength: 2 }),
    command,
    fc.array(
      fc.oneof(
        option,
        member.map((m) => [m]),
      ),
      { maxLength: 9 },
    ),
  )
  .map(([globals, cmd, rest]) => [...globals.flat(), ...(cmd ? cmd.split(' ') : []), ...rest.flat()]);

/** Runs `list` through `fn`, `parallel` at a time. */
async function pool<T, R>(list: T[], parallel: number, fn: (x: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(list.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < list.length) {
      const i = next++;
      out[i] = await fn(list[i]!);
    }
  };
  await Promise.all(Array.from({ length: parallel }, worker));
  return out;
}

function runWithTimeout(args: string[], cwd: string): Promise<RunResult & { timedOut: boolean }> {
  let timer: NodeJS.Timeout | undefined;
  let timedOut = false;
  return raidtx(args, {
    cwd,
    env: { RAIDTX_DEBUG: undefined },
    onSpawn(child) {
      timer = setTimeout(() => {
        timedOut = true;
        child.kill('SIGKILL');
      }, TIMEOUT_MS);
    },
  }).then((r) => {
    clearTimeout(timer);
    return { ...r, timedOut };
  });
}

describe('reliability: fuzzed command lines', function () {
  this.timeout(120000);
  after(cleanupTmp);

  it(`${RUNS} random argv: no stack trace, exit 0, 1 or 2 only`, async () => {
    const dir = tmp('raidtx-fuzz-cli-');
    writeMembers(dir, randomBuffers(4, 64 * 1024, 0xf022));
    writeFileSync(join(dir, 'short'), Buffer.alloc(1024, 7));
    writeFileSync(join(dir, 'empty'), '');
    mkdirSync(join(dir, 'dir'));
    mkdirSync(join(dir, 'out'));
    const seed = Number(process.env.RAIDTX_FC_SEED ?? Date.now() % 0x7fffffff);
    const cases = fc.sample(argv, { numRuns: RUNS, seed });
    const results = await pool(cases, PARALLEL, (args) => runWithTimeout(args, dir));
    const bad = results.flatMap((r, i) => {
      const problems = [];
      if (r.timedOut) problems.push(`no exit after ${TIMEOUT_MS} ms`);
      else if (r.code === null || ![0, 1, 2].includes(r.code)) problems.push(`exit ${r.code ?? r.signal}`);
      if (/^\s+at .+:\d+:\d+\)?$/m.test(r.stderr)) problems.push('stack trace on stderr');
      if (/internal error/.test(r.stderr)) problems.push('internal error');
      return problems.length
        ? [
            `raidtx ${JSON.stringify(cases[i])}: ${problems.join(', ')}\n    ${r.stderr.trim().split('\n').slice(0, 4).join('\n    ')}`,
          ]
        : [];
    });
    if (process.env.RAIDTX_FUZZ_VERBOSE) {
      const codes: Record<string, number> = {};
      for (const r of results) codes[String(r.code)] = (codes[String(r.code)] ?? 0) + 1;
      console.log(`      seed ${seed}, exit codes: ${JSON.stringify(codes)}`);
    }
    expect(bad, `seed ${seed}:\n${bad.join('\n')}`).to.deep.equal([]);
  });
});
