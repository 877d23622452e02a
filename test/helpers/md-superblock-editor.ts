// A small md superblock editor for tests: find a member's 0.90 or 1.x superblock, set any field by
// its md_p.h name (or a raw byte offset), and fix the checksum — independent of src/ on purpose, so
// that what the tests craft does not depend on the code they test.

import { closeSync, openSync, readFileSync, readSync, statSync, writeSync } from 'node:fs';

export type SbKind = '0.90' | '1.0' | '1.1' | '1.2';
type Field = [offset: number, bytes: 1 | 2 | 4 | 8, signed: boolean];

const MAGIC = 0xa92b4efc;

/** mdp_superblock_1 fields: byte offset, size, signedness. */
export const FIELDS_1: Record<string, Field> = {
  magic: [0, 4, false],
  major_version: [4, 4, false],
  feature_map: [8, 4, false],
  pad0: [12, 4, false],
  'set_uuid[0]': [16, 4, false],
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
  'device_uuid[0]': [168, 4, false],
  devflags: [184, 1, false],
  bblog_shift: [185, 1, false],
  bblog_size: [186, 2, false],
  bblog_offset: [188, 4, true],
  utime: [192, 8, false],
  events: [200, 8, false],
  resync_offset: [208, 8, false],
  sb_csum: [216, 4, false],
  max_dev: [220, 4, false],
  'pad3[0]': [224, 1, false],
};

/** mdp_super_t word indexes (32-bit words). */
export const WORDS_0: Record<string, number> = {
  md_magic: 0,
  major_version: 1,
  minor_version: 2,
  patch_version: 3,
  set_uuid0: 5,
  ctime: 6,
  level: 7,
  size: 8,
  nr_disks: 9,
  raid_disks: 10,
  set_uuid1: 13,
  utime: 32,
  state: 33,
  sb_csum: 38,
  events_lo: 39,
  events_hi: 40,
  reshape_position_lo: 44,
  new_level: 46,
  delta_disks: 47,
  new_layout: 48,
  new_chunk: 49,
  layout: 64,
  chunk_size: 65,
  'this_disk.number': 992,
  'this_disk.raid_disk': 995,
  'this_disk.state': 996,
};

/** Where each version keeps its superblock on a member of `bytes` bytes. */
export function superOffset(kind: SbKind, bytes: number): number {
  if (kind === '1.1') return 0;
  if (kind === '1.2') return 4096;
  if (kind === '1.0') return (Math.floor(bytes / 512 - 16) & ~7) * 512;
  return (Math.floor(bytes / 65536) - 1) * 65536;
}

/** The kind of the superblock on a member (1.2, 1.1, 1.0, 0.90 tried in that order), or null. */
export function detect(path: string): SbKind | null {
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  try {
    for (const kind of ['1.2', '1.1', '1.0', '0.90'] as const) {
      const b = Buffer.alloc(8);
      readSync(fd, b, 0, 8, superOffset(kind, size));
      if (b.readUInt32LE(0) === MAGIC && b.readUInt32LE(4) === (kind === '0.90' ? 0 : 1)) return kind;
    }
    return null;
  } finally {
    closeSync(fd);
  }
}

function fold(sum: bigint): number {
  return Number((sum & 0xffffffffn) + (sum >> 32n)) >>> 0;
}

/** calc_sb_1_csum over 256 + 2 * max_dev bytes (at most the 4 KiB read). */
export function checksum1(sb: Buffer): number {
  const len = Math.min(256 + 2 * sb.readUInt32LE(220), sb.length);
  let sum = 0n;
  for (let i = 0; i + 4 <= len; i += 4) if (i !== 216) sum += BigInt(sb.readUInt32LE(i));
  if (len % 4 === 2) sum += BigInt(sb.readUInt16LE(len - 2));
  return fold(sum);
}

/** calc_sb0_csum over the 4 KiB superblock. */
export function checksum0(sb: Buffer): number {
  let sum = 0n;
  for (let i = 0; i < 4096; i += 4) if (i !== 38 * 4) sum += BigInt(sb.readUInt32LE(i));
  return fold(sum);
}

export type Edits = Record<string, number | bigint>;

