// Where Linux md RAID5/6 puts data, P and Q in each stripe (drivers/md/raid5.c, raid5_compute_sector
// and set_syndrome_sources), as one table: every layout is a handful of rules, not its own branch.
// DESIGN.md, section "md arrays", lists the facts confirmed on kernel-made images.

import { UsageError } from '../errors.js';

/** How P moves from stripe to stripe over the `width` rotating members. */
type ParityRule = 'left' | 'right' | 'first' | 'last';
/** Where Q sits: right after P, right before P (both mod n), fixed on member n-1, or absent (RAID5). */
type QRule = 'after' | 'before' | 'fixed-last' | 'none';
/** Data order: ascending member order skipping parity, or cyclically from the member after P. */
type DataRule = 'asymmetric' | 'symmetric';

interface LayoutRule {
  number: number;
  name: string;
  levels: readonly (5 | 6)[];
  parity: ParityRule;
  q: QRule;
  data: DataRule;
  /** stripe shift of the rotation (ddf-N-restart starts one stripe later than left-asymmetric) */
  shift?: number;
  /** DDF: Q coefficients are member indexes, P and Q count as zero blocks */
  ddf?: boolean;
}

// md layout numbers are the kernel's ALGORITHM_* values (drivers/md/raid5.h).
const RULES: readonly LayoutRule[] = [
  { number: 0, name: 'left-asymmetric', levels: [5, 6], parity: 'left', q: 'after', data: 'asymmetric' },
  { number: 1, name: 'right-asymmetric', levels: [5, 6], parity: 'right', q: 'after', data: 'asymmetric' },
  { number: 2, name: 'left-symmetric', levels: [5, 6], parity: 'left', q: 'after', data: 'symmetric' },
  { number: 3, name: 'right-symmetric', levels: [5, 6], parity: 'right', q: 'after', data: 'symmetric' },
  { number: 4, name: 'parity-first', levels: [5, 6], parity: 'first', q: 'after', data: 'asymmetric' },
  // RAID6 parity-last: P on n-2 and Q on n-1, i.e. "last" over the n-1 members before a fixed Q.
  { number: 5, name: 'parity-last', levels: [5, 6], parity: 'last', q: 'fixed-last', data: 'asymmetric' },
  {
    number: 8,
    name: 'ddf-zero-restart',
    levels: [6],
    parity: 'right',
    q: 'after',
    data: 'asymmetric',
    ddf: true,
  },
  {
    number: 9,
    name: 'ddf-N-restart',
    levels: [6],
    parity: 'left',
    q: 'after',
    data: 'asymmetric',
    shift: 1,
    ddf: true,
  },
  {
    number: 10,
    name: 'ddf-N-continue',
    levels: [6],
    parity: 'left',
    q: 'before',
    data: 'symmetric',
    ddf: true,
  },
  { number: 16, name: 'left-asymmetric-6', levels: [6], parity: 'left', q: 'fixed-last', data: 'asymmetric' },
  {
    number: 17,
    name: 'right-asymmetric-6',
    levels: [6],
    parity: 'right',
    q: 'fixed-last',
    data: 'asymmetric',
  },
  { number: 18, name: 'left-symmetric-6', levels: [6], parity: 'left', q: 'fixed-last', data: 'symmetric' },
  { number: 19, name: 'right-symmetric-6', levels: [6], parity: 'right', q: 'fixed-last', data: 'symmetric' },
  { number: 20, name: 'parity-first-6', levels: [6], parity: 'first', q: 'fixed-last', data: 'asymmetric' },
];

// mdadm accepts the DDF names for RAID5 too, as aliases of md layouts (mdadm maps.c r5layout).
const RAID5_ALIASES: Record<string, number> = {
  'ddf-zero-restart': 1,
  'ddf-N-restart': 0,
  'ddf-N-continue': 2,
};
const ALIASES: Record<string, string> = {
  la: 'left-asymmetric',
  ra: 'right-asymmetric',
  ls: 'left-symmetric',
  rs: 'right-symmetric',
  default: 'left-symmetric',
};

export const LAYOUT_NAMES: readonly string[] = RULES.map((r) => r.name);

function ruleFor(level: number, layout: number): LayoutRule | undefined {
  return RULES.find((r) => r.number === layout && (r.levels as readonly number[]).includes(level));
}

/** md layout name of a layout number at a level, or null when md has no such layout there. */
export function layoutName(level: number, layout: number): string | null {
  return ruleFor(level, layout)?.name ?? null;
}

