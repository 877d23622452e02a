// Every argument rule of the native engine throws (runSync) or rejects (run) with a message that
// names the field; wrong types never crash the process.
import { expect } from 'chai';
import type { OpRecord } from '../../src/core/op-record.js';
import type { NativeAddon } from '../../src/native/loader.js';
import { requireAddon } from './helpers.js';

const b = (n = 64) => new Uint8Array(n);
const data = (n: number, len = 64) => Array.from({ length: n }, () => b(len));

// [description, record, message pattern]
const BAD: [string, unknown, RegExp][] = [
  ['not an object', 42, /record must be an object/],
  ['null record', null, /record must be an object/],
  ['op missing', { dest: b() }, /record\.op must be a string/],
  ['unknown op', { op: 'raid7' }, /unknown op "raid7"/],
  ['xor: no srcs', { op: 'xor', dest: b(), srcs: [], accumulate: false }, /xor: need >= 1 src/],
  [
    'xor: accumulate without srcs',
    { op: 'xor', dest: b(), srcs: [], accumulate: true },
    /xor: need >= 1 src/,
  ],
  [
    'xor: too many srcs',
    { op: 'xor', dest: b(), srcs: data(1025, 1), accumulate: false },
    /srcs has 1025 members, must be 1\.\.1024/,
  ],
  [
    'xor: src length',
    { op: 'xor', dest: b(64), srcs: [b(64), b(63)], accumulate: false },
    /xor: srcs\[1\]\.length \(63\) != len \(64\)/,
  ],
  [
    'xor: dest string',
    { op: 'xor', dest: 'abc', srcs: [b()], accumulate: false },
    /xor: dest must be a Uint8Array/,
  ],
  [
    'xor: plain array src',
    { op: 'xor', dest: b(2), srcs: [[1, 2]], accumulate: false },
    /xor: srcs\[0\] must be a Uint8Array/,
  ],
  [
    'xor: Int32Array src',
    { op: 'xor', dest: b(8), srcs: [new Int32Array(2)], accumulate: false },
    /xor: srcs\[0\] must be a Uint8Array/,
  ],
  [
    'xor: srcs not array',
    { op: 'xor', dest: b(), srcs: b(), accumulate: false },
    /xor: srcs must be an array/,
  ],
  ['xor: accumulate missing', { op: 'xor', dest: b(), srcs: [b()] }, /xor: accumulate must be a boolean/],
  [
    'xor: null src',
    { op: 'xor', dest: b(), srcs: [null], accumulate: false },
    /xor: srcs\[0\] must be a Uint8Array/,
  ],
  [
    'xor_val: one src',
    { op: 'xor_val', srcs: [b()], granularity: 1, mismatch: null },
    /xor_val: need >= 2 srcs/,
  ],
  [
    'xor_val: granularity 0',
    { op: 'xor_val', srcs: data(2), granularity: 0, mismatch: null },
    /xor_val: granularity must be an integer in 1\.\./,
  ],
  [
    'xor_val: granularity NaN',
    { op: 'xor_val', srcs: data(2), granularity: Number.NaN, mismatch: null },
    /granularity must be an integer.*NaN/,
  ],
  [
    'xor_val: granularity 1.5',
    { op: 'xor_val', srcs: data(2), granularity: 1.5, mismatch: null },
    /granularity must be an integer/,
  ],
  [
    'xor_val: granularity string',
    { op: 'xor_val', srcs: data(2), granularity: '4096', mismatch: null },
    /granularity must be a number/,
  ],
  [
    'xor_val: mismatch short',
    { op: 'xor_val', srcs: data(2, 100), granularity: 10, mismatch: b(9) },
    /mismatch\.length \(9\) < ceil\(len \/ granularity\) \(10\)/,
  ],
  [
    'pq: one member',
    { op: 'pq', data: data(1), p: b(), q: b(), xorDst: false },
    /pq: data has 1 members, must be 2\.\.253/,
  ],
  [
    'pq: 254 members',
    { op: 'pq', data: data(254, 1), p: b(1), q: b(1), xorDst: false },
    /pq: data has 254 members, must be 2\.\.253/,
  ],
  [
    'pq: data length',
    { op: 'pq', data: [b(4096), b(4096), b(4096), b(100)], p: b(4096), q: b(4096), xorDst: false },
    /pq: data\[3\]\.length \(100\) != len \(4096\)/,
  ],
  [
    'pq: q length',
    { op: 'pq', data: data(2), p: b(64), q: b(65), xorDst: false },
    /pq: q\.length \(65\) != len \(64\)/,
  ],
  [
    'pq: p and q null',
    { op: 'pq', data: data(2), p: null, q: null, xorDst: false },
    /pq: p and q are both null/,
  ],
  ['pq: p missing', { op: 'pq', data: data(2), q: b(), xorDst: false }, /pq: p must be a Uint8Array or null/],
  ['pq: xorDst missing', { op: 'pq', data: data(2), p: b(), q: b() }, /pq: xorDst must be a boolean/],
  [
    'pq_val: suspect wrong type',
    { op: 'pq_val', data: data(2), p: b(), q: b(), granularity: 64, flags: null, suspect: b(4) },
    /pq_val: suspect must be a Int32Array or null/,
  ],
  [
    'pq_val: flags short',
    {
      op: 'pq_val',
      data: data(2, 4097),
      p: b(4097),
      q: b(4097),
      granularity: 4096,
      flags: b(1),
      suspect: null,
    },
    /pq_val: flags\.length \(1\) < ceil\(len \/ granularity\) \(2\)/,
  ],
  [
    'pq_val: suspect short',
    {
      op: 'pq_val',
      data: data(2, 4097),
      p: b(4097),
      q: b(4097),
      granularity: 4096,
      flags: null,
      suspect: new Int32Array(1),
    },
    /suspect\.length \(1\) < ceil/,
  ],
  [
    'pq_val: granularity negative',
    { op: 'pq_val', data: data(2), p: b(), q: b(), granularity: -1, flags: null, suspect: null },
    /granularity must be an integer in 1\.\..*got -1/,
  ],
  [
    'pq_val: granularity huge',
    { op: 'pq_val', data: data(2), p: b(), q: b(), granularity: 2 ** 60, flags: null, suspect: null },
    /granularity must be an integer in 1\.\./,
  ],
  [
    'recov_2data: faila == failb',
    { op: 'recov_2data', data: data(6), p: b(), q: b(), faila: 5, failb: 5 },
    /recov_2data: faila \(5\) must be < failb \(5\)/,
  ],
  [
    'recov_2data: failb out of range',
    { op: 'recov_2data', data: data(4), p: b(), q: b(), faila: 1, failb: 4 },
    /recov_2data: failb \(4\) must be < data\.length \(4\)/,
  ],
  [
    'recov_2data: negative faila',
    { op: 'recov_2data', data: data(4), p: b(), q: b(), faila: -1, failb: 2 },
    /recov_2data: faila must be an integer in 0\.\.253 \(got -1\)/,
  ],
  [
    'recov_2data: faila Infinity',
    { op: 'recov_2data', data: data(4), p: b(), q: b(), faila: Number.POSITIVE_INFINITY, failb: 2 },
    /faila must be an integer/,
  ],
  [
    'recov_2data: null failed member',
    { op: 'recov_2data', data: [b(), null, b()], p: b(), q: b(), faila: 1, failb: 2 },
    /recov_2data: data\[1\] \(faila\) must not be null/,
  ],
  [
    'recov_2data: p null',
    { op: 'recov_2data', data: data(3), p: null, q: b(), faila: 0, failb: 1 },
    /recov_2data: p must be a Uint8Array$/,
  ],
  [
    'recov_2data: failb missing',
    { op: 'recov_2data', data: data(3), p: b(), q: b(), faila: 0 },
    /recov_2data: failb must be a number/,
  ],
  [
    'recov_datap: faila out of range',
    { op: 'recov_datap', data: data(3), p: b(), q: b(), faila: 3 },
    /recov_datap: faila \(3\) must be < data\.length \(3\)/,
  ],
  [
    'recov_datap: faila null',
    { op: 'recov_datap', data: [null, b()], p: b(), q: b(), faila: 0 },
    /recov_datap: data\[0\] \(faila\) must not be null/,
  ],
  ['memcpy: length', { op: 'memcpy', dest: b(10), src: b(11) }, /memcpy: src\.length \(11\) != len \(10\)/],
  ['memcpy: src missing', { op: 'memcpy', dest: b(10) }, /memcpy: src must be a Uint8Array/],
  [
    'memset: value 256',
    { op: 'memset', dest: b(), value: 256 },
    /memset: value must be an integer in 0\.\.255 \(got 256\)/,
  ],
  [
    'memset: value -1',
    { op: 'memset', dest: b(), value: -1 },
    /memset: value must be an integer in 0\.\.255/,
  ],
  ['memset: value 1.5', { op: 'memset', dest: b(), value: 1.5 }, /memset: value must be an integer/],
  ['memset: value bigint', { op: 'memset', dest: b(), value: 1n }, /memset: value must be a number/],
];

