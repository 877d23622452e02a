// One definition per contract: the limits and codes of src/native/contract.h (the addon's
// `contract` export) agree with src/core/contract.ts, and both sides enforce them at the edges.
import { expect } from 'chai';
import {
  INLINE_MAX_BYTES,
  MAX_DATA,
  MAX_DISKS,
  MAX_RUN_RECORDS,
  MAX_XOR_SRCS,
  MIN_DATA,
  MIN_DISKS,
  Suspect,
} from '../../src/core/contract.js';
import { AsyncTxFlags, DmaStatus, SumCheckFlags } from '../../src/core/flags.js';
import { OP_NAMES, type OpRecord } from '../../src/core/op-record.js';
import {
  asyncGenSyndrome,
  asyncTxIssuePendingAll,
  asyncXor,
  dmaWaitForAsyncTx,
  initAsyncSubmit,
} from '../../src/index.js';
import type { NativeAddon } from '../../src/native/loader.js';
import { requireAddon } from './helpers.js';

describe('contract: C and TypeScript agree', () => {
  let addon: NativeAddon;
  before(function () {
    addon = requireAddon(this);
  });

  it('the limits are the same numbers', () => {
    expect(addon.contract).to.include({
      minData: MIN_DATA,
      maxData: MAX_DATA,
      maxDisks: MAX_DISKS,
      maxXorSrcs: MAX_XOR_SRCS,
      maxRunRecords: MAX_RUN_RECORDS,
      inlineMaxBytes: INLINE_MAX_BYTES,
    });
    expect([MIN_DATA, MAX_DATA, MIN_DISKS, MAX_DISKS]).to.deep.equal([2, 253, 4, 255]);
  });

  it('the suspect codes and the pq_val result bits are the same', () => {
    expect(addon.contract.suspect).to.deep.equal(Suspect);
    expect(addon.contract.pResult).to.equal(SumCheckFlags.P_RESULT);
    expect(addon.contract.qResult).to.equal(SumCheckFlags.Q_RESULT);
  });

  it('the ops are the same, in the same order', () => {
    expect(addon.contract.ops).to.deep.equal(OP_NAMES);
    expect(Object.keys(addon.kernels())).to.deep.equal([...OP_NAMES]);
  });

  it('the contract export is frozen', () => {
    expect(Object.isFrozen(addon.contract)).to.equal(true);
    expect(Object.isFrozen(addon.contract.suspect)).to.equal(true);
  });

  it('the effective inline threshold is the contract one unless RAIDTX_INLINE_BYTES moves it', () => {
    const env = process.env.RAIDTX_INLINE_BYTES;
    expect(addon.inlineMaxBytes).to.equal(env ? Number(env) : INLINE_MAX_BYTES);
  });

  const pqRecord = (n: number): OpRecord => ({
    op: 'pq',
    data: Array.from({ length: n }, () => new Uint8Array(8)),
    p: new Uint8Array(8),
    q: new Uint8Array(8),
    xorDst: false,
  });

  it('both sides take MIN_DATA..MAX_DATA data members and refuse one more or one less', async () => {
    expect(addon.runSync(pqRecord(MIN_DATA))).to.equal(0);
    expect(addon.runSync(pqRecord(MAX_DATA))).to.equal(0);
    expect(() => addon.runSync(pqRecord(MAX_DATA + 1))).to.throw(RangeError, /must be 2\.\.253/);
    expect(() => addon.runSync(pqRecord(MIN_DATA - 1))).to.throw(RangeError, /must be 2\.\.253/);
    const blocks = (n: number) => Array.from({ length: n }, () => new Uint8Array(8));
    const tx = asyncGenSyndrome(blocks(MAX_DISKS), 0, MAX_DISKS, 8, initAsyncSubmit());
    asyncTxIssuePendingAll();
    expect(await dmaWaitForAsyncTx(tx)).to.equal(DmaStatus.COMPLETE);
    expect(() => asyncGenSyndrome(blocks(MAX_DISKS + 1), 0, MAX_DISKS + 1, 8, initAsyncSubmit())).to.throw(
      /disks: must be in 4\.\.255/,
    );
  });

  it('both sides take MAX_XOR_SRCS sources and refuse one more', () => {
    const srcs = (n: number) => Array.from({ length: n }, () => new Uint8Array(8));
    const rec = (n: number): OpRecord => ({
      op: 'xor',
      dest: new Uint8Array(8),
      srcs: srcs(n),
      accumulate: false,
    });
    expect(addon.runSync(rec(MAX_XOR_SRCS))).to.equal(0);
    expect(() => addon.runSync(rec(MAX_XOR_SRCS + 1))).to.throw(RangeError, /must be 1\.\.1024/);
    expect(() =>
      asyncXor(
        new Uint8Array(8),
        srcs(MAX_XOR_SRCS + 1),
        0,
        MAX_XOR_SRCS + 1,
        8,
        initAsyncSubmit(AsyncTxFlags.XOR_ZERO_DST),
      ),
    ).to.throw(/srcCnt: must be in 2\.\.1024/);
  });

  it('run() refuses more than MAX_RUN_RECORDS records', async () => {
    const err = await addon.run(new Array(MAX_RUN_RECORDS + 1)).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(RangeError);
    expect((err as Error).message).to.equal(`run: records.length (65537) must be <= ${MAX_RUN_RECORDS}`);
  });
});
