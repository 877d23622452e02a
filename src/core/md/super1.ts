// md metadata 1.0, 1.1 and 1.2 (struct mdp_superblock_1 of include/uapi/linux/raid/md_p.h): location,
// checksum (the kernel's calc_sb_1_csum), a parser that never throws and reads every field that the
// validation step (validate.ts) judges, and the writer of a rebuilt member's superblock.
// All integers are little-endian. Offsets below are byte offsets in the superblock.

import { layoutName } from './layout.js';
import {
  foldedSum,
  type MdSuperblock,
  type MemberState,
  type RebuiltSuperblock,
} from './superblock-common.js';

export const MD_SB_MAGIC = 0xa92b4efc;
/** dev_roles values with no slot (md_p.h MD_DISK_ROLE_*); values from ROLE_MAX up are not slots */
export const ROLE_SPARE = 0xffff;
export const ROLE_FAULTY = 0xfffe;
export const ROLE_JOURNAL = 0xfffd;
export const ROLE_MAX = 0xff00;

/** The fixed part; dev_roles[max_dev] (2 bytes each) follows. */
export const SB1_MIN = 256;
/** The kernel reads 4 KiB and refuses max_dev > (4096 - 256) / 2 (super_1_load). */
export const SB1_READ = 4096;
export const SB1_MAX_DEV = (SB1_READ - SB1_MIN) / 2;

/** feature_map bits (md_p.h MD_FEATURE_*) */
export const Feature1 = {
  BITMAP_OFFSET: 1,
  RECOVERY_OFFSET: 2,
  RESHAPE_ACTIVE: 4,
  BAD_BLOCKS: 8,
  REPLACEMENT: 16,
  RESHAPE_BACKWARDS: 32,
  NEW_OFFSET: 64,
  RECOVERY_BITMAP: 128,
  CLUSTERED: 256,
  JOURNAL: 512,
  PPL: 1024,
  MULTIPLE_PPLS: 2048,
  RAID0_LAYOUT: 4096,
} as const;
export const FEATURE1_ALL = 0x1fff;

/** Field name (as md_p.h spells it) -> [byte offset, size in bytes, signed]. The editor in test/ uses it. */
export const SB1_FIELDS = {
  magic: [0, 4, false],
  major_version: [4, 4, false],
  feature_map: [8, 4, false],
  pad0: [12, 4, false],
  ctime: [64, 8, false],
  level: [72, 4, true],
  layout: [76, 4, false],
  size: [80, 8, false],
  chunksize: [88, 4, false],
  raid_disks: [92, 4, false],
  bitmap_offset: [96, 4, true],
  'ppl.offset': [96, 2, true],
  'ppl.size': [98, 2, false],
  new_level: [100, 4, true],
  reshape_position: [104, 8, false],
  delta_disks: [112, 4, true],
  new_layout: [116, 4, false],
  new_chunk: [120, 4, false],
  new_offset: [124, 4, true],
  data_offset: [128, 8, false],
  data_size: [136, 8, false],
  super_offset: [144, 8, false],
  recovery_offset: [152, 8, false],
  dev_number: [160, 4, false],
  cnt_corrected_read: [164, 4, false],
  devflags: [184, 1, false],
  bblog_shift: [185, 1, false],
  bblog_size: [186, 2, false],
  bblog_offset: [188, 4, true],
  utime: [192, 8, false],
  events: [200, 8, false],
  resync_offset: [208, 8, false],
  sb_csum: [216, 4, false],
  max_dev: [220, 4, false],
} as const satisfies Record<string, readonly [number, number, boolean]>;

/** Byte offset of a 1.x superblock: 1.0 at ((sectors - 16) & ~7) sectors, 1.1 at 0, 1.2 at 4 KiB. */
export function superOffset1(minor: 0 | 1 | 2, memberBytes: number): number {
  if (minor === 1) return 0;
  if (minor === 2) return 4096;
  const sectors = Math.floor(memberBytes / 512);
  return (sectors - 16 - ((sectors - 16) % 8)) * 512;
}

