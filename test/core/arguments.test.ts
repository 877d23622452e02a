// Bad arguments throw typed errors naming the argument; nothing is written.
import { expect } from 'chai';
import {
  ArgumentError,
  AsyncTxFlags,
  asyncGenSyndrome,
  asyncMemcpy,
  asyncMemset,
  asyncRaid6DatapRecov,
  asyncRaid62DataRecov,
  asyncSyndromeVal,
  asyncXor,
  asyncXorVal,
  initAsyncSubmit,
} from '../../src/index.js';
import { forEachEngine } from './fixtures.js';

const B = (n = 64) => Buffer.alloc(n, 0x42);
const Z = AsyncTxFlags.XOR_ZERO_DST;

forEachEngine(() => {
  const cases: [string, () => unknown, RegExp][] = [
    ['xor srcCnt < 2', () => asyncXor(B(), [B()], 0, 1, 64, initAsyncSubmit(Z)), /srcCnt: must be in 2\.\./],
    [
      'xor srcCnt beyond srcs',
      () => asyncXor(B(), [B(), B()], 0, 3, 64, initAsyncSubmit(Z)),
      /srcCnt: \(3\) > srcs.length \(2\)/,
    ],
    [
      'xor without ZERO_DST/DROP_DST',
      () => asyncXor(B(), [B(), B()], 0, 2, 64, initAsyncSubmit()),
      /submit\.flags/,
    ],
    [
      'xor with both flags',
      () => asyncXor(B(), [B(), B()], 0, 2, 64, initAsyncSubmit(Z | AsyncTxFlags.XOR_DROP_DST)),
      /exactly one/,
    ],
    [
      'xor DROP_DST with srcs[0] != dest',
      () => asyncXor(B(), [B(), B()], 0, 2, 64, initAsyncSubmit(AsyncTxFlags.XOR_DROP_DST)),
      /srcs\[0\]: must be dest/,
    ],
    [
      'xor len beyond a source',
      () => asyncXor(B(), [B(), B(32)], 0, 2, 64, initAsyncSubmit(Z)),
      /srcs\[1\]: offset \(0\) \+ len \(64\) > length \(32\)/,
    ],
    [
      'xor negative offset',
      () => asyncXor(B(), [B(), B()], -1, 2, 8, initAsyncSubmit(Z)),
      /offset: must be >= 0/,
    ],
    [
      'xor fractional offset',
      () => asyncXor(B(), [B(), B()], 1.5, 2, 8, initAsyncSubmit(Z)),
      /offset: must be an integer/,
    ],
    [
      'xor offset + len beyond dest',
      () => asyncXor(B(), [B(), B()], 60, 2, 8, initAsyncSubmit(Z)),
      /dest: offset \(60\) \+ len \(8\) > length \(64\)/,
    ],
    [
      'xor a non-buffer source',
      () => asyncXor(B(), [B(), 'x' as unknown as Buffer], 0, 2, 8, initAsyncSubmit(Z)),
      /srcs\[1\]: must be a Buffer/,
    ],
    [
      'xor_val srcCnt < 2',
      () => asyncXorVal(null, [B()], 0, 1, 64, { value: 0 }, initAsyncSubmit()),
      /srcCnt/,
    ],
    [
      'pq disks < 4',
      () => asyncGenSyndrome([B(), B(), B()], 0, 3, 64, initAsyncSubmit()),
      /disks: must be in 4\.\.255, got 3/,
    ],
    [
      'pq disks > 255',
      () =>
        asyncGenSyndrome(
          Array.from({ length: 256 }, () => B()),
          0,
          256,
          64,
          initAsyncSubmit(),
        ),
      /disks: must be in 4\.\.255, got 256/,
    ],
    [
      'pq blocks shorter than disks',
      () => asyncGenSyndrome([B(), B(), B()], 0, 4, 64, initAsyncSubmit()),
      /blocks: holds 3 entries, needs 4/,
    ],
    [
      'pq both P and Q null',
      () => asyncGenSyndrome([B(), B(), null, null], 0, 4, 64, initAsyncSubmit()),
      /cannot both be null/,
    ],
    [
      'pq len beyond Q',
      () => asyncGenSyndrome([B(), B(), B(), B(10)], 0, 4, 64, initAsyncSubmit()),
      /blocks\[3\] \(Q\): offset \(0\) \+ len \(64\) > length \(10\)/,
    ],
    [
      'pq_val len negative',
      () => asyncSyndromeVal([B(), B(), B(), B()], 0, 4, -1, { value: 0 }, initAsyncSubmit()),
      /len: must be >= 0/,
    ],
    [
      'pq_val bad detail',
      () =>
        asyncSyndromeVal([B(), B(), B(), B()], 0, 4, 64, { value: 0 }, initAsyncSubmit(), {
          granularity: 0,
          flags: new Uint8Array(1),
        }),
      /detail\.granularity/,
    ],
    [
      '2data faila == failb',
      () => asyncRaid62DataRecov(6, 64, 2, 2, [B(), B(), B(), B(), B(), B()], initAsyncSubmit()),
      /failb: must differ from faila \(both 2\)/,
    ],
    [
      '2data fail index out of range',
      () => asyncRaid62DataRecov(6, 64, 0, 4, [B(), B(), B(), B(), B(), B()], initAsyncSubmit()),
      /failb: must be in 0\.\.3, got 4/,
    ],
    [
      '2data negative fail index',
      () => asyncRaid62DataRecov(6, 64, -1, 2, [B(), B(), B(), B(), B(), B()], initAsyncSubmit()),
      /faila: must be in 0\.\.3/,
    ],
    [
      '2data null failed block',
      () => asyncRaid62DataRecov(6, 64, 0, 1, [null, B(), B(), B(), B(), B()], initAsyncSubmit()),
      /blocks\[0\]: must be a buffer/,
    ],
    [
      '2data null Q',
      () => asyncRaid62DataRecov(6, 64, 0, 1, [B(), B(), B(), B(), B(), null], initAsyncSubmit()),
      /blocks\[5\] \(Q\): must be a buffer/,
    ],
    [
      'datap fail index is P',
      () => asyncRaid6DatapRecov(6, 64, 4, [B(), B(), B(), B(), B(), B()], initAsyncSubmit()),
      /faila: must be in 0\.\.3, got 4/,
    ],
    [
      'memcpy beyond src',
      () => asyncMemcpy(B(), B(16), 0, 8, 16, initAsyncSubmit()),
      /src: offset \(8\) \+ len \(16\) > length \(16\)/,
    ],
    [
      'memset value > 255',
      () => asyncMemset(B(), 256, 0, 8, initAsyncSubmit()),
      /value: must be in 0\.\.255, got 256/,
    ],
    [
      'memset NaN length',
      () => asyncMemset(B(), 1, 0, Number.NaN, initAsyncSubmit()),
      /len: must be an integer, got NaN/,
    ],
  ];
  for (const [name, call, message] of cases) {
    it(`throws ArgumentError: ${name}`, () => {
      expect(call).to.throw(ArgumentError, message);
    });
  }

  it('writes nothing when an argument is refused', () => {
    const p = B();
    const q = B();
    expect(() => asyncGenSyndrome([B(), B(8), p, q], 0, 4, 64, initAsyncSubmit())).to.throw(ArgumentError);
    expect(p.every((b) => b === 0x42) && q.every((b) => b === 0x42)).to.equal(true);
  });
});
