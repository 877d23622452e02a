// Where an md job reads: array ranges in stripes, steps of whole chunks within a memory bound, and
// member readers positioned at their data areas.

import { UsageError } from '../errors.js';
import { FieldError } from '../field-error.js';
import type { InputMember } from '../io/members.js';
import type { MdArray } from './array.js';
import { dataChunksPerStripe } from './layout.js';

/** Default bytes per member per step. */
// 1 MiB: large enough for a disk, small enough that the step buffers of a page-cached run stay in
// the CPU caches between the read, the reconstruction and the write (4 MiB steps were 2-3x slower).
export const DEFAULT_MD_STEP = 1024 * 1024;
/** Step buffers of all members together stay within this (a job holds four sets of them). */
const STEP_BUDGET = 32 * 1024 * 1024;
/** The largest stripe (chunk x members) a job steps over: two sets (see stream.ts) stay under ~200 MB. */
const MAX_STRIPE = 96 * 1024 * 1024;

/**
 * Bytes per member per step: whole chunks, about `step`, with step x members within the memory
 * budget (or one stripe, when that is larger). A stripe larger than MAX_STRIPE is refused.
 */
export function stepBytes(a: MdArray, step: number | null): number {
  const c = a.geometry.chunk;
  const disks = a.geometry.raidDisks;
  if (c * disks > MAX_STRIPE) {
    throw new UsageError(
      `md: one stripe (chunk ${c} bytes x ${disks} members) needs more memory than raidtx allows (${MAX_STRIPE} bytes)`,
    );
  }
  const want = Math.min(step ?? DEFAULT_MD_STEP, Math.floor(STEP_BUDGET / disks));
  return Math.max(c, Math.floor(want / c) * c);
}

export interface ArrayRange {
  /** first array byte */
  from: number;
  length: number;
}

/** Array range [from, from + length) (defaults: the whole array), checked against the array size. */
export function arrayRange(a: MdArray, from: number | null, length: number | null): ArrayRange {
  const start = from ?? 0;
  const end = a.arrayBytes;
  if (start > end)
    throw new FieldError('from', (f) => `${f} ${start} is beyond the array's end (${end} bytes)`);
  const len = length ?? end - start;
  if (start + len > end) {
    throw new FieldError(
      'length',
      (f, name) => `${name('from')} ${start} + ${f} ${len} is beyond the array's end (${end} bytes)`,
    );
  }
  return { from: start, length: len };
}

/** The stripes [s0, s1) that hold array range `r`. */
export function stripesOf(a: MdArray, r: ArrayRange): { s0: number; s1: number } {
  const stripeBytes = dataChunksPerStripe(a.geometry) * a.geometry.chunk;
  const s0 = Math.floor(r.from / stripeBytes);
  const s1 = r.length === 0 ? s0 : Math.ceil((r.from + r.length) / stripeBytes);
  return { s0, s1 };
}

/** A member reader positioned at its data area, `skip` bytes in. */
export function dataReader(m: { input: InputMember; dataOffset: number }, skip: number): InputMember {
  return {
    ...m.input,
    start: m.input.start + m.dataOffset + skip,
    available: m.input.available - m.dataOffset - skip,
  };
}

/** The members present, by slot, with readers at stripe `s0` of their data areas. */
export function presentReads(a: MdArray, s0: number): { slot: number; member: InputMember }[] {
  return a.bySlot.flatMap((m, slot) => (m ? [{ slot, member: dataReader(m, s0 * a.geometry.chunk) }] : []));
}

/** The members that are files or devices (not placeholders): what outputs must never be. */
export function arrayInputs(a: MdArray): InputMember[] {
  return a.members.map((m) => m.input).filter((m) => m.handle !== null);
}

/** The path of the member in a slot, for reports. */
export function slotLabel(a: MdArray, slot: number): string {
  const m = a.bySlot[slot];
  return m ? m.label : 'missing';
}
