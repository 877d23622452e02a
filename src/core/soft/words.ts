// Word access for the software kernels: they work on 32-bit words (SWAR), which needs every view to
// share the same alignment. `wordPlan` finds the byte head before the first aligned word.

export interface WordPlan {
  /** bytes handled one at a time before the first aligned word */
  head: number;
  /** aligned 32-bit words after the head */
  words: number;
}

/** Plans word access over equal-length views; null when alignments differ or no word fits (bytewise then). */
export function wordPlan(views: readonly (Uint8Array | null)[], len: number): WordPlan | null {
  let mis = -1;
  for (const v of views) {
    if (v === null) continue;
    const m = v.byteOffset & 3;
    if (mis === -1) mis = m;
    else if (m !== mis) return null;
  }
  const head = Math.min(len, (4 - Math.max(mis, 0)) & 3);
  const words = (len - head) >>> 2;
  // no whole word: the caller's byte loop covers everything (and no view is made at an odd address)
  return words === 0 ? null : { head, words };
}

/** An Int32Array over `words` words of `v` starting at byte `head` (which is 4-aligned in memory). */
export function words32(v: Uint8Array, head: number, words: number): Int32Array {
  return new Int32Array(v.buffer, v.byteOffset + head, words);
}

/** Multiplies one byte by {02}. */
export function mul2(b: number): number {
  return ((b << 1) ^ (b & 0x80 ? 0x1d : 0)) & 0xff;
}

let zeros = new Uint8Array(0);
/** A read-only-by-convention zero block of at least `len` bytes (stands in for null data blocks). */
export function zeroBlock(len: number): Uint8Array {
  if (zeros.length < len) zeros = new Uint8Array(Math.max(len, 2 * zeros.length));
  return zeros.subarray(0, len);
}

/** Bytes per scratch tile: the software val and recovery kernels work tile by tile. */
export const TILE = 16384;
const scratch: Uint8Array[] = [];
/**
 * Scratch tile `i` of `len` <= TILE bytes whose address has the same alignment (mod 4) as `like`,
 * so that word access over it and `like` stays possible. Reused across calls: not reentrant.
 */
export function scratchTile(i: number, len: number, like: Uint8Array): Uint8Array {
  while (scratch.length <= i) scratch.push(new Uint8Array(TILE + 4));
  const a = like.byteOffset & 3;
  return scratch[i]!.subarray(a, a + len);
}

/** True when every byte of `v` is zero (word scan where alignment allows). */
export function isZero(v: Uint8Array): boolean {
  const len = v.length;
  const plan = wordPlan([v], len);
  const head = plan ? plan.head : len;
  for (let i = 0; i < head; i++) if (v[i] !== 0) return false;
  if (!plan) return true;
  const w = words32(v, head, plan.words);
  for (let i = 0; i < plan.words; i++) if (w[i] !== 0) return false;
  for (let i = head + 4 * plan.words; i < len; i++) if (v[i] !== 0) return false;
  return true;
}
