// The one seeded generator of the tests: xorshift32 (Marsaglia 2003), so that any failing case can be
// replayed from its seed. Not for anything but test data.

export class Prng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  /** the next 32-bit value */
  u32(): number {
    let s = this.s;
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    this.s = s;
    return s;
  }
  /** an integer in [0, n) */
  int(n: number): number {
    return this.u32() % n;
  }
  /** fills `b` with the next bytes (the low byte of each value) and returns it */
  fill<T extends Uint8Array>(b: T): T {
    for (let i = 0; i < b.length; i++) b[i] = this.u32() & 0xff;
    return b;
  }
  /** a new buffer of the next `n` bytes */
  bytes(n: number): Buffer {
    return this.fill(Buffer.alloc(n));
  }
}

export const prng = (seed: number): Prng => new Prng(seed);

/** `count` buffers of `len` bytes, one stream from `seed`. */
export function randomBuffers(count: number, len: number, seed = 1): Buffer[] {
  const g = prng(seed);
  return Array.from({ length: count }, () => g.bytes(len));
}