/** md layout number for a name (as mdadm --layout spells it), or null when unknown at that level. */
export function layoutNumber(level: number, name: string): number | null {
  const full = ALIASES[name] ?? name;
  if (level === 5 && full in RAID5_ALIASES) return RAID5_ALIASES[full]!;
  const rule = RULES.find((r) => r.name === full && (r.levels as readonly number[]).includes(level));
  return rule ? rule.number : null;
}

/** The shape of an md RAID5/6 array's data area: everything the address arithmetic needs. */
export interface MdGeometry {
  level: 5 | 6;
  /** md layout number (ALGORITHM_*) */
  layout: number;
  /** chunk size in bytes */
  chunk: number;
  raidDisks: number;
  /** bytes each member contributes to the array (the superblock's used size); 0 when unknown */
  memberDataSize?: number;
}

/** Parity and data placement of one stripe. Slots are raid slots (member roles) 0..n-1. */
export interface StripeMap {
  pSlot: number;
  /** -1 for RAID5 */
  qSlot: number;
  /** dataSlots[k]: the member holding data chunk k of the stripe */
  dataSlots: number[];
  /** qCoef[k]: the g-exponent of data chunk k in Q (md: position counted after Q; DDF: the member index) */
  qCoef: number[];
  /** gen_syndrome's `disks` for this stripe (RAID6: n, or n + 2 for DDF; RAID5: n) */
  disks: number;
}

/** Checks level, layout, chunk and member count; returns the layout's rule. Throws UsageError. */
function checkGeometry(g: MdGeometry): LayoutRule {
  if (g.level !== 5 && g.level !== 6) throw new UsageError(`md: level ${g.level} is not RAID5 or RAID6`);
  const rule = ruleFor(g.level, g.layout);
  if (!rule) throw new UsageError(`md: unknown layout ${g.layout} for RAID${g.level}`);
  const min = g.level === 6 ? 4 : 3;
  if (!Number.isInteger(g.raidDisks) || g.raidDisks < min || g.raidDisks > 255) {
    throw new UsageError(`md: RAID${g.level} needs ${min}..255 raid disks, got ${g.raidDisks}`);
  }
  if (!Number.isInteger(g.chunk) || g.chunk < 512 || g.chunk % 512 !== 0) {
    throw new UsageError(`md: chunk size ${g.chunk} is not a positive multiple of 512 bytes`);
  }
  return rule;
}

/** Chunks md accepts (raid5.c setup_conf: a power of two, at least a page) within raidtx's bound. */
export const MIN_CHUNK = 4096;
export const MAX_CHUNK = 16 * 1024 * 1024;
/** Bytes of one stripe across the members raidtx holds at once (its memory bound). */
export const MAX_STRIPE_BYTES = 256 * 1024 * 1024;

/** The rule a chunk size breaks, or null (power of two, 4 KiB .. 16 MiB). */
export function chunkProblem(chunk: number): string | null {
  if (!Number.isSafeInteger(chunk) || chunk <= 0) return 'not a positive size';
  if (chunk > MAX_CHUNK) return `above ${MAX_CHUNK / 1048576} MiB, the largest chunk raidtx reads`;
  if ((chunk & (chunk - 1)) !== 0) return 'not a power of two';
  if (chunk < MIN_CHUNK) return 'below 4 KiB (md refuses chunks under a page)';
  return null;
}

/**
 * Validates a geometry for reading an array (throws UsageError naming the broken rule): level,
 * layout, member count, and a chunk md would accept, with a stripe that fits raidtx's memory bound.
 */
export function validateGeometry(g: MdGeometry): void {
  checkGeometry(g);
  const bad = chunkProblem(g.chunk);
  if (bad) throw new UsageError(`md: chunk size ${g.chunk}: ${bad}`);
  if (g.chunk * g.raidDisks > MAX_STRIPE_BYTES) {
    throw new UsageError(
      `md: ${g.raidDisks} members of ${g.chunk}-byte chunks make a stripe above ${MAX_STRIPE_BYTES / 1048576} MiB`,
    );
  }
}

/** Data chunks per stripe: n-1 (RAID5) or n-2 (RAID6). */
export function dataChunksPerStripe(g: MdGeometry): number {
  return g.raidDisks - (g.level === 6 ? 2 : 1);
}

const mod = (a: number, m: number): number => ((a % m) + m) % m;

/**
 * Placement of stripe `stripe`: P, Q and the member of each data chunk, plus each data chunk's Q
 * coefficient, computed the way raid5_compute_sector and set_syndrome_sources do.
 */
