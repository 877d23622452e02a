// Test helpers for the native engine: an independent JS reference of the RAID6 math, seeded
// random buffers and views placed at awkward offsets.
import type { OpName, OpRecord } from '../../src/core/op-record.js';
import { loadNative, type NativeAddon } from '../../src/native/loader.js';

export { VECTORS_DIR as vectorsDir } from '../core/fixtures.js';

/** The addon, or skips the suite (fails it when RAIDTX_REQUIRE_NATIVE=1). */
export function requireAddon(ctx: Mocha.Context): NativeAddon {
  const { addon, reason } = loadNative();
  if (addon) return addon;
  if (process.env.RAIDTX_REQUIRE_NATIVE === '1') throw new Error(`native addon not loaded: ${reason}`);
  console.log(`    skipped: native addon not loaded: ${reason}`);
  ctx.skip();
  throw new Error('unreachable');
}

/** Runs fn once per kernel valid on this CPU for op, forcing it, and restores 'auto'. */
export function eachKernel(addon: NativeAddon, op: OpName, fn: (name: string) => void): void {
  try {
    for (const name of addon.kernels()[op].valid) {
      addon.selectKernel(op, name);
      fn(name);
    }
  } finally {
    addon.selectKernel(op, 'auto');
  }
}

// ---- GF(2^8), 0x11d ----
export const gfExp = new Uint8Array(512);
export const gfLog = new Uint8Array(256);
{
  let x = 1;
  for (let i = 0; i < 255; i++) {
    gfExp[i] = gfExp[i + 255] = x;
    gfLog[x] = i;
    x = (x << 1) ^ (x & 0x80 ? 0x11d : 0);
  }
}
export const gfMul = (a: number, b: number): number => (a && b ? gfExp[gfLog[a] + gfLog[b]] : 0);

/** reference P and Q; null members are zeros at their index */
export function refPq(data: (Uint8Array | null)[], len: number): { p: Uint8Array; q: Uint8Array } {
  const p = new Uint8Array(len);
  const q = new Uint8Array(len);
  for (let z = data.length - 1; z >= 0; z--) {
    const d = data[z];
    for (let i = 0; i < len; i++) {
      const w = q[i];
      q[i] = ((w << 1) & 0xff) ^ (w & 0x80 ? 0x1d : 0) ^ (d ? d[i] : 0);
      if (d) p[i] ^= d[i];
    }
  }
  return { p, q };
}

export function refXor(srcs: Uint8Array[], len: number): Uint8Array {
  const out = new Uint8Array(len);
  for (const s of srcs) for (let i = 0; i < len; i++) out[i] ^= s[i];
  return out;
}

// ---- deterministic data ----
let seed = 0x9e3779b9;
export function reseed(s: number): void {
  seed = s >>> 0 || 1;
}
export function rand32(): number {
  seed ^= seed << 13;
  seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  seed >>>= 0;
  return seed;
}
export const randInt = (n: number): number => rand32() % n;
export function fillRandom(b: Uint8Array): Uint8Array {
  for (let i = 0; i < b.length; i++) b[i] = rand32() & 0xff;
  return b;
}

/**
 * A view of len bytes inside a larger ArrayBuffer: at byte offset `offset` (1..63 for unaligned),
 * or ending exactly at the end of its ArrayBuffer when atEnd. Surrounding bytes are 0xA5 guards.
 */
export function view(len: number, offset: number, atEnd = false, fill = true): Uint8Array {
  const total = offset + len + (atEnd ? 0 : 64);
  const buf = new Uint8Array(total).fill(0xa5);
  const v = buf.subarray(offset, offset + len);
  if (fill) fillRandom(v);
  else v.fill(0);
  return v;
}

/** the guard bytes around a view are untouched */
export function guardsIntact(v: Uint8Array): boolean {
  const all = new Uint8Array(v.buffer);
  for (let i = 0; i < v.byteOffset; i++) if (all[i] !== 0xa5) return false;
  for (let i = v.byteOffset + v.length; i < all.length; i++) if (all[i] !== 0xa5) return false;
  return true;
}

export function views(count: number, len: number, fill = true): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => view(len, 1 + ((i * 7 + 3) % 63), i % 3 === 2, fill));
}

export function equal(a: Uint8Array, b: Uint8Array): boolean {
  return (
    a.length === b.length &&
    Buffer.compare(
      Buffer.from(a.buffer, a.byteOffset, a.length),
      Buffer.from(b.buffer, b.byteOffset, b.length),
    ) === 0
  );
}

/** a checksum of every byte of the ArrayBuffers behind the views (FNV-1a) */
export function checksum(list: (Uint8Array | null)[]): string {
  return list
    .map((v) => {
      if (!v) return 'null';
      const all = new Uint8Array(v.buffer);
      let h = 0x811c9dc5;
      for (let i = 0; i < all.length; i++) h = Math.imul(h ^ all[i], 0x01000193) >>> 0;
      return h.toString(16);
    })
    .join(',');
}

/** a deep copy of a record with fresh copies of every buffer (nulls kept) */
export function cloneRecord<T extends OpRecord>(rec: T): T {
  const c = (v: unknown): unknown => {
    if (v instanceof Int32Array) return new Int32Array(v);
    if (v instanceof Uint8Array) return new Uint8Array(v);
    if (Array.isArray(v)) return v.map(c);
    return v;
  };
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(rec)) out[k] = c(v);
  return out as T;
}

/** every buffer of two records holds the same bytes */
export function sameBuffers(a: OpRecord, b: OpRecord): string | null {
  for (const [k, v] of Object.entries(a)) {
    const w = (b as unknown as Record<string, unknown>)[k];
    const pairs: [unknown, unknown, string][] = Array.isArray(v)
      ? v.map((x, i) => [x, (w as unknown[])[i], `${k}[${i}]`])
      : [[v, w, k]];
    for (const [x, y, name] of pairs) {
      if (x instanceof Uint8Array || x instanceof Int32Array) {
        const bx = Buffer.from(x.buffer, x.byteOffset, x.byteLength);
        const by = Buffer.from(
          (y as Uint8Array).buffer,
          (y as Uint8Array).byteOffset,
          (y as Uint8Array).byteLength,
        );
        if (!bx.equals(by)) return name;
      }
    }
  }
  return null;
}