/** Bytes of a superblock with `maxDev` roles, rounded up to a 512-byte sector (the kernel's sb_size). */
export function superSize1(maxDev: number): number {
  return Math.ceil((SB1_MIN + 2 * maxDev) / 512) * 512;
}

/** calc_sb_1_csum: sum over the superblock including dev_roles[max_dev], csum field as zero. */
export function superblock1Checksum(sb: Buffer): number {
  const maxDev = sb.readUInt32LE(220);
  const len = Math.min(SB1_MIN + 2 * Math.min(maxDev, SB1_MAX_DEV), sb.length);
  return foldedSum(sb, len, 216);
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
/** 16 UUID bytes in on-disk order as mdadm prints a 1.x UUID. */
const uuidOf = (b: Uint8Array): string => {
  const h = hex(b);
  return `${h.slice(0, 8)}:${h.slice(8, 16)}:${h.slice(16, 24)}:${h.slice(24, 32)}`;
};
function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString('latin1');
}
const u64 = (sb: Buffer, at: number): number => Number(sb.readBigUInt64LE(at));

/**
 * Parses the 1.x superblock found at byte `offset` of a member (`sb`: up to 4 KiB read there), or
 * null when the magic is not there. Every field is reported as found; nothing is judged here.
 */
export function parseSuperblock1(sb: Buffer, offset: number): MdSuperblock | null {
  if (sb.length < SB1_MIN || sb.readUInt32LE(0) !== MD_SB_MAGIC) return null;
  const maxDev = sb.readUInt32LE(220);
  const rolesInBuffer = Math.min(maxDev, Math.floor((sb.length - SB1_MIN) / 2));
  const metadata = offset === 0 ? '1.1' : offset === 4096 ? '1.2' : '1.0';
  const level = sb.readInt32LE(72);
  const layout = sb.readUInt32LE(76);
  const devNumber = sb.readUInt32LE(160);
  const role = devNumber < rolesInBuffer ? sb.readUInt16LE(SB1_MIN + 2 * devNumber) : ROLE_SPARE;
  const raidDisks = sb.readUInt32LE(92);
  const features = sb.readUInt32LE(8);
  let memberState: MemberState = 'active';
  if (role === ROLE_SPARE) memberState = 'spare';
  else if (role === ROLE_FAULTY) memberState = 'faulty';
  else if (role === ROLE_JOURNAL) memberState = 'journal';
  else if (role >= ROLE_MAX) memberState = 'unknown';
  else if (features & Feature1.REPLACEMENT) memberState = 'replacement';
  else if (features & Feature1.RECOVERY_OFFSET) memberState = 'recovering';
  const stored = sb.readUInt32LE(216);
  const computed = superblock1Checksum(sb);
  const seconds = (v: bigint): number => Number(v & 0xffffffffffn);
  const pad3 = sb.subarray(224, 256);
  return {
    metadata,
    majorVersion: sb.readUInt32LE(4),
    minorVersion: metadata === '1.0' ? 0 : metadata === '1.1' ? 1 : 2,
    checksumOk: stored === computed,
    storedChecksum: stored,
    computedChecksum: computed,
    arrayUuid: uuidOf(sb.subarray(16, 32)),
    name: cString(sb.subarray(32, 64)),
    level,
    layout,
    layoutName: layoutName(level, layout),
    chunkSectors: sb.readUInt32LE(88),
    chunk: sb.readUInt32LE(88) * 512,
    raidDisks,
    devNumber,
    role,
    slot:
      memberState === 'active' || memberState === 'recovering' || memberState === 'replacement' ? role : null,
    memberState,
    deviceUuid: uuidOf(sb.subarray(168, 184)),
    dataOffset: u64(sb, 128) * 512,
    dataSize: u64(sb, 80) * 512,
    availableSize: u64(sb, 136) * 512,
    superOffset: offset,
    recordedSuperOffset: u64(sb, 144) * 512,
    superSize: superSize1(Math.min(maxDev, SB1_MAX_DEV)),
    maxDev,
    events: u64(sb, 200),
    updateTime: seconds(sb.readBigUInt64LE(192)),
    creationTime: seconds(sb.readBigUInt64LE(64)),
    arrayState: sb.readBigUInt64LE(208) === 0xffffffffffffffffn ? 'clean' : 'active',
    featureMap: features,
    padOk: sb.readUInt32LE(12) === 0 && pad3.every((b) => b === 0),
    bitmapOffset: features & Feature1.BITMAP_OFFSET ? sb.readInt32LE(96) : null,
    ppl:
      features & (Feature1.PPL | Feature1.MULTIPLE_PPLS)
        ? { offset: sb.readInt16LE(96), size: sb.readUInt16LE(98) }
        : null,
    bblog: { shift: sb[185]!, size: sb.readUInt16LE(186), offset: sb.readInt32LE(188) },
    recoveryOffset: u64(sb, 152) * 512,
    reshape:
      features & Feature1.RESHAPE_ACTIVE
        ? {
            position: u64(sb, 104),
            newLevel: sb.readInt32LE(100),
            deltaDisks: sb.readInt32LE(112),
            newLayout: sb.readUInt32LE(116),
            newChunk: sb.readUInt32LE(120) * 512,
            backwards: Boolean(features & Feature1.RESHAPE_BACKWARDS),
            newDataOffset: (u64(sb, 128) + (features & Feature1.NEW_OFFSET ? sb.readInt32LE(124) : 0)) * 512,
          }
        : null,
    thisDiskMatches: true,
    state90: 0,
    raw: Buffer.from(sb.subarray(0, Math.min(superSize1(rolesInBuffer), sb.length))),
  };
}

