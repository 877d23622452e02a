// The operation records the native engine runs: its side of the contract with the core. The
// core builds these (src/core/op-record.ts re-exports them); every block is already a view of
// exactly the operation's length. The addon checks every field again (src/native/record.c).

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
 * granule g and bit 1 when Q differs; `suspect[g]` (if given) gets a suspect code (contract.h) or a data index.
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
