// The async_tx model: chains, acks, callbacks, batching, channels.
import { expect } from 'chai';
import { unregisterChannels } from '../../src/core/async-tx.js';
import {
  AsyncTxFlags,
  asyncMemcpy,
  asyncMemset,
  asyncTriggerCallback,
  asyncTxAck,
  asyncTxIssuePendingAll,
  asyncXor,
  ChainError,
  Channel,
  createSoftwareChannel,
  DmaCap,
  DmaStatus,
  dmaWaitForAsyncTx,
  initAsyncSubmit,
  registerChannel,
  releaseChannel,
  requestChannel,
  setEngine,
} from '../../src/index.js';
import { prng } from '../helpers/prng.js';
import { forEachEngine } from './fixtures.js';

forEachEngine((cfg) => {
  it('runs the seed example: xor, a dependent copy, a dependent acked xor with a callback', async () => {
    // Documentation/crypto/async-tx-api.rst run_xor_copy_xor, with copy_src = xor_dest
    const rand = prng(42);
    const len = 8192 + 3;
    const srcs = [rand.bytes(len), rand.bytes(len), rand.bytes(len), rand.bytes(len)];
    const orig0 = Buffer.from(srcs[0]!);
    const expectXor = Buffer.from(srcs[0]!.map((b, i) => b ^ srcs[1]![i]! ^ srcs[2]![i]! ^ srcs[3]![i]!));
    const xorDest = srcs[0]!;
    const copyDest = Buffer.alloc(len);
    const events: string[] = [];

    const submit = initAsyncSubmit(AsyncTxFlags.XOR_DROP_DST, null, null, null);
    let tx = asyncXor(xorDest, srcs, 0, srcs.length, len, submit);
    submit.dependTx = tx;
    tx = asyncMemcpy(copyDest, xorDest, 0, 0, len, submit);
    let done!: () => void;
    const cmp = new Promise<void>((r) => {
      done = r;
    });
    const submit2 = initAsyncSubmit(
      AsyncTxFlags.XOR_DROP_DST | AsyncTxFlags.ACK,
      tx,
      (p) => {
        events.push(String(p));
        done();
      },
      'callback',
    );
    tx = asyncXor(xorDest, srcs, 0, srcs.length, len, submit2);
    asyncTxIssuePendingAll();
    await cmp;

    expect(events).to.deep.equal(['callback']);
    expect(copyDest.equals(expectXor), 'the copy saw the first xor').to.equal(true);
    expect(xorDest.equals(orig0), 'the second xor undid the first').to.equal(true);
    // a descriptor on every channel engine (auto may run these small ops inline); none on the sync path
    if (cfg.name === 'software') expect(tx).to.equal(null);
    if (cfg.name === 'software-channels' || cfg.name === 'native') expect(tx).to.not.equal(null);
    if (tx) {
      expect(tx.acked).to.equal(true);
      expect(tx.status).to.equal(DmaStatus.COMPLETE);
    }
  });

  it('returns null on the synchronous path and a descriptor on a channel', async () => {
    const small = Buffer.alloc(4096);
    const big = Buffer.alloc(1 << 20);
    const txSmall = asyncMemset(small, 1, 0, small.length, initAsyncSubmit());
    const txBig = asyncMemset(big, 2, 0, big.length, initAsyncSubmit());
    // software: no channels; auto: small operations run inline, large ones go to a channel
    expect(txSmall === null).to.equal(cfg.name === 'software' || cfg.name === 'auto');
    expect(txBig === null).to.equal(cfg.name === 'software');
    if (txSmall === null) expect(small[4095]).to.equal(1);
    asyncTxIssuePendingAll();
    await dmaWaitForAsyncTx(txSmall);
    await dmaWaitForAsyncTx(txBig);
    expect(small[0]).to.equal(1);
    expect(big[(1 << 20) - 1]).to.equal(2);
  });

  it('refuses a second child, an acked parent and submissions from a callback', async () => {
    // large enough to go to a channel on auto too; the synchronous path has no descriptors to chain
    const L = 1 << 20;
    const a = Buffer.alloc(L);
    const b = Buffer.alloc(L);
    const parent = asyncMemset(a, 7, 0, L, initAsyncSubmit());
    expect(parent === null, 'a descriptor unless on the synchronous path').to.equal(cfg.name === 'software');
    if (parent) {
      const child = asyncMemcpy(b, a, 0, 0, L, initAsyncSubmit(0, parent));
      expect(() => asyncMemcpy(b, a, 0, 0, L, initAsyncSubmit(0, parent))).to.throw(
        ChainError,
        /acked|dependent/,
      );
      await dmaWaitForAsyncTx(child);
      expect(b.every((x) => x === 7)).to.equal(true);
      const acked = asyncMemset(a, 1, 0, L, initAsyncSubmit(AsyncTxFlags.ACK));
      expect(acked, 'a descriptor on a channel').to.not.equal(null);
      expect(() => asyncMemset(b, 1, 0, L, initAsyncSubmit(0, acked))).to.throw(ChainError, /acked/);
      await dmaWaitForAsyncTx(acked);
    }
    let inner: unknown = null;
    const t = asyncMemset(
      a,
      3,
      0,
      4096,
      initAsyncSubmit(0, null, () => {
        try {
          asyncMemset(b, 4, 0, 16, initAsyncSubmit());
        } catch (e) {
          inner = e;
        }
      }),
    );
    await dmaWaitForAsyncTx(t);
    expect(inner).to.be.instanceOf(ChainError);
    expect((inner as Error).message).to.match(/callback/);
    expect(b[0]).to.not.equal(4);
  });

  it('asyncTxAck forbids later dependencies on the descriptor', async () => {
    const tx = asyncMemset(Buffer.alloc(1 << 20), 1, 0, 1 << 20, initAsyncSubmit());
    // the synchronous path hands out no descriptor to ack; every channel engine must
    if (cfg.name === 'software') return expect(tx).to.equal(null);
    expect(tx, 'a descriptor on a channel').to.not.equal(null);
    asyncTxAck(tx!);
    expect(() => asyncTriggerCallback(initAsyncSubmit(0, tx, () => {}))).to.throw(ChainError, /acked/);
    await dmaWaitForAsyncTx(tx);
  });

  it('async_trigger_callback runs after its dependency, or at once without one', async () => {
    const order: string[] = [];
    const buf = Buffer.alloc(1 << 16);
    const tx = asyncMemset(
      buf,
      9,
      0,
      buf.length,
      initAsyncSubmit(0, null, () => order.push('memset')),
    );
    const cb = asyncTriggerCallback(initAsyncSubmit(0, tx, () => order.push(`trigger saw ${buf[100]}`)));
    await dmaWaitForAsyncTx(cb);
    expect(order).to.deep.equal(['memset', 'trigger saw 9']);
    let ran = false;
    expect(asyncTriggerCallback(initAsyncSubmit(0, null, () => (ran = true)))).to.equal(null);
    expect(ran).to.equal(true);
  });

  it('runs long chains and many independent chains to completion in order', async () => {
    const bufs = Array.from({ length: 16 }, () => Buffer.alloc(4096));
    const tails = [];
    for (let c = 0; c < bufs.length; c++) {
      let tx = null;
      for (let k = 1; k <= 50; k++) {
        tx = asyncMemset(bufs[c]!, (c + k) & 0xff, 0, 4096, initAsyncSubmit(0, tx));
      }
      tails.push(tx);
    }
    asyncTxIssuePendingAll();
    for (const t of tails) expect(await dmaWaitForAsyncTx(t)).to.equal(DmaStatus.COMPLETE);
    bufs.forEach((b, c) => expect(b[4095]).to.equal((c + 50) & 0xff));
  });
});

