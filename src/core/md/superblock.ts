// Linux md superblocks on a member: finding every one (metadata 0.90 in super0.ts, 1.0/1.1/1.2 in
// super1.ts, as mdadm splits super0.c and super1.c), and the superblock of a rebuilt member. Parsing
// never judges; validate.ts decides whether a superblock makes sense before anything uses it.

import { randomBytes } from 'node:crypto';
import { IoError } from '../errors.js';
import { parseSuperblock0, rebuild090, SB0_BYTES, superOffset090 } from './super0.js';
import { MD_SB_MAGIC, parseSuperblock1, rebuild1, SB1_MIN, SB1_READ, superOffset1 } from './super1.js';
import type { ByteReader, MdSuperblock, RebuiltSuperblock } from './superblock-common.js';

export { parseSuperblock0, superblock0Checksum, superOffset090 } from './super0.js';
export {
  MD_SB_MAGIC,
  parseSuperblock1,
  ROLE_FAULTY,
  ROLE_JOURNAL,
  ROLE_SPARE,
  superblock1Checksum,
  superOffset1,
} from './super1.js';
export type {
  ByteReader,
  FillRegion,
  MdSuperblock,
  MemberState,
  MetadataVersion,
  RebuiltSuperblock,
} from './superblock-common.js';

async function readExactly(r: ByteReader, len: number, pos: number): Promise<Buffer | null> {
  if (pos < 0 || len <= 0 || pos + len > r.size) return null;
  const buf = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const n = await r.read(buf.subarray(got), pos + got);
    if (n <= 0) throw new IoError(`unexpected end of data at offset ${pos + got}`, undefined, pos + got);
    got += n;
  }
  return buf;
}

/**
 * Every md superblock on a member, in the order mdadm's --examine tries them (1.2, 1.1, 1.0, 0.90):
 * whatever carries the md magic where a version keeps its superblock. Nothing is judged here (bad
 * checksums and nonsense fields included); validate.ts does that. Reads at most 4 x 4 KiB.
 */
export async function findSuperblocks(r: ByteReader): Promise<MdSuperblock[]> {
  const found: MdSuperblock[] = [];
  const seen = new Set<number>();
  for (const minor of [2, 1, 0] as const) {
    const off = superOffset1(minor, r.size);
    if (seen.has(off)) continue;
    const head = await readExactly(r, SB1_MIN, off);
    if (!head || head.readUInt32LE(0) !== MD_SB_MAGIC) continue;
    seen.add(off);
    const sb = await readExactly(r, Math.min(SB1_READ, r.size - off), off);
    const parsed = sb && parseSuperblock1(sb, off);
    if (parsed) found.push(parsed);
  }
  if (r.size >= 2 * 65536) {
    const off = superOffset090(r.size);
    const sb = seen.has(off) ? null : await readExactly(r, SB0_BYTES, off);
    const parsed = sb && parseSuperblock0(sb, off);
    if (parsed) found.push(parsed);
  }
  return found;
}

/**
 * The member's superblock: the first one found with a good checksum, else the first one found
 * (checksumOk false), else null. Assembly (array.ts) chooses among several with more care.
 */
export async function readSuperblock(r: ByteReader): Promise<MdSuperblock | null> {
  const all = await findSuperblocks(r);
  return all.find((s) => s.checksumOk) ?? all[0] ?? null;
}

/**
 * The superblock of a rebuilt member for `slot`, made from a peer's: same array, same events, the
 * slot set (1.x: the dev_number that held this role, or a free one; 0.90: this_disk = disks[slot]),
 * a fresh device UUID (1.x), per-device flags cleared and the checksum recomputed. The member image
 * must be as large as the peer's (1.0 and 0.90 keep their superblock near the end), and its data
 * goes at the peer's data offset (the superblock records it).
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
