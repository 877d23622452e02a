import { Suspect } from '../contract.js';
import { SumCheckFlags } from '../flags.js';
import { byteVerdict } from '../gf.js';
import type { PqValRecord } from '../op-record.js';
import { pqKernel } from './pq.js';
import { isZero, scratchTile, TILE } from './words.js';

/**
 * Checks P and/or Q against the data without writing any block (lib/raid6 syndrome_val semantics).
 * Per tile: Px = P ^ P', Qx = Q ^ Q' in scratch; non-zero means that parity differs. For a granule
 * that differs, the suspect follows raid6check: every differing byte must name the same culprit.
 */
export function runPqVal(r: PqValRecord): number {
  const { data, p, q, granularity, flags, suspect } = r;
  const len = (p ?? q)!.length;
  const n = data.length;
  const like = data.find((d) => d !== null) ?? (p ?? q)!;
  let result = 0;
  for (let g = 0, gs = 0; gs < len; g++, gs += granularity) {
    const ge = Math.min(len, gs + granularity);
    let pDiff = false;
    let qDiff = false;
    let verdict: number = Suspect.NONE;
    for (let ts = gs; ts < ge; ts += TILE) {
      const te = Math.min(ge, ts + TILE);
      const t = te - ts;
      const px = p ? scratchTile(0, t, like.subarray(ts)) : null;
      const qx = q ? scratchTile(1, t, like.subarray(ts)) : null;
      if (px && p) px.set(p.subarray(ts, te));
      if (qx && q) qx.set(q.subarray(ts, te));
      pqKernel(
        data.map((d) => (d ? d.subarray(ts, te) : null)),
        px,
        qx,
        true,
      );
      const tp = px !== null && !isZero(px);
      const tq = qx !== null && !isZero(qx);
      pDiff ||= tp;
      qDiff ||= tq;
      if (suspect && (tp || tq) && verdict !== Suspect.UNKNOWN) {
        if (!px || !qx) verdict = Suspect.UNKNOWN;
        else {
          for (let i = 0; i < t; i++) {
            const v = byteVerdict(px[i]!, qx[i]!);
            if (v === Suspect.NONE) continue;
            if (verdict === Suspect.NONE) verdict = v;
            else if (v !== verdict) {
              verdict = Suspect.UNKNOWN;
              break;
            }
          }
        }
      }
    }
    if (pDiff) result |= SumCheckFlags.P_RESULT;
    if (qDiff) result |= SumCheckFlags.Q_RESULT;
    if (flags) flags[g] = (pDiff ? 1 : 0) | (qDiff ? 2 : 0);
    if (suspect) suspect[g] = verdict >= n ? Suspect.UNKNOWN : verdict;
  }
  return result;
}
