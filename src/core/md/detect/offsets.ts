// Where each member's data area starts. Inside an md data area the members' blocks at the same
// position are linearly dependent (parity); before it they are zeros or unrelated metadata. A scan of
// 4 KiB blocks finds the window between the last independent block and the first dependent one; the
// data offset is the largest mdadm default in that window (or the first dependent block). A member
// whose data area moved (replaced under another mdadm) is found by searching it for the block that
// the others' parity predicts.

import { MD_SB_MAGIC } from '../superblock.js';
import { EXP2, LOG, nullSpace } from './gf-solve.js';
import { BLOCK, type SampleReader } from './sample.js';

/** Data offsets mdadm has used (0.90/1.0: 0; 1.1/1.2: 8, 16, 272, 2048, 4096, 262144, 264192 sectors). */
export const DEFAULT_OFFSETS = [0, 8, 16, 24, 272, 2048, 4096, 8192, 262144, 264192].map((s) => s * 512);

/** Rows sampled per block: every 16th byte. */
export const STRIDE = 16;
/** Dependent blocks in a row (with no independent one between) that settle a data area. */
const SETTLE = 12;

const ZERO_BLOCK = Buffer.alloc(BLOCK);

export type BlockClass = 'blank' | 'full' | 'dependent';

/** Rank class of the blocks at (member, pos): blank (rank <= 1), full (independent) or dependent. */
export async function classify(
  r: SampleReader,
  at: readonly { member: number; pos: number }[],
): Promise<BlockClass | null> {
  // md superblocks of one array look alike (a low rank), but they are metadata, not data. Blocks of
  // zeros (sparse areas, the gap before the data) are blank without any algebra.
  let zeros = 0;
  for (const { member, pos } of at) {
    const b = await r.block(member, pos);
    if (!b) return null;
    if (b.readUInt32LE(0) === MD_SB_MAGIC) return 'full';
    if (b.equals(ZERO_BLOCK)) zeros++;
  }
  if (zeros >= at.length - 1) return 'blank';
  const rows = await r.lazyRows(at, STRIDE);
  if (!rows) return null;
  const { rank } = nullSpace(rows, at.length);
  if (rank <= 1) return 'blank';
  return rank === at.length ? 'full' : 'dependent';
}

export interface OffsetScan {
  /** data offset of each member (index as in the reader; missing members: 0) */
  offsets: number[];
  /** the window the data offset was chosen from */
  window: { after: number; upTo: number };
}

/**
 * Scans `members` at common positions `base[i] + p` for p = 0, 4 KiB, ... and returns the window
 * (lastIndependent, firstDependent] and the offset chosen in it, or null.
 */
async function scanCommon(
  r: SampleReader,
  members: readonly number[],
  base: readonly number[],
  fixed: number | undefined,
): Promise<{ offset: number; after: number; upTo: number } | null> {
  const limit = Math.min(...members.map((i) => r.readable(i) - base[i]!));
  let lastFull = -BLOCK;
  let firstDep = -1;
  let deps = 0;
  const start = fixed ?? 0;
  for (let p = start; p + BLOCK <= limit; p += BLOCK) {
    const c = await classify(
      r,
      members.map((member) => ({ member, pos: base[member]! + p })),
    );
    if (c === 'full') {
      if (fixed !== undefined) return null;
      lastFull = p;
      firstDep = -1;
      deps = 0;
    } else if (c === 'dependent') {
      if (firstDep < 0) firstDep = p;
      if (++deps >= SETTLE) break;
    }
  }
  if (firstDep < 0) return null;
  if (fixed !== undefined) return { offset: fixed, after: fixed - BLOCK, upTo: firstDep };
  const inWindow = DEFAULT_OFFSETS.filter((o) => o > lastFull && o <= firstDep);
  const offset = inWindow.length > 0 ? inWindow[inWindow.length - 1]! : firstDep;
  return { offset, after: lastFull, upTo: firstDep };
}

/**
 * Finds every present member's data offset. `present`: indexes of the members read; `fixed`: a
 * data offset the caller knows (--data-offset). Returns null when no parity holds anywhere.
 */
export async function findOffsets(
  r: SampleReader,
  present: readonly number[],
  fixed: number | undefined,
): Promise<OffsetScan | null> {
  const n = r.members.length;
  const zero = new Array<number>(n).fill(0);
  const common = await scanCommon(r, present, zero, fixed);
  if (common) {
    const odd = await uninvolved(r, present, common.offset);
    const at = (o: number, q: number | null, oddOne: number | null) => ({
      offsets: zero.map((_, i) => (i === oddOne ? q! : present.includes(i) ? o : 0)),
      window: { after: common.after, upTo: common.upTo },
    });
    if (odd.length !== 1) return at(common.offset, null, null);
    const others = present.filter((i) => i !== odd[0]);
    const q = await searchMember(r, odd[0]!, others, common.offset);
    return q === null ? null : at(common.offset, q, odd[0]!);
  }
  if (present.length < 3) return null;
  // One member's data area moved (replaced under another mdadm): RAID6's other members still show
  // parity among themselves at one of mdadm's offsets; for RAID5 every default offset is tried. The
  // moved member holds, somewhere in its first SEARCH bytes, the blocks their relations predict.
  for (const odd of present) {
    const others = present.filter((i) => i !== odd);
    const found = present.length >= 4 ? await dependentAtDefault(r, others, fixed) : null;
    const tries = found !== null ? [found] : fixed !== undefined ? [fixed] : DEFAULT_OFFSETS;
    const sets: ProbeSet[] = [];
    for (const o of tries) {
      const p = await probesAt(r, others, o);
      if (p) sets.push(p);
    }
    const hit = await searchMany(r, odd, sets);
    if (!hit) continue;
    const shift = Math.min(0, hit.q - hit.offset);
    const base = zero.map((_, i) => (i === odd ? hit.q - hit.offset : 0) - shift);
    const all = await scanCommon(r, present, base, undefined);
    if (!all) continue;
    const offsets = zero.map((_, i) => (present.includes(i) ? all.offset + base[i]! : 0));
    return { offsets, window: { after: all.after, upTo: all.upTo } };
  }
  return null;
}

