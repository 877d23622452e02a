// The operation records that channels execute. The public async_* functions validate their
// arguments, cut every block down to a view of exactly `len` bytes and build one of these; an
// engine (software kernels, or the native addon) then only sees equal-length views.
// This is the whole contract between the core and an engine.

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

/** dest = srcs[0] ^ srcs[1] ^ ...; with `accumulate`, dest ^= srcs[0] ^ ... */
export interface XorRecord {
  op: 'xor';
  dest: Uint8Array;
  srcs: Uint8Array[];
  accumulate: boolean;
}

/**
 * Result: 1 if the XOR of srcs is non-zero anywhere, else 0. Never writes a source.
 * If `mismatch` is given, mismatch[g] = 1 when granule g (bytes [g*granularity, (g+1)*granularity))
 * has a non-zero XOR, else 0; it has ceil(len / granularity) entries.
 */
export interface XorValRecord {
  op: 'xor_val';
  srcs: Uint8Array[];
  granularity: number;
  mismatch: Uint8Array | null;
}

/**
 * P = XOR of data, Q = sum of g^i * data[i] (GF(2^8), 0x11d). A null data block is zeros at its
 * index; a null p or q is not written (not both). With `xorDst`, P ^= and Q ^= the contribution.
 */
export interface PqRecord {
  op: 'pq';
  data: (Uint8Array | null)[];
  p: Uint8Array | null;
  q: Uint8Array | null;
  xorDst: boolean;
}

/**
 * Result: SumCheckFlags bits of the parity that differs. Never writes any block.
 * A null p (or q) is not checked. If `flags` is given, flags[g] has bit 0 set when P differs in
 * granule g and bit 1 when Q differs; `suspect[g]` (if given) gets a Suspect code or a data index.
 */
export interface PqValRecord {
  op: 'pq_val';
  data: (Uint8Array | null)[];
  p: Uint8Array | null;
  q: Uint8Array | null;
  granularity: number;
  flags: Uint8Array | null;
  suspect: Int32Array | null;
}

/**
 * Rebuilds data[faila] and data[failb] (faila < failb, both non-null: they receive the result)
 * from p, q and the other data blocks (null = zeros), as lib/raid6/recov.c raid6_2data_recov.
 */
export interface Recov2DataRecord {
  op: 'recov_2data';
  data: (Uint8Array | null)[];
  p: Uint8Array;
  q: Uint8Array;
  faila: number;
  failb: number;
}

/** Rebuilds data[faila] from q and the other data blocks, then rewrites p (raid6_datap_recov). */
export interface RecovDatapRecord {
  op: 'recov_datap';
  data: (Uint8Array | null)[];
  p: Uint8Array;
  q: Uint8Array;
  faila: number;
}

export interface MemcpyRecord {
  op: 'memcpy';
  dest: Uint8Array;
  src: Uint8Array;
}

export interface MemsetRecord {
  op: 'memset';
  dest: Uint8Array;
  value: number;
}

export type OpRecord =
  | XorRecord
  | XorValRecord
  | PqRecord
  | PqValRecord
  | Recov2DataRecord
  | RecovDatapRecord
  | MemcpyRecord
  | MemsetRecord;

export type OpName = OpRecord['op'];

export const OP_NAMES: readonly OpName[] = [
  'xor',
  'xor_val',
  'pq',
  'pq_val',
  'recov_2data',
  'recov_datap',
  'memcpy',
  'memset',
];

/** The command-line name of each operation, used in every user-facing report (info, bench, JSON). */
export const OP_COMMAND: Readonly<Record<OpName, string>> = {
  xor: 'xor',
  xor_val: 'xor-val',
  pq: 'pq',
  pq_val: 'pq-val',
  recov_2data: 'recover-2data',
  recov_datap: 'recover-datap',
  memcpy: 'memcpy',
  memset: 'memset',
};

/** Bytes an operation reads and writes in all (decides inline vs offloaded in auto mode). */
export function recordBytes(r: OpRecord): number {
  switch (r.op) {
    case 'xor':
      return r.dest.length * (r.srcs.length + 1);
    case 'xor_val':
      return r.srcs.length === 0 ? 0 : r.srcs[0]!.length * r.srcs.length;
    case 'pq':
    case 'pq_val':
    case 'recov_2data':
    case 'recov_datap':
      return ((r.p ?? r.q)?.length ?? 0) * (r.data.length + 2);
    case 'memcpy':
      return r.dest.length * 2;
    case 'memset':
      return r.dest.length;
  }
}
