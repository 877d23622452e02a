// The shape of the data area once the offsets are known: how many relations hold among the members
// (the level), and where they change (the chunk size: md rotates parity, and with it the relations,
// from stripe to stripe). Then the stripes a hypothesis is checked on.

import type { MdGeometry } from '../layout.js';
import { nullSpace } from './gf-solve.js';
import { STRIDE } from './offsets.js';
import type { SampledStripe } from './raid6.js';
import { spaceKey } from './raid6.js';
import { BLOCK, type SampleReader } from './sample.js';

export const MIN_CHUNK = 4096;
export const MAX_CHUNK = 4 * 1024 * 1024;
/** Bytes of each data area scanned for the chunk size (stops earlier once enough boundaries are seen). */
const CHUNK_SCAN = 16 * 1024 * 1024;
const BOUNDARIES = 8;

export interface Shape {
  /** null-space dimension of the informative blocks (2 - missing for RAID6, 1 for RAID5) */
  nullity: number;
  /** the chunk size when parity moves, null when it never does in the scanned part */
  chunk: number | null;
  /** positions (from the data offsets) where the relations changed */
  boundaries: number[];
}

const at = (present: readonly number[], offsets: readonly number[], y: number) =>
  present.map((member) => ({ member, pos: offsets[member]! + y }));

export async function findShape(
  r: SampleReader,
  present: readonly number[],
  offsets: readonly number[],
): Promise<Shape | null> {
  const k = present.length;
  const span = Math.min(CHUNK_SCAN, ...present.map((i) => r.readable(i) - offsets[i]!));
  const blocks: { nullity: number; key: string }[] = [];
  let minNullity = Infinity;
  for (let y = 0; y + BLOCK <= span; y += BLOCK) {
    const rows = await r.rows(at(present, offsets, y), STRIDE);
    if (!rows) break;
    const ns = nullSpace(rows, k);
    const nullity = ns.rank >= 2 ? ns.basis.length : -1;
    blocks.push({ nullity, key: nullity > 0 ? spaceKey(ns) : '' });
    if (nullity > 0) minNullity = Math.min(minNullity, nullity);
    if (blocks.length % 32 === 0 && countBoundaries(blocks, minNullity).length >= BOUNDARIES) break;
  }
  if (minNullity === Infinity) return null;
  const boundaries = countBoundaries(blocks, minNullity);
  let chunk: number | null = null;
  if (boundaries.length > 0) {
    chunk = MAX_CHUNK;
    while (chunk > MIN_CHUNK && boundaries.some((b) => b % chunk! !== 0)) chunk /= 2;
  }
  return { nullity: minNullity, chunk, boundaries };
}

function countBoundaries(blocks: { nullity: number; key: string }[], nullity: number): number[] {
  const out: number[] = [];
  for (let i = 1; i < blocks.length; i++) {
    const a = blocks[i - 1]!;
    const b = blocks[i]!;
    if (a.nullity === nullity && b.nullity === nullity && a.key !== b.key) out.push(i * BLOCK);
  }
  return out;
}

/**
 * Stripes sampled to check hypotheses of chunk `chunk`: the first max/2 and max/2 more spread over
 * the readable data areas (sparse filesystems leave the first stripes mostly empty), two blocks each.
 */
export async function sampleStripes(
  r: SampleReader,
  present: readonly number[],
  offsets: readonly number[],
  chunk: number,
  max = 48,
): Promise<SampledStripe[]> {
  const total = Math.floor(Math.min(...present.map((i) => r.readable(i) - offsets[i]!)) / chunk);
  const picks = new Set<number>();
  for (let s = 0; s < Math.min(total, max / 2); s++) picks.add(s);
  for (let i = 0; i < max / 2 && total > max / 2; i++)
    picks.add(max / 2 + Math.floor((i * (total - max / 2)) / (max / 2)));
  const out: SampledStripe[] = [];
  for (const s of [...picks].sort((a, b) => a - b)) {
    const rows: Uint8Array[] = [];
    for (const y of chunk > BLOCK ? [0, chunk / 2] : [0]) {
      const part = await r.rows(at(present, offsets, s * chunk + y), STRIDE / 2);
      if (part) rows.push(...part);
    }
    out.push({ stripe: s, rows, ns: nullSpace(rows, present.length) });
  }
  return out;
}

/** Every chunk size md allows here (powers of two from 4 KiB to 4 MiB) or just the one given. */
export function chunkChoices(found: number | null, given: number | undefined): number[] {
  if (given !== undefined) return [given];
  if (found !== null) return [found];
  const all: number[] = [];
  for (let c = MIN_CHUNK; c <= MAX_CHUNK; c *= 2) all.push(c);
  return all;
}

export type { MdGeometry };
