// The validation step between parsing a superblock and using it, whatever its version: every field
// the kernel's super_90_load / super_1_load / super_1_validate, md_run and raid5.c setup_conf refuse,
// plus raidtx's own rules (bounds that keep memory and time independent of field values, features it
// does not read yet). Then the cross-member check: members agree on everything array-wide.
// The first problem found is reported; nothing is read from the member for it.

import { UsageError } from '../errors.js';
import { describeReshape, featureNames } from './describe.js';
import { chunkProblem, layoutName, MAX_STRIPE_BYTES } from './layout.js';
import { type ReshapeKind, reshapeOf } from './reshape.js';
import { State0 } from './super0.js';
import { FEATURE1_ALL, Feature1, ROLE_JOURNAL, SB1_MAX_DEV } from './super1.js';
import type { MdSuperblock } from './superblock-common.js';

/** What is wrong with one superblock: the field (as md_p.h names it), its value, the rule. */
export interface SuperblockProblem {
  field: string;
  value: string;
  rule: string;
  /** the member ends before the data area the superblock records: its bytes and the bytes needed */
  short?: { has: number; needs: number };
}

/** A member's superblock that cannot be used (exit 2): names member, field and value. */
export class SuperblockError extends UsageError {
  readonly member: string;
  readonly field: string;
  constructor(member: string, sb: MdSuperblock, p: SuperblockProblem) {
    super(`md: '${member}': ${sb.metadata} superblock: ${p.field} ${p.value}: ${p.rule}`);
    this.member = member;
    this.field = p.field;
    if (p.short) this.hint = shortMemberHint(member, p.short.has, p.short.needs);
  }
}

/** What to try when a member ends before its data area does: a truncated copy, most likely. */
export function shortMemberHint(member: string, has: number, needs: number): string {
  return `'${member}' holds ${has} bytes, its data area needs ${needs} (${needs - has} more; a truncated copy?): copy the whole member again, or leave it out (its slot is then read as missing and rebuilt from parity)`;
}

/** Largest member count (ours: RAID6 over GF(2^8) has at most 255 members; DESIGN "The math"). */
export const MAX_RAID_DISKS = 255;

const hex = (v: number): string => `0x${(v >>> 0).toString(16)}`;
const overlaps = (a: number, alen: number, b: number, blen: number): boolean => a < b + blen && b < a + alen;

/**
 * The first problem of a superblock found on a member of `memberBytes` bytes, or null when raidtx can
 * use it. Checks run from "is this a superblock at all" to "does it describe something raidtx reads".
 */
export function checkSuperblock(sb: MdSuperblock, memberBytes: number): SuperblockProblem | null {
  return sb.metadata === '0.90' ? check090(sb, memberBytes) : check1(sb, memberBytes);
}

/** A byte count as md's sector fields say it; counts past 2^53 (hostile u64 fields) stay readable. */
function sectors(bytes: number): string {
  const n = bytes / 512;
  return Number.isSafeInteger(n) ? `${n} sectors` : `about 2^${Math.round(Math.log2(n))} sectors`;
}

function problem(field: string, value: string | number, rule: string): SuperblockProblem {
  return { field, value: String(value), rule };
}

const tooShort = (p: SuperblockProblem, has: number, needs: number): SuperblockProblem => ({
  ...p,
  short: { has, needs },
});

function check090(sb: MdSuperblock, memberBytes: number): SuperblockProblem | null {
  if (sb.majorVersion !== 0) return problem('major_version', sb.majorVersion, 'not 0');
  if (sb.minorVersion !== 90 && sb.minorVersion !== 91)
    return problem('minor_version', sb.minorVersion, 'md knows 0.90 and 0.91 only');
  if (!sb.checksumOk) return badChecksum(sb);
  if (sb.minorVersion === 91)
    return problem(
      'minor_version',
      '91 (reshape)',
      `a reshape is in progress (${describeReshape(sb)}); raidtx does not read an array mid-reshape`,
    );
  const known = (1 << State0.CLEAN) | (1 << State0.ERRORS) | (1 << State0.BITMAP_PRESENT);
  if (sb.state90 & ~known)
    return problem(
      'state',
      hex(sb.state90),
      `bits ${hex(sb.state90 & ~known)} (${stateNames(sb.state90 & ~known)}) are not handled`,
    );
  const common = checkArray(sb, 'chunk_size', `${sb.chunk} bytes`, 27);
  if (common) return common;
  if (sb.devNumber >= 27)
    return problem('this_disk.number', sb.devNumber, 'beyond the 27 descriptors of a 0.90 superblock');
  if (!sb.thisDiskMatches)
    return problem(
      'this_disk',
      'raid_disk/state',
      `disagree with disks[${sb.devNumber}], the descriptor md reads`,
    );
  if (sb.slot !== null && sb.slot >= sb.raidDisks)
    return problem('this_disk.raid_disk', sb.slot, `beyond raid_disks ${sb.raidDisks}`);
  if (sb.dataSize > sb.superOffset)
    return problem('size', `${sb.dataSize / 1024} KiB`, `runs into the superblock at byte ${sb.superOffset}`);
  return checkSize(sb, 'size', `${sb.dataSize / 1024} KiB`, memberBytes);
}

