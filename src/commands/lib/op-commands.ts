// The command-line name of each core operation: what every user-facing report (info, bench, the
// JSON of the generating commands) calls it. The core knows operations only by their OpName.

import type { OpName } from '../../core/op-record.js';

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
