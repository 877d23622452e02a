// md detect: level, chunk, layout, member order and data offsets of an md RAID5/6 array whose
// superblocks are gone or lie, from the members' content alone (DESIGN.md, "Geometry discovery").
// Offsets from where parity starts holding; level from how many relations hold; RAID6 order and
// layout from the Q coefficients; RAID5 from the content (raid5.ts). Reads are bounded by `sample`.

import { UsageError } from '../../errors.js';
import { FieldError } from '../../field-error.js';
import type { MemberSpec } from '../../io/member.js';
import { closeAll, type InputMember, openMembers } from '../../io/members.js';
import type { JobOptions } from '../../jobs/run.js';
import { layoutName, layoutNumber, type MdGeometry } from '../layout.js';
import { fileReader, type MdSuperblock, readSuperblock } from '../superblock.js';
import { type Candidate, describe, rank, sameArray } from './candidates.js';
import { confirm } from './confirm.js';
import { ArrayView, arraySignature, continuity } from './content.js';
import { chunkChoices, findShape, MAX_CHUNK, MIN_CHUNK, sampleStripes } from './geometry.js';
import { findOffsets } from './offsets.js';
import { extLandmarks, landmarksHeld, raid5Candidates } from './raid5.js';
import { deriveOrders, type Hypothesis, RAID6_LAYOUTS, verify } from './raid6.js';
import { SampleReader } from './sample.js';

export const DEFAULT_SAMPLE = 256 * 1024 * 1024;

export interface DetectInput {
  members: MemberSpec[];
  level?: number;
  layout?: string;
  chunk?: number;
  raidDisks?: number;
  dataOffset?: number;
  /** bytes read at most from each member's start */
  sample: number;
  /** candidates reported */
  top: number;
  ignoreSuperblocks: boolean;
}

export interface DetectResult {
  candidates: Candidate[];
  /** the best candidates tie: the evidence cannot choose */
  ambiguous: boolean;
  /** why nothing (or only something uncertain) was found */
  reason: string | null;
  /** bytes read from each member, in command-line order */
  bytesRead: number[];
  seconds: number;
}

/** Checks the constraints; returns the layout number asked for (or undefined). */
function checkInput(input: DetectInput): number | undefined {
  if (input.level !== undefined && input.level !== 5 && input.level !== 6)
    throw new FieldError('level', (f) => `${f} must be 5 or 6, got ${input.level}`);
  const c = input.chunk;
  if (c !== undefined && (c < MIN_CHUNK || c > MAX_CHUNK || (c & (c - 1)) !== 0))
    throw new FieldError('chunk', (f) => `${f} must be a power of two from 4K to 4M, got ${c}`);
  if (input.dataOffset !== undefined && input.dataOffset % 4096 !== 0)
    throw new FieldError('dataOffset', (f) => `${f} must be a multiple of 4K, got ${input.dataOffset}`);
  if (input.raidDisks !== undefined && input.raidDisks < input.members.length)
    throw new FieldError(
      'raidDisks',
      (f) => `${f} ${input.raidDisks} is fewer than the ${input.members.length} members given`,
    );
  if (input.sample < 1024 * 1024) throw new FieldError('sample', (f) => `${f} must be at least 1M`);
  if (input.layout === undefined) return undefined;
  const levels = input.level ? [input.level] : [6, 5];
  const n = levels.map((l) => layoutNumber(l, input.layout!)).find((x) => x !== null);
  if (n === undefined || n === null)
    throw new FieldError(
      'layout',
      (f) => `${f} '${input.layout}' is no md RAID${input.level ?? '5/6'} layout`,
    );
  return n;
}

/**
 * Finds the geometry of the array the members belong to. Members are opened read-only and closed
 * again; `opts.offset` is added to every member's start; progress goes to `opts.progress`.
 */