function stateNames(bits: number): string {
  return (
    Object.entries(State0)
      .filter(([, b]) => bits & (1 << b))
      .map(([k]) => k)
      .join('|') || 'unknown'
  );
}

function badChecksum(sb: MdSuperblock): SuperblockProblem {
  return problem(
    'sb_csum',
    hex(sb.storedChecksum),
    `bad superblock checksum (computed ${hex(sb.computedChecksum)}); leave the member out or give it as \`missing\``,
  );
}

/** Level, layout, chunk and member count: the same rules for every version. */
function checkArray(
  sb: MdSuperblock,
  chunkField: string,
  chunkText: string,
  maxDisks: number,
): SuperblockProblem | null {
  if (sb.level !== 5 && sb.level !== 6)
    return problem('level', sb.level, 'raidtx reads RAID5 and RAID6 arrays only');
  if (sb.layoutName === null) return problem('layout', sb.layout, `not a RAID${sb.level} layout md knows`);
  const chunk = chunkProblem(sb.chunk);
  if (chunk) return problem(chunkField, chunkText, chunk);
  const min = sb.level === 6 ? 4 : 3;
  if (sb.raidDisks < min) return problem('raid_disks', sb.raidDisks, `RAID${sb.level} needs at least ${min}`);
  const max = Math.min(maxDisks, MAX_RAID_DISKS);
  if (sb.raidDisks > max)
    return problem(
      'raid_disks',
      sb.raidDisks,
      `above ${max}, the most ${maxDisks < MAX_RAID_DISKS ? `a ${sb.metadata} superblock holds` : 'raidtx reads'}`,
    );
  if (sb.raidDisks * sb.chunk > MAX_STRIPE_BYTES)
    return problem(
      'raid_disks',
      sb.raidDisks,
      `with a ${sb.chunk}-byte chunk a stripe exceeds ${MAX_STRIPE_BYTES / 1048576} MiB`,
    );
  return null;
}

/** The used size: at least one chunk, inside the member after the data offset. */
function checkSize(
  sb: MdSuperblock,
  field: string,
  text: string,
  memberBytes: number,
): SuperblockProblem | null {
  if (sb.dataSize === 0) return problem(field, 0, 'the array would be empty');
  if (sb.dataSize < sb.chunk) return problem(field, text, `smaller than one chunk (${sb.chunk} bytes)`);
  if (sb.dataOffset + sb.dataSize > memberBytes)
    return tooShort(
      problem(
        field,
        text,
        `data offset ${sb.dataOffset} + size ends beyond the member's ${memberBytes} bytes`,
      ),
      memberBytes,
      sb.dataOffset + sb.dataSize,
    );
  return null;
}

