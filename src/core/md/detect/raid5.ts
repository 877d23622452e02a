// RAID5 order, layout and chunk from content. XOR holds in every order, so the members' parity says
// only "RAID5"; the filesystem says the rest. ext2/3/4 keeps copies of its superblock at known array
// offsets (group g at block first_data_block + g·blocks_per_group, its group number inside): each copy
// found on a member pins chunk, stripe and slot. What the landmarks leave open is decided by
// continuity across chunk boundaries; what nothing decides is reported as a tie.

import { type MdGeometry, stripeMap } from '../layout.js';
import { sameArray } from './candidates.js';
import { ArrayView, arraySignature, type Continuity, continuity } from './content.js';
import { chunkChoices, sampleStripes } from './geometry.js';
import { type Hypothesis, RAID5_LAYOUTS, type SampledStripe, verify } from './raid6.js';
import { BLOCK, type SampleReader } from './sample.js';

export interface Raid5Found {
  hypothesis: Hypothesis;
  landmarks: number;
  continuity: Continuity;
  signature: string | null;
  stripesSampled: number;
  consistent: number;
}

/** A filesystem structure at array offset `x`, found at data-area position `y` on the `cols` holding it. */
export interface Landmark {
  /** present columns holding it (a parity member holds a copy where the other data are zeros) */
  cols: number[];
  /** position in the members' data areas */
  y: number;
  /** array offset */
  x: number;
}

const EXT_MAGIC = 0xef53;
/** Orders tried per layout and chunk. */
const MAX_ORDERS = 5040;

/** The ext2/3/4 superblock and its copies in the members' data areas. */
export async function extLandmarks(
  r: SampleReader,
  present: readonly number[],
  offsets: readonly number[],
): Promise<Landmark[]> {
  // The primary superblock sits 1 KiB into the array: on the member of data chunk 0 (or its parity).
  let primary = false;
  for (const m of present) {
    const b = await r.block(m, offsets[m]!);
    if (b && b.readUInt16LE(1024 + 56) === EXT_MAGIC) primary = true;
  }
  if (!primary) return [];
  let fs: { uuid: string; bs: number; bpg: number; fdb: number } | null = null;
  const byPlace = new Map<string, { cols: number[]; y: number; uuid: string; group: number }>();
  for (let col = 0; col < present.length; col++) {
    const m = present[col]!;
    for (let y = 0; offsets[m]! + y + BLOCK <= r.readable(m); y += BLOCK) {
      const b = await r.block(m, offsets[m]! + y);
      if (!b) break;
      for (let w = 0; w < BLOCK; w += 1024) {
        if (b.readUInt16LE(w + 56) !== EXT_MAGIC) continue;
        const group = b.readUInt16LE(w + 0x5a);
        const uuid = b.toString('hex', w + 104, w + 120);
        const bs = 1024 << b.readUInt32LE(w + 24);
        const bpg = b.readUInt32LE(w + 32);
        if (bs > 65536 || bpg === 0 || (group === 0 && y + w !== 1024)) continue;
        if (!fs && y + w === 1024 && group === 0) fs = { uuid, bs, bpg, fdb: b.readUInt32LE(w + 20) };
        const key = `${y + w}/${uuid}/${group}`;
        const l = byPlace.get(key) ?? { cols: [], y: y + w, uuid, group };
        l.cols.push(col);
        byPlace.set(key, l);
      }
    }
  }
  if (!fs) return [];
  const f = fs;
  return [...byPlace.values()]
    .filter((l) => l.uuid === f.uuid)
    .map((l) => ({ cols: l.cols, y: l.y, x: l.group === 0 ? 1024 : (f.fdb + l.group * f.bpg) * f.bs }));
}

/** Landmarks that geometry g with order slotOf puts where they were found. */
export function landmarksHeld(
  g: MdGeometry,
  slotOf: readonly number[],
  landmarks: readonly Landmark[],
): number {
  const m = g.raidDisks - (g.level === 6 ? 2 : 1);
  let held = 0;
  for (const l of landmarks) {
    if (l.x % g.chunk !== l.y % g.chunk) continue;
    const c = Math.floor(l.x / g.chunk);
    const s = Math.floor(l.y / g.chunk);
    if (Math.floor(c / m) !== s) continue;
    const slot = stripeMap(g, s).dataSlots[c % m]!;
    if (l.cols.some((col) => slotOf[col] === slot)) held++;
  }
  return held;
}

