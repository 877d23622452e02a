// Child process of native-fuzz.test.ts: feeds the native addon's runSync and run random records
// (wrong types, huge/negative/NaN numbers, missing fields, mismatched lengths, throwing getters,
// buffers detached before the call) and expects each call to return or throw, never to crash the process.
// argv: SEED RUNS. Before each case it writes `case N: <summary>` to stderr, so that the parent
// can name the case a crash happened in. Exit 0 with a JSON summary on stdout when all returned.

import fc from 'fast-check';
import { loadNative } from '../../src/native/loader.js';

const [seedArg, runsArg] = process.argv.slice(2);
const seed = Number(seedArg ?? 1);
const runs = Number(runsArg ?? 500);

const { addon, reason } = loadNative();
if (!addon) {
  process.stdout.write(`${JSON.stringify({ skipped: reason })}\n`);
  process.exit(0);
}

const OPS = ['xor', 'xor_val', 'pq', 'pq_val', 'recov_2data', 'recov_datap', 'memcpy', 'memset'] as const;
const FIELDS = [
  'dest',
  'srcs',
  'accumulate',
  'granularity',
  'mismatch',
  'data',
  'p',
  'q',
  'xorDst',
  'flags',
  'suspect',
  'faila',
  'failb',
  'src',
  'value',
];

const detached = (): Uint8Array => {
  const b = new Uint8Array(64);
  structuredClone(b.buffer, { transfer: [b.buffer] });
  return b;
};

const number = fc.oneof(
  fc.constantFrom(
    0,
    1,
    2,
    3,
    5,
    63,
    64,
    253,
    254,
    255,
    256,
    4096,
    -1,
    -0,
    0.5,
    2 ** 31,
    2 ** 32,
    2 ** 53,
    2 ** 64,
    -(2 ** 63),
  ),
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    Number.MAX_VALUE,
    Number.MIN_VALUE,
  ),
  fc.integer({ min: -300, max: 300 }),
  fc.double(),
);
const length = fc.oneof(fc.constantFrom(0, 1, 63, 64, 65), fc.integer({ min: 0, max: 4200 }));
const bytes = fc.oneof(
  { weight: 6, arbitrary: length.map((n) => new Uint8Array(n).fill(n & 0xff)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(length, fc.integer({ min: 0, max: 7 }))
      .map(([n, at]) => new Uint8Array(n + at + 3).subarray(at, at + n)),
  },
  { weight: 1, arbitrary: length.map((n) => Buffer.alloc(n, 1)) },
  { weight: 1, arbitrary: length.map((n) => new Int32Array(n >> 2)) },
  { weight: 1, arbitrary: length.map((n) => new Uint8ClampedArray(n)) },
  { weight: 1, arbitrary: fc.constant(null).map(detached) },
);
const odd = fc.oneof(
  fc.constantFrom(null, undefined, true, false, '', 'pq', '64', 10n, Symbol('x'), [], {}),
  fc.constant(null).map(() => new ArrayBuffer(64)),
  fc.constant(null).map(() => new DataView(new ArrayBuffer(64))),
  fc.constant(null).map(() => new Float64Array(8)),
  fc.constant(null).map(() =>
    Object.defineProperty({}, 'length', {
      get: () => {
        throw new Error('getter');
      },
    }),
  ),
  fc.constant(null).map(
    () =>
      new Proxy([], {
        get: () => {
          throw new Error('proxy');
        },
      }),
  ),
  fc.constant(null).map(() => {
    const a: unknown[] = [];
    a.length = 2 ** 32 - 1;
    return a;
  }),
  fc.constant(null).map(() => {
    const a: unknown[] = [];
    a.length = 254;
    return a;
  }),
);
const blockList = fc.oneof(
  fc.array(fc.oneof({ weight: 8, arbitrary: bytes }, { weight: 1, arbitrary: fc.constant(null) }), {
    maxLength: 8,
  }),
  fc
    .tuple(length, fc.integer({ min: 0, max: 260 }))
    .map(([n, c]) => Array.from({ length: c }, () => new Uint8Array(n))),
  fc
    .tuple(length, fc.integer({ min: 1020, max: 1030 }))
    .map(([n, c]) => Array.from({ length: c }, () => new Uint8Array(n))),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: bytes },
  { weight: 3, arbitrary: number },
  { weight: 3, arbitrary: blockList },
  { weight: 2, arbitrary: fc.boolean() },
  { weight: 2, arbitrary: odd },
);

