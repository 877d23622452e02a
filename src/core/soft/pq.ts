import type { PqRecord } from '../op-record.js';
import { mul2, mul2x4, wordPlan, words32, zeroBlock } from './words.js';

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
  const top = w[n - 1]!;
  for (let i = 0; i < words; i++) {
    let wp = top[i]!;
    let wq = wp;
    for (let z = n - 2; z >= 0; z--) {
      const d = w[z]![i]!;
      wp ^= d;
      wq = mul2x4(wq) ^ d;
    }
    if (pw) pw[i] = xorDst ? pw[i]! ^ wp : wp;
    if (qw) qw[i] = xorDst ? qw[i]! ^ wq : wq;
  }
  byteRange(head + 4 * words, len);
}

export function runPq(r: PqRecord): number {
  pqKernel(r.data, r.p, r.q, r.xorDst);
  return 0;
}
