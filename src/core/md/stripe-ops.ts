// One md stripe as async_tx chains: rebuild the missing members' chunks, or check the redundancy
// that is left. The block array comes from stripeBlocks (data at their Q exponents, P, Q last).

import { type AsyncSubmitCtl, initAsyncSubmit } from '../async-tx.js';
import type { Tx } from '../descriptor.js';
import { AsyncTxFlags } from '../flags.js';
import { asyncGenSyndrome } from '../ops/pq.js';
import { asyncSyndromeVal } from '../ops/pq-val.js';
import { asyncRaid62DataRecov } from '../ops/raid6-2data-recov.js';
import { asyncRaid6DatapRecov } from '../ops/raid6-datap-recov.js';
import { asyncXor } from '../ops/xor.js';
import { asyncXorVal } from '../ops/xor-val.js';
import type { ValDetail } from '../validate.js';
import { type MdGeometry, type StripeMap, stripeBlocks } from './layout.js';

/** Submit control: the last operation of a chain is acked, a parent with a child to come is not. */
const ctl = (dep: Tx | null, last = true, extra = 0): AsyncSubmitCtl =>
  initAsyncSubmit(extra | (last ? AsyncTxFlags.ACK : 0), dep);

/** XOR of every non-null block except `skip` into dest (RAID5 parity or one data chunk from P). */
function xorInto(
  dest: Buffer,
  blocks: (Buffer | null)[],
  skip: number,
  len: number,
  dep: Tx | null,
  last: boolean,
): Tx | null {
  const srcs = blocks.filter((b, i): b is Buffer => b !== null && i !== skip);
  if (srcs.length === 1) srcs.push(Buffer.alloc(len)); // one source left: XOR with zeros is a copy
  return asyncXor(dest, srcs, 0, srcs.length, len, ctl(dep, last, AsyncTxFlags.XOR_ZERO_DST));
}

export interface StripeRebuild {
  tx: Tx | null;
  map: StripeMap;
}

/**
 * Submits the chain that rebuilds, in stripe `stripe`, the chunks of the `missing` slots into their
 * buffers in `chunks` (by slot; every entry a buffer, the missing ones receive the result). With
 * `parity` false, a missing P or Q is rebuilt only when a data chunk needs it (export).
 */
export function submitStripeRebuild(
  g: MdGeometry,
  stripe: number,
  chunks: Buffer[],
  missing: readonly number[],
  len: number,
  parity = true,
  last = true,
): StripeRebuild {
  const { blocks, disks, indexOfMember, map } = stripeBlocks(g, stripe, chunks);
  const lost = new Set(missing);
  const data = map.dataSlots.filter((s) => lost.has(s));
  const pLost = lost.has(map.pSlot);
  const qLost = map.qSlot >= 0 && lost.has(map.qSlot);
  const pIndex = indexOfMember[map.pSlot]!;
  if (g.level === 5) {
    if (data.length === 0 && !(pLost && parity)) return { tx: null, map };
    const slot = data[0] ?? map.pSlot;
    return { tx: xorInto(chunks[slot]!, blocks, indexOfMember[slot]!, len, null, last), map };
  }
  let tx: Tx | null = null;
  if (data.length === 2) {
    tx = asyncRaid62DataRecov(
      disks,
      len,
      indexOfMember[data[0]!]!,
      indexOfMember[data[1]!]!,
      blocks,
      ctl(null, last),
    );
  } else if (data.length === 1 && pLost) {
    tx = asyncRaid6DatapRecov(disks, len, indexOfMember[data[0]!]!, blocks, ctl(null, last));
  } else if (data.length === 1) {
    // P is there: the data chunk is the XOR of P and the other data (no Q needed).
    const view = blocks.slice(0, disks - 2).concat([blocks[pIndex]!]);
    const withQ = qLost && parity;
    tx = xorInto(
      chunks[data[0]!]!,
      view as (Buffer | null)[],
      indexOfMember[data[0]!]!,
      len,
      null,
      last && !withQ,
    );
    if (withQ) tx = asyncGenSyndrome(withNull(blocks, pIndex), 0, disks, len, ctl(tx, last));
  } else if (parity && (pLost || qLost)) {
    const b = pLost ? blocks : withNull(blocks, pIndex);
    tx = asyncGenSyndrome(qLost ? b : withNull(b, disks - 1), 0, disks, len, ctl(null, last));
  }
  return { tx, map };
}

function withNull<T>(blocks: (T | null)[], index: number): (T | null)[] {
  const b = blocks.slice();
  b[index] = null;
  return b;
}

/** What a stripe check could verify. */
export interface StripeCheck {
  tx: Tx | null;
  map: StripeMap;
  /** block index -> slot, for the suspect */
  slotOfIndex: Map<number, number>;
  /** P, Q checked ('' when nothing is left to check) */
  checks: { p: boolean; q: boolean };
  /** pq_val result (P_RESULT | Q_RESULT) or xor_val's non-zero */
  result: { value: number };
}

/**
 * Submits the check of stripe `stripe` with `missing` slots (their buffers are scratch): RAID6 with
 * none missing checks P and Q (raid6check's suspect); with one missing, what is left (a lost data
 * chunk is rebuilt from P, then Q is checked); RAID5 checks P. `detail` receives per-granule flags.
 */
export function submitStripeCheck(
  g: MdGeometry,
  stripe: number,
  chunks: Buffer[],
  missing: readonly number[],
  len: number,
  detail: ValDetail,
): StripeCheck {
  const { blocks, disks, indexOfMember, map } = stripeBlocks(g, stripe, chunks);
  const slotOfIndex = new Map<number, number>();
  indexOfMember.forEach((idx, slot) => {
    if (map.dataSlots.includes(slot)) slotOfIndex.set(idx, slot);
  });
  const result = { value: 0 };
  const lost = new Set(missing);
  if (g.level === 5) {
    if (lost.size > 0) return { tx: null, map, slotOfIndex, checks: { p: false, q: false }, result };
    const srcs = blocks as Buffer[];
    const tx = asyncXorVal(null, srcs, 0, srcs.length, len, result, ctl(null), detail);
    return { tx, map, slotOfIndex, checks: { p: true, q: false }, result };
  }
  if (lost.size === 0) {
    const tx = asyncSyndromeVal(blocks, 0, disks, len, result, ctl(null), detail);
    return { tx, map, slotOfIndex, checks: { p: true, q: true }, result };
  }
  if (lost.size > 1) return { tx: null, map, slotOfIndex, checks: { p: false, q: false }, result };
  const slot = [...lost][0]!;
  const pIndex = indexOfMember[map.pSlot]!;
  if (slot === map.pSlot) {
    const tx = asyncSyndromeVal(withNull(blocks, pIndex), 0, disks, len, result, ctl(null), detail);
    return { tx, map, slotOfIndex, checks: { p: false, q: true }, result };
  }
  if (slot === map.qSlot) {
    const tx = asyncSyndromeVal(withNull(blocks, disks - 1), 0, disks, len, result, ctl(null), detail);
    return { tx, map, slotOfIndex, checks: { p: true, q: false }, result };
  }
  const rebuilt = submitStripeRebuild(g, stripe, chunks, [slot], len, false, false);
  const tx = asyncSyndromeVal(withNull(blocks, pIndex), 0, disks, len, result, ctl(rebuilt.tx), detail);
  return { tx, map, slotOfIndex, checks: { p: false, q: true }, result };
}
