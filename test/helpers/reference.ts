// The reference results of the tests: GF(2^8) multiplication, XOR, and the RAID6 syndrome, written
// from the definitions (DESIGN "The math") by carry-less multiplication reduced by 0x11d. It imports
// nothing from src/: an error in src's tables or kernels cannot hide in its own oracle.

/** a·b in GF(2^8): carry-less multiply, then reduce modulo x^8+x^4+x^3+x^2+1 (0x11d). */
export function gfMul(a: number, b: number): number {
  let r = 0;
  for (let i = 0; i < 8; i++) if (b & (1 << i)) r ^= a << i;
  for (let bit = 15; bit >= 8; bit--) if (r & (1 << bit)) r ^= 0x11d << (bit - 8);
  return r;
}

/** g^i for the generator g = {02}. */
export function gfPow2(i: number): number {
  let x = 1;
  for (let k = 0; k < i; k++) x = gfMul(x, 2);
  return x;
}

/** the XOR of the first `len` bytes of srcs (shorter sources read as zeros) */
export function refXor(srcs: Uint8Array[], len: number): Buffer {
  const out = Buffer.alloc(len);
  for (const s of srcs) for (let k = 0; k < len && k < s.length; k++) out[k]! ^= s[k]!;
  return out;
}

/**
 * P = ⊕ D_i and Q = ⊕ g^i·D_i over the first `len` bytes, by the definition: member i's coefficient
 * g^i times each byte. A `null` member (or the bytes beyond a shorter one) counts as zeros at its index.
 */
export function refPQ(data: (Uint8Array | null)[], len: number): { p: Buffer; q: Buffer } {
  const p = Buffer.alloc(len);
  const q = Buffer.alloc(len);
  const times = new Uint8Array(256);
  data.forEach((d, i) => {
    if (!d) return;
    const c = gfPow2(i);
    for (let b = 0; b < 256; b++) times[b] = gfMul(c, b);
    const n = Math.min(len, d.length);
    for (let k = 0; k < n; k++) {
      p[k]! ^= d[k]!;
      q[k]! ^= times[d[k]!]!;
    }
  });
  return { p, q };
}
