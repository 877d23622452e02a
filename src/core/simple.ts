// The plain promise API, built on the kernel-named one: each call is a one-descriptor chain.
import { initAsyncSubmit } from './async-tx.js';
import type { Tx } from './descriptor.js';
import { AsyncTxFlags } from './flags.js';
import { awaitChain } from './jobs/chain.js';
import { asyncGenSyndrome } from './ops/pq.js';
import { asyncSyndromeVal } from './ops/pq-val.js';
import { asyncRaid62DataRecov } from './ops/raid6-2data-recov.js';
import { asyncRaid6DatapRecov } from './ops/raid6-datap-recov.js';
import { asyncXor } from './ops/xor.js';
import { asyncXorVal } from './ops/xor-val.js';

/** Waits for the chain; a failed one throws the descriptor's own error (typed by whoever raised it). */
const finish = (tx: Tx | null): Promise<void> => awaitChain(tx);

function lengthOf(blocks: readonly (Uint8Array | null)[]): number {
  const b = blocks.find((x) => x);
  return b ? b.length : 0;
}

/** XOR of all srcs (>= 2, equal length) into a new buffer (or `dest`). */
export async function xor(srcs: readonly Uint8Array[], dest?: Uint8Array): Promise<Uint8Array> {
  const len = lengthOf(srcs);
  const out = dest ?? new Uint8Array(len);
  await finish(asyncXor(out, srcs, 0, srcs.length, len, initAsyncSubmit(AsyncTxFlags.XOR_ZERO_DST)));
  return out;
}

/** True when the XOR of all srcs is zero everywhere. */
export async function xorVal(srcs: readonly Uint8Array[]): Promise<boolean> {
  const result = { value: 0 };
  await finish(asyncXorVal(null, srcs, 0, srcs.length, lengthOf(srcs), result, initAsyncSubmit()));
  return result.value === 0;
}

/** P and Q of the data members (null = zeros at that index). */
export async function pq(data: readonly (Uint8Array | null)[]): Promise<{ p: Uint8Array; q: Uint8Array }> {
  const len = lengthOf(data);
  const p = new Uint8Array(len);
  const q = new Uint8Array(len);
  await finish(asyncGenSyndrome([...data, p, q], 0, data.length + 2, len, initAsyncSubmit()));
  return { p, q };
}

/** SumCheckFlags of the parity that does not match the data (0 = consistent). */
export async function pqVal(
  data: readonly (Uint8Array | null)[],
  p: Uint8Array | null,
  q: Uint8Array | null,
): Promise<number> {
  const pqres = { value: 0 };
  await finish(
    asyncSyndromeVal([...data, p, q], 0, data.length + 2, lengthOf([p, q]), pqres, initAsyncSubmit()),
  );
  return pqres.value;
}

/** Rebuilds data members faila and failb (their entries in `data` are ignored) from P and Q. */
export async function recover2Data(
  data: readonly (Uint8Array | null)[],
  p: Uint8Array,
  q: Uint8Array,
  faila: number,
  failb: number,
): Promise<[Uint8Array, Uint8Array]> {
  const blocks = [...data, p, q];
  const a = new Uint8Array(p.length);
  const b = new Uint8Array(p.length);
  blocks[faila] = a;
  blocks[failb] = b;
  await finish(asyncRaid62DataRecov(blocks.length, p.length, faila, failb, blocks, initAsyncSubmit()));
  return [a, b];
}

/** Rebuilds data member faila (its entry is ignored) and P from Q; returns both. */
export async function recoverDatap(
  data: readonly (Uint8Array | null)[],
  q: Uint8Array,
  faila: number,
): Promise<{ data: Uint8Array; p: Uint8Array }> {
  const blocks = [...data, new Uint8Array(q.length), q];
  const a = new Uint8Array(q.length);
  blocks[faila] = a;
  await finish(asyncRaid6DatapRecov(blocks.length, q.length, faila, blocks, initAsyncSubmit()));
  return { data: a, p: blocks[blocks.length - 2]! };
}
