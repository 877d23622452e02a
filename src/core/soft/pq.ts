import type { PqRecord } from '../op-record.js';
import { mul2, wordPlan, words32, zeroBlock } from './words.js';

const TILE_WORDS = 1024;
const tileP = new Int32Array(TILE_WORDS);
const tileQ = new Int32Array(TILE_WORDS);

/**
 * The RAID6 syndrome (lib/raid6/int.uc): P = XOR of data, Q = sum of g^i * data[i], by Horner's rule
 * from the highest index down. A null data block is zeros at its index; a null p or q is not written.
 * With `xorDst` the result is XORed into the existing P/Q. All views have the same length.
 */
export function pqKernel(
  data: readonly (Uint8Array | null)[],
  p: Uint8Array | null,
  q: Uint8Array | null,
  xorDst: boolean,
): void {
  const len = (p ?? q)!.length;
  if (len === 0) return;
  const blocks = data.map((d) => d ?? zeroBlock(len));
  const n = blocks.length;
  const plan = wordPlan([...blocks, p, q], len);
  const head = plan ? plan.head : len;
  const byteRange = (from: number, to: number): void => {
    for (let i = from; i < to; i++) {
      let wp = blocks[n - 1]![i]!;
      let wq = wp;
      for (let z = n - 2; z >= 0; z--) {
        const d = blocks[z]![i]!;
        wp ^= d;
        wq = mul2(wq) ^ d;
      }
      if (p) p[i] = xorDst ? p[i]! ^ wp : wp;
      if (q) q[i] = xorDst ? q[i]! ^ wq : wq;
    }
  };
  byteRange(0, head);
  if (!plan) return;
  const { words } = plan;
  const w = blocks.map((b) => words32(b, head, words));
  const pw = p ? words32(p, head, words) : null;
  const qw = q ? words32(q, head, words) : null;
  // Tile by tile, one member at a time: each inner loop is a simple pass over L1-resident tiles,
  // which V8 compiles far better than a per-word loop over all members.
  const tp = tileP;
  const tq = tileQ;
  for (let t0 = 0; t0 < words; t0 += TILE_WORDS) {
    const t = Math.min(TILE_WORDS, words - t0);
    const top = w[n - 1]!;
    for (let i = 0; i < t; i++) {
      const d = top[t0 + i]!;
      tp[i] = d;
      tq[i] = d;
    }
    for (let z = n - 2; z >= 0; z--) {
      const dz = w[z]!;
      for (let i = 0; i < t; i++) {
        const d = dz[t0 + i]!;
        const x = tq[i]!;
        tp[i] = tp[i]! ^ d;
        // Q = {02}·Q ^ d on four bytes at once (SWAR); inlined by hand: V8 leaves a call here 4x slower
        tq[i] = ((x & 0x7f7f7f7f) << 1) ^ Math.imul((x >>> 7) & 0x01010101, 0x1d) ^ d;
      }
    }
    if (pw) {
      if (xorDst) for (let i = 0; i < t; i++) pw[t0 + i] = pw[t0 + i]! ^ tp[i]!;
      else pw.set(tp.subarray(0, t), t0);
    }
    if (qw) {
      if (xorDst) for (let i = 0; i < t; i++) qw[t0 + i] = qw[t0 + i]! ^ tq[i]!;
      else qw.set(tq.subarray(0, t), t0);
    }
  }
  byteRange(head + 4 * words, len);
}

export function runPq(r: PqRecord): number {
  pqKernel(r.data, r.p, r.q, r.xorDst);
  return 0;
}