export function stripeMap(g: MdGeometry, stripe: number): StripeMap {
  const rule = checkGeometry(g);
  const n = g.raidDisks;
  const raid6 = g.level === 6;
  // RAID6 layouts with Q fixed on the last member rotate P over the other n-1 members.
  const width = raid6 && rule.q === 'fixed-last' ? n - 1 : n;
  const s = stripe + (rule.shift ?? 0);
  const pSlot = { left: width - 1 - mod(s, width), right: mod(s, width), first: 0, last: width - 1 }[
    rule.parity
  ];
  let qSlot = -1;
  if (raid6) {
    if (rule.q === 'after') qSlot = mod(pSlot + 1, n);
    else if (rule.q === 'before') qSlot = mod(pSlot - 1, n);
    else qSlot = n - 1;
  }
  const isParity = (m: number): boolean => m === pSlot || m === qSlot;
  const start = rule.data === 'symmetric' ? pSlot + 1 : 0;
  const dataSlots: number[] = [];
  for (let i = 0; i < width; i++) {
    const m = mod(start + i, width);
    if (!isParity(m)) dataSlots.push(m);
  }
  if (!raid6) return { pSlot, qSlot, dataSlots, qCoef: dataSlots.map((_, k) => k), disks: n };
  // Q coefficients (raid6_d0 / raid6_idx_to_slot): DDF counts every member from 0; md counts only
  // data members, cyclically from the one after Q.
  const exponent = new Array<number>(n).fill(-1);
  if (rule.ddf) {
    for (let m = 0; m < n; m++) exponent[m] = m;
  } else {
    const d0 = qSlot === n - 1 ? 0 : qSlot + 1;
    for (let i = 0, count = 0; i < n; i++) {
      const m = mod(d0 + i, n);
      if (!isParity(m)) exponent[m] = count++;
    }
  }
  return {
    pSlot,
    qSlot,
    dataSlots,
    qCoef: dataSlots.map((m) => exponent[m]!),
    disks: rule.ddf ? n + 2 : n,
  };
}

/** Where one array byte lives. */
export interface ArrayAddress {
  stripe: number;
  /** data chunk index within the stripe */
  k: number;
  /** raid slot of the member holding it */
  slot: number;
  /** byte offset on that member, from the member's start (data offset included) */
  memberOffset: number;
  /** bytes from here to the end of the chunk */
  remainingInChunk: number;
}

/** Maps array byte `x` to its member and member offset (`dataOffset` = the member's data offset). */
export function mapArrayOffset(g: MdGeometry, x: number, dataOffset = 0): ArrayAddress {
  const m = dataChunksPerStripe(g);
  const c = Math.floor(x / g.chunk);
  const stripe = Math.floor(c / m);
  const k = c % m;
  const within = x % g.chunk;
  const slot = stripeMap(g, stripe).dataSlots[k]!;
  return {
    stripe,
    k,
    slot,
    memberOffset: dataOffset + stripe * g.chunk + within,
    remainingInChunk: g.chunk - within,
  };
}

/** Array bytes of a geometry whose members each contribute `memberDataSize` bytes (whole stripes). */
export function arraySize(g: MdGeometry, memberDataSize: number): number {
  const stripes = Math.floor(memberDataSize / g.chunk);
  return stripes * g.chunk * dataChunksPerStripe(g);
}

/**
 * The kernel's block array for one stripe, ready for asyncGenSyndrome / asyncSyndromeVal /
 * recovery: data chunks at their Q exponent (blocks[qCoef] = chunk), P at disks-2, Q at disks-1,
 * null (zeros) where no member contributes (DDF's P and Q positions). For RAID5 the blocks are the
 * data chunks in stripe order, then P (xor sources). `chunksByMember[slot]` is that member's chunk
 * (or null when missing); `indexOfMember[slot]` is its block index.
 */
export function stripeBlocks<T>(
  g: MdGeometry,
  stripe: number,
  chunksByMember: readonly (T | null)[],
): { blocks: (T | null)[]; disks: number; indexOfMember: number[]; map: StripeMap } {
  const map = stripeMap(g, stripe);
  const n = g.raidDisks;
  if (chunksByMember.length !== n) {
    throw new UsageError(`md: stripeBlocks wants ${n} member chunks, got ${chunksByMember.length}`);
  }
  const blocks = new Array<T | null>(map.disks).fill(null);
  const indexOfMember = new Array<number>(n).fill(-1);
  map.dataSlots.forEach((slot, k) => {
    indexOfMember[slot] = map.qCoef[k]!;
  });
  indexOfMember[map.pSlot] = g.level === 6 ? map.disks - 2 : map.disks - 1;
  if (map.qSlot >= 0) indexOfMember[map.qSlot] = map.disks - 1;
  for (let slot = 0; slot < n; slot++) blocks[indexOfMember[slot]!] = chunksByMember[slot] ?? null;
  return { blocks, disks: map.disks, indexOfMember, map };
}
