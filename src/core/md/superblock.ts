// Linux md superblocks: metadata 0.90 (include/uapi/linux/raid/md_p.h, mdp_super_t) and 1.0/1.1/1.2
// (struct mdp_superblock_1), parsed from any reader (file or block device), plus a writer that turns
// a peer's superblock into the one of a rebuilt member. Checksums follow mdadm's calc_sb0_csum and
// calc_sb_1_csum. On-disk integers: 1.x is little-endian; 0.90 is host-endian (little on x86).

import { randomBytes } from 'node:crypto';
import { IoError } from '../errors.js';
import { layoutName } from './layout.js';

/** What the superblock code reads through: a file or a block device (size from the io layer). */
export interface ByteReader {
  /** bytes in the member (for a block device: the kernel's size, never stat's) */
  size: number;
  /** reads up to buf.length bytes at `position`; resolves to the count read (0 at the end) */
  read(buf: Uint8Array, position: number): Promise<number>;
}

export type MetadataVersion = '0.90' | '1.0' | '1.1' | '1.2';

export const MD_SB_MAGIC = 0xa92b4efc;
/** 1.x dev_roles values with no slot */
export const ROLE_SPARE = 0xffff;
export const ROLE_FAULTY = 0xfffe;
export const ROLE_JOURNAL = 0xfffd;

export type MemberState = 'active' | 'spare' | 'faulty' | 'journal';

export interface MdSuperblock {
  metadata: MetadataVersion;
  checksumOk: boolean;
  storedChecksum: number;
  computedChecksum: number;
  /** mdadm's spelling: xxxxxxxx:xxxxxxxx:xxxxxxxx:xxxxxxxx */
  arrayUuid: string;
  /** 1.x set_name ('' for 0.90) */
  name: string;
  level: number;
  layout: number;
  /** md layout name, or null when the level/layout pair is not a RAID5/6 layout */
  layoutName: string | null;
  /** bytes */
  chunk: number;
  raidDisks: number;
  /** 1.x dev_number; 0.90 this_disk.number */
  devNumber: number;
  /** raw role: 1.x dev_roles[dev_number]; 0.90 this_disk.raid_disk */
  role: number;
  /** raid slot when the member is active, else null */
  slot: number | null;
  memberState: MemberState;
  /** 1.x device UUID (mdadm spelling), null for 0.90 */
  deviceUuid: string | null;
  /** bytes from the member's start to the data area */
  dataOffset: number;
  /** bytes of the data area the array uses (1.x size, 0.90 size) */
  dataSize: number;
  /** bytes available for data on this member (1.x data_size; 0.90 = dataSize) */
  availableSize: number;
  /** byte offset of the superblock on the member */
  superOffset: number;
  events: number;
  /** seconds since the epoch */
  updateTime: number;
  creationTime: number;
  /** 'clean' or 'active' (an unclean shutdown or a running array) */
  arrayState: 'clean' | 'active';
  featureMap: number;
  /** the superblock bytes as read (1.x: 256 + 2 * max_dev, rounded up to 512; 0.90: 4096) */
  raw: Buffer;
}

const SB0_BYTES = 4096;
const SB1_MIN = 256;
const SB1_MAX_DEVS = 384;

/** Byte offset of the 0.90 superblock: the last 64 KiB-aligned 64 KiB of the member. */
export function superOffset090(memberBytes: number): number {
  return (Math.floor(memberBytes / 65536) - 1) * 65536;
}

/** Byte offset of a 1.x superblock: 1.0 at ((sectors - 16) & ~7) sectors, 1.1 at 0, 1.2 at 4 KiB. */
export function superOffset1(minor: 0 | 1 | 2, memberBytes: number): number {
  if (minor === 1) return 0;
  if (minor === 2) return 4096;
  const sectors = Math.floor(memberBytes / 512);
  return (sectors - 16 - ((sectors - 16) % 8)) * 512;
}

async function readExactly(r: ByteReader, len: number, pos: number): Promise<Buffer | null> {
  if (pos < 0 || pos + len > r.size) return null;
  const buf = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const n = await r.read(buf.subarray(got), pos + got);
    if (n <= 0) throw new IoError(`unexpected end of data at offset ${pos + got}`, undefined, pos + got);
    got += n;
  }
  return buf;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b).toString('hex');
}

