// Decoding one stretch of a RAID6 stripe (data 0..n-1, P at n, Q at n+1; a null data block is a
// zero member) around its erasures, with the op raid5.c would pick for them: 2data recovery, datap
// recovery, data from P by XOR, P/Q regeneration; or checking what redundancy is left.

import { type AsyncSubmitCtl, initAsyncSubmit } from '../async-tx.js';
import type { Tx } from '../descriptor.js';
import { AsyncTxFlags } from '../flags.js';
import { asyncGenSyndrome } from '../ops/pq.js';
import { asyncSyndromeVal } from '../ops/pq-val.js';
import { asyncRaid62DataRecov } from '../ops/raid6-2data-recov.js';
import { asyncRaid6DatapRecov } from '../ops/raid6-datap-recov.js';
import { asyncXor } from '../ops/xor.js';
import type { ValDetail } from '../validate.js';

type Blocks = (Buffer | null)[];

/** The last operation of a chain is acked; a parent with a child to come is not. */
const ctl = (dep: Tx | null, last: boolean, extra = 0): AsyncSubmitCtl =>
  initAsyncSubmit(extra | (last ? AsyncTxFlags.ACK : 0), dep);

function withNull(blocks: Blocks, index: number): Blocks {
  const b = blocks.slice();
  b[index] = null;
  return b;
}

/** Data block `d` = P ^ the other data blocks (null ones are zeros), into blocks[d]. */
function dataFromP(blocks: Blocks, d: number, len: number, last: boolean): Tx | null {
  const n = blocks.length - 2;
  const srcs = [...blocks.slice(0, n), blocks[n]!].filter((b, i): b is Buffer => b !== null && i !== d);
  if (srcs.length === 1) srcs.push(Buffer.alloc(len)); // nothing else: XOR with zeros is a copy
  return asyncXor(blocks[d]!, srcs, 0, srcs.length, len, ctl(null, last, AsyncTxFlags.XOR_ZERO_DST));
}

/**
 * Submits the rebuild of the `want` blocks (a subset of `erased`) over blocks[*][0..len). Returns
 * the chain, or `lost` when the erasures exceed RAID6's redundancy for what is wanted. `ack`
 * false leaves the last operation unacked, for a dependent check (--verify) to follow.
 */
export function submitRaid6Rebuild(
  blocks: Blocks,
  erased: ReadonlySet<number>,
  want: readonly number[],
  len: number,
  ack = true,
): { tx: Tx | null; lost: boolean } {
  const n = blocks.length - 2;
  const disks = n + 2;
  const data = [...erased].filter((s) => s < n).sort((a, b) => a - b);
  const pLost = erased.has(n);
  const qLost = erased.has(n + 1);
  const wantP = want.includes(n);
  const wantQ = want.includes(n + 1);
  if (data.length + (pLost ? 1 : 0) + (qLost ? 1 : 0) > 2 && data.length > 0) return { tx: null, lost: true };
  if (data.length === 2) {
    return { tx: asyncRaid62DataRecov(disks, len, data[0]!, data[1]!, blocks, ctl(null, ack)), lost: false };
  }
  if (data.length === 1 && pLost) {
    return { tx: asyncRaid6DatapRecov(disks, len, data[0]!, blocks, ctl(null, ack)), lost: false };
  }
  let tx: Tx | null = null;
  const regenQ = qLost && wantQ;
  const regenP = pLost && wantP;
  if (data.length === 1) tx = dataFromP(blocks, data[0]!, len, ack && !regenQ);
  if (regenP || regenQ) {
    // P/Q regeneration: a parity block not to be written is left out (null)
    let b = blocks;
    if (!regenP) b = withNull(b, n);
    if (!regenQ) b = withNull(b, n + 1);
    tx = asyncGenSyndrome(b, 0, disks, len, ctl(tx, ack));
  }
  return { tx, lost: false };
}

/** What a stretch could be checked against: P, Q, neither (unchecked). */
export interface Raid6Check {
  tx: Tx | null;
  p: boolean;
  q: boolean;
  /** a data block was rebuilt from P before Q was checked: a Q mismatch names no suspect */
  rebuilt: boolean;
}

/** Whether anything is left to check with `erased` blocks (of n data + P + Q): see submitRaid6Check. */
export function raid6Checkable(erased: ReadonlySet<number>, n: number): boolean {
  const data = [...erased].filter((s) => s < n).length;
  const parity = (erased.has(n) ? 1 : 0) + (erased.has(n + 1) ? 1 : 0);
  return data === 0 ? parity < 2 : data === 1 && parity === 0;
}

/**
 * Submits the check of blocks[*][0..len) with `erased` blocks (their buffers are scratch): no
 * erasure checks P and Q; an erased parity leaves the other; one erased data block is rebuilt from
 * P and Q is checked; anything more is unchecked (p and q false, no chain).
 */
export function submitRaid6Check(
  blocks: Blocks,
  erased: ReadonlySet<number>,
  len: number,
  result: { value: number },
  detail: ValDetail,
): Raid6Check {
  const n = blocks.length - 2;
  const disks = n + 2;
  const data = [...erased].filter((s) => s < n);
  const pLost = erased.has(n);
  const qLost = erased.has(n + 1);
  if (!raid6Checkable(erased, n)) return { tx: null, p: false, q: false, rebuilt: false };
  if (data.length === 0) {
    let b = blocks;
    if (pLost) b = withNull(b, n);
    if (qLost) b = withNull(b, n + 1);
    const tx = asyncSyndromeVal(b, 0, disks, len, result, ctl(null, true), detail);
    return { tx, p: !pLost, q: !qLost, rebuilt: false };
  }
  const rebuild = dataFromP(blocks, data[0]!, len, false);
  const tx = asyncSyndromeVal(withNull(blocks, n), 0, disks, len, result, ctl(rebuild, true), detail);
  return { tx, p: false, q: true, rebuilt: true };
}
