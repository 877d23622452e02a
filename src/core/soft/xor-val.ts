import type { XorValRecord } from '../op-record.js';
import { isZero, scratchTile, TILE } from './words.js';
import { xorKernel } from './xor.js';

/** 1 when the XOR of all sources is non-zero anywhere; per-granule flags if asked. Never writes a source. */
export function runXorVal(r: XorValRecord): number {
  const { srcs, granularity, mismatch } = r;
  const len = srcs[0]!.length;
  let result = 0;
  for (let g = 0, gs = 0; gs < len; g++, gs += granularity) {
    const ge = Math.min(len, gs + granularity);
    let diff = false;
    for (let ts = gs; ts < ge && !diff; ts += TILE) {
      const te = Math.min(ge, ts + TILE);
      const x = scratchTile(0, te - ts, srcs[0]!.subarray(ts));
      xorKernel(
        x,
        srcs.map((s) => s.subarray(ts, te)),
        false,
      );
      diff ||= !isZero(x);
    }
    if (diff) result = 1;
    if (mismatch) mismatch[g] = diff ? 1 : 0;
    else if (diff) break;
  }
  return result;
}