/** 16 UUID bytes in on-disk order as mdadm prints a 1.x UUID. */
function uuidBytes(b: Uint8Array): string {
  const h = hex(b);
  return `${h.slice(0, 8)}:${h.slice(8, 16)}:${h.slice(16, 24)}:${h.slice(24, 32)}`;
}

/** 32-bit little-endian word sum folded once, as mdadm's calc_sb_1_csum / calc_sb0_csum. */
function foldedSum(buf: Buffer, len: number, skip: number): number {
  // At most 1024 words of < 2^32 each: the plain number sum stays exact (< 2^42).
  let sum = 0;
  for (let i = 0; i + 4 <= len; i += 4) if (i !== skip) sum += buf.readUInt32LE(i);
  if (len % 4 === 2) sum += buf.readUInt16LE(len - 2);
  return ((sum % 2 ** 32) + Math.floor(sum / 2 ** 32)) >>> 0;
}

/** calc_sb_1_csum: sum over the superblock including dev_roles[max_dev], csum field as zero. */
export function superblock1Checksum(sb: Buffer): number {
  const maxDev = sb.readUInt32LE(220);
  return foldedSum(sb, SB1_MIN + 2 * maxDev, 216);
}

/** calc_sb0_csum: sum over the 4096-byte superblock, sb_csum (word 38) as zero. */
export function superblock0Checksum(sb: Buffer): number {
  return foldedSum(sb, SB0_BYTES, 38 * 4);
}

function cString(b: Buffer): string {
  const end = b.indexOf(0);
  return b.subarray(0, end < 0 ? b.length : end).toString('latin1');
}

/** Parses a 1.x superblock found at `offset` of a member of `memberBytes`; null if it is not one. */
export function parseSuperblock1(sb: Buffer, offset: number): MdSuperblock | null {
  if (sb.length < SB1_MIN || sb.readUInt32LE(0) !== MD_SB_MAGIC || sb.readUInt32LE(4) !== 1) return null;
  const maxDev = sb.readUInt32LE(220);
  if (maxDev > SB1_MAX_DEVS || SB1_MIN + 2 * maxDev > sb.length) return null;
  const superSectors = Number(sb.readBigUInt64LE(144));
  if (superSectors * 512 !== offset) return null;
  const metadata: MetadataVersion = offset === 0 ? '1.1' : offset === 4096 ? '1.2' : '1.0';
  const level = sb.readInt32LE(72);
  const layout = sb.readUInt32LE(76);
  const devNumber = sb.readUInt32LE(160);
  const role = devNumber < maxDev ? sb.readUInt16LE(SB1_MIN + 2 * devNumber) : ROLE_SPARE;
  const raidDisks = sb.readUInt32LE(92);
  let memberState: MemberState = 'active';
  if (role === ROLE_SPARE) memberState = 'spare';
  else if (role === ROLE_FAULTY) memberState = 'faulty';
  else if (role === ROLE_JOURNAL) memberState = 'journal';
  else if (role >= raidDisks) memberState = 'spare';
  const stored = sb.readUInt32LE(216);
  const computed = superblock1Checksum(sb);
  const seconds = (v: bigint): number => Number(v & 0xffffffffffn);
  const rawLen = Math.ceil((SB1_MIN + 2 * maxDev) / 512) * 512;
  return {
    metadata,
    checksumOk: stored === computed,
    storedChecksum: stored,
    computedChecksum: computed,
    arrayUuid: uuidBytes(sb.subarray(16, 32)),
    name: cString(sb.subarray(32, 64)),
    level,
    layout,
    layoutName: layoutName(level, layout),
    chunk: sb.readUInt32LE(88) * 512,
    raidDisks,
    devNumber,
    role,
    slot: memberState === 'active' ? role : null,
    memberState,
    deviceUuid: uuidBytes(sb.subarray(168, 184)),
    dataOffset: Number(sb.readBigUInt64LE(128)) * 512,
    dataSize: Number(sb.readBigUInt64LE(80)) * 512,
    availableSize: Number(sb.readBigUInt64LE(136)) * 512,
    superOffset: offset,
    events: Number(sb.readBigUInt64LE(200)),
    updateTime: seconds(sb.readBigUInt64LE(192)),
    creationTime: seconds(sb.readBigUInt64LE(64)),
    arrayState: sb.readBigUInt64LE(208) === 0xffffffffffffffffn ? 'clean' : 'active',
    featureMap: sb.readUInt32LE(8),
    raw: Buffer.from(sb.subarray(0, Math.min(rawLen, sb.length))),
  };
}