describe('native engine: argument checks', () => {
  let addon: NativeAddon;
  before(function () {
    addon = requireAddon(this);
  });

  for (const [what, rec, pattern] of BAD) {
    it(`rejects ${what}`, async () => {
      expect(() => addon.runSync(rec as OpRecord), 'runSync').to.throw(pattern);
      let err: unknown = null;
      await addon.run([{ op: 'memset', dest: b(1), value: 0 }, rec as OpRecord]).catch((e: unknown) => {
        err = e;
      });
      expect(err, 'run rejects').to.be.instanceOf(Error);
      expect((err as Error).message).to.match(pattern);
      expect((err as Error).message).to.match(/^records\[1\]: /);
    });
  }

  it('uses TypeError for wrong types and RangeError for bad numbers and lengths', () => {
    expect(() => addon.runSync({ op: 'xor', dest: 'x' } as unknown as OpRecord)).to.throw(TypeError);
    expect(() => addon.runSync({ op: 'memset', dest: b(), value: 300 })).to.throw(RangeError);
    expect(() => addon.runSync({ op: 'memcpy', dest: b(1), src: b(2) })).to.throw(RangeError);
  });

  it('propagates an exception thrown by a getter of the record', async () => {
    const rec = {
      op: 'memset',
      get dest(): Uint8Array {
        throw new Error('boom from getter');
      },
      value: 1,
    };
    expect(() => addon.runSync(rec as unknown as OpRecord)).to.throw(/boom from getter/);
    await addon.run([rec as unknown as OpRecord]).then(
      () => expect.fail('should reject'),
      (e: Error) => expect(e.message).to.match(/boom from getter/),
    );
  });

  it('run rejects a non-array and accepts an empty batch; zero-length ops are no-ops', async () => {
    await addon.run('nope' as unknown as OpRecord[]).then(
      () => expect.fail('should reject'),
      (e: Error) => expect(e.message).to.match(/records must be an array/),
    );
    expect(Array.from(await addon.run([]))).to.deep.equal([]);
    expect(
      addon.runSync({
        op: 'pq_val',
        data: data(2, 0),
        p: b(0),
        q: b(0),
        granularity: 1,
        flags: b(0),
        suspect: null,
      }),
    ).to.equal(0);
    expect(addon.runSync({ op: 'xor_val', srcs: data(2, 0), granularity: 5, mismatch: null })).to.equal(0);
    expect(
      addon.runSync({ op: 'recov_2data', data: data(2, 0), p: b(0), q: b(0), faila: 0, failb: 1 }),
    ).to.equal(0);
  });

  it('selectKernel rejects unknown ops and kernels; kernels() and cpuFeatures() describe the CPU', () => {
    expect(() => addon.selectKernel('pq' as never, 'sse9')).to.throw(RangeError, /pq has no kernel "sse9"/);
    expect(() => addon.selectKernel('raid7' as never, 'base')).to.throw(TypeError, /unknown op "raid7"/);
    expect(() => (addon.selectKernel as (...a: unknown[]) => void)(1, 2)).to.throw(TypeError);
    if (process.arch === 'x64' && !addon.cpuFeatures().includes('avx512bw')) {
      expect(() => addon.selectKernel('pq', 'avx512')).to.throw(RangeError, /not valid on this CPU/);
    }
    const k = addon.kernels();
    for (const op of [
      'xor',
      'xor_val',
      'pq',
      'pq_val',
      'recov_2data',
      'recov_datap',
      'memcpy',
      'memset',
    ] as const) {
      expect(k[op].valid).to.include('base');
      expect(k[op].valid).to.include(k[op].selected);
    }
    addon.selectKernel('pq', 'base');
    expect(addon.kernels().pq.selected).to.equal('base');
    addon.selectKernel('pq', 'auto');
    expect(addon.kernels().pq.selected).to.equal(k.pq.selected);
    expect(addon.cpuFeatures()).to.be.an('array');
  });
});