/** A 1.x superblock made from a peer's for `slot`; see rebuildSuperblock in superblock.ts. */
export function rebuild1(peer: MdSuperblock, slot: number, deviceUuid: Uint8Array): RebuiltSuperblock {
  const sb = Buffer.from(peer.raw);
  let maxDev = sb.readUInt32LE(220);
  const roleAt = (d: number): number => sb.readUInt16LE(SB1_MIN + 2 * d);
  // Keep the dev_number that held this role; else reuse a spare/faulty entry, else grow max_dev.
  let dev = -1;
  for (let d = 0; d < maxDev && dev < 0; d++) if (roleAt(d) === slot) dev = d;
  for (let d = 0; d < maxDev && dev < 0; d++) {
    if ((roleAt(d) === ROLE_FAULTY || roleAt(d) === ROLE_SPARE) && d !== peer.devNumber) dev = d;
  }
  if (dev < 0) {
    if (maxDev >= SB1_MAX_DEV) throw new RangeError('no free dev_number in the peer superblock');
    dev = maxDev++;
  }
  const out = Buffer.alloc(Math.max(superSize1(maxDev), sb.length));
  sb.copy(out);
  out.writeUInt32LE(maxDev, 220);
  out.writeUInt16LE(slot, SB1_MIN + 2 * dev);
  out.writeUInt32LE(dev, 160);
  out.writeUInt32LE(0, 164); // cnt_corrected_read
  Buffer.from(deviceUuid).copy(out, 168, 0, 16);
  out[184] = 0; // devflags (write-mostly, failfast)
  // Recovery, replacement and journal describe the peer device only.
  const perDevice =
    Feature1.RECOVERY_OFFSET | Feature1.RECOVERY_BITMAP | Feature1.REPLACEMENT | Feature1.JOURNAL;
  out.writeUInt32LE((out.readUInt32LE(8) & ~perDevice) >>> 0, 8);
  out.writeBigUInt64LE(0n, 152); // recovery_offset
  out.writeUInt32LE(superblock1Checksum(out), 216);
  const fills = [];
  const bblogSize = out.readUInt16LE(186);
  const bblogOffset = out.readInt32LE(188);
  if (bblogSize > 0 && bblogOffset !== 0) {
    fills.push({ offset: peer.superOffset + bblogOffset * 512, length: bblogSize * 512, value: 0xff });
  }
  return { offset: peer.superOffset, bytes: out, fills, parsed: parseSuperblock1(out, peer.superOffset)! };
}