describe('channels', () => {
  afterEach(() => {
    unregisterChannels((ch) => ch.executor.engine === 'software');
    setEngine('software');
  });

  it('batches descriptors until issue_pending', async () => {
    setEngine('software');
    const ch = createSoftwareChannel('batch');
    const buf = Buffer.alloc(4096);
    const tx = asyncMemset(buf, 5, 0, 4096, initAsyncSubmit());
    expect(tx).to.not.equal(null);
    expect(ch.pendingCount).to.equal(1);
    await new Promise((r) => setTimeout(r, 20));
    expect(buf[0], 'nothing ran before issue_pending').to.equal(0);
    asyncTxIssuePendingAll();
    await dmaWaitForAsyncTx(tx);
    expect(buf[0]).to.equal(5);
  });

  it('does not hand a requested (private) channel to the general allocator', async () => {
    setEngine('software');
    const a = createSoftwareChannel('a');
    const b = createSoftwareChannel('b', DmaCap.MEMSET);
    const priv = requestChannel(DmaCap.MEMSET, (ch) => ch.name === 'a');
    expect(priv).to.equal(a);
    for (let i = 0; i < 6; i++) {
      const tx = asyncMemset(Buffer.alloc(64), 1, 0, 64, initAsyncSubmit());
      expect(tx?.chan).to.equal(b);
      await dmaWaitForAsyncTx(tx);
    }
    const s = initAsyncSubmit();
    s.channel = priv;
    const own = asyncMemset(Buffer.alloc(64), 1, 0, 64, s);
    expect(own?.chan).to.equal(a);
    await dmaWaitForAsyncTx(own);
    expect(requestChannel(DmaCap.XOR)).to.equal(null, 'b lacks XOR and a is taken');
    releaseChannel(priv!);
    expect(() => releaseChannel(priv!)).to.throw(/not held/);
    expect(requestChannel(DmaCap.XOR)).to.equal(a);
  });

  it('fails a dependent when its parent fails, without running it', async () => {
    setEngine('software');
    registerChannel(
      new Channel('bad', DmaCap.MEMSET | DmaCap.INTERRUPT, {
        engine: 'software',
        run: () => Promise.reject(new Error('device gone')),
      }),
    );
    const buf = Buffer.alloc(64);
    const parent = asyncMemset(buf, 1, 0, 64, initAsyncSubmit());
    let cbRan = false;
    const child = asyncTriggerCallback(initAsyncSubmit(0, parent, () => (cbRan = true)));
    expect(await dmaWaitForAsyncTx(child)).to.equal(DmaStatus.ERROR);
    expect(parent!.status).to.equal(DmaStatus.ERROR);
    expect(child!.error?.message).to.match(/device gone/);
    expect(cbRan).to.equal(false);
  });
});
