// Assembling an md array from member images or devices: parse -> validate -> choose -> cross-check.
// Every superblock found is validated (validate.ts) before use; with several on a member the array
// common to all members, most recently created, is chosen (as mdadm's guess_super), or the version
// asked for. Members without superblocks take the explicit geometry. Every refusal names members.

import { UsageError } from '../errors.js';
import { FieldError } from '../field-error.js';
import type { MemberSpec } from '../io/member.js';
import { closeAll, type InputMember, openMembers } from '../io/members.js';
import { applyBadBlocks } from './bblog.js';
import { type Candidate, chooseSuperblocks, metadataFilter, type OtherSuperblock } from './choose.js';
import { boundedList, disagreement } from './describe.js';
import { checkContradictions, type ExplicitGeometry, explicitGeometry } from './explicit.js';
import { assembleFirmware } from './firmware.js';
import { dataChunksPerStripe, type MdGeometry, validateGeometry } from './layout.js';
import { checkDataOffsets } from './probe.js';
import { arrayRegions, type MdReshape, reshapeArrayBytes, reshapeOf, stripeSpan } from './reshape.js';
import { fileReader, findSuperblocks, type MdSuperblock } from './superblock.js';
import { checkSuperblock, shortMemberHint } from './validate.js';

export type { OtherSuperblock } from './choose.js';
export type { ExplicitGeometry } from './explicit.js';

export interface ArrayMember {
  label: string;
  /** the opened member (read-only), positioned at the member's start */
  input: InputMember;
  sb: MdSuperblock | null;
  slot: number | null;
  /** bytes from the member's start to its data area (per member: they may differ) */
  dataOffset: number;
  events: number | null;
  /** why it takes no part: stale, spare, faulty, recovering, replacement, journal (null when used) */
  excluded: string | null;
  /** the other superblocks found on this member (examine reports them) */
  otherSuperblocks: OtherSuperblock[];
  /** firmware RAID members (no md superblock): the format, the disk the metadata names, its copy's generation */
  firmware?: { format: 'imsm' | 'ddf'; disk: string; generation: number };
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
  /** bytes of each member's data area the array uses (the superblocks' size, array-wide) */
  memberDataSize: number;
  stripes: number;
  arrayBytes: number;
  /** the freshest superblock (rebuilt members copy it) */
  peer: MdSuperblock | null;
  /** the member `peer` was read from (null without superblocks) */
  peerMember: ArrayMember | null;
  /**
   * Where a rebuilt member's data area starts: the data offset its superblock (a copy of `peer`)
   * records, or the explicit data offset. Present members keep their own `dataOffset`.
   */
  rebuildDataOffset: number;
  /**
   * The freshest superblock records an unclean shutdown (1.x resync_offset short of the end; 0.90
   * without the clean bit): parity may be stale where writes were in flight, so data rebuilt from it
   * may be wrong there. md refuses to start such an array degraded unless forced.
   */
  dirty: boolean;
  /**
   * An interrupted reshape (1.x RESHAPE_ACTIVE): `geometry` is then the new one and `arrayBytes` what
   * md shows mid-reshape; the jobs read each part in its own geometry (reshape.ts arrayRegions).
   */
  reshape?: MdReshape | null;
}

export interface AssembleOptions {
  explicit: ExplicitGeometry;
  includeStale: boolean;
  /** global --offset: added to every member's start */
  offset: number;
  /** use only superblocks of this metadata version ('0.90', '1.0', '1.1', '1.2'; '1' = any 1.x) */
  metadata?: string;
  /** read no metadata at all (same as metadata 'none'): slot order and the explicit geometry */
  ignoreSuperblocks?: boolean;
  /** firmware RAID containers (IMSM, DDF): the volume, by index or name */
  volume?: string;
  /** IMSM: each member's drive serial, keyed by the member as given */
  serials?: Record<string, string>;
}

const names = (ms: { label: string }[]): string => boundedList(ms.map((m) => `'${m.label}'`));

/**
 * Opens the members (read-only) and works out the array. With superblocks the members may come in
 * any order and `missing` entries are ignored; without, the explicit geometry is required and the
 * members are in slot order. Nothing but superblocks is read. On error every opened member is closed.
 */