function check1(sb: MdSuperblock, memberBytes: number): SuperblockProblem | null {
  const f = sb.featureMap;
  if (sb.majorVersion !== 1) return problem('major_version', sb.majorVersion, 'not 1');
  if (sb.maxDev > SB1_MAX_DEV)
    return problem('max_dev', sb.maxDev, `above ${SB1_MAX_DEV}, the most a 4 KiB superblock holds`);
  if (sb.superOffset + sb.superSize > memberBytes)
    return problem('max_dev', sb.maxDev, 'the superblock would end beyond the member');
  if (!sb.checksumOk) return badChecksum(sb);
  if (sb.recordedSuperOffset !== sb.superOffset)
    return problem(
      'super_offset',
      `${sectors(sb.recordedSuperOffset)}`,
      `the superblock sits at sector ${sb.superOffset / 512}`,
    );
  if (f & ~FEATURE1_ALL)
    return problem('feature_map', hex(f), `unknown feature bits ${hex(f & ~FEATURE1_ALL)}`);
  if (!sb.padOk) return problem('pad0/pad3', 'not zero', 'reserved bytes in use: a feature md does not know');
  const feature = checkFeatures(sb);
  if (feature) return feature;
  const common = checkArray(sb, 'chunksize', `${sb.chunkSectors} sectors`, SB1_MAX_DEV);
  if (common) return common;
  if (sb.memberState === 'unknown')
    return problem(`dev_roles[${sb.devNumber}]`, hex(sb.role), 'not a role md defines');
  if (sb.role === ROLE_JOURNAL)
    return problem(`dev_roles[${sb.devNumber}]`, 'journal', 'a journal device without the JOURNAL feature');
  if (sb.slot !== null && sb.slot >= sb.raidDisks)
    return problem(`dev_roles[${sb.devNumber}]`, sb.slot, `beyond raid_disks ${sb.raidDisks}`);
  const sizeText = `${sectors(sb.dataSize)}`;
  if (sb.availableSize < 10 * 512)
    return problem('data_size', `${sectors(sb.availableSize)}`, 'below 10 sectors');
  if (sb.dataSize > sb.availableSize)
    return problem('size', sizeText, `exceeds this member's data_size ${sectors(sb.availableSize)}`);
  const sbEnd = sb.superOffset + sb.superSize;
  if (sb.minorVersion > 0) {
    if (sb.dataOffset < sbEnd)
      return problem(
        'data_offset',
        `${sectors(sb.dataOffset)}`,
        `inside the superblock (which ends at sector ${sbEnd / 512})`,
      );
    if (sb.dataOffset >= memberBytes)
      return tooShort(
        problem('data_offset', sectors(sb.dataOffset), `beyond the member's end (${sectors(memberBytes)})`),
        memberBytes,
        sb.dataOffset + sb.dataSize,
      );
    if (sb.dataOffset + sb.availableSize > memberBytes)
      return tooShort(
        problem(
          'data_size',
          `${sectors(sb.availableSize)}`,
          `data offset + data_size end beyond the member's ${sectors(memberBytes)}`,
        ),
        memberBytes,
        sb.dataOffset + sb.availableSize,
      );
  } else {
    if (sb.availableSize > sb.superOffset)
      return problem(
        'data_size',
        `${sectors(sb.availableSize)}`,
        `runs into the superblock at sector ${sb.superOffset / 512}`,
      );
    if (sb.dataOffset + sb.dataSize > sb.superOffset)
      return problem(
        'data_offset',
        `${sectors(sb.dataOffset)}`,
        `data offset + size run into the superblock at sector ${sb.superOffset / 512}`,
      );
  }
  const size = checkSize(sb, 'size', sizeText, memberBytes);
  if (size) return size;
  if (sb.reshape) {
    const at = sb.reshape.newDataOffset;
    const text = `${sectors(at - sb.dataOffset)} (data at sector ${at / 512})`;
    if (at < 0 || at >= memberBytes) return problem('new_offset', text, 'points outside the member');
    if (sb.minorVersion > 0 && at < sbEnd)
      return problem('new_offset', text, `inside the superblock (which ends at sector ${sbEnd / 512})`);
    if (sb.minorVersion === 0 && at + sb.dataSize > sb.superOffset)
      return problem(
        'new_offset',
        text,
        `the new data area runs into the superblock at sector ${sb.superOffset / 512}`,
      );
  }
  return checkAreas(sb, memberBytes);
}

/**
 * The reshapes raidtx reads: those its tests prove right on arrays the kernel reshaped (see
 * test/core/md/reshape.test.ts). Any other kind or direction stays refused, named.
 */
const READ_RESHAPES: { kinds: readonly ReshapeKind[]; backwards: boolean }[] = [
  { kinds: ['grow'], backwards: false },
  { kinds: ['layout'], backwards: false },
  { kinds: ['chunk'], backwards: false },
];

/** A reshape raidtx can read: a kind it knows, new geometry md accepts, the new data area in place. */
function reshapeProblem(sb: MdSuperblock): SuperblockProblem | null {
  const r = sb.reshape!;
  const what = `a reshape is in progress (${describeReshape(sb)})`;
  const refuse = (why: string): SuperblockProblem =>
    problem(
      'feature_map',
      `${hex(sb.featureMap)} (${featureNames(sb.featureMap & RESHAPE_BITS)})`,
      `${what}; ${why}`,
    );
  if (!(sb.featureMap & Feature1.NEW_OFFSET))
    return refuse(
      "it reshapes in place (no NEW_OFFSET: its critical section may sit in mdadm's backup file only); raidtx does not read that",
    );
  const shape = reshapeOf(sb);
  if (shape.next.level !== 5 && shape.next.level !== 6)
    return problem('new_level', r.newLevel, 'raidtx reads RAID5 and RAID6 arrays only');
  if (layoutName(shape.next.level, shape.next.layout) === null)
    return problem('new_layout', r.newLayout, `not a RAID${shape.next.level} layout md knows`);
  const chunk = chunkProblem(r.newChunk);
  if (chunk) return problem('new_chunk', `${r.newChunk / 512} sectors`, chunk);
  const min = shape.previous.level === 6 ? 4 : 3;
  if (shape.previous.raidDisks < min || shape.previous.raidDisks > MAX_RAID_DISKS)
    return problem(
      'delta_disks',
      r.deltaDisks,
      `leaves ${shape.previous.raidDisks} members before the reshape; RAID${shape.previous.level} needs ${min}..${MAX_RAID_DISKS}`,
    );
  if (sb.slot !== null && sb.slot >= Math.max(shape.previous.raidDisks, shape.next.raidDisks))
    return problem(`dev_roles[${sb.devNumber}]`, sb.slot, 'beyond both member counts of the reshape');
  const kinds = shape.kinds.length > 0 ? shape.kinds : ['none'];
  const known = READ_RESHAPES.some(
    (k) =>
      k.backwards === shape.backwards &&
      k.kinds.length === kinds.length &&
      kinds.every((x) => k.kinds.includes(x as ReshapeKind)),
  );
  if (!known)
    return refuse(
      `raidtx does not read a ${kinds.join(' + ')} reshape running ${shape.backwards ? 'backwards' : 'forwards'} yet`,
    );
  return null;
}

