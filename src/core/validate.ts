// Argument checks shared by the async_* operations: each names the argument and the broken rule.
import { MAX_XOR_SRCS } from './contract.js';
import { ArgumentError } from './errors.js';

/** An integer in [min, max]. */
export function checkInt(name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (typeof v !== 'number' || !Number.isInteger(v))
    throw new ArgumentError(name, `must be an integer, got ${String(v)}`);
  if (v < min || v > max) {
    throw new ArgumentError(
      name,
      max === Number.MAX_SAFE_INTEGER ? `must be >= ${min}, got ${v}` : `must be in ${min}..${max}, got ${v}`,
    );
  }
  return v;
}

/** An xor's source count: 2..MAX_XOR_SRCS, and no more than the sources given. */
export function checkSrcCnt(srcCnt: number, given: number): number {
  checkInt('srcCnt', srcCnt, 2, MAX_XOR_SRCS);
  if (srcCnt > given) throw new ArgumentError('srcCnt', `(${srcCnt}) > srcs.length (${given})`);
  return srcCnt;
}

/** The view [offset, offset + len) of a block, which must be a Uint8Array that long. */
export function blockView(name: string, b: unknown, offset: number, len: number): Uint8Array {
  if (!(b instanceof Uint8Array)) throw new ArgumentError(name, 'must be a Buffer or Uint8Array');
  if (offset + len > b.length) {
    throw new ArgumentError(name, `offset (${offset}) + len (${len}) > length (${b.length})`);
  }
  return b.subarray(offset, offset + len);
}

/** Like blockView, but null stands for an all-zero block. */
export function optionalBlockView(name: string, b: unknown, offset: number, len: number): Uint8Array | null {
  return b === null || b === undefined ? null : blockView(name, b, offset, len);
}

/** An array holding at least `count` entries. */
export function checkArray(name: string, a: unknown, count: number): readonly unknown[] {
  if (!Array.isArray(a)) throw new ArgumentError(name, 'must be an array');
  if (a.length < count) throw new ArgumentError(name, `holds ${a.length} entries, needs ${count}`);
  return a;
}

/** A caller's result holder `{ value }`. */
export function checkResultHolder(name: string, r: unknown): { value: number } {
  if (typeof r !== 'object' || r === null)
    throw new ArgumentError(name, 'must be an object like { value: 0 }');
  return r as { value: number };
}

/** Per-granule report buffers of the val operations (raidtx extension, used by the CLI). */
export interface ValDetail {
  granularity: number;
  /** xor_val: 1 where the granule's XOR is non-zero; pq_val: bit 0 P differs, bit 1 Q differs */
  flags: Uint8Array;
  /** pq_val only: Suspect codes or the data index explaining the granule */
  suspect?: Int32Array;
}

export function checkDetail(
  d: ValDetail | undefined,
  len: number,
  withSuspect: boolean,
): ValDetail | undefined {
  if (d === undefined) return undefined;
  const g = checkInt('detail.granularity', d.granularity, 1);
  const count = Math.ceil(len / g);
  if (!(d.flags instanceof Uint8Array) || d.flags.length < count) {
    throw new ArgumentError('detail.flags', `must be a Uint8Array of at least ${count} entries`);
  }
  if (
    withSuspect &&
    d.suspect !== undefined &&
    (!(d.suspect instanceof Int32Array) || d.suspect.length < count)
  ) {
    throw new ArgumentError('detail.suspect', `must be an Int32Array of at least ${count} entries`);
  }
  return d;
}
