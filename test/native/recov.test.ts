// raid6 recovery (2data and datap) with every kernel: every failed pair for small arrays, random
// pairs for 253 members, null survivors, unaligned views; results round-trip to the original data.
import { expect } from 'chai';
import type { NativeAddon } from '../../src/native/loader.js';
import { refPQ } from '../helpers/reference.js';
import { eachKernel, equal, guardsIntact, randInt, requireAddon, reseed, view, views } from './helpers.js';

describe('native kernels: recov_2data and recov_datap', () => {
  let addon: NativeAddon;
  before(function () {
    addon = requireAddon(this);
  });

  function check(n: number, len: number, pairs: [number, number][], nulls: boolean) {
    const data: (Uint8Array | null)[] = views(n, len);
    if (nulls) for (let z = 2; z < n; z += 4) data[z] = null;
    const { p: rp, q: rq } = refPQ(data, len);
    const p = view(len, 19);
    const q = view(len, 23, true);
    p.set(rp);
    q.set(rq);
    for (const [a, b] of pairs) {
      if (!data[a] || !data[b]) continue;
      eachKernel(addon, 'recov_2data', (k) => {
        const work = data.slice();
        work[a] = view(len, 1 + (a % 63)); // garbage in the failed members
        work[b] = view(len, 2 + (b % 61), true);
        addon.runSync({ op: 'recov_2data', data: work, p, q, faila: a, failb: b });
        const tag = `2data n=${n} len=${len} (${a},${b}) ${k}`;
        expect(equal(work[a]!, data[a]!) && equal(work[b]!, data[b]!), tag).to.equal(true);
        expect(guardsIntact(work[a]!) && guardsIntact(work[b]!), tag).to.equal(true);
        expect(equal(p, rp) && equal(q, rq), `P, Q untouched: ${tag}`).to.equal(true);
      });
    }
    const singles = [...new Set(pairs.flat())];
    for (const a of singles) {
      if (!data[a]) continue;
      eachKernel(addon, 'recov_datap', (k) => {
        const work = data.slice();
        work[a] = view(len, 3 + (a % 60));
        const pw = view(len, 31); // P is rebuilt: its old content does not matter
        addon.runSync({ op: 'recov_datap', data: work, p: pw, q, faila: a });
        const tag = `datap n=${n} len=${len} a=${a} ${k}`;
        expect(equal(work[a]!, data[a]!), tag).to.equal(true);
        expect(equal(pw, rp) && guardsIntact(pw), `P rebuilt: ${tag}`).to.equal(true);
      });
    }
  }

  it('every failed pair for 2, 3, 4 and 10 members', () => {
    reseed(20);
    for (const n of [2, 3, 4, 10]) {
      const pairs: [number, number][] = [];
      for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) pairs.push([a, b]);
      for (const len of [1, 63, 64, 65, 4097]) check(n, len, pairs, false);
      check(n, 20000, pairs, n > 3);
    }
  });

  it('random pairs for 253 members, and long members', () => {
    reseed(21);
    const pairs: [number, number][] = [
      [0, 1],
      [0, 252],
      [251, 252],
    ];
    while (pairs.length < 12) {
      const a = randInt(252);
      const b = a + 1 + randInt(252 - a);
      pairs.push([a, b]);
    }
    check(253, 1000, pairs, false);
    check(253, 4097, pairs.slice(0, 4), true);
    check(5, (1 << 20) + 3, [[1, 3]], false);
  });
});
