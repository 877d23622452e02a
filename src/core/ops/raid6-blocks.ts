import { MAX_DISKS, MIN_DISKS } from '../contract.js';
import { ArgumentError } from '../errors.js';
import { checkArray, checkInt, optionalBlockView } from '../validate.js';

export interface Raid6Views {
  data: (Uint8Array | null)[];
  p: Uint8Array | null;
  q: Uint8Array | null;
}

/**
 * Cuts the kernel's block array (data 0..disks-3, then P at disks-2 and Q at disks-1) into views of
 * [offset, offset + len). A null data block stands for zeros at its index; P or Q may be null, not both.
 */
export function raid6Views(
  blocks: readonly (Uint8Array | null)[],
  offset: number,
  disks: number,
  len: number,
): Raid6Views {
  checkInt('disks', disks, MIN_DISKS, MAX_DISKS); // data members + P + Q, as in the kernel
  checkInt('offset', offset, 0);
  checkInt('len', len, 0);
  checkArray('blocks', blocks, disks);
  const data: (Uint8Array | null)[] = [];
  for (let i = 0; i < disks - 2; i++) data.push(optionalBlockView(`blocks[${i}]`, blocks[i], offset, len));
  const p = optionalBlockView(`blocks[${disks - 2}] (P)`, blocks[disks - 2], offset, len);
  const q = optionalBlockView(`blocks[${disks - 1}] (Q)`, blocks[disks - 1], offset, len);
  if (!p && !q)
    throw new ArgumentError(
      'blocks',
      `P (blocks[${disks - 2}]) and Q (blocks[${disks - 1}]) cannot both be null`,
    );
  return { data, p, q };
}

/** A failed data member's index: 0 <= fail < disks - 2. */
export function checkFailedData(name: string, fail: number, disks: number): number {
  return checkInt(name, fail, 0, disks - 3);
}

/** Recovery needs P and Q, and a buffer for every failed block to receive it. */
export function requireBlock(name: string, v: Uint8Array | null): Uint8Array {
  if (!v) throw new ArgumentError(name, 'must be a buffer (it is read or receives the result), not null');
  return v;
}
