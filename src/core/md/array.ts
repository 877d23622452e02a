// Assembling an md array from member images or devices: superblocks read through the io layer,
// members sorted into slots, disagreements and stale members found, or the geometry taken from
// explicit options for members without superblocks. Every refusal is a UsageError naming members.

import { UsageError } from '../errors.js';
import type { MemberSpec } from '../io/member.js';
import { closeAll, type InputMember, openMembers } from '../io/members.js';
import {
  dataChunksPerStripe,
  layoutName,
  layoutNumber,
  type MdGeometry,
  validateGeometry,
} from './layout.js';
import { fileReader, type MdSuperblock, readSuperblock } from './superblock.js';

/** Geometry options of the command line; each may be absent. */
export interface ExplicitGeometry {
  level?: number;
  /** layout name (as mdadm spells it) */
  layout?: string;
  chunk?: number;
  raidDisks?: number;
  dataOffset?: number;
}

export interface ArrayMember {
  label: string;
  /** the opened member (read-only), positioned at the member's start */
  input: InputMember;
  sb: MdSuperblock | null;
  slot: number | null;
  dataOffset: number;
  events: number | null;
  /** why it takes no part: stale, spare, faulty (null when used) */
  excluded: string | null;
}

export interface MdArray {
  geometry: MdGeometry;
  metadata: string | null;
  uuid: string | null;
  name: string | null;
  /** every member given, in command-line order */
  members: ArrayMember[];
  /** the member used for each slot, or null (missing, stale, ...) */
  bySlot: (ArrayMember | null)[];
  missingSlots: number[];
  stale: ArrayMember[];
  /** bytes of each member's data area the array uses */
  memberDataSize: number;
  stripes: number;
  arrayBytes: number;
  /** the freshest superblock (rebuilt members copy it) */
  peer: MdSuperblock | null;
}

export interface AssembleOptions {
  explicit: ExplicitGeometry;
  includeStale: boolean;
  /** global --offset: added to every member's start */
  offset: number;
}

const names = (ms: { label: string }[]): string => ms.map((m) => `'${m.label}'`).join(', ');

/**
 * Opens the members (read-only) and works out the array. With superblocks the members may come in
 * any order and `missing` entries are ignored; without, the explicit geometry is required and the
 * members are in slot order. On error every opened member is closed again.
 */
export async function assembleArray(specs: MemberSpec[], opts: AssembleOptions): Promise<MdArray> {
  const opened: InputMember[] = [];
  try {
    const members: ArrayMember[] = [];
    for (const spec of specs) {
      const {
        members: [input],
      } = await openMembers([spec], { offset: opts.offset, length: null, pad: true });
      opened.push(input!);
      let sb: MdSuperblock | null = null;
      if (input!.handle) sb = await readSuperblock(fileReader(input!.handle, input!.available, input!.start));
      members.push({
        label: input!.label,
        input: input!,
        sb,
        slot: null,
        dataOffset: 0,
        events: sb?.events ?? null,
        excluded: null,
      });
    }
    const real = members.filter((m) => m.input.handle);
    if (real.length === 0) throw new UsageError('md: no member to read (every member is `missing`)');
    const withSb = real.filter((m) => m.sb);
    return withSb.length > 0 ? fromSuperblocks(members, opts) : fromExplicit(members, opts.explicit);
  } catch (err) {
    await closeAll(opened);
    throw err;
  }
}