// 0.90 word indexes (mdp_super_t, little-endian host)
const W = {
  magic: 0,
  major: 1,
  minor: 2,
  uuid0: 5,
  ctime: 6,
  level: 7,
  size: 8,
  raidDisks: 10,
  uuid1: 13,
  uuid2: 14,
  uuid3: 15,
  utime: 32,
  state: 33,
  csum: 38,
  eventsLo: 39,
  eventsHi: 40,
  layout: 64,
  chunk: 65,
  disks: 128,
  thisDisk: 992,
} as const;
const DISK_WORDS = 32;
const MD_SB_DISKS = 27;
// mdp_disk_t.state bits
const DISK_FAULTY = 1 << 0;
const DISK_ACTIVE = 1 << 1;
const DISK_SYNC = 1 << 2;
const DISK_REMOVED = 1 << 3;

/** Parses a 0.90 superblock (4096 bytes at superOffset090); null if it is not one. */
export function parseSuperblock0(sb: Buffer, offset: number): MdSuperblock | null {
  const w = (i: number): number => sb.readUInt32LE(i * 4);
  if (sb.length < SB0_BYTES || w(W.magic) !== MD_SB_MAGIC || w(W.major) !== 0) return null;
  const level = sb.readInt32LE(W.level * 4);
  const layout = w(W.layout);
  const raidDisks = w(W.raidDisks);
  const t = W.thisDisk;
  const number = w(t);
  const raidDisk = w(t + 3);
  const dstate = w(t + 4);
  let memberState: MemberState = 'spare';
  if (dstate & (DISK_FAULTY | DISK_REMOVED)) memberState = 'faulty';
  else if (dstate & DISK_ACTIVE && dstate & DISK_SYNC && raidDisk < raidDisks) memberState = 'active';
  const stored = w(W.csum);
  const computed = superblock0Checksum(sb);
  const size = w(W.size) * 1024;
  const word = (v: number): string => v.toString(16).padStart(8, '0');
  return {
    metadata: '0.90',
    checksumOk: stored === computed,
    storedChecksum: stored,
    computedChecksum: computed,
    arrayUuid: [W.uuid0, W.uuid1, W.uuid2, W.uuid3].map((i) => word(w(i))).join(':'),
    name: '',
    level,
    layout,
    layoutName: layoutName(level, layout),
    chunk: w(W.chunk),
    raidDisks,
    devNumber: number,
    role: raidDisk,
    slot: memberState === 'active' ? raidDisk : null,
    memberState,
    deviceUuid: null,
    dataOffset: 0,
    dataSize: size,
    availableSize: size,
    superOffset: offset,
    events: w(W.eventsHi) * 2 ** 32 + w(W.eventsLo),
    updateTime: w(W.utime),
    creationTime: w(W.ctime),
    arrayState: w(W.state) & 1 ? 'clean' : 'active',
    featureMap: 0,
    raw: Buffer.from(sb.subarray(0, SB0_BYTES)),
  };
}

/**
 * Every md superblock on a member, in the order mdadm's --examine tries them (1.2, 1.1, 1.0, 0.90).
 * A superblock is recognised by its magic, version and self-described location; a bad checksum is
 * reported (checksumOk false), not hidden.
 */
export async function findSuperblocks(r: ByteReader): Promise<MdSuperblock[]> {
  const found: MdSuperblock[] = [];
  for (const minor of [2, 1, 0] as const) {
    const off = superOffset1(minor, r.size);
    const head = await readExactly(r, SB1_MIN, off);
    if (!head || head.readUInt32LE(0) !== MD_SB_MAGIC || head.readUInt32LE(4) !== 1) continue;
    const sb = await readExactly(r, Math.min(4096, r.size - off), off);
    const parsed = sb && parseSuperblock1(sb, off);
    if (parsed) found.push(parsed);
  }
  if (r.size >= 2 * 65536) {
    const off = superOffset090(r.size);
    const sb = await readExactly(r, SB0_BYTES, off);
    const parsed = sb && parseSuperblock0(sb, off);
    if (parsed) found.push(parsed);
  }
  return found;
}

/**
 * The member's superblock: the first one found with a good checksum, else the first one found
 * (checksumOk false), else null.
 */
export async function readSuperblock(r: ByteReader): Promise<MdSuperblock | null> {
  const all = await findSuperblocks(r);
  return all.find((s) => s.checksumOk) ?? all[0] ?? null;
}