const RESHAPE_BITS = Feature1.RESHAPE_ACTIVE | Feature1.RESHAPE_BACKWARDS | Feature1.NEW_OFFSET;

/** Features raidtx refuses (DESIGN "md states"); the harmless ones pass. */
function checkFeatures(sb: MdSuperblock): SuperblockProblem | null {
  const f = sb.featureMap;
  const say = (bit: number, rule: string): SuperblockProblem =>
    problem('feature_map', `${hex(f)} (${featureNames(bit)})`, rule);
  if (f & Feature1.RESHAPE_ACTIVE) {
    const p = reshapeProblem(sb);
    if (p) return p;
  } else if (f & Feature1.RESHAPE_BACKWARDS)
    return say(Feature1.RESHAPE_BACKWARDS, 'a reshape direction without a reshape: not handled');
  else if (f & Feature1.NEW_OFFSET)
    return say(Feature1.NEW_OFFSET, 'a reshape data offset without a reshape: not handled');
  if (f & Feature1.JOURNAL)
    return say(
      Feature1.JOURNAL,
      'a write-journal array: data may still sit in the journal, not on the members; not handled',
    );
  if (f & Feature1.CLUSTERED) return say(Feature1.CLUSTERED, 'a clustered array: not handled');
  if (f & Feature1.RAID0_LAYOUT)
    return say(Feature1.RAID0_LAYOUT, 'a RAID0 layout flag on a RAID5/6 array (md refuses it)');
  if (f & Feature1.RECOVERY_BITMAP && !(f & Feature1.RECOVERY_OFFSET))
    return say(Feature1.RECOVERY_BITMAP, 'a bitmap-guided recovery without a recovery offset: not handled');
  const ppl = f & (Feature1.PPL | Feature1.MULTIPLE_PPLS);
  if (ppl === (Feature1.PPL | Feature1.MULTIPLE_PPLS))
    return say(ppl, 'both PPL kinds at once (md refuses it)');
  if (ppl && f & Feature1.BITMAP_OFFSET)
    return say(ppl | Feature1.BITMAP_OFFSET, 'a PPL and a bitmap at once (md refuses it)');
  if (f & Feature1.BAD_BLOCKS && (sb.bblog.size > 8 || sb.bblog.offset === 0))
    return problem(
      'bblog_size/bblog_offset',
      `${sb.bblog.size}/${sb.bblog.offset}`,
      'a bad-block log md cannot load (more than 8 sectors, or no offset)',
    );
  return null;
}

/** Bitmap, PPL and bad-block log: inside the member, clear of the data area and of the superblock. */
function checkAreas(sb: MdSuperblock, memberBytes: number): SuperblockProblem | null {
  const areas: [string, number, number, number][] = [];
  if (sb.bitmapOffset !== null) areas.push(['bitmap_offset', sb.bitmapOffset, sb.bitmapOffset * 512, 512]);
  // raid5-ppl.c ppl_validate_rdev: room for more than the 4 KiB header, clear of data and superblock
  if (sb.ppl && sb.ppl.size <= 8)
    return problem('ppl.size', `${sb.ppl.size} sectors`, 'no room beyond the 4 KiB PPL header');
  if (sb.ppl) areas.push(['ppl.offset', sb.ppl.offset, sb.ppl.offset * 512, sb.ppl.size * 512]);
  if (sb.bblog.size > 0 && sb.bblog.offset !== 0)
    areas.push(['bblog_offset', sb.bblog.offset, sb.bblog.offset * 512, sb.bblog.size * 512]);
  for (const [field, raw, rel, len] of areas) {
    const at = sb.superOffset + rel;
    const text = `${raw} sectors`;
    if (at < 0 || at + len > memberBytes) return problem(field, text, 'points outside the member');
    if (overlaps(at, len, sb.dataOffset, sb.dataSize)) return problem(field, text, 'overlaps the data area');
    if (overlaps(at, len, sb.superOffset, sb.superSize))
      return problem(field, text, 'overlaps the superblock');
  }
  return null;
}