/** A record that is often almost right: equal lengths with one field changed, or missing. */
const wellFormed = fc
  .record({
    op: fc.constantFrom(...OPS),
    n: fc.integer({ min: 1, max: 6 }),
    len: length,
    a: fc.integer({ min: -1, max: 6 }),
    b: fc.integer({ min: -1, max: 7 }),
  })
  .map(({ op, n, len, a, b }) => {
    const u = () => new Uint8Array(len).fill(0x5a);
    const blocks = Array.from({ length: n }, u);
    const g = 1 + (len % 97);
    const base: Record<string, unknown> = {
      xor: { dest: u(), srcs: blocks, accumulate: n % 2 === 0 },
      xor_val: { srcs: blocks, granularity: g, mismatch: new Uint8Array(Math.ceil(len / g)) },
      pq: { data: blocks, p: u(), q: a < 0 ? null : u(), xorDst: b % 2 === 0 },
      pq_val: {
        data: blocks,
        p: u(),
        q: u(),
        granularity: g,
        flags: new Uint8Array(Math.ceil(len / g)),
        suspect: new Int32Array(Math.ceil(len / g)),
      },
      recov_2data: { data: blocks, p: u(), q: u(), faila: a, failb: b },
      recov_datap: { data: blocks, p: u(), q: u(), faila: a },
      memcpy: { dest: u(), src: u() },
      memset: { dest: u(), value: (a * 77) & 0xff },
    }[op] as Record<string, unknown>;
    return { op, ...base };
  });
const mutated = fc
  .tuple(
    wellFormed,
    fc.array(fc.tuple(fc.constantFrom(...FIELDS, 'op'), fc.oneof(value, fc.constant('__delete__'))), {
      maxLength: 2,
    }),
  )
  .map(([rec, changes]) => {
    for (const [k, v] of changes) {
      const r = rec as Record<string, unknown>;
      if (v === '__delete__') delete r[k];
      else r[k] = k === 'op' && typeof v === 'number' ? OPS[Math.abs(v) % 8] : v;
    }
    return rec as unknown;
  });
const anything = fc.oneof(
  { weight: 6, arbitrary: mutated },
  { weight: 1, arbitrary: fc.dictionary(fc.constantFrom(...FIELDS, 'op'), value) },
  { weight: 1, arbitrary: odd },
  { weight: 1, arbitrary: value },
);

function describeCase(x: unknown): string {
  try {
    return (
      JSON.stringify(x, (_k, v) =>
        v instanceof Uint8Array || v instanceof Int32Array
          ? `${v.constructor.name}(${v.length})`
          : typeof v === 'bigint'
            ? `${v}n`
            : v,
      )?.slice(0, 300) ?? String(x)
    );
  } catch {
    return typeof x;
  }
}

let threw = 0;
let returned = 0;
const cases = fc.sample(fc.tuple(anything, anything), { numRuns: runs, seed });
for (const [i, [rec, other]] of cases.entries()) {
  process.stderr.write(`case ${i}: ${describeCase(rec)} | ${describeCase(other)}\n`);
  try {
    (addon.runSync as (r: unknown) => number)(rec);
    returned++;
  } catch {
    threw++;
  }
  try {
    const p = (addon.run as (r: unknown) => Promise<Int32Array>)(i % 5 === 0 ? rec : [rec, other]);
    await p;
    returned++;
  } catch {
    threw++;
  }
  if (i % 50 === 0) (globalThis as { gc?: () => void }).gc?.();
}
// no arguments at all, and wrong selectKernel calls
for (const call of [
  () => (addon.runSync as () => number)(),
  () => (addon.run as () => Promise<Int32Array>)(),
  () => (addon.selectKernel as (...a: unknown[]) => void)(),
  () => (addon.selectKernel as (...a: unknown[]) => void)('pq', 'x'.repeat(1000)),
  () => (addon.selectKernel as (...a: unknown[]) => void)('p'.repeat(1000), 'auto'),
  () => (addon.selectKernel as (...a: unknown[]) => void)(1, 2),
]) {
  try {
    await call();
  } catch {
    threw++;
  }
}
process.stdout.write(`${JSON.stringify({ runs, threw, returned })}\n`);
