// The operation records that channels execute: the whole contract between the core and an
// engine. The public async_* functions validate their arguments, cut every block down to a view of
// exactly `len` bytes and build one of these; an engine (software kernels, or the native addon)
// then only sees equal-length views. The record types belong to the native boundary
// (src/native/records.ts) so that it never imports the core; they are re-exported here.

import type { OpName, OpRecord } from '../native/records.js';

export type {
  MemcpyRecord,
  MemsetRecord,
  OpName,
  OpRecord,
  PqRecord,
  PqValRecord,
  Recov2DataRecord,
  RecovDatapRecord,
  XorRecord,
  XorValRecord,
} from '../native/records.js';

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

/**
 * Bytes an operation reads and writes in all: what the inline threshold (contract.ts) is compared
 * with. The addon counts a batch the same way (raidtx_rec_bytes in src/native/ops.c).
 */
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
