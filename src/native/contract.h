/* The limits and codes the native engine shares with the TypeScript core. src/core/contract.ts
 * holds the same values; the addon exports these as `contract` (binding.c), and
 * test/native/contract.test.ts fails if the two ever disagree. Change both, never one. */
#ifndef RAIDTX_CONTRACT_H
#define RAIDTX_CONTRACT_H

/* data members of a RAID6 op: disks = data + P + Q <= 255, as md RAID6 and lib/raid6 allow */
#define RAIDTX_MIN_DATA 2
#define RAIDTX_MAX_DATA 253
#define RAIDTX_MAX_DISKS (RAIDTX_MAX_DATA + 2)

/* sources of one xor or xor_val: sizes the pointer arrays the driver keeps on the stack */
#define RAIDTX_MAX_XOR_SRCS 1024

/* records per run(): bounds the allocation a hostile records.length could ask for */
#define RAIDTX_MAX_RUN_RECORDS 65536

/* Work touching fewer bytes than this (all blocks together, see raidtx_rec_bytes) runs on the
 * calling JS thread: a round trip to a worker costs ~8 us each way, more than the kernel needs for
 * that much memory (bench/auto-threshold.mjs times both). The `auto` engine uses it to take the
 * synchronous path; run() uses it for whole batches. RAIDTX_INLINE_BYTES overrides it (binding.c),
 * and the addon exports the value in force as `inlineMaxBytes`, which the engine reads. */
#define RAIDTX_INLINE_MAX_BYTES (256 * 1024)

/* per-granule suspect codes of pq_val (raid6check's rule); codes >= 0 name the data member */
enum raidtx_suspect {
	RAIDTX_SUSPECT_NONE = -1,    /* P and Q agree with the data */
	RAIDTX_SUSPECT_P = -2,       /* only P differs */
	RAIDTX_SUSPECT_Q = -3,       /* only Q differs */
	RAIDTX_SUSPECT_UNKNOWN = -4, /* no single member explains every byte, or P or Q unchecked */
};

/* result bits of pq_val (the kernel's SUM_CHECK_P_RESULT and SUM_CHECK_Q_RESULT) */
#define RAIDTX_P_RESULT 1u
#define RAIDTX_Q_RESULT 2u

#endif
