// md metadata 0.90 (mdp_super_t of include/uapi/linux/raid/md_p.h): 4 KiB at the last 64 KiB-aligned
// 64 KiB of the member, 32-bit words in host order (little-endian on every machine that writes it
// today). Location, checksum (mdadm's calc_sb0_csum), a parser that never throws, and the writer of a
// rebuilt member's superblock.

import { layoutName } from './layout.js';
import {
  foldedSum,
  type MdSuperblock,
  type MemberState,
  type RebuiltSuperblock,
} from './superblock-common.js';

export const SB0_BYTES = 4096;
/** descriptors in disks[] (MD_SB_DISKS): 0.90 arrays have at most 27 members */
export const SB0_DISKS = 27;
const DISK_WORDS = 32;

/** Word indexes of mdp_super_t (the editor in test/ uses them; names as md_p.h spells them). */
export const SB0_WORDS = {
  md_magic: 0,
  major_version: 1,
  minor_version: 2,
  patch_version: 3,
  gvalid_words: 4,
  set_uuid0: 5,
  ctime: 6,
  level: 7,
  size: 8,
  nr_disks: 9,
  raid_disks: 10,
  md_minor: 11,
  not_persistent: 12,
  set_uuid1: 13,
  set_uuid2: 14,
  set_uuid3: 15,
  utime: 32,
  state: 33,
  active_disks: 34,
  working_disks: 35,
  failed_disks: 36,
  spare_disks: 37,
  sb_csum: 38,
  events_lo: 39,
  events_hi: 40,
  cp_events_lo: 41,
  cp_events_hi: 42,
  recovery_cp: 43,
  reshape_position_lo: 44,
  reshape_position_hi: 45,
  new_level: 46,
  delta_disks: 47,
  new_layout: 48,
  new_chunk: 49,
  layout: 64,
  chunk_size: 65,
  'this_disk.number': 992,
  'this_disk.major': 993,
  'this_disk.minor': 994,
  'this_disk.raid_disk': 995,
  'this_disk.state': 996,
} as const;
/** Word of field `f` (0 number, 3 raid_disk, 4 state) of descriptor disks[i]. */
export const disk0Word = (i: number, f: number): number => 128 + i * DISK_WORDS + f;
const THIS_DISK = 992;

/** 0.90 state bits (md_p.h MD_SB_*) */
export const State0 = {
  CLEAN: 0,
  ERRORS: 1,
  BBM_ERRORS: 2,
  BLOCK_CONTAINER_RESHAPE: 3,
  BLOCK_VOLUME: 4,
  CLUSTERED: 5,
  BITMAP_PRESENT: 8,
};
// mdp_disk_t.state bits
const DISK_FAULTY = 1 << 0;
const DISK_ACTIVE = 1 << 1;
const DISK_SYNC = 1 << 2;
const DISK_REMOVED = 1 << 3;

/** Byte offset of the 0.90 superblock: the last 64 KiB-aligned 64 KiB of the member. */
export function superOffset090(memberBytes: number): number {
  return (Math.floor(memberBytes / 65536) - 1) * 65536;
}

/** calc_sb0_csum: sum over the 4096-byte superblock, sb_csum (word 38) as zero. */
export function superblock0Checksum(sb: Buffer): number {
  return foldedSum(sb, SB0_BYTES, SB0_WORDS.sb_csum * 4);
}

