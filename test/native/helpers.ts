// Test helpers for the native engine: seeded random buffers (one stream, ../helpers/prng.ts) and views
// placed at awkward offsets. Reference results: ../helpers/reference.ts.
import type { OpName, OpRecord } from '../../src/core/op-record.js';
import { loadNative, type NativeAddon } from '../../src/native/loader.js';
import { lacking } from '../helpers/prereq.js';
import { prng } from '../helpers/prng.js';

export { VECTORS_DIR as vectorsDir } from '../core/fixtures.js';

/** The addon, or a missing prerequisite (prereq.ts: fails under CI=true, else skips the suite). */
export function requireAddon(ctx: Mocha.Context): NativeAddon {
  const { addon, reason } = loadNative();
  return addon ?? lacking(ctx, `native addon not loaded: ${reason}`);
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

// ---- deterministic data ----
let gen = prng(0x9e3779b9);
export function reseed(s: number): void {
  gen = prng(s);
}
export const randInt = (n: number): number => gen.int(n);
export const fillRandom = (b: Uint8Array): Uint8Array => gen.fill(b);

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
