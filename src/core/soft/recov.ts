import { gfMulTable, recov2DataConstants, recovDatapConstant } from '../gf.js';
import type { Recov2DataRecord, RecovDatapRecord } from '../op-record.js';
import { pqKernel } from './pq.js';
import { scratchTile, TILE } from './words.js';

const tables = new Map<number, Uint8Array>();
/** Cached product table of a constant (a row of lib/raid6's raid6_gfmul). */
function mulTable(c: number): Uint8Array {
  let t = tables.get(c);
  if (!t) {
    t = gfMulTable(c);
    tables.set(c, t);
  }
  return t;
}

/**
 * lib/raid6/recov.c raid6_2data_recov, tile by tile: the syndrome of the surviving members (the
 * failed ones as zeros) gives Pxy, Qxy; then D_b = pbmul(P ^ Pxy) ^ qmul(Q ^ Qxy), D_a = D_b ^ P ^ Pxy.
 */
export function runRecov2Data(r: Recov2DataRecord): number {
  const { data, p, q, faila, failb } = r;
  const len = p.length;
  const { pbmul, qmul } = recov2DataConstants(faila, failb);
  const pbT = mulTable(pbmul);
  const qT = mulTable(qmul);
  const da = data[faila]!;
  const db = data[failb]!;
  const survivors = data.map((d, i) => (i === faila || i === failb ? null : d));
  for (let ts = 0; ts < len; ts += TILE) {
    const te = Math.min(len, ts + TILE);
    const t = te - ts;
    const dp = scratchTile(0, t, p.subarray(ts));
    const dq = scratchTile(1, t, q.subarray(ts));
    pqKernel(
      survivors.map((d) => (d ? d.subarray(ts, te) : null)),
      dp,
      dq,
      false,
    );
    for (let i = 0; i < t; i++) {
      const px = p[ts + i]! ^ dp[i]!;
      const b = pbT[px]! ^ qT[q[ts + i]! ^ dq[i]!]!;
      db[ts + i] = b;
      da[ts + i] = b ^ px;
    }
  }
  return 0;
}

/**
 * lib/raid6/recov.c raid6_datap_recov, tile by tile: the syndrome of the surviving members gives P
 * (written to p) and Qx; D_a = qmul(Q ^ Qx), then P ^= D_a so P is the full parity again.
 */
export function runRecovDatap(r: RecovDatapRecord): number {
  const { data, p, q, faila } = r;
  const len = p.length;
  const qT = mulTable(recovDatapConstant(faila));
  const da = data[faila]!;
  const survivors = data.map((d, i) => (i === faila ? null : d));
  for (let ts = 0; ts < len; ts += TILE) {
    const te = Math.min(len, ts + TILE);
    const t = te - ts;
    const dq = scratchTile(1, t, q.subarray(ts));
    pqKernel(
      survivors.map((d) => (d ? d.subarray(ts, te) : null)),
      p.subarray(ts, te),
      dq,
      false,
    );
    for (let i = 0; i < t; i++) {
      const x = qT[q[ts + i]! ^ dq[i]!]!;
      da[ts + i] = x;
      p[ts + i] = p[ts + i]! ^ x;
    }
  }
  return 0;
}