/** Parses a 0.90 superblock (4096 bytes at superOffset090), or null when the magic is not there. */
export function parseSuperblock0(sb: Buffer, offset: number): MdSuperblock | null {
  const w = (i: number): number => sb.readUInt32LE(i * 4);
  const W = SB0_WORDS;
  if (sb.length < SB0_BYTES || w(W.md_magic) !== 0xa92b4efc) return null;
  const level = sb.readInt32LE(W.level * 4);
  const layout = w(W.layout);
  const raidDisks = w(W.raid_disks);
  const minor = w(W.minor_version);
  const number = w(THIS_DISK);
  // The kernel (super_90_validate) reads the member's state from disks[this_disk.number].
  const desc = number < SB0_DISKS ? disk0Word(number, 0) : THIS_DISK;
  const raidDisk = w(desc + 3);
  const dstate = w(desc + 4);
  let memberState: MemberState = 'spare';
  if (dstate & (DISK_FAULTY | DISK_REMOVED)) memberState = 'faulty';
  else if (dstate & DISK_SYNC) memberState = 'active';
  else if (dstate & DISK_ACTIVE && minor >= 91) memberState = 'recovering';
  const stored = w(W.sb_csum);
  const computed = superblock0Checksum(sb);
  const word = (v: number): string => v.toString(16).padStart(8, '0');
  const state = w(W.state);
  return {
    metadata: '0.90',
    majorVersion: w(W.major_version),
    minorVersion: minor,
    checksumOk: stored === computed,
    storedChecksum: stored,
    computedChecksum: computed,
    arrayUuid: [W.set_uuid0, W.set_uuid1, W.set_uuid2, W.set_uuid3].map((i) => word(w(i))).join(':'),
    name: '',
    level,
    layout,
    layoutName: layoutName(level, layout),
    chunkSectors: w(W.chunk_size),
    chunk: w(W.chunk_size),
    raidDisks,
    devNumber: number,
    role: raidDisk,
    slot: memberState === 'active' || memberState === 'recovering' ? raidDisk : null,
    memberState,
    deviceUuid: null,
    dataOffset: 0,
    dataSize: w(W.size) * 1024,
    availableSize: offset,
    superOffset: offset,
    recordedSuperOffset: offset,
    superSize: SB0_BYTES,
    maxDev: 0,
    events: w(W.events_hi) * 2 ** 32 + w(W.events_lo),
    updateTime: w(W.utime),
    creationTime: w(W.ctime),
    arrayState: state & (1 << State0.CLEAN) ? 'clean' : 'active',
    featureMap: 0,
    padOk: true,
    // the kernel's default: right after the 4 KiB superblock, within the 64 KiB reserved
    bitmapOffset: state & (1 << State0.BITMAP_PRESENT) ? SB0_BYTES / 512 : null,
    ppl: null,
    bblog: { shift: 0, size: 0, offset: 0 },
    recoveryOffset: 0,
    reshape:
      minor >= 91
        ? {
            position: w(W.reshape_position_hi) * 2 ** 32 + w(W.reshape_position_lo),
            newLevel: sb.readInt32LE(W.new_level * 4),
            deltaDisks: sb.readInt32LE(W.delta_disks * 4),
            newLayout: w(W.new_layout),
            newChunk: w(W.new_chunk),
            backwards: sb.readInt32LE(W.delta_disks * 4) < 0,
            newDataOffset: 0,
          }
        : null,
    thisDiskMatches: w(desc + 3) === w(THIS_DISK + 3) && w(desc + 4) === w(THIS_DISK + 4),
    state90: state,
    raw: Buffer.from(sb.subarray(0, SB0_BYTES)),
  };
}

/** A 0.90 superblock made from a peer's for `slot`; see rebuildSuperblock in superblock.ts. */
export function rebuild090(peer: MdSuperblock, slot: number): RebuiltSuperblock {
  const sb = Buffer.from(peer.raw);
  let desc = -1;
  for (let i = 0; i < SB0_DISKS && desc < 0; i++) if (sb.readUInt32LE(disk0Word(i, 3) * 4) === slot) desc = i;
  if (desc < 0) desc = slot;
  const base = disk0Word(desc, 0) * 4;
  sb.writeUInt32LE(desc, base);
  sb.writeUInt32LE(slot, base + 12);
  sb.writeUInt32LE(DISK_ACTIVE | DISK_SYNC, base + 16);
  sb.copy(sb, THIS_DISK * 4, base, base + DISK_WORDS * 4);
  sb.writeUInt32LE(superblock0Checksum(sb), SB0_WORDS.sb_csum * 4);
  return { offset: peer.superOffset, bytes: sb, fills: [], parsed: parseSuperblock0(sb, peer.superOffset)! };
}