function fromSuperblocks(members: ArrayMember[], opts: AssembleOptions): MdArray {
  const real = members.filter((m) => m.input.handle);
  const bare = real.filter((m) => !m.sb);
  if (bare.length > 0) {
    throw new UsageError(
      `md: ${names(bare)} ${bare.length > 1 ? 'carry' : 'carries'} no md superblock while ${names(real.filter((m) => m.sb))} do; give members of one array`,
    );
  }
  const badSum = real.filter((m) => !m.sb!.checksumOk);
  if (badSum.length > 0) {
    throw new UsageError(
      `md: bad superblock checksum on ${names(badSum)} (stored ${badSum[0]!.sb!.storedChecksum.toString(16)}, computed ${badSum[0]!.sb!.computedChecksum.toString(16)}); leave the member out or give it as \`missing\``,
    );
  }
  // One array: UUID and geometry agree.
  const byUuid = new Map<string, ArrayMember[]>();
  for (const m of real) byUuid.set(m.sb!.arrayUuid, [...(byUuid.get(m.sb!.arrayUuid) ?? []), m]);
  if (byUuid.size > 1) {
    const parts = [...byUuid].map(([u, ms]) => `${names(ms)} (array ${u})`);
    throw new UsageError(`md: members of different arrays: ${parts.join(' vs ')}`);
  }
  const first = real[0]!.sb!;
  const fields: [string, (s: MdSuperblock) => number | string][] = [
    ['level', (s) => s.level],
    ['layout', (s) => s.layout],
    ['chunk', (s) => s.chunk],
    ['raid disks', (s) => s.raidDisks],
    ['metadata', (s) => s.metadata],
  ];
  for (const [what, get] of fields) {
    const other = real.filter((m) => get(m.sb!) !== get(first));
    if (other.length > 0) {
      throw new UsageError(
        `md: superblocks disagree on ${what}: ${names(real.filter((m) => get(m.sb!) === get(first)))} say ${get(first)}, ${names(other)} say ${get(other[0]!.sb!)}`,
      );
    }
  }
  if (first.level !== 5 && first.level !== 6) {
    throw new UsageError(`md: ${names(real)}: RAID level ${first.level} is not RAID5 or RAID6`);
  }
  if (layoutName(first.level, first.layout) === null) {
    throw new UsageError(`md: ${names(real)}: unknown RAID${first.level} layout ${first.layout}`);
  }
  const geometry: MdGeometry = {
    level: first.level,
    layout: first.layout,
    chunk: first.chunk,
    raidDisks: first.raidDisks,
  };
  checkContradictions(opts.explicit, geometry, real);
  // Freshness: the highest events count wins; lower ones are stale.
  const maxEvents = Math.max(...real.map((m) => m.sb!.events));
  for (const m of real) {
    m.dataOffset = m.sb!.dataOffset;
    if (m.sb!.memberState !== 'active') m.excluded = m.sb!.memberState;
    else if (m.sb!.events < maxEvents && !opts.includeStale) {
      m.excluded = `stale (events ${m.sb!.events} < ${maxEvents})`;
    }
    if (m.sb!.memberState === 'active') m.slot = m.sb!.slot;
  }
  const stale = real.filter((m) => m.sb!.memberState === 'active' && m.sb!.events < maxEvents);
  const bySlot: (ArrayMember | null)[] = new Array(geometry.raidDisks).fill(null);
  for (const m of real) {
    if (m.excluded || m.slot === null) continue;
    const twin = bySlot[m.slot];
    if (twin) throw new UsageError(`md: ${names([twin, m])} both claim slot ${m.slot}`);
    bySlot[m.slot] = m;
  }
  const used = bySlot.filter((m): m is ArrayMember => m !== null);
  const memberDataSize = Math.min(...used.map((m) => m.sb!.dataSize), ...real.map((m) => m.sb!.dataSize));
  const peer = [...real].sort((a, b) => b.sb!.events - a.sb!.events)[0]!.sb!;
  return finish(geometry, members, bySlot, stale, memberDataSize, {
    metadata: first.metadata,
    uuid: first.arrayUuid,
    name: first.name,
    peer,
  });
}

/** Explicit options that contradict the superblocks are refused, naming the members. */
function checkContradictions(e: ExplicitGeometry, g: MdGeometry, real: ArrayMember[]): void {
  const say = (what: string, given: string | number, theirs: string | number): never => {
    throw new UsageError(
      `md: ${what} ${given} contradicts the superblocks of ${names(real)} (${theirs}); leave the option out`,
    );
  };
  if (e.level !== undefined && e.level !== g.level) say('--level', e.level, g.level);
  if (e.layout !== undefined) {
    const n = layoutNumber(g.level, e.layout);
    if (n === null) throw new UsageError(`md: unknown layout '${e.layout}' for RAID${g.level}`);
    if (n !== g.layout) say('--layout', e.layout, layoutName(g.level, g.layout)!);
  }
  if (e.chunk !== undefined && e.chunk !== g.chunk) say('--chunk', e.chunk, g.chunk);
  if (e.raidDisks !== undefined && e.raidDisks !== g.raidDisks) say('--raid-disks', e.raidDisks, g.raidDisks);
  if (e.dataOffset !== undefined) {
    const other = real.filter((m) => m.sb!.dataOffset !== e.dataOffset);
    if (other.length > 0)
      say('--data-offset', e.dataOffset, `${other[0]!.sb!.dataOffset} on '${other[0]!.label}'`);
  }
}