export async function assembleArray(specs: MemberSpec[], opts: AssembleOptions): Promise<MdArray> {
  // --metadata none: no metadata read (explicit geometry); imsm|ddf: firmware metadata only
  const firmwareOnly = opts.metadata === 'imsm' || opts.metadata === 'ddf';
  if (opts.ignoreSuperblocks && opts.metadata !== undefined && opts.metadata !== 'none')
    throw new FieldError(
      'ignoreSuperblocks',
      (f, name) => `md: ${f} and ${name('metadata')} ${opts.metadata} contradict`,
    );
  const none = opts.metadata === 'none' || opts.ignoreSuperblocks === true;
  const readNone = none || firmwareOnly;
  const wanted = readNone ? null : metadataFilter(opts.metadata);
  const opened: InputMember[] = [];
  try {
    const members: ArrayMember[] = [];
    const found = new Map<ArrayMember, Candidate[]>();
    for (const spec of specs) {
      const {
        members: [input],
      } = await openMembers([spec], { offset: opts.offset, length: null, pad: true });
      opened.push(input!);
      const size = input!.available;
      const sbs =
        input!.handle && !readNone
          ? await findSuperblocks(fileReader(input!.handle, size, input!.start))
          : [];
      const m: ArrayMember = {
        label: input!.label,
        input: input!,
        sb: null,
        slot: null,
        dataOffset: 0,
        events: null,
        excluded: null,
        otherSuperblocks: [],
      };
      members.push(m);
      found.set(
        m,
        sbs.map((sb) => ({ sb, problem: checkSuperblock(sb, size) })),
      );
    }
    const real = members.filter((m) => m.input.handle);
    if (real.length === 0) throw new UsageError('md: no member to read (every member is `missing`)');
    if (!real.some((m) => found.get(m)!.length > 0)) {
      const fw = wanted || none ? null : await assembleFirmware(real, opts);
      if (fw) return finish(fw.geometry, members, fw.bySlot, fw.stale, fw.memberDataSize, fw.ids);
      if (wanted) {
        throw new FieldError(
          'metadata',
          (f) => `md: ${f} ${opts.metadata} given, but no member carries an md superblock`,
        );
      }
      return fromExplicit(members, opts.explicit);
    }
    if (opts.volume !== undefined || opts.serials !== undefined)
      throw new FieldError(
        opts.volume !== undefined ? 'volume' : 'serials',
        (f) => `md: ${f} is for firmware RAID (IMSM, DDF) members; these carry md superblocks`,
      );
    chooseSuperblocks(real, found, wanted, opts.metadata);
    const array = fromSuperblocks(members, opts);
    await checkDataOffsets(array);
    await applyBadBlocks(array);
    return array;
  } catch (err) {
    await closeAll(opened);
    throw err;
  }
}

function fromSuperblocks(members: ArrayMember[], opts: AssembleOptions): MdArray {
  const real = members.filter((m) => m.input.handle);
  const holders = real.filter((m) => m.sb!.slot !== null);
  if (holders.length === 0)
    throw new UsageError(
      `md: none of ${names(real)} holds a slot of the array (spares, faulty or journal only)`,
    );
  // Freshness: the highest events count among slot holders wins; their superblocks are the reference.
  const maxEvents = Math.max(...holders.map((m) => m.sb!.events));
  const fresh = holders.filter((m) => m.sb!.events === maxEvents);
  const peerMember = fresh.find((m) => m.sb!.memberState === 'active') ?? fresh[0]!;
  const ref = peerMember.sb!;
  for (const m of real) {
    const d = disagreement(ref, m.sb!);
    if (!d) continue;
    const stale = m.sb!.events < maxEvents;
    if (!stale || (opts.includeStale && m.sb!.slot !== null)) {
      throw new UsageError(
        `md: superblocks disagree on ${d[0]}: ${names(real.filter((o) => !disagreement(ref, o.sb!)))} say ${d[1]}, '${m.label}' says ${d[2]}${stale ? ' (a stale member)' : ''}`,
      );
    }
    m.excluded = `stale (events ${m.sb!.events} < ${maxEvents}; its ${d[0]} differs: ${d[2]})`;
  }
  const reshape = ref.reshape ? reshapeOf(ref) : null;
  const geometry: MdGeometry = reshape
    ? reshape.next
    : { level: ref.level as 5 | 6, layout: ref.layout, chunk: ref.chunk, raidDisks: ref.raidDisks };
  validateGeometry(geometry);
  if (reshape) validateGeometry(reshape.previous);
  checkContradictions(opts.explicit, geometry, real);
  for (const m of real) {
    const sb = m.sb!;
    m.dataOffset = sb.dataOffset;
    m.slot = sb.slot;
    if (m.excluded) continue;
    if (sb.memberState === 'recovering') {
      m.excluded = `recovering (its data is valid below byte ${sb.recoveryOffset} of its data area only: used there, missing beyond)`;
    } else if (sb.memberState === 'replacement') {
      m.excluded = 'replacement (a copy of its slot still being built)';
    } else if (sb.memberState !== 'active') {
      m.excluded = sb.memberState;
    } else if (sb.events < maxEvents && !opts.includeStale) {
      m.excluded = `stale (events ${sb.events} < ${maxEvents})`;
    }
  }
  const stale = real.filter((m) => m.sb!.memberState === 'active' && m.sb!.events < maxEvents);
  const bySlot: (ArrayMember | null)[] = new Array(geometry.raidDisks).fill(null);
  for (const m of real) {
    if (m.excluded || m.slot === null) continue;
    const twin = bySlot[m.slot];
    if (twin) throw new UsageError(`md: ${names([twin, m])} both claim slot ${m.slot}`);
    bySlot[m.slot] = m;
  }
  const array = finish(geometry, members, bySlot, stale, ref.dataSize, {
    metadata: ref.metadata,
    uuid: ref.arrayUuid,
    name: ref.name,
    peer: ref,
    peerMember,
    rebuildDataOffset: ref.dataOffset,
    dirty: ref.arrayState === 'active',
  });
  return reshape ? withReshape(array, reshape) : array;
}

