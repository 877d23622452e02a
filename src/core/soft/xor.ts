import type { XorRecord } from '../op-record.js';
import { wordPlan, words32 } from './words.js';

/**
 * dest = srcs[0] ^ ... ^ srcs[n-1], or dest ^= that when `accumulate`. All views have dest's length.
 * Sources may alias dest only in accumulate mode as srcs are read before dest is written per word.
 */
export function xorKernel(dest: Uint8Array, srcs: readonly Uint8Array[], accumulate: boolean): void {
  const len = dest.length;
  const plan = wordPlan([dest, ...srcs], len);
  const head = plan ? plan.head : len;
  for (let i = 0; i < head; i++) {
    let v = accumulate ? dest[i]! : 0;
    for (const s of srcs) v ^= s[i]!;
    dest[i] = v;
  }
  if (!plan) return;
  const { words } = plan;
  const d = words32(dest, head, words);
  // Up to four sources per pass keeps dest traffic low without a per-word source loop.
  let k = 0;
  let acc = accumulate;
  while (k < srcs.length) {
    const m = Math.min(4, srcs.length - k);
    const a = words32(srcs[k]!, head, words);
    const b = m > 1 ? words32(srcs[k + 1]!, head, words) : a;
    const c = m > 2 ? words32(srcs[k + 2]!, head, words) : a;
    const e = m > 3 ? words32(srcs[k + 3]!, head, words) : a;
    if (m === 4) {
      if (acc) for (let i = 0; i < words; i++) d[i] = d[i]! ^ a[i]! ^ b[i]! ^ c[i]! ^ e[i]!;
      else for (let i = 0; i < words; i++) d[i] = a[i]! ^ b[i]! ^ c[i]! ^ e[i]!;
    } else if (m === 3) {
      if (acc) for (let i = 0; i < words; i++) d[i] = d[i]! ^ a[i]! ^ b[i]! ^ c[i]!;
      else for (let i = 0; i < words; i++) d[i] = a[i]! ^ b[i]! ^ c[i]!;
    } else if (m === 2) {
      if (acc) for (let i = 0; i < words; i++) d[i] = d[i]! ^ a[i]! ^ b[i]!;
      else for (let i = 0; i < words; i++) d[i] = a[i]! ^ b[i]!;
    } else if (acc) for (let i = 0; i < words; i++) d[i] = d[i]! ^ a[i]!;
    else for (let i = 0; i < words; i++) d[i] = a[i]!;
    k += m;
    acc = true;
  }
  for (let i = head + 4 * words; i < len; i++) {
    let v = accumulate ? dest[i]! : 0;
    for (const s of srcs) v ^= s[i]!;
    dest[i] = v;
  }
}

export function runXor(r: XorRecord): number {
  xorKernel(r.dest, r.srcs, r.accumulate);
  return 0;
}