function fromExplicit(members: ArrayMember[], e: ExplicitGeometry): MdArray {
  const lacking = [
    e.level === undefined ? '--level' : '',
    e.layout === undefined ? '--layout' : '',
    e.chunk === undefined ? '--chunk' : '',
    e.raidDisks === undefined ? '--raid-disks' : '',
  ].filter(Boolean);
  if (lacking.length > 0) {
    throw new UsageError(
      `md: no member carries an md superblock; give the geometry (${lacking.join(', ')} missing) and the members in slot order`,
    );
  }
  if (e.level !== 5 && e.level !== 6) throw new UsageError(`md: --level must be 5 or 6, got ${e.level}`);
  const layout = layoutNumber(e.level, e.layout!);
  if (layout === null) {
    throw new UsageError(
      `md: unknown layout '${e.layout}' for RAID${e.level} (known: ${layoutList(e.level)})`,
    );
  }
  const geometry: MdGeometry = { level: e.level, layout, chunk: e.chunk!, raidDisks: e.raidDisks! };
  validateGeometry(geometry);
  if (members.length !== geometry.raidDisks) {
    throw new UsageError(
      `md: --raid-disks ${geometry.raidDisks} but ${members.length} members given (use \`missing\` for absent slots, in slot order)`,
    );
  }
  const dataOffset = e.dataOffset ?? 0;
  const bySlot: (ArrayMember | null)[] = members.map((m, slot) => {
    if (!m.input.handle) return null;
    m.slot = slot;
    m.dataOffset = dataOffset;
    return m;
  });
  const used = bySlot.filter((m): m is ArrayMember => m !== null);
  const short = used.filter((m) => m.input.available <= dataOffset);
  if (short.length > 0) throw new UsageError(`md: ${names(short)} end before --data-offset ${dataOffset}`);
  const avail = Math.min(...used.map((m) => m.input.available - dataOffset));
  const memberDataSize = avail - (avail % geometry.chunk);
  return finish(geometry, members, bySlot, [], memberDataSize, {
    metadata: null,
    uuid: null,
    name: null,
    peer: null,
  });
}

function layoutList(level: number): string {
  return [0, 1, 2, 3, 4, 5, 8, 9, 10, 16, 17, 18, 19, 20]
    .map((n) => layoutName(level, n))
    .filter(Boolean)
    .join(', ');
}

function finish(
  geometry: MdGeometry,
  members: ArrayMember[],
  bySlot: (ArrayMember | null)[],
  stale: ArrayMember[],
  memberDataSize: number,
  ids: { metadata: string | null; uuid: string | null; name: string | null; peer: MdSuperblock | null },
): MdArray {
  const stripes = Math.floor(memberDataSize / geometry.chunk);
  for (const m of bySlot) {
    if (m && m.input.available < m.dataOffset + stripes * geometry.chunk) {
      throw new UsageError(
        `md: member '${m.label}' holds ${m.input.available} bytes, its data area needs ${m.dataOffset + stripes * geometry.chunk}`,
      );
    }
  }
  return {
    geometry: { ...geometry, memberDataSize },
    ...ids,
    members,
    bySlot,
    missingSlots: bySlot.flatMap((m, i) => (m ? [] : [i])),
    stale,
    memberDataSize,
    stripes,
    arrayBytes: stripes * geometry.chunk * dataChunksPerStripe(geometry),
  };
}

/** Refuses an array with more members missing than its level can rebuild (exit 2). */
export function requireRecoverable(a: MdArray, command: string): void {
  const tolerated = a.geometry.level === 6 ? 2 : 1;
  if (a.missingSlots.length > tolerated) {
    const stale = a.stale.length ? ` (stale, left out: ${names(a.stale)}; --include-stale uses them)` : '';
    throw new UsageError(
      `md ${command}: slots ${a.missingSlots.join(', ')} are missing; RAID${a.geometry.level} tolerates ${tolerated}${stale}`,
    );
  }
}

export async function closeArray(a: MdArray): Promise<void> {
  await closeAll(a.members.map((m) => m.input));
}
