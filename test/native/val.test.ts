// pq_val and xor_val: per-granule flags and raid6check suspect codes on injected corruption, and
// proof that they never write a block.
import { expect } from 'chai';
import { Suspect } from '../../src/core/contract.js';
import type { NativeAddon } from '../../src/native/loader.js';
import { refPQ, refXor } from '../helpers/reference.js';
import { checksum, eachKernel, requireAddon, reseed, view, views } from './helpers.js';

describe('native kernels: pq_val and xor_val', () => {
  let addon: NativeAddon;
  before(function () {
    addon = requireAddon(this);
  });

  /** consistent data + P + Q as views at awkward offsets */
  function stripe(n: number, len: number, nulls = false) {
    const data: (Uint8Array | null)[] = views(n, len);
    if (nulls) for (let z = 1; z < n; z += 3) data[z] = null;
    const ref = refPQ(data, len);
    const p = view(len, 7);
    const q = view(len, 50, true);
    p.set(ref.p);
    q.set(ref.q);
    return { data, p, q };
  }

  it('pq_val: a consistent stripe gives 0, flags 0 and suspect NONE, for every kernel', () => {
    reseed(10);
    for (const n of [2, 3, 8, 33, 253]) {
      for (const len of [0, 1, 63, 64, 65, 4095, 4097, 20001]) {
        for (const nulls of [false, true]) {
          const { data, p, q } = stripe(n, len, nulls);
          for (const gran of [1, 7, 64, 4096, 20000]) {
            const ng = Math.ceil(len / gran);
            eachKernel(addon, 'pq_val', (k) => {
              const flags = new Uint8Array(ng).fill(9);
              const suspect = new Int32Array(ng).fill(9);
              const r = addon.runSync({ op: 'pq_val', data, p, q, granularity: gran, flags, suspect });
              expect(r, `n=${n} len=${len} gran=${gran} ${k}`).to.equal(0);
              expect(flags.every((f) => f === 0) && suspect.every((s) => s === Suspect.NONE)).to.equal(true);
            });
            if (gran === 1 && len > 4097) break;
          }
        }
      }
    }
  });

  it('pq_val: names data member k, P, Q or unknown per granule, never writing a block', () => {
    reseed(11);
    for (const n of [2, 4, 10, 33, 253]) {
      for (const [len, gran] of [
        [4097, 64],
        [4096 * 5 + 3, 4096],
        [70000, 30000],
        [1000, 1],
      ] as const) {
        for (const nulls of [false, true]) {
          const { data, p, q } = stripe(n, len, nulls);
          const ng = Math.ceil(len / gran);
          const present = data.map((d, i) => (d ? i : -1)).filter((i) => i >= 0);
          const k = present[n % present.length];
          const k2 = present[(n + 1) % present.length];
          // data k at byte 0; P in granule 1; two data members at one offset (granule 3); Q at the end
          const hits: [Uint8Array, number, number][] = []; // [block, byte, expected suspect]
          hits.push([data[k]!, 0, k]);
          if (ng > 4) {
            hits.push([p, gran + 1, Suspect.P], [q, len - 1, Suspect.Q]);
            if (k !== k2 && gran > 1) {
              // two bytes with different error ratios, so no single member explains both
              hits.push([data[k]!, 3 * gran, Suspect.UNKNOWN]);
              data[k2]![3 * gran] ^= 0x3c;
              data[k]![3 * gran + 1] ^= 0x11;
              data[k2]![3 * gran + 1] ^= 0x77;
            }
          }
          for (const [block, byte] of hits) block[byte] ^= 0x5a;
          const want = new Int32Array(ng).fill(Suspect.NONE);
          const wantFlags = new Uint8Array(ng);
          for (const [, byte, s] of hits) {
            const g = Math.floor(byte / gran);
            want[g] = s;
            wantFlags[g] = s === Suspect.P ? 1 : s === Suspect.Q ? 2 : 3;
          }
          const sum = checksum([...data, p, q]);
          eachKernel(addon, 'pq_val', (kern) => {
            const flags = new Uint8Array(ng);
            const suspect = new Int32Array(ng);
            const r = addon.runSync({ op: 'pq_val', data, p, q, granularity: gran, flags, suspect });
            const tag = `n=${n} len=${len} gran=${gran} nulls=${nulls} ${kern}`;
            expect(Array.from(flags), tag).to.deep.equal(Array.from(wantFlags));
            expect(Array.from(suspect), tag).to.deep.equal(Array.from(want));
            expect(r, tag).to.equal(wantFlags.reduce((a, b) => a | b, 0));
            // the answer alone (no per-granule arrays)
            expect(
              addon.runSync({ op: 'pq_val', data, p, q, granularity: gran, flags: null, suspect: null }),
            ).to.equal(r);
            // P or Q not checked: any mismatch is unknown
            const s2 = new Int32Array(ng);
            const f2 = new Uint8Array(ng);
            addon.runSync({ op: 'pq_val', data, p: null, q, granularity: gran, flags: f2, suspect: s2 });
            for (let g = 0; g < ng; g++) {
              expect(f2[g], tag).to.equal(wantFlags[g] & 2);
              expect(s2[g], tag).to.equal(f2[g] ? Suspect.UNKNOWN : Suspect.NONE);
            }
            addon.runSync({ op: 'pq_val', data, p, q: null, granularity: gran, flags: f2, suspect: s2 });
            for (let g = 0; g < ng; g++) expect(f2[g], tag).to.equal(wantFlags[g] & 1);
            expect(checksum([...data, p, q]), `val ops never write: ${tag}`).to.equal(sum);
          });
        }
      }
    }
  });

  it('xor_val: zero XOR gives 0; a flipped byte flags its granule; never writes', () => {
    reseed(12);
    for (const n of [2, 3, 9, 64, 1024]) {
      for (const len of n > 64 ? [65, 5000] : [0, 1, 63, 64, 65, 4095, 4097, 1 << 20]) {
        const srcs = views(n, len);
        srcs[n - 1].set(refXor(srcs.slice(0, n - 1), len));
        for (const gran of [1, 64, 100, 4096, len + 5]) {
          const ng = Math.ceil(len / gran);
          eachKernel(addon, 'xor_val', (k) => {
            const m = new Uint8Array(ng).fill(7);
            expect(
              addon.runSync({ op: 'xor_val', srcs, granularity: gran, mismatch: m }),
              `n=${n} len=${len} ${k}`,
            ).to.equal(0);
            expect(m.every((b) => b === 0)).to.equal(true);
            if (len === 0) return;
            const at = (len * 5) >> 3;
            srcs[n >> 1][at] ^= 1;
            const sum = checksum(srcs);
            expect(addon.runSync({ op: 'xor_val', srcs, granularity: gran, mismatch: m })).to.equal(1);
            expect(addon.runSync({ op: 'xor_val', srcs, granularity: gran, mismatch: null })).to.equal(1);
            const want = new Uint8Array(ng);
            want[Math.floor(at / gran)] = 1;
            expect(Buffer.from(m).equals(want), `granules n=${n} len=${len} gran=${gran} ${k}`).to.equal(
              true,
            );
            expect(checksum(srcs)).to.equal(sum);
            srcs[n >> 1][at] ^= 1;
          });
          if (gran === 1 && len > 5000) break;
        }
      }
    }
  });
});