function put(sb: Buffer, [off, bytes]: Field, v: number | bigint): void {
  // Any value fits: it is truncated to the field's width (two's complement for negative values).
  const u = BigInt.asUintN(bytes * 8, BigInt(v));
  if (bytes === 8) sb.writeBigUInt64LE(u, off);
  else if (bytes === 4) sb.writeUInt32LE(Number(u), off);
  else if (bytes === 2) sb.writeUInt16LE(Number(u), off);
  else sb.writeUInt8(Number(u), off);
}

function fieldOf(kind: SbKind, sb: Buffer, name: string): Field {
  const raw = /^byte:(\d+)$/.exec(name);
  if (raw) return [Number(raw[1]), 1, false];
  if (kind === '0.90') {
    const disk = /^disks\[(\d+|self)\]\.(number|raid_disk|state)$/.exec(name);
    if (disk) {
      const i = disk[1] === 'self' ? sb.readUInt32LE(992 * 4) : Number(disk[1]);
      return [(128 + i * 32 + { number: 0, raid_disk: 3, state: 4 }[disk[2] as 'number']) * 4, 4, false];
    }
    const w = WORDS_0[name];
    if (w === undefined) throw new Error(`no 0.90 field ${name}`);
    return [w * 4, 4, false];
  }
  const role = /^dev_roles\[(\d+|self)\]$/.exec(name);
  if (role) return [256 + 2 * (role[1] === 'self' ? sb.readUInt32LE(160) : Number(role[1])), 2, false];
  const f = FIELDS_1[name];
  if (!f) throw new Error(`no 1.x field ${name}`);
  return f;
}

/** Reads one field of a superblock buffer. */
export function getField(kind: SbKind, sb: Buffer, name: string): bigint {
  const [off, bytes, signed] = fieldOf(kind, sb, name);
  if (bytes === 8) return sb.readBigUInt64LE(off);
  const n =
    bytes === 1
      ? sb.readUInt8(off)
      : bytes === 2
        ? signed
          ? sb.readInt16LE(off)
          : sb.readUInt16LE(off)
        : signed
          ? sb.readInt32LE(off)
          : sb.readUInt32LE(off);
  return BigInt(n);
}

/** Sets fields of superblock bytes `sb` of `kind` in place and fixes the checksum (unless sb_csum is edited). */
export function editBytes(kind: SbKind, sb: Buffer, edits: Edits): Buffer {
  for (const [name, v] of Object.entries(edits)) put(sb, fieldOf(kind, sb, name), v);
  if (!('sb_csum' in edits)) {
    if (kind === '0.90') sb.writeUInt32LE(checksum0(sb), 38 * 4);
    else sb.writeUInt32LE(checksum1(sb), 216);
  }
  return sb;
}

/**
 * Sets fields of the superblock on `path` (in place) and fixes its checksum unless `sb_csum` is one
 * of the edits. `kind` defaults to the superblock found. Returns the kind edited.
 */
export function editSuperblock(path: string, edits: Edits, kind: SbKind | null = detect(path)): SbKind {
  if (!kind) throw new Error(`${path}: no md superblock to edit`);
  const size = statSync(path).size;
  const at = superOffset(kind, size);
  const fd = openSync(path, 'r+');
  try {
    const sb = Buffer.alloc(Math.min(4096, size - at));
    readSync(fd, sb, 0, sb.length, at);
    editBytes(kind, sb, edits);
    writeSync(fd, sb, 0, sb.length, at);
    return kind;
  } finally {
    closeSync(fd);
  }
}

/** The superblock bytes of `path` (4 KiB from its location). */
export function readSuperblockBytes(path: string, kind: SbKind): Buffer {
  const size = statSync(path).size;
  const at = superOffset(kind, size);
  const fd = openSync(path, 'r');
  try {
    const sb = Buffer.alloc(Math.min(4096, size - at));
    readSync(fd, sb, 0, sb.length, at);
    return sb;
  } finally {
    closeSync(fd);
  }
}

/** Writes superblock bytes at `kind`'s location of `path` (e.g. an older array's, left behind). */
export function writeSuperblockBytes(path: string, kind: SbKind, sb: Buffer): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, sb, 0, sb.length, superOffset(kind, statSync(path).size));
  } finally {
    closeSync(fd);
  }
}

/** The data area of a member image: `used` bytes from the data offset its superblock records. */
export function memberDataArea(path: string, used: number): Buffer {
  const kind = detect(path);
  const off =
    kind && kind !== '0.90'
      ? Number(getField(kind, readSuperblockBytes(path, kind), 'data_offset')) * 512
      : 0;
  return readFileSync(path).subarray(off, off + used);
}
