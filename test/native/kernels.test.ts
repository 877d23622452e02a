// xor, pq, memcpy and memset of the native engine: every kernel valid on this CPU against an
// independent JS reference, the reference vectors and the software engine.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { OpRecord, PqRecord, XorRecord } from '../../src/core/op-record.js';
import { runSoftware } from '../../src/core/soft/index.js';
import type { NativeAddon } from '../../src/native/loader.js';
import { refPQ, refXor } from '../helpers/reference.js';
import {
  cloneRecord,
  eachKernel,
  equal,
  fillRandom,
  guardsIntact,
  requireAddon,
  reseed,
  sameBuffers,
  vectorsDir,
  view,
  views,
} from './helpers.js';

const COUNTS = [2, 3, 4, 5, 8, 16, 31, 32, 33, 64, 127, 253];
const LENGTHS = [0, 1, 63, 64, 65, 4095, 4097];
const MIB3 = (1 << 20) + 3;

describe('native kernels: xor, pq, memcpy, memset', () => {
  let addon: NativeAddon;
  before(function () {
    addon = requireAddon(this);
  });

  it('matches the reference vectors (pq, xor, pq_val, xor_val) with every kernel', () => {
    for (const dir of readdirSync(vectorsDir, { withFileTypes: true }).filter((d) => d.isDirectory())) {
      const at = (f: string) => readFileSync(join(vectorsDir, dir.name, f));
      const { members, bytes } = JSON.parse(at('case.json').toString()) as { members: number; bytes: number };
      const all = at('data.bin');
      const data = Array.from({ length: members }, (_, i) => all.subarray(i * bytes, (i + 1) * bytes));
      eachKernel(addon, 'pq', (k) => {
        const p = Buffer.alloc(bytes);
        const q = Buffer.alloc(bytes);
        addon.runSync({ op: 'pq', data, p, q, xorDst: false });
        expect(p.equals(at('p.bin')), `${dir.name} P (${k})`).to.equal(true);
        expect(q.equals(at('q.bin')), `${dir.name} Q (${k})`).to.equal(true);
      });
      eachKernel(addon, 'xor', (k) => {
        const dest = Buffer.alloc(bytes);
        addon.runSync({ op: 'xor', dest, srcs: data, accumulate: false });
        expect(dest.equals(at('xor.bin')), `${dir.name} xor (${k})`).to.equal(true);
      });
      eachKernel(addon, 'pq_val', (k) => {
        const r = addon.runSync({
          op: 'pq_val',
          data,
          p: at('p.bin'),
          q: at('q.bin'),
          granularity: 4096,
          flags: null,
          suspect: null,
        });
        expect(r, `${dir.name} pq_val (${k})`).to.equal(0);
      });
      eachKernel(addon, 'xor_val', (k) => {
        const r = addon.runSync({
          op: 'xor_val',
          srcs: [...data, at('xor.bin')],
          granularity: 512,
          mismatch: null,
        });
        expect(r, `${dir.name} xor_val (${k})`).to.equal(0);
      });
    }
  });

  it('pq: every kernel equals the reference for 2..253 members, odd lengths and unaligned views', () => {
    reseed(1);
    for (const n of COUNTS) {
      for (const len of [...LENGTHS, ...(n === 3 || n === 8 ? [MIB3] : [])]) {
        const data = views(n, len);
        const ref = refPQ(data, len);
        eachKernel(addon, 'pq', (k) => {
          const p = view(len, 1 + (n % 63), false, false);
          const q = view(len, 5, true, false);
          expect(addon.runSync({ op: 'pq', data, p, q, xorDst: false })).to.equal(0);
          expect(equal(p, ref.p), `P n=${n} len=${len} ${k}`).to.equal(true);
          expect(equal(q, ref.q), `Q n=${n} len=${len} ${k}`).to.equal(true);
          expect(guardsIntact(p) && guardsIntact(q), `guards n=${n} len=${len} ${k}`).to.equal(true);
        });
      }
    }
  });

  it('pq: null data blocks count as zeros at their index; P-only and Q-only', () => {
    reseed(2);
    for (const n of [2, 5, 33, 253]) {
      for (const len of [1, 65, 4097, 40000]) {
        const data: (Uint8Array | null)[] = views(n, len);
        for (let z = 0; z < n; z++) if (z % 3 === 1 || z === n - 1) data[z] = null;
        const ref = refPQ(data, len);
        eachKernel(addon, 'pq', (k) => {
          const p = view(len, 3);
          const q = view(len, 9);
          addon.runSync({ op: 'pq', data, p, q, xorDst: false });
          expect(equal(p, ref.p) && equal(q, ref.q), `nulls n=${n} len=${len} ${k}`).to.equal(true);
          const ponly = view(len, 4);
          addon.runSync({ op: 'pq', data, p: ponly, q: null, xorDst: false });
          expect(equal(ponly, ref.p), `P only ${k}`).to.equal(true);
          const qonly = view(len, 4, true);
          addon.runSync({ op: 'pq', data, p: null, q: qonly, xorDst: false });
          expect(equal(qonly, ref.q), `Q only ${k}`).to.equal(true);
        });
      }
    }
  });

  it('pq: xorDst read-modify-write of two halves equals full regeneration', () => {
    reseed(3);
    for (const n of [2, 8, 31, 253]) {
      for (const len of [63, 4097, 70001]) {
        const data = views(n, len);
        const ref = refPQ(data, len);
        const half = n >> 1;
        const first = data.map((d, i) => (i < half ? d : null));
        const second = data.map((d, i) => (i >= half ? d : null));
        eachKernel(addon, 'pq', (k) => {
          const p = view(len, 2);
          const q = view(len, 60, true);
          addon.runSync({ op: 'pq', data: first, p, q, xorDst: false });
          addon.runSync({ op: 'pq', data: second, p, q, xorDst: true });
          expect(equal(p, ref.p) && equal(q, ref.q), `xorDst n=${n} len=${len} ${k}`).to.equal(true);
          const qo = view(len, 7);
          addon.runSync({ op: 'pq', data: first, p: null, q: qo, xorDst: false });
          addon.runSync({ op: 'pq', data: second, p: null, q: qo, xorDst: true });
          expect(equal(qo, ref.q), `xorDst Q only ${k}`).to.equal(true);
        });
      }
    }
  });

  it('xor: every kernel, 1..1024 sources, odd lengths, unaligned, in place and accumulate', () => {
    reseed(4);
    for (const n of [1, 2, 3, 4, 5, 8, 16, 31, 32, 33, 64, 127, 253, 1024]) {
      for (const len of n > 253 ? [0, 65, 4097] : [...LENGTHS, ...(n === 4 ? [MIB3] : [])]) {
        const srcs = views(n, len);
        const ref = refXor(srcs, len);
        eachKernel(addon, 'xor', (k) => {
          const dest = view(len, 11, n % 2 === 0, false);
          addon.runSync({ op: 'xor', dest, srcs, accumulate: false });
          expect(equal(dest, ref) && guardsIntact(dest), `xor n=${n} len=${len} ${k}`).to.equal(true);
          // accumulate: dest ^= xor(srcs), in place
          const acc = view(len, 13);
          const before = new Uint8Array(acc);
          addon.runSync({ op: 'xor', dest: acc, srcs, accumulate: true });
          const want = refXor([before, ref], len);
          expect(equal(acc, want), `accumulate n=${n} len=${len} ${k}`).to.equal(true);
          // dest aliasing srcs[0]: the in-place form of XOR_DROP_DST
          if (n >= 2) {
            const own = srcs.map((s) => new Uint8Array(s));
            addon.runSync({ op: 'xor', dest: own[0], srcs: own, accumulate: false });
            expect(equal(own[0], ref), `in place n=${n} len=${len} ${k}`).to.equal(true);
          }
        });
      }
    }
  });

  it('memcpy and memset: every kernel, odd lengths, unaligned, overlapping views', () => {
    reseed(5);
    for (const len of [...LENGTHS, 300, MIB3]) {
      const src = view(len, 17);
      eachKernel(addon, 'memcpy', (k) => {
        const dest = view(len, 33, true, false);
        addon.runSync({ op: 'memcpy', dest, src });
        expect(equal(dest, src) && guardsIntact(dest), `memcpy len=${len} ${k}`).to.equal(true);
      });
      eachKernel(addon, 'memset', (k) => {
        const dest = view(len, 21, false, true);
        addon.runSync({ op: 'memset', dest, value: 0xc3 });
        expect(dest.every((b) => b === 0xc3) && guardsIntact(dest), `memset len=${len} ${k}`).to.equal(true);
      });
    }
    eachKernel(addon, 'memcpy', (k) => {
      const buf = fillRandom(new Uint8Array(10000));
      const want = Buffer.from(buf.subarray(0, 9000));
      addon.runSync({ op: 'memcpy', dest: buf.subarray(1000), src: buf.subarray(0, 9000) });
      expect(Buffer.from(buf.subarray(1000)).equals(want), `overlap ${k}`).to.equal(true);
    });
  });

  it('agrees with the software engine (src/core/soft)', () => {
    const soft = runSoftware;
    reseed(6);
    const recs: OpRecord[] = [];
    for (const n of [2, 5, 33]) {
      for (const len of [1, 65, 4097]) {
        const data: (Uint8Array | null)[] = views(n, len);
        if (n > 2) data[1] = null;
        recs.push({ op: 'pq', data, p: view(len, 1), q: view(len, 2), xorDst: n === 5 } satisfies PqRecord);
        recs.push({
          op: 'xor',
          dest: view(len, 3),
          srcs: views(n, len),
          accumulate: n === 33,
        } satisfies XorRecord);
        recs.push({
          op: 'pq_val',
          data,
          p: view(len, 1),
          q: view(len, 2),
          granularity: 64,
          flags: new Uint8Array(Math.ceil(len / 64)),
          suspect: new Int32Array(Math.ceil(len / 64)),
        });
        recs.push({
          op: 'recov_2data',
          data: views(n, len),
          p: view(len, 1),
          q: view(len, 2),
          faila: 0,
          failb: n - 1,
        });
        recs.push({ op: 'recov_datap', data: views(n, len), p: view(len, 1), q: view(len, 2), faila: n - 1 });
      }
    }
    for (const rec of recs) {
      const a = cloneRecord(rec);
      const b = cloneRecord(rec);
      const ra = addon.runSync(a);
      const rb = soft!(b);
      expect(ra, `${rec.op} result`).to.equal(rb);
      expect(sameBuffers(a, b), `${rec.op} buffers`).to.equal(null);
    }
  });
});
