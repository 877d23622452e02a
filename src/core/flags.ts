// Flag and status values, with the Linux kernel's bit values (include/linux/async_tx.h,
// include/linux/dmaengine.h) so that kernel-literate readers find what they expect.

/** enum async_tx_flags */
export const AsyncTxFlags = {
  /** dest = XOR of srcs; dest is not a source */
  XOR_ZERO_DST: 1 << 0,
  /** srcs[0] is dest: dest ^= srcs[1..] */
  XOR_DROP_DST: 1 << 1,
  /** the client will not use this descriptor as a dependency */
  ACK: 1 << 2,
  /** the next operation depends on this one's result (ordering hint) */
  FENCE: 1 << 3,
  /** gen_syndrome xors its contribution into the existing P/Q (read-modify-write) */
  PQ_XOR_DST: 1 << 4,
} as const;

/** enum sum_check_flags: bits set in a val operation's result when that parity differs */
export const SumCheckFlags = {
  P_RESULT: 1 << 0,
  Q_RESULT: 1 << 1,
} as const;

/** enum dma_status */
export const DmaStatus = {
  COMPLETE: 0,
  IN_PROGRESS: 1,
  PAUSED: 2,
  ERROR: 3,
} as const;
export type DmaStatus = (typeof DmaStatus)[keyof typeof DmaStatus];

/** enum dma_transaction_type, as capability bits of a channel */
export const DmaCap = {
  MEMCPY: 1 << 0,
  XOR: 1 << 1,
  PQ: 1 << 2,
  XOR_VAL: 1 << 3,
  PQ_VAL: 1 << 4,
  MEMSET: 1 << 5,
  INTERRUPT: 1 << 6,
} as const;

export const ALL_CAPS = Object.values(DmaCap).reduce((a, b) => a | b, 0);
