// RAID5 order, layout and chunk from content. XOR holds in every order, so the members' parity says
// only "RAID5"; the filesystem says the rest. ext2/3/4 keeps copies of its superblock at known array
// offsets (group g at block first_data_block + g·blocks_per_group, its group number inside): each copy
// found on a member pins chunk, stripe and slot. What the landmarks leave open is decided by
// continuity across chunk boundaries; what nothing decides is reported as a tie.

import { type MdGeometry, stripeMap } from '../layout.js';
import { ArrayView, arraySignature, type Continuity, continuity } from './content.js';
import { chunkChoices, sampleStripes } from './geometry.js';
import { type Hypothesis, RAID5_LAYOUTS, verify } from './raid6.js';
import { BLOCK, type SampleReader } from './sample.js';

export interface Raid5Found {
  hypothesis: Hypothesis;
  landmarks: number;
  continuity: Continuity;
  signature: string | null;
  stripesSampled: number;
  consistent: number;
}

interface Landmark {
  /** present column */
  col: number;
  /** position in the member's data area */
  y: number;
  /** array offset */
  x: number;
}

const EXT_MAGIC = 0xef53;
/** Permutations tried for the members no landmark places. */
const MAX_ORDERS = 720;

/** The ext2/3/4 superblock copies in the members' data areas (the primary first, if found). */
async function extLandmarks(
  r: SampleReader,
  present: readonly number[],
  offsets: readonly number[],
): Promise<Landmark[]> {
  let primary: { col: number; uuid: string; bs: number; bpg: number; fdb: number } | null = null;
  for (let col = 0; col < present.length && !primary; col++) {
    const b = await r.block(present[col]!, offsets[present[col]!]!);
    if (!b || b.readUInt16LE(1024 + 56) !== EXT_MAGIC) continue;
    const bs = 1024 << b.readUInt32LE(1024 + 24);
    const bpg = b.readUInt32LE(1024 + 32);
    if (bs > 65536 || bpg === 0) continue;
    primary = {
      col,
      uuid: b.toString('hex', 1024 + 104, 1024 + 120),
      bs,
      bpg,
      fdb: b.readUInt32LE(1024 + 20),
    };
  }
  if (!primary) return [];
  const out: Landmark[] = [{ col: primary.col, y: 1024, x: 1024 }];
  for (let col = 0; col < present.length; col++) {
    const m = present[col]!;
    for (let y = 0; offsets[m]! + y + BLOCK <= r.readable(m); y += BLOCK) {
      const b = await r.block(m, offsets[m]! + y);
      if (!b) break;
      for (let w = 0; w < BLOCK; w += 1024) {
        if (b.readUInt16LE(w + 56) !== EXT_MAGIC) continue;
        if (b.toString('hex', w + 104, w + 120) !== primary.uuid) continue;
        const group = b.readUInt16LE(w + 0x5a);
        if (group === 0) continue;
        out.push({ col, y: y + w, x: (primary.fdb + group * primary.bpg) * primary.bs });
      }
    }
  }
  return out;
}

/** Slots the landmarks force under geometry g, or null when they contradict it. */
function pinned(g: MdGeometry, landmarks: readonly Landmark[], columns: number): (number | null)[] | null {
  const m = g.raidDisks - 1;
  const slotOf = new Array<number | null>(columns).fill(null);
  for (const l of landmarks) {
    const s = Math.floor(l.y / g.chunk);
    if (l.x % g.chunk !== l.y % g.chunk) return null;
    const c = Math.floor(l.x / g.chunk);
    if (Math.floor(c / m) !== s) return null;
    const slot = stripeMap(g, s).dataSlots[c % m]!;
    if (slotOf[l.col] !== null && slotOf[l.col] !== slot) return null;
    if (slotOf.some((x, i) => x === slot && i !== l.col)) return null;
    slotOf[l.col] = slot;
  }
  return slotOf;
}

/** Every completion of a partial assignment (columns without a slot take the free slots). */
function completions(partial: (number | null)[], slots: number): number[][] {
  const free = [...Array(slots).keys()].filter((s) => !partial.includes(s));
  const open = partial.flatMap((x, i) => (x === null ? [i] : []));
  const out: number[][] = [];
  const rec = (k: number, used: Set<number>, cur: number[]): void => {
    if (out.length >= MAX_ORDERS) return;
    if (k === open.length) {
      out.push(cur.slice());
      return;
    }
    for (const s of free) {
      if (used.has(s)) continue;
      used.add(s);
      cur[open[k]!] = s;
      rec(k + 1, used, cur);
      used.delete(s);
    }
  };
  rec(
    0,
    new Set(),
    partial.map((x) => x ?? -1),
  );
  return out;
}

/**
 * RAID5 hypotheses over all present members (none may be missing: XOR is then the only check and it
 * cannot order anything): landmarks first, continuity for the rest.
 */
export async function raid5Candidates(
  r: SampleReader,
  present: readonly number[],
  offsets: readonly number[],
  n: number,
  given: { chunk: number | undefined; layout: number | undefined },
): Promise<Raid5Found[]> {
  const landmarks = await extLandmarks(r, present, offsets);
  // Without landmarks every order of every layout and chunk is possible; continuity alone over all of
  // them is too weak and too slow to be worth a claim.
  if (landmarks.length === 0) return [];
  const out: Raid5Found[] = [];
  for (const chunk of chunkChoices(null, given.chunk)) {
    const stripes = await sampleStripes(r, present, offsets, chunk, 16);
    if (stripes.length < 1) continue;
    for (const layout of given.layout !== undefined ? [given.layout] : RAID5_LAYOUTS) {
      const g: MdGeometry = { level: 5, layout, chunk, raidDisks: n };
      const partial = pinned(g, landmarks, present.length);
      if (!partial) continue;
      for (const slotOf of completions(partial, n)) {
        const h: Hypothesis = { geometry: g, slotOf };
        const v = new ArrayView(r, h, present, offsets);
        const cont = await continuity(v, 1024);
        const { sampled, consistent } = verify(h, stripes);
        out.push({
          hypothesis: h,
          landmarks: landmarks.length,
          continuity: cont,
          signature: await arraySignature(v),
          stripesSampled: sampled,
          consistent,
        });
      }
    }
  }
  return out;
}
