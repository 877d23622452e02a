// The software engine: the readable specification every other engine is judged against.
import type { OpName, OpRecord } from '../op-record.js';
import { runMemcpy, runMemset } from './mem.js';
import { runPq } from './pq.js';
import { runPqVal } from './pq-val.js';
import { runRecov2Data, runRecovDatap } from './recov.js';
import { runXor } from './xor.js';
import { runXorVal } from './xor-val.js';

/** The software kernel's name for every op, as `info` and `bench` report it. */
export const SOFTWARE_KERNEL = 'ts-swar';

/** Runs one validated operation record synchronously; returns its result (val ops) or 0. */
export function runSoftware(r: OpRecord): number {
  switch (r.op) {
    case 'xor':
      return runXor(r);
    case 'xor_val':
      return runXorVal(r);
    case 'pq':
      return runPq(r);
    case 'pq_val':
      return runPqVal(r);
    case 'recov_2data':
      return runRecov2Data(r);
    case 'recov_datap':
      return runRecovDatap(r);
    case 'memcpy':
      return runMemcpy(r);
    case 'memset':
      return runMemset(r);
  }
}

export type { OpName };
