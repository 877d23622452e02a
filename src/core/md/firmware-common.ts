// What the firmware RAID readers (imsm.ts, ddf.ts) hand to assembly (firmware.ts): one shape for a
// container and its volumes, parsed and validated, in bytes. Parsing a member either yields this,
// or a problem (corrupt metadata: exit 2 naming the member), or nothing (no such metadata).

export type FirmwareFormat = 'imsm' | 'ddf';

export interface FirmwareSlot {
  /** who holds the slot: an IMSM disk serial, a DDF physical disk refnum (8 hex digits) */
  disk: string;
  /** bytes from the member's start to the volume's data */
  dataOffset: number;
  /** why the slot's disk holds no valid data (failed, rebuilding...), or null when in sync */
  state: string | null;
}

export interface FirmwareVolume {
  index: number;
  name: string;
  /** IMSM family:volume, DDF virtual disk GUID (hex) */
  uuid: string;
  level: number;
  /** md layout number (ALGORITHM_*), null when the level has none raidtx maps */
  layout: number | null;
  chunk: number;
  raidDisks: number;
  /** bytes of each member's data area the volume uses */
  memberDataSize: number;
  slots: FirmwareSlot[];
  /** a state raidtx does not handle (migration, transition...): assembly refuses it, naming it */
  unhandled: string | null;
  /** an unclean shutdown is recorded (parity may lag the data) */
  dirty: boolean;
}

export interface FirmwareMetadata {
  format: FirmwareFormat;
  /** the container: IMSM family_num, DDF header GUID */
  container: string;
  /** IMSM generation_num, DDF header seq: the highest is the freshest copy */
  generation: number;
  /** DDF: this member's refnum (its own disk data); IMSM: null (the serial is the drive's, not here) */
  self: string | null;
  /** every disk the container knows (IMSM serials, DDF refnums) */
  disks: string[];
  volumes: FirmwareVolume[];
}

export type FirmwareRead = { meta: FirmwareMetadata } | { format: FirmwareFormat; problem: string };

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/**
 * mdadm's crc32(0, buf, len): zlib's table, but its crc32.c has the pre- and post-inversion
 * commented out, so this is the plain reflected CRC-32 from 0 (DDF CRCs are this, not zlib's).
 */
export function crc32(buf: Uint8Array): number {
  let c = 0;
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return c >>> 0;
}

/** A little- or big-endian u64 as a number, or null past 2^53 (no member is that large). */
export function u64(buf: Buffer, off: number, big: boolean): number | null {
  const v = big ? buf.readBigUInt64BE(off) : buf.readBigUInt64LE(off);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? null : Number(v);
}

/** Text of a fixed-size field, up to its first NUL, trailing spaces trimmed. */
export function fieldText(buf: Buffer, off: number, len: number): string {
  const raw = buf.subarray(off, off + len);
  const end = raw.indexOf(0);
  return raw
    .subarray(0, end < 0 ? len : end)
    .toString('latin1')
    .replace(/[ ]+$/, '');
}