/** Does chunk `chunk` put every landmark in the right stripe at the right place? (any order) */
function chunkFits(chunk: number, dataChunks: number, landmarks: readonly Landmark[]): boolean {
  return landmarks.every(
    (l) =>
      l.x % chunk === l.y % chunk &&
      Math.floor(Math.floor(l.x / chunk) / dataChunks) === Math.floor(l.y / chunk),
  );
}

/** Largest RAID5 whose every order is tried on continuity alone (6! orders per layout and chunk). */
const MAX_BLIND = 6;

/**
 * Without landmarks: every chunk, layout and order whose chunk boundaries all run in order, for
 * arrays of at most MAX_BLIND members. A quick look at a few boundaries discards most hypotheses;
 * the rest must stay in order over many more. Content without comparable boundaries yields nothing.
 */
async function byContinuity(
  r: SampleReader,
  present: readonly number[],
  offsets: readonly number[],
  n: number,
  given: { chunk: number | undefined; layout: number | undefined },
): Promise<Raid5Found[]> {
  if (n > MAX_BLIND) return [];
  const all = orders(present.length, n);
  const out: Raid5Found[] = [];
  for (const chunk of chunkChoices(null, given.chunk)) {
    const stripes = await sampleStripes(r, present, offsets, chunk, 16);
    if (stripes.length < 2) continue;
    for (const layout of given.layout !== undefined ? [given.layout] : RAID5_LAYOUTS) {
      const g: MdGeometry = { level: 5, layout, chunk, raidDisks: n };
      for (const slotOf of all) {
        const h: Hypothesis = { geometry: g, slotOf };
        const v = new ArrayView(r, h, present, offsets);
        const quick = await continuity(v, 2 * n);
        if (quick.comparable < n || quick.inOrder < quick.comparable) continue;
        const chunks = await continuity(v, Math.max(64, 8 * n * n));
        if (chunks.comparable < 8 || chunks.inOrder < chunks.comparable) continue;
        // Every block boundary too: parity read as data breaks the order inside chunks.
        const dense = await continuity(v, 1024, true);
        const cont = {
          comparable: chunks.comparable + dense.comparable,
          inOrder: chunks.inOrder + dense.inOrder,
        };
        const { sampled, consistent } = verify(h, stripes);
        out.push({
          hypothesis: h,
          landmarks: 0,
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

/** Every assignment of `columns` present members to `slots` slots (bounded). */
function orders(columns: number, slots: number): number[][] {
  const out: number[][] = [];
  const cur = new Array<number>(columns).fill(-1);
  const used = new Set<number>();
  const rec = (c: number): void => {
    if (out.length >= MAX_ORDERS) return;
    if (c === columns) {
      out.push(cur.slice());
      return;
    }
    for (let s = 0; s < slots; s++) {
      if (used.has(s)) continue;
      used.add(s);
      cur[c] = s;
      rec(c + 1);
      used.delete(s);
    }
  };
  rec(0);
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
  if (landmarks.length < 2) return byContinuity(r, present, offsets, n, given);
  const all = orders(present.length, n);
  const scored: { h: Hypothesis; held: number }[] = [];
  for (const chunk of chunkChoices(null, given.chunk)) {
    if (!chunkFits(chunk, n - 1, landmarks)) continue;
    for (const layout of given.layout !== undefined ? [given.layout] : RAID5_LAYOUTS) {
      const g: MdGeometry = { level: 5, layout, chunk, raidDisks: n };
      for (const slotOf of all)
        scored.push({ h: { geometry: g, slotOf }, held: landmarksHeld(g, slotOf, landmarks) });
    }
  }
  // The orders that place the most landmarks; of those describing the same array, one is measured.
  const most = Math.max(0, ...scored.map((x) => x.held));
  const best = scored.filter((x) => x.held === most && most > 0).map((x) => x.h);
  const out: Raid5Found[] = [];
  const stripesOf = new Map<number, SampledStripe[]>();
  for (const h of best) {
    const twin = out.find((o) => sameArray(o.hypothesis, h));
    const chunk = h.geometry.chunk;
    if (!stripesOf.has(chunk)) stripesOf.set(chunk, await sampleStripes(r, present, offsets, chunk, 16));
    const { sampled, consistent } = verify(h, stripesOf.get(chunk)!);
    const v = new ArrayView(r, h, present, offsets);
    out.push({
      hypothesis: h,
      landmarks: most,
      continuity: twin ? twin.continuity : await continuity(v, 1024),
      signature: twin ? twin.signature : await arraySignature(v),
      stripesSampled: sampled,
      consistent,
    });
  }
  return out;
}
