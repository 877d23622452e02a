// The limits and codes the core shares with the native engine, defined once for TypeScript.
// src/native/contract.h holds the same values for C; the addon exports them as `contract`, and
// test/native/contract.test.ts fails if the two ever disagree. Change both, never one.

/** Data members of one RAID6 operation: disks = data + P + Q <= 255, as md RAID6 and lib/raid6 allow. */
export const MIN_DATA = 2;
export const MAX_DATA = 253;
/** disks as the kernel's async_gen_syndrome counts them (data + P + Q). */
export const MIN_DISKS = MIN_DATA + 2;
export const MAX_DISKS = MAX_DATA + 2;

/** Sources of one xor or xor_val (the native engine keeps their pointers on the stack). */
export const MAX_XOR_SRCS = 1024;

/** Records one native run() accepts (channels hand it far fewer: see channel.ts MAX_BATCH). */
export const MAX_RUN_RECORDS = 65536;

/**
 * The one inline-threshold policy: work touching fewer bytes than this (all blocks together, see
 * recordBytes) runs on the calling JS thread, because a round trip to a worker thread (~8 us each
 * way) costs more than the kernel needs for that much memory. The `auto` engine applies it to take
 * the synchronous path for an operation; the addon applies the same value to whole run() batches.
 * bench/auto-threshold.mjs times both sides per size: rerun it before moving this. The effective
 * value is the addon's `inlineMaxBytes` (RAIDTX_INLINE_BYTES moves it for tests and benchmarks).
 */
export const INLINE_MAX_BYTES = 256 * 1024;

/** Per-granule suspect codes written by pq_val (raid6check's rule). */
export const Suspect = {
  /** P and Q agree with the data in this granule */
  NONE: -1,
  /** only P differs */
  P: -2,
  /** only Q differs */
  Q: -3,
  /** both differ but no single data member explains every byte (or only one of P/Q was checked) */
  UNKNOWN: -4,
} as const;
// Codes >= 0 name the data member (its index) that explains every differing byte.