/** A region of a rebuilt member image to fill with one byte value (e.g. an empty bad-block log). */
export interface FillRegion {
  offset: number;
  length: number;
  value: number;
}

export interface RebuiltSuperblock {
  /** byte offset on the member where `bytes` go */
  offset: number;
  bytes: Buffer;
  /** other metadata regions to initialise (1.x bad-block log: all 0xff = no entries) */
  fills: FillRegion[];
  /** the new superblock, parsed back */
  parsed: MdSuperblock;
}

/**
 * The superblock of a rebuilt member for `slot`, made from a peer's: same array, same events, the
 * slot set (1.x: the dev_number that held this role, or a free one; 0.90: this_disk = disks[slot]),
 * a fresh device UUID (1.x), per-device flags cleared and the checksum recomputed. The member image
 * must be as large as the peer's (1.0 and 0.90 keep their superblock near the end).
 */
export function rebuildSuperblock(
  peer: MdSuperblock,
  slot: number,
  deviceUuid: Uint8Array = randomBytes(16),
): RebuiltSuperblock {
  if (!Number.isInteger(slot) || slot < 0 || slot >= peer.raidDisks) {
    throw new RangeError(`slot ${slot} is outside 0..${peer.raidDisks - 1}`);
  }
  return peer.metadata === '0.90' ? rebuild090(peer, slot) : rebuild1(peer, slot, deviceUuid);
}

function rebuild1(peer: MdSuperblock, slot: number, deviceUuid: Uint8Array): RebuiltSuperblock {
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
    if (maxDev >= SB1_MAX_DEVS) throw new RangeError('no free dev_number in the peer superblock');
    dev = maxDev++;
  }
  const size = Math.ceil((SB1_MIN + 2 * maxDev) / 512) * 512;
  const out = Buffer.alloc(Math.max(size, sb.length));
  sb.copy(out);
  out.writeUInt32LE(maxDev, 220);
  out.writeUInt16LE(slot, SB1_MIN + 2 * dev);
  out.writeUInt32LE(dev, 160);
  out.writeUInt32LE(0, 164); // cnt_corrected_read
  Buffer.from(deviceUuid).copy(out, 168, 0, 16);
  out[184] = 0; // devflags (write-mostly, failfast)
  // MD_FEATURE_RECOVERY_OFFSET (2) and MD_FEATURE_JOURNAL (512) describe the peer device only.
  out.writeUInt32LE(out.readUInt32LE(8) & ~(2 | 512), 8);
  out.writeBigUInt64LE(0n, 152); // recovery_offset
  out.writeUInt32LE(superblock1Checksum(out), 216);
  const fills: FillRegion[] = [];
  const bblogSize = out.readUInt16LE(186);
  const bblogOffset = out.readInt32LE(188);
  if (bblogSize > 0 && bblogOffset !== 0) {
    fills.push({ offset: peer.superOffset + bblogOffset * 512, length: bblogSize * 512, value: 0xff });
  }
  return { offset: peer.superOffset, bytes: out, fills, parsed: parseSuperblock1(out, peer.superOffset)! };
}

function rebuild090(peer: MdSuperblock, slot: number): RebuiltSuperblock {
  const sb = Buffer.from(peer.raw);
  let desc = -1;
  for (let i = 0; i < MD_SB_DISKS && desc < 0; i++) {
    if (sb.readUInt32LE((W.disks + i * DISK_WORDS + 3) * 4) === slot) desc = i;
  }
  if (desc < 0) desc = slot;
  const base = (W.disks + desc * DISK_WORDS) * 4;
  sb.writeUInt32LE(desc, base);
  sb.writeUInt32LE(slot, base + 12);
  sb.writeUInt32LE(DISK_ACTIVE | DISK_SYNC, base + 16);
  sb.copy(sb, W.thisDisk * 4, base, base + DISK_WORDS * 4);
  sb.writeUInt32LE(superblock0Checksum(sb), W.csum * 4);
  return { offset: peer.superOffset, bytes: sb, fills: [], parsed: parseSuperblock0(sb, peer.superOffset)! };
}

/** A ByteReader over an open fs FileHandle (files; block devices pass their size from the io layer). */
export function fileReader(
  handle: { read(buf: Uint8Array, off: number, len: number, pos: number): Promise<{ bytesRead: number }> },
  size: number,
  start = 0,
): ByteReader {
  return {
    size,
    read: async (buf, position) => (await handle.read(buf, 0, buf.length, start + position)).bytesRead,
  };
}
