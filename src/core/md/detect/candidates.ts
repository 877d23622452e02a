// Candidates of md detect: a hypothesis with its evidence, the members in slot order, the exact
// `raidtx md export` command for it, and the ranking (ties are reported, never hidden).

import type { MemberSpec } from '../../io/member.js';
import { layoutName, stripeMap } from '../layout.js';
import type { Continuity } from './content.js';
import type { Hypothesis } from './raid6.js';

export interface DetectMember {
  /** the member as given ('missing' for a placeholder) */
  path: string;
  slot: number;
  /** null for a missing member */
  dataOffset: number | null;
}

export interface Evidence {
  /** where the geometry came from: parity (RAID6's Q), content (RAID5) or valid superblocks */
  source: 'parity' | 'content' | 'superblocks';
  stripesSampled: number;
  /** stripes whose parity the hypothesis explains */
  consistent: number;
  /** filesystem or volume signature at the array's start under this hypothesis */
  signature: string | null;
  /** continuity across chunk boundaries (null when not measured) */
  continuity: Continuity | null;
  /** RAID5: filesystem structures (superblock copies) found where this geometry puts them */
  landmarks?: number;
  /** the best candidate: stripes whose whole chunks passed md check's val operations */
  confirmed?: { stripes: number; consistent: number };
}

export interface Candidate {
  level: 5 | 6;
  layout: string;
  chunk: number;
  raidDisks: number;
  members: DetectMember[];
  score: number;
  evidence: Evidence;
  command: string[];
  hypothesis: Hypothesis;
  /** other layouts and orders that place every data chunk on the same member (the same array) */
  equivalent: { layout: string; slots: number[] }[];
}

export interface MemberFacts {
  label: string;
  spec: MemberSpec | null;
  present: boolean;
  slot: number | null;
  dataOffset: number | null;
}

const size = (b: number): string =>
  b === 0 ? '0' : b % 1048576 === 0 ? `${b / 1048576}M` : b % 1024 === 0 ? `${b / 1024}K` : `${b / 512}s`;

/**
 * The candidate of hypothesis `h` over the given members (placeholders take the free slots).
 * `shift`: bytes added to every member's start (the global --offset), folded into `PATH@OFFSET`.
 */
export function describe(h: Hypothesis, shift: number, facts: MemberFacts[]): Candidate {
  const g = h.geometry;
  const taken = new Set(facts.flatMap((f) => (f.slot === null ? [] : [f.slot])));
  const free = [...Array(g.raidDisks).keys()].filter((s) => !taken.has(s));
  const members: DetectMember[] = facts.map((f) => ({
    path: f.label,
    slot: f.slot ?? free.shift()!,
    dataOffset: f.present ? f.dataOffset : null,
  }));
  const offsets = facts.flatMap((f) => (f.present ? [f.dataOffset!] : []));
  const base = Math.min(...offsets);
  const bySlot = new Array<string>(g.raidDisks).fill('missing');
  facts.forEach((f, i) => {
    if (!f.present || f.spec?.kind !== 'path') return;
    const at = f.spec.offset + shift + f.dataOffset! - base;
    bySlot[members[i]!.slot] = at === 0 ? f.spec.path : `${f.spec.path}@${at}`;
  });
  const layout = layoutName(g.level, g.layout)!;
  const command = [
    'raidtx',
    'md',
    'export',
    '--ignore-superblocks',
    '--level',
    String(g.level),
    '--layout',
    layout,
    '--chunk',
    size(g.chunk),
    '--raid-disks',
    String(g.raidDisks),
    '--data-offset',
    size(base),
    ...bySlot,
    '-o',
    'ARRAY.img',
  ];
  return {
    level: g.level,
    layout,
    chunk: g.chunk,
    raidDisks: g.raidDisks,
    members,
    score: 0,
    evidence: { source: 'parity', stripesSampled: 0, consistent: 0, signature: null, continuity: null },
    command,
    hypothesis: h,
    equivalent: [],
  };
}

/** Score in [0, 1]: parity explained, then content (continuity, landmarks, a signature). */
function scoreOf(c: Candidate): number {
  const e = c.evidence;
  const parity = e.stripesSampled > 0 ? e.consistent / e.stripesSampled : 0;
  const cont =
    e.continuity && e.continuity.comparable > 0 ? e.continuity.inOrder / e.continuity.comparable : 0.5;
  const sig = e.signature ? 1 : 0;
  const marks = Math.min(1, (e.landmarks ?? 0) / 4);
  return Math.round((0.75 * parity + 0.15 * cont + 0.05 * sig + 0.05 * marks) * 1e6) / 1e6;
}

const tieKey = (c: Candidate): string => `${c.score}/${c.evidence.landmarks ?? 0}`;

/**
 * Do two hypotheses describe the same array? Some layouts are relabelings of each other (RAID6
 * parity-first, parity-last and parity-first-6 never move parity): no content can tell them apart,
 * and every one of them exports the same bytes.
 */
export function sameArray(a: Hypothesis, b: Hypothesis): boolean {
  const ga = a.geometry;
  const gb = b.geometry;
  if (ga.level !== gb.level || ga.chunk !== gb.chunk || ga.raidDisks !== gb.raidDisks) return false;
  const col = (h: Hypothesis, slot: number): number => h.slotOf.indexOf(slot);
  for (let s = 0; s < 2 * ga.raidDisks; s++) {
    const ma = stripeMap(ga, s);
    const mb = stripeMap(gb, s);
    if (col(a, ma.pSlot) !== col(b, mb.pSlot)) return false;
    if (ma.qSlot >= 0 && col(a, ma.qSlot) !== col(b, mb.qSlot)) return false;
    if (ma.dataSlots.some((slot, k) => col(a, slot) !== col(b, mb.dataSlots[k]!))) return false;
  }
  return true;
}

/** Folds candidates that describe the same array into the best-ranked of them. */
function fold(sorted: Candidate[]): Candidate[] {
  const out: Candidate[] = [];
  for (const c of sorted) {
    const twin = out.find((o) => sameArray(o.hypothesis, c.hypothesis));
    if (twin) twin.equivalent.push({ layout: c.layout, slots: c.members.map((m) => m.slot) });
    else out.push(c);
  }
  return out;
}

/** The best `top` candidates, best first, and whether the best ties with the next. */
export function rank(all: Candidate[], top: number): { candidates: Candidate[]; ambiguous: boolean } {
  for (const c of all) c.score = scoreOf(c);
  const sorted = fold(
    [...all].sort(
      (a, b) =>
        (b.evidence.landmarks ?? 0) - (a.evidence.landmarks ?? 0) ||
        b.score - a.score ||
        (b.evidence.continuity?.inOrder ?? 0) - (a.evidence.continuity?.inOrder ?? 0) ||
        b.evidence.stripesSampled - a.evidence.stripesSampled ||
        a.hypothesis.geometry.layout - b.hypothesis.geometry.layout,
    ),
  );
  const ambiguous =
    sorted.length > 1 &&
    tieKey(sorted[0]!) === tieKey(sorted[1]!) &&
    (sorted[0]!.evidence.continuity?.inOrder ?? 0) === (sorted[1]!.evidence.continuity?.inOrder ?? 0);
  return { candidates: sorted.slice(0, Math.max(1, top)), ambiguous };
}
