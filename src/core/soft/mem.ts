import type { MemcpyRecord, MemsetRecord } from '../op-record.js';

/** memmove semantics: TypedArray.prototype.set copies correctly when the views overlap. */
export function runMemcpy(r: MemcpyRecord): number {
  r.dest.set(r.src);
  return 0;
}

export function runMemset(r: MemsetRecord): number {
  r.dest.fill(r.value);
  return 0;
}