/** The first mdadm default offset where `members` show parity (a few blocks, no independent one). */
async function dependentAtDefault(
  r: SampleReader,
  members: readonly number[],
  fixed: number | undefined,
): Promise<number | null> {
  for (const o of fixed !== undefined ? [fixed] : DEFAULT_OFFSETS) {
    let deps = 0;
    let full = false;
    for (let b = 0; b < 2 * SETTLE && !full; b++) {
      const c = await classify(
        r,
        members.map((member) => ({ member, pos: o + b * BLOCK })),
      );
      if (c === null) break;
      full = c === 'full';
      if (c === 'dependent') deps++;
    }
    if (!full && deps >= SETTLE / 2) return o;
  }
  return null;
}

/** Members that take part in no relation where the others do: their data areas are elsewhere. */
async function uninvolved(r: SampleReader, present: readonly number[], offset: number): Promise<number[]> {
  const involved = new Set<number>();
  let seen = 0;
  for (
    let y = 0;
    seen < 8 && offset + y + BLOCK <= Math.min(...present.map((i) => r.readable(i)));
    y += BLOCK
  ) {
    const rows = await r.rows(
      present.map((member) => ({ member, pos: offset + y })),
      STRIDE,
    );
    if (!rows) break;
    const ns = nullSpace(rows, present.length);
    if (ns.rank < 2 || ns.basis.length === 0) continue;
    seen++;
    // A unit vector only says that a column is all zeros here: no relation.
    for (const v of ns.basis) {
      if (v.filter((x) => x !== 0).length < 2) continue;
      v.forEach((x, c) => x !== 0 && involved.add(present[c]!));
    }
  }
  return seen === 0 ? [] : present.filter((i) => !involved.has(i));
}

/** A moved data area is searched for in the first SEARCH bytes of its member. */
const SEARCH = 64 * 1024 * 1024;
/** How far into the others' data areas informative probe blocks are looked for. */
const PROBE_REACH = 4 * 1024 * 1024;

interface ProbeSet {
  /** the others' data offset these probes assume */
  offset: number;
  probes: { y: number; checks: Uint8Array[]; ts: number[] }[];
}

/**
 * Four informative blocks of the others' data areas at `offset`, each with checks from the left
 * null space of the others' rows there: a block u of the odd member completes them iff w·u = 0 for
 * every such w.
 */
async function probesAt(
  r: SampleReader,
  others: readonly number[],
  offset: number,
): Promise<ProbeSet | null> {
  const probes: ProbeSet['probes'] = [];
  const end = Math.min(...others.map((i) => r.readable(i)), offset + PROBE_REACH);
  for (let y = 0; probes.length < 4 && offset + y + BLOCK <= end; y += BLOCK) {
    const bufs = await Promise.all(others.map((i) => r.block(i, offset + y)));
    if (bufs.some((b) => !b)) break;
    const ts: number[] = [];
    for (let t = 0; t < BLOCK && ts.length < 64; t += 61) if (bufs.some((b) => b![t] !== 0)) ts.push(t);
    if (ts.length < 2 * others.length) continue;
    const columns = bufs.map((b) => Uint8Array.from(ts.map((t) => b![t]!)));
    const { rank, basis } = nullSpace(columns, ts.length);
    if (rank < 2) continue;
    probes.push({ y, checks: basis.slice(0, 3), ts });
  }
  return probes.length < 4 ? null : { offset, probes };
}

/** sum_k w[k]·b[ts[k]] over GF(2^8), by logarithms (the hot loop of the search). */
function dot(w: Uint8Array, ts: readonly number[], b: Buffer): number {
  let acc = 0;
  for (let k = 0; k < ts.length; k++) {
    const x = b[ts[k]!]!;
    const c = w[k]!;
    if (x !== 0 && c !== 0) acc ^= EXP2[LOG[c]! + LOG[x]!]!;
  }
  return acc;
}

/** The data offset of member `odd` given the others' at `offset`, or null. */
export async function searchMember(
  r: SampleReader,
  odd: number,
  others: readonly number[],
  offset: number,
): Promise<number | null> {
  const set = await probesAt(r, others, offset);
  return set ? ((await searchMany(r, odd, [set]))?.q ?? null) : null;
}

/** One pass over the odd member: the first position q that completes one of the probe sets. */
async function searchMany(
  r: SampleReader,
  odd: number,
  sets: readonly ProbeSet[],
): Promise<{ offset: number; q: number } | null> {
  if (sets.length === 0) return null;
  // A block of zeros completes anything: a match needs data in at least one of the probes.
  const fits = async (q: number, p: ProbeSet['probes'][number]): Promise<0 | 1 | 2> => {
    const b = await r.block(odd, q + p.y);
    if (!b) return 0;
    const ok = p.checks.every((w) => dot(w, p.ts, b) === 0);
    if (!ok) return 0;
    return p.ts.every((t) => b[t] === 0) ? 1 : 2;
  };
  const end = Math.min(r.readable(odd), SEARCH);
  for (let q = 0; q + BLOCK <= end; q += BLOCK) {
    for (const set of sets) {
      let data = false;
      let all = true;
      for (const p of set.probes) {
        const f = await fits(q, p);
        if (f === 0) {
          all = false;
          break;
        }
        data ||= f === 2;
      }
      if (all && data) return { offset: set.offset, q };
    }
  }
  return null;
}