export async function detectGeometry(
  input: DetectInput,
  opts: Pick<JobOptions, 'offset' | 'progress'>,
): Promise<DetectResult> {
  const layout = checkInput(input);
  const t0 = performance.now();
  const { members: opened } = await openMembers(input.members, {
    offset: opts.offset,
    length: null,
    pad: true,
  });
  const n = input.raidDisks ?? opened.length;
  const members: (InputMember | null)[] = [...opened, ...new Array(n - opened.length).fill(null)].map((m) =>
    m?.handle ? m : null,
  );
  const progress = opts.progress?.('md detect');
  const r = new SampleReader(members, input.sample, (done, total) => progress?.update(done, total));
  try {
    const found = await discover(r, members, input, layout, opts.offset);
    const { candidates, ambiguous } = rank(found.candidates, input.top);
    const best = candidates[0];
    if (best && found.offsets) {
      const present = members.flatMap((m, i) => (m ? [i] : []));
      const c = await confirm(r, best.hypothesis, present, found.offsets);
      if (c.checked) best.evidence.confirmed = { stripes: c.stripes, consistent: c.consistent };
    }
    const bytesRead = members.map((_, i) => r.bytesRead[i]!);
    return {
      candidates,
      ambiguous,
      reason: candidates.length === 0 ? found.reason : ambiguous ? 'the best candidates tie' : null,
      bytesRead,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    progress?.stop();
    await closeAll(opened);
  }
}

interface Found {
  candidates: Candidate[];
  reason: string;
  /** each member's data offset, when found */
  offsets?: number[];
}

async function discover(
  r: SampleReader,
  members: (InputMember | null)[],
  input: DetectInput,
  layout: number | undefined,
  shift: number,
): Promise<Found> {
  const n = members.length;
  const present = members.flatMap((m, i) => (m ? [i] : []));
  const ctx = { r, members, input, shift };
  if (!input.ignoreSuperblocks) {
    const fromSb = await fromSuperblocks(ctx, present);
    if (fromSb) return fromSb;
  }
  if (present.length < 3) return { candidates: [], reason: 'fewer than 3 members to read' };
  const scan = await findOffsets(r, present, input.dataOffset);
  if (!scan) return { candidates: [], reason: 'no parity holds among the members at any data offset' };
  const offsets = scan.offsets;
  const shape = await findShape(r, present, offsets);
  if (!shape) return { candidates: [], reason: 'the data areas hold no data to check' };
  const missing = n - present.length;
  const level = missing > 0 || shape.nullity >= 2 ? 6 : 5;
  if (input.level !== undefined && input.level !== level)
    return { candidates: [], reason: `the parity found is RAID${level}'s, not RAID${input.level}'s` };
  if (level === 5) {
    const out = await raid5Candidates(r, present, offsets, n, { chunk: input.chunk, layout });
    const candidates = out.map((f) => {
      const c = toCandidate(ctx, present, offsets, f.hypothesis);
      Object.assign(c.evidence, {
        source: 'content',
        stripesSampled: f.stripesSampled,
        consistent: f.consistent,
        signature: f.signature,
        continuity: f.continuity,
        landmarks: f.landmarks,
      });
      return c;
    });
    const reason =
      'RAID5: XOR holds in every order, and neither filesystem landmarks (ext2/3/4 superblock copies) nor continuity across chunk boundaries order the members';
    return { candidates, reason, offsets };
  }
  if (missing > 1)
    return { candidates: [], reason: 'RAID6 with two members missing keeps no parity to solve' };
  const candidates: Candidate[] = [];
  for (const chunk of chunkChoices(shape.chunk, input.chunk)) {
    const stripes = await sampleStripes(r, present, offsets, chunk);
    if (stripes.length < 2) continue;
    const informative = stripes
      .filter((st) => st.ns.basis.length === 2 - missing && st.ns.rank === present.length - (2 - missing))
      .slice(0, 4);
    for (const number of layout !== undefined ? [layout] : RAID6_LAYOUTS) {
      if (layoutName(6, number) === null) continue;
      const g: MdGeometry = { level: 6, layout: number, chunk, raidDisks: n };
      const seen = new Set<string>();
      for (const st of informative) {
        for (const slotOf of deriveOrders(g, st, present.length)) {
          const key = slotOf.join(',');
          if (seen.has(key)) continue;
          seen.add(key);
          const h: Hypothesis = { geometry: g, slotOf };
          const v = verify(h, stripes, true);
          if (v.sampled === 0 || v.consistent < v.sampled) continue;
          const c = toCandidate(ctx, present, offsets, h);
          c.evidence.stripesSampled = v.sampled;
          c.evidence.consistent = v.consistent;
          candidates.push(c);
        }
      }
    }
  }
  // Content where parity cannot tell (layouts whose parity never moves hide the chunk size; parity
  // does not see the data order of asymmetric against symmetric layouts).
  const measured: Candidate[] = [];
  for (const c of candidates) {
    // Candidates describing the same array share their content.
    const twin = measured.find((m) => sameArray(m.hypothesis, c.hypothesis));
    if (twin)
      Object.assign(c.evidence, { signature: twin.evidence.signature, continuity: twin.evidence.continuity });
    else {
      await addContent(ctx, present, offsets, c);
      measured.push(c);
    }
  }
  if (candidates.length > 1) {
    const landmarks = await extLandmarks(r, present, offsets);
    for (const c of candidates) {
      if (landmarks.length > 0)
        c.evidence.landmarks = landmarksHeld(c.hypothesis.geometry, c.hypothesis.slotOf, landmarks);
    }
  }
  return { candidates, reason: 'no RAID6 layout and order explains the parity', offsets };
}

interface Ctx {
  /** the global --offset */
  shift: number;
  r: SampleReader;
  members: (InputMember | null)[];
  input: DetectInput;
}

function toCandidate(ctx: Ctx, present: number[], offsets: number[], h: Hypothesis): Candidate {
  const slotOfMember = new Map(present.map((m, c) => [m, h.slotOf[c]!]));
  return describe(
    h,
    ctx.shift,
    ctx.members.map((m, i) => ({
      label: ctx.input.members[i]?.spec ?? 'missing',
      spec: ctx.input.members[i] ?? null,
      present: m !== null,
      slot: slotOfMember.get(i) ?? null,
      dataOffset: m ? offsets[i]! : null,
    })),
  );
}

async function addContent(ctx: Ctx, present: number[], offsets: number[], c: Candidate): Promise<void> {
  const v = new ArrayView(ctx.r, c.hypothesis, present, offsets);
  c.evidence.signature ??= await arraySignature(v);
  // Dense (every block boundary) sees chunks rebuilt from the wrong parity; chunk boundaries reach
  // far enough to see the data order of every stripe of the rotation.
  const dense = await continuity(v, 2048, true);
  const g = c.hypothesis.geometry;
  const rotation = g.raidDisks * (g.raidDisks - 2);
  const chunks = await continuity(v, Math.min(1024, Math.max(128, 4 * rotation)));
  c.evidence.continuity = {
    comparable: dense.comparable + chunks.comparable,
    inOrder: dense.inOrder + chunks.inOrder,
  };
}

/** Every present member carries a valid superblock of one array: check that geometry by parity. */
async function fromSuperblocks(ctx: Ctx, present: number[]): Promise<Found | null> {
  const sbs: MdSuperblock[] = [];
  for (const i of present) {
    const m = ctx.members[i]!;
    const sb = await readSuperblock(fileReader(m.handle!, m.available, m.start)).catch(() => null);
    if (!sb?.checksumOk || sb.slot === null || (sb.level !== 5 && sb.level !== 6)) return null;
    // Two geometries at once: detection would find one of them and print a command that misreads
    // the rest. md export reads such an array from its superblocks.
    if (sb.reshape && !ctx.input.ignoreSuperblocks)
      throw new UsageError(
        `md detect: '${m.label}' belongs to an array caught mid-reshape (its superblocks say so); read it with md examine and md export, which follow both geometries`,
      );
    if (sbs.length > 0 && sb.arrayUuid !== sbs[0]!.arrayUuid) return null;
    sbs.push(sb);
  }
  const first = sbs[0]!;
  if (layoutName(first.level, first.layout) === null || first.raidDisks !== ctx.members.length) return null;
  const g: MdGeometry = {
    level: first.level as 5 | 6,
    layout: first.layout,
    chunk: first.chunk,
    raidDisks: first.raidDisks,
  };
  const offsets = ctx.members.map((_, i) => sbs[present.indexOf(i)]?.dataOffset ?? 0);
  const h: Hypothesis = { geometry: g, slotOf: sbs.map((s) => s.slot!) };
  const stripes = await sampleStripes(ctx.r, present, offsets, g.chunk, 16);
  const v = verify(h, stripes);
  if (v.sampled > 0 && v.consistent < v.sampled) return null;
  const c = toCandidate(ctx, present, offsets, h);
  c.evidence.stripesSampled = v.sampled;
  c.evidence.consistent = v.consistent;
  c.evidence.source = 'superblocks';
  await addContent(ctx, present, offsets, c);
  return { candidates: [c], reason: '', offsets };
}
