// What the array's content says about a hypothesis, where parity cannot tell (RAID5's XOR is blind to
// order; layouts whose parity never moves hide the chunk size): the volume signature at the array's
// start, and continuity across chunk boundaries (block headers that run in order, as sector stamps,
// logs and numbered records do).

import { dataChunksPerStripe, type StripeMap, stripeMap } from '../layout.js';
import type { Hypothesis } from './raid6.js';
import { BLOCK, type SampleReader } from './sample.js';

/** Reads array bytes through a hypothesis; null when they sit on a missing or unreadable member. */
export class ArrayView {
  private readonly colOfSlot: Map<number, number>;
  constructor(
    readonly r: SampleReader,
    readonly h: Hypothesis,
    /** present column -> member index */
    readonly memberOf: readonly number[],
    /** data offset by member index */
    readonly offsets: readonly number[],
  ) {
    this.colOfSlot = new Map(h.slotOf.map((slot, c) => [slot, c]));
    this.perStripe = dataChunksPerStripe(h.geometry);
  }

  /** Rebuilt blocks carry only their first and last EDGE bytes (all continuity looks at). */
  edgesOnly = false;

  /** The 4 KiB-aligned array block at `x` (length up to a block, within one chunk). */
  async block(x: number, len = BLOCK): Promise<Buffer | null> {
    const { slot, stripe, y } = this.locate(x);
    const within = y % BLOCK;
    const b = await this.slotBlock(slot, stripe, y - within);
    return b ? b.subarray(within, Math.min(BLOCK, within + len)) : null;
  }

  /** Slot, stripe and data-area position of array byte `x`. */
  locate(x: number): { slot: number; stripe: number; y: number } {
    const g = this.h.geometry;
    const c = Math.floor(x / g.chunk);
    const stripe = Math.floor(c / this.perStripe);
    const y = stripe * g.chunk + (x % g.chunk);
    return { slot: this.map(stripe).dataSlots[c % this.perStripe]!, stripe, y };
  }

  /** Where array block `x` is read from ('' when it is rebuilt from parity). */
  source(x: number): string {
    const { slot, y } = this.locate(x);
    const col = this.colOfSlot.get(slot);
    return col === undefined ? '' : `${this.memberOf[col]}@${y}`;
  }

  private readonly maps = new Map<number, StripeMap>();
  private readonly perStripe: number;

  /** stripeMap, remembered (it repeats with the rotation) */
  private map(stripe: number): StripeMap {
    const n = this.h.geometry.raidDisks;
    const key = stripe % (n * (n - 1));
    let m = this.maps.get(key);
    if (!m) {
      m = stripeMap(this.h.geometry, key);
      this.maps.set(key, m);
    }
    return m;
  }

  /** The block of `slot` at data-area position `y`; a missing data chunk comes back from P. */
  private async slotBlock(slot: number, stripe: number, y: number): Promise<Buffer | null> {
    const col = this.colOfSlot.get(slot);
    if (col !== undefined) {
      const member = this.memberOf[col]!;
      return this.r.block(member, this.offsets[member]! + y);
    }
    const map = this.map(stripe);
    const out = Buffer.alloc(BLOCK);
    for (const s of [map.pSlot, ...map.dataSlots]) {
      if (s === slot) continue;
      const c = this.colOfSlot.get(s);
      if (c === undefined) return null;
      const member = this.memberOf[c]!;
      const b = await this.r.block(member, this.offsets[member]! + y);
      if (!b) return null;
      if (!this.edgesOnly) for (let i = 0; i < BLOCK; i++) out[i]! ^= b[i]!;
      else {
        for (let i = 0; i < EDGE; i++) out[i]! ^= b[i]!;
        for (let i = BLOCK - EDGE; i < BLOCK; i++) out[i]! ^= b[i]!;
      }
    }
    return out;
  }
}

export interface Continuity {
  /** chunk boundaries whose blocks on either side start alike (comparable) */
  comparable: number;
  /** of those, the ones whose headers run in order */
  inOrder: number;
}

const HEADER = 32;
/** Bytes at either end of a block that continuity compares. */
const EDGE = 96;

/**
 * Continuity across the first `max` chunk boundaries (`dense`: block boundaries, which also sees
 * chunks rebuilt from the wrong parity): the last block of chunk c against the first of chunk c+1. Blocks that share their first bytes (stamped records) are comparable; in the true
 * geometry their headers keep increasing.
 */
