// What every md superblock version shares once parsed: the MdSuperblock record (one shape for 0.90
// and 1.x, so that validation and assembly never branch on the version for array-wide facts), the
// reader interface, and the folded 32-bit checksum both versions use.

/** What the superblock code reads through: a file or a block device (size from the io layer). */
export interface ByteReader {
  /** bytes in the member (for a block device: the kernel's size, never stat's) */
  size: number;
  /** reads up to buf.length bytes at `position`; resolves to the count read (0 at the end) */
  read(buf: Uint8Array, position: number): Promise<number>;
}

export type MetadataVersion = '0.90' | '1.0' | '1.1' | '1.2';

/**
 * The member's part in the array: active (a slot, in sync), recovering (a slot, data valid only
 * below recovery_offset), replacement (rebuilding a copy of an active slot), spare, faulty,
 * journal (1.x write journal), unknown (a 1.x role value md does not define).
 */
export type MemberState =
  | 'active'
  | 'recovering'
  | 'replacement'
  | 'spare'
  | 'faulty'
  | 'journal'
  | 'unknown';

export interface ReshapeInfo {
  /** 1.x: array sectors; 0.90: the same */
  position: number;
  newLevel: number;
  deltaDisks: number;
  newLayout: number;
  /** bytes */
  newChunk: number;
  backwards: boolean;
  /**
   * bytes from the member's start to its data area in the new geometry (1.x NEW_OFFSET: data_offset
   * + the signed new_offset; otherwise the data offset: the reshape works in place)
   */
  newDataOffset: number;
}

export interface MdSuperblock {
  metadata: MetadataVersion;
  /** as recorded (0 for 0.90, 1 for 1.x when sane) */
  majorVersion: number;
  /** 0.90: minor_version (90; 91 = reshape); 1.x: 0, 1 or 2 from the location */
  minorVersion: number;
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
  /** chunk as recorded: 1.x chunksize in sectors; 0.90 chunk_size in bytes (kept as found) */
  chunkSectors: number;
  /** bytes */
  chunk: number;
  raidDisks: number;
  /** 1.x dev_number; 0.90 this_disk.number */
  devNumber: number;
  /** raw role: 1.x dev_roles[dev_number]; 0.90 this_disk.raid_disk */
  role: number;
  /** raid slot when the member holds one (active, recovering, replacement), else null */
  slot: number | null;
  memberState: MemberState;
  /** 1.x device UUID (mdadm spelling), null for 0.90 */
  deviceUuid: string | null;
  /** bytes from the member's start to the data area */
  dataOffset: number;
  /** bytes of the data area the array uses (1.x size, 0.90 size): array-wide */
  dataSize: number;
  /** bytes available for data on this member (1.x data_size; 0.90: up to the superblock) */
  availableSize: number;
  /** byte offset of the superblock on the member (where it was found) */
  superOffset: number;
  /** byte offset the superblock records for itself (1.x super_offset; 0.90: superOffset) */
  recordedSuperOffset: number;
  /** bytes the superblock occupies (1.x: 256 + 2 * max_dev rounded to 512; 0.90: 4096) */
  superSize: number;
  /** 1.x max_dev (0 for 0.90) */
  maxDev: number;
  events: number;
  /** seconds since the epoch */
  updateTime: number;
  creationTime: number;
  /** 'clean' or 'active' (an unclean shutdown or a running array) */
  arrayState: 'clean' | 'active';
  /** 1.x feature_map (0 for 0.90) */
  featureMap: number;
  /** 1.x: pad0 and pad3 are zero (the kernel refuses otherwise: "might be a new feature") */
  padOk: boolean;
  /** write-intent bitmap start, sectors from the superblock (signed), or null without one */
  bitmapOffset: number | null;
  /** 1.x partial parity log: offset (signed) and size, sectors from the superblock */
  ppl: { offset: number; size: number } | null;
  /** 1.x bad-block log: shift, size in sectors, offset in sectors from the superblock (signed) */
  bblog: { shift: number; size: number; offset: number };
  /** 1.x recovery_offset in bytes from the data offset (meaningful with RECOVERY_OFFSET) */
  recoveryOffset: number;
  /** reshape in progress (1.x RESHAPE_ACTIVE, 0.90 minor 91), else null */
  reshape: ReshapeInfo | null;
  /** 0.90: this_disk agrees with disks[this_disk.number] on raid_disk and state (true for 1.x) */
  thisDiskMatches: boolean;
  /** 0.90 state word (0 for 1.x) */
  state90: number;
  /** the superblock bytes as read (1.x: 256 + 2 * max_dev, rounded up to 512; 0.90: 4096) */
  raw: Buffer;
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

/** 32-bit little-endian word sum folded once, as calc_sb_1_csum / calc_sb0_csum (word `skip` as 0). */
export function foldedSum(buf: Buffer, len: number, skip: number): number {
  // At most 1024 words of < 2^32 each: the plain number sum stays exact (< 2^42).
  let sum = 0;
  for (let i = 0; i + 4 <= len; i += 4) if (i !== skip) sum += buf.readUInt32LE(i);
  if (len % 4 === 2) sum += buf.readUInt16LE(len - 2);
  return ((sum % 2 ** 32) + Math.floor(sum / 2 ** 32)) >>> 0;
}