/** A mid-reshape array: md's size for that state, and every member holding both of its parts. */
function withReshape(a: MdArray, reshape: MdReshape): MdArray {
  const array: MdArray = { ...a, reshape, arrayBytes: reshapeArrayBytes(reshape, a.memberDataSize) };
  for (const region of arrayRegions(array)) {
    const g = region.array.geometry;
    const { s1 } = stripeSpan(g, region.from, region.to);
    for (const m of region.array.bySlot) {
      if (m && m.input.available < m.dataOffset + s1 * g.chunk) {
        throw new UsageError(
          `md: member '${m.label}' holds ${m.input.available} bytes; the ${region.part} geometry of the reshape needs ${m.dataOffset + s1 * g.chunk}`,
        ).withHint(shortMemberHint(m.label, m.input.available, m.dataOffset + s1 * g.chunk));
      }
    }
  }
  return array;
}

function fromExplicit(members: ArrayMember[], e: ExplicitGeometry): MdArray {
  const geometry = explicitGeometry(e, members.length);
  const dataOffset = e.dataOffset ?? 0;
  const bySlot: (ArrayMember | null)[] = members.map((m, slot) => {
    if (!m.input.handle) return null;
    m.slot = slot;
    m.dataOffset = dataOffset;
    return m;
  });
  const used = bySlot.filter((m): m is ArrayMember => m !== null);
  const short = used.filter((m) => m.input.available <= dataOffset);
  if (short.length > 0)
    throw new FieldError(
      'dataOffset',
      (f) => `md: ${names(short)} end before ${f} ${dataOffset}`,
    ).withFieldHint(
      (f) =>
        `check ${f}: mdadm puts data at 1 MiB or 2 MiB for metadata 1.2, at 0 for 1.0 and 0.90 (\`raidtx md detect\` finds it from the content)${short.length < used.length ? `; or leave out ${names(short)}` : ''}`,
    );
  const avail = Math.min(...used.map((m) => m.input.available - dataOffset));
  const memberDataSize = avail - (avail % geometry.chunk);
  return finish(geometry, members, bySlot, [], memberDataSize, {
    metadata: null,
    uuid: null,
    name: null,
    peer: null,
    peerMember: null,
    rebuildDataOffset: dataOffset,
    dirty: false,
  });
}

function finish(
  geometry: MdGeometry,
  members: ArrayMember[],
  bySlot: (ArrayMember | null)[],
  stale: ArrayMember[],
  memberDataSize: number,
  ids: Pick<MdArray, 'metadata' | 'uuid' | 'name' | 'peer' | 'peerMember' | 'rebuildDataOffset' | 'dirty'>,
): MdArray {
  const stripes = Math.floor(memberDataSize / geometry.chunk);
  if (stripes === 0)
    throw new UsageError(`md: the array holds no whole stripe (${memberDataSize} bytes per member)`);
  for (const m of bySlot) {
    if (m && m.input.available < m.dataOffset + stripes * geometry.chunk) {
      throw new UsageError(
        `md: member '${m.label}' holds ${m.input.available} bytes, its data area needs ${m.dataOffset + stripes * geometry.chunk}`,
      ).withHint(shortMemberHint(m.label, m.input.available, m.dataOffset + stripes * geometry.chunk));
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

/**
 * Refuses an array with more members missing than its level can rebuild (exit 2). `where` names the
 * part of the array concerned (a region: recovering members count as missing in part of it only).
 */
export function requireRecoverable(a: MdArray, command: string, where = ''): void {
  const tolerated = a.geometry.level === 6 ? 2 : 1;
  if (a.missingSlots.length > tolerated) {
    const slots = boundedList(a.missingSlots);
    const head = `md ${command}: slots ${slots} are missing${where}; RAID${a.geometry.level} tolerates ${tolerated}`;
    if (a.stale.length === 0) throw new UsageError(head);
    throw new FieldError(
      'includeStale',
      (f) => `${head} (stale, left out: ${names(a.stale)}; ${f} uses them)`,
    );
  }
}

export async function closeArray(a: MdArray): Promise<void> {
  await closeAll(a.members.map((m) => m.input));
}
