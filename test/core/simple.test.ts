// The plain promise API on top of the kernel-named one, on every engine.
import { expect } from 'chai';
import {
  pq,
  pqVal,
  RaidtxError,
  recover2Data,
  recoverDatap,
  SumCheckFlags,
  xor,
  xorVal,
} from '../../src/index.js';
import { forEachEngine, loadVectors } from './fixtures.js';

const c = loadVectors().find((v) => v.name === '10disks-65537B')!;

forEachEngine(() => {
  it('pq and xor give the reference parity; the val calls accept it', async () => {
    const { p, q } = await pq(c.data);
    expect(Buffer.from(p).equals(c.p)).to.equal(true);
    expect(Buffer.from(q).equals(c.q)).to.equal(true);
    expect(Buffer.from(await xor(c.data)).equals(c.xor)).to.equal(true);
    expect(await pqVal(c.data, c.p, c.q)).to.equal(0);
    expect(await xorVal([...c.data, c.xor])).to.equal(true);
  });

  it('the val calls report a corrupted member', async () => {
    const data = c.data.map((d) => Buffer.from(d));
    data[3]![100]! ^= 1;
    expect(await pqVal(data, c.p, c.q)).to.equal(SumCheckFlags.P_RESULT | SumCheckFlags.Q_RESULT);
    expect(await pqVal(data, null, c.q)).to.equal(SumCheckFlags.Q_RESULT);
    expect(await xorVal([...data, c.xor])).to.equal(false);
  });

  it('recover2Data and recoverDatap rebuild lost members (and P)', async () => {
    const lost = c.data.map((d, i) => (i === 2 || i === 6 ? null : d));
    const [a, b] = await recover2Data(lost, c.p, c.q, 2, 6);
    expect(Buffer.from(a).equals(c.data[2]!)).to.equal(true);
    expect(Buffer.from(b).equals(c.data[6]!)).to.equal(true);
    const r = await recoverDatap(
      c.data.map((d, i) => (i === 5 ? null : d)),
      c.q,
      5,
    );
    expect(Buffer.from(r.data).equals(c.data[5]!)).to.equal(true);
    expect(Buffer.from(r.p).equals(c.p)).to.equal(true);
  });

  it('rejects bad input with a typed error', async () => {
    let err: unknown = null;
    try {
      await xor([c.data[0]!]);
    } catch (e) {
      err = e;
    }
    expect(err).to.be.instanceOf(RaidtxError);
    expect((err as Error).message).to.match(/srcCnt: must be in 2\.\.1024, got 1/);
  });
});