export async function continuity(v: ArrayView, max = 96, dense = false): Promise<Continuity> {
  v.edgesOnly = true;
  const step = dense ? BLOCK : v.h.geometry.chunk;
  let comparable = 0;
  let inOrder = 0;
  // The same pair of blocks recurs under many hypotheses: its verdict is remembered per reader.
  const memo = memos.get(v.r) ?? new Map<string, number>();
  memos.set(v.r, memo);
  for (let c = 0; c < max; c++) {
    const a = v.source((c + 1) * step - BLOCK);
    const b = v.source((c + 1) * step);
    const key = a && b ? `${a}>${b}` : '';
    const known = key ? memo.get(key) : undefined;
    if (known !== undefined) {
      comparable += known > 0 ? 1 : 0;
      inOrder += known === 1 ? 1 : 0;
      continue;
    }
    const verdict = await pairVerdict(v, (c + 1) * step);
    if (key) memo.set(key, verdict);
    comparable += verdict > 0 ? 1 : 0;
    inOrder += verdict === 1 ? 1 : 0;
  }
  v.edgesOnly = false;
  return { comparable, inOrder };
}

const memos = new WeakMap<SampleReader, Map<string, number>>();

/** 0: not comparable, 1: in order, 2: out of order, for the blocks either side of array offset x. */
async function pairVerdict(v: ArrayView, x: number): Promise<number> {
  {
    const tail = await v.block(x - BLOCK);
    const head = await v.block(x);
    if (!tail || !head) return 0;
    const lines = textLines(tail, head);
    if (lines !== null) return lines ? 1 : 2;
    const before = tail.subarray(0, HEADER);
    const after = head.subarray(0, HEADER);
    if (before.readUInt32LE(0) !== after.readUInt32LE(0) || before.equals(after)) return 0;
    if (before.every((b) => b === 0)) return 0;
    return Buffer.compare(before, after) < 0 ? 1 : 2;
  }
}

const isText = (b: Buffer): boolean => b.every((x) => x === 10 || x === 9 || (x >= 32 && x < 127));

/**
 * Text running across a boundary: the last whole line before it and the first whole line after it
 * should be neighbours (numbers one or two apart, or lines with a common stem in order). Null when
 * the two sides are not comparable text.
 */
function textLines(tail: Buffer, head: Buffer): boolean | null {
  const before = tail.subarray(tail.length - EDGE);
  const after = head.subarray(0, EDGE);
  if (!isText(before) || !isText(after)) return null;
  const b = before.toString('latin1').split('\n');
  const a = after.toString('latin1').split('\n');
  if (b.length < 3 || a.length < 3) return null;
  const last = b[b.length - 2]!;
  const first = a[1]!;
  if (/^[0-9]+$/.test(last) && /^[0-9]+$/.test(first)) {
    const d = Number(first) - Number(last);
    return d > 0 && d <= 3;
  }
  let common = 0;
  while (common < last.length && last[common] === first[common]) common++;
  if (common < 4) return null;
  return first > last;
}

/** Volume and filesystem signatures at the start of an array (the first 68 KiB). */
export function signatureOf(head: Buffer): string | null {
  const at = (off: number, text: string): boolean =>
    head.length >= off + text.length && head.toString('latin1', off, off + text.length) === text;
  if (head.length >= 1024 + 58 && head.readUInt16LE(1024 + 56) === 0xef53) {
    const compat = head.readUInt32LE(1024 + 0x5c);
    const incompat = head.readUInt32LE(1024 + 0x60);
    if (incompat & 0x40 || incompat & 0x200) return 'ext4';
    return compat & 0x4 ? 'ext3' : 'ext2';
  }
  if (at(0, 'XFSB')) return 'xfs';
  if (at(0x10040, '_BHRfS_M')) return 'btrfs';
  if (at(512 + 24, 'LVM2 001') || at(24, 'LVM2 001')) return 'lvm2';
  if (at(0, 'LUKS\xba\xbe')) return 'luks';
  if (at(3, 'NTFS    ')) return 'ntfs';
  if (at(512, 'EFI PART')) return 'gpt';
  if (at(0x36, 'FAT') || at(0x52, 'FAT32')) return 'fat';
  if (head.length >= 512 && head[510] === 0x55 && head[511] === 0xaa) return 'mbr';
  return null;
}

/** The array's first 68 KiB through a hypothesis (null where unreadable) and its signature. */
export async function arraySignature(v: ArrayView): Promise<string | null> {
  const head = Buffer.alloc(68 * 1024);
  for (let x = 0; x < head.length; x += BLOCK) {
    const b = await v.block(x);
    if (!b) {
      if (x < 2 * BLOCK) return null;
      break;
    }
    b.copy(head, x);
  }
  return signatureOf(head);
}
