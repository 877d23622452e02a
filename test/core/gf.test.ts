import { expect } from 'chai';
import {
  byteVerdict,
  gfexi,
  gfexp,
  gfinv,
  gflog,
  gfMul,
  recov2DataConstants,
  recovDatapConstant,
} from '../../src/index.js';
import { gfPow2, gfMul as refMul } from '../helpers/reference.js';

describe('GF(2^8) with 0x11d', () => {
  it('generator {02} has order 255 and the tables agree with carry-less multiplication', () => {
    expect(gfexp[0]).to.equal(1);
    for (const i of [0, 1, 7, 8, 100, 254]) expect(gfexp[i], `g^${i}`).to.equal(gfPow2(i));
    expect(gfexp[8]).to.equal(0x1d);
    expect(new Set(gfexp.subarray(0, 255)).size).to.equal(255);
    for (let a = 0; a < 256; a++) for (let b = 0; b < 256; b += 7) expect(gfMul(a, b)).to.equal(refMul(a, b));
    for (let x = 1; x < 256; x++) {
      expect(gfexp[gflog[x]!]).to.equal(x);
      expect(gfMul(x, gfinv[x]!)).to.equal(1);
    }
  });

  it('recovery constants solve the two-unknown system of lib/raid6/recov.c', () => {
    for (const [a, b] of [
      [0, 1],
      [3, 200],
      [100, 252],
    ] as const) {
      const { pbmul, qmul } = recov2DataConstants(a, b);
      expect(pbmul).to.equal(gfexi[b - a]);
      // pick D_a, D_b; Pxy = D_a ^ D_b, Qxy = g^a D_a ^ g^b D_b; the formula must give D_b back
      const da = 0x37;
      const db = 0xc4;
      const px = da ^ db;
      const qx = gfMul(gfexp[a]!, da) ^ gfMul(gfexp[b]!, db);
      expect(gfMul(pbmul, px) ^ gfMul(qmul, qx)).to.equal(db);
      expect(gfMul(recovDatapConstant(a), gfMul(gfexp[a]!, da))).to.equal(da);
    }
  });

  it("raid6check's verdict names the member whose error explains both P and Q", () => {
    expect(byteVerdict(0, 0)).to.equal(-1);
    expect(byteVerdict(5, 0)).to.equal(-2);
    expect(byteVerdict(0, 5)).to.equal(-3);
    for (const z of [0, 1, 7, 254]) {
      const err = 0x5c;
      expect(byteVerdict(err, gfMul(gfexp[z]!, err))).to.equal(z);
    }
  });
});
