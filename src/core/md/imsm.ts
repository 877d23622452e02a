// Intel Matrix Storage (IMSM, RST firmware RAID) metadata, as mdadm's super-intel.c reads it: the
// MPB (metadata parameter block) at the end of each disk: its first sector two sectors before the
// end, the rest (mpb_size rounded up to sectors) just before that. Little-endian, 512-byte sectors.
// Layout: imsm_super (216 bytes), imsm_disk[num_disks] (48 each), then imsm_dev[num_raid_devs], each
// an imsm_vol with one imsm_map, two while migrating. Every disk holds the same MPB; a disk is
// named by its drive serial, which the MPB lists but an image does not carry.

import { type FirmwareRead, type FirmwareSlot, type FirmwareVolume, fieldText } from './firmware-common.js';
import type { ByteReader } from './superblock-common.js';

export const IMSM_SIGNATURE = 'Intel Raid ISM Cfg Sig. ';
const SECTOR = 512;
const SUPER_BYTES = 216;
const DISK_BYTES = 48;
const DEV_BYTES = 164;
const MAP_BYTES = 52;
/** mdadm's MPB_SECTOR_CNT: the most sectors an MPB may take */
const MPB_MAX_SECTORS = 2210;
/** mdadm's MPB_ATTRIB_SUPPORTED (plus NEVER_USE, ignored) */
const ATTRIB_KNOWN = 0x80000000 | 0x20000000 | 0x04000000 | 0x1 | 0x2 | 0x4 | 0x10 | 0x40 | 0x80 | 0x08000000;
const ATTRIB_IGNORED = 0x40000000;
const FAILED_DISK = 0x04;
const SPARE_DISK = 0x01;
const ORD_REBUILD = 1 << 24;
const MIGR_TYPES = [
  'initialisation',
  'rebuild',
  'verify',
  'general migration (reshape)',
  'state change',
  'repair',
];
const MAP_STATES = ['normal', 'uninitialized', 'degraded', 'failed'];

async function readAt(r: ByteReader, len: number, pos: number): Promise<Buffer | null> {
  if (pos < 0 || pos + len > r.size) return null;
  const buf = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const n = await r.read(buf.subarray(got), pos + got);
    if (n <= 0) return null;
    got += n;
  }
  return buf;
}

/** The MPB's checksum: the 32-bit sum of its words, the check_sum word left out. */
export function imsmChecksum(mpb: Buffer, size: number): number {
  let sum = 0;
  for (let i = 0; i + 4 <= size; i += 4) if (i !== 32) sum = (sum + mpb.readUInt32LE(i)) >>> 0;
  return sum;
}

/** Reads the MPB of a member: null without the IMSM signature, a problem when it does not make sense. */
export async function readImsm(r: ByteReader): Promise<FirmwareRead | null> {
  if (r.size < 4 * SECTOR) return null;
  const anchor = await readAt(r, SECTOR, r.size - 2 * SECTOR);
  if (!anchor || anchor.toString('latin1', 0, IMSM_SIGNATURE.length) !== IMSM_SIGNATURE) return null;
  const bad = (problem: string): FirmwareRead => ({ format: 'imsm', problem });
  const size = anchor.readUInt32LE(36);
  const sectors = Math.ceil(size / SECTOR);
  if (size < SUPER_BYTES + DISK_BYTES || size % 4 !== 0 || sectors > MPB_MAX_SECTORS)
    return bad(`mpb_size ${size} is not a plausible MPB size`);
  if (r.size < (sectors + 2) * SECTOR) return bad(`mpb_size ${size} is larger than the member`);
  const mpb = Buffer.alloc(sectors * SECTOR);
  anchor.copy(mpb);
  if (sectors > 1) {
    const rest = await readAt(r, (sectors - 1) * SECTOR, r.size - (sectors + 1) * SECTOR);
    if (!rest) return bad('the extended MPB cannot be read');
    rest.copy(mpb, SECTOR);
  }
  const stored = mpb.readUInt32LE(32);
  const computed = imsmChecksum(mpb, size);
  if (stored !== computed)
    return bad(`MPB checksum ${hex(stored)} != computed ${hex(computed)} (corrupt metadata)`);
  const parsed = parseMpb(mpb, size, r.size - (sectors + 1) * SECTOR);
  return typeof parsed === 'string' ? bad(parsed) : { meta: parsed };
}

const hex = (n: number): string => `0x${n.toString(16).padStart(8, '0')}`;

/** `mpbStart`: where the MPB begins on the member; no volume's data may reach it. */
function parseMpb(mpb: Buffer, size: number, mpbStart: number) {
  const version = mpb.toString('latin1', IMSM_SIGNATURE.length, 32).replace(/\0.*$/s, '');
  if (!/^[0-9]\.[0-9]\.[0-9]{2}$/.test(version)) return `MPB version '${version}' is not an IMSM version`;
  const attributes = mpb.readUInt32LE(52);
  const unknown = (attributes & ~ATTRIB_KNOWN & ~ATTRIB_IGNORED) >>> 0;
  if (unknown) return `MPB attributes ${hex(unknown)} are not ones mdadm supports`;
  const family = mpb.readUInt32LE(40);
  const generation = mpb.readUInt32LE(44);
  const numDisks = mpb.readUInt8(56);
  const numDevs = mpb.readUInt8(57);
  if (numDisks === 0) return 'the disk table is empty';
  let off = SUPER_BYTES + numDisks * DISK_BYTES;
  if (off > size) return `num_disks ${numDisks} does not fit in mpb_size ${size}`;
  const disks: { serial: string; status: number }[] = [];
  for (let i = 0; i < numDisks; i++) {
    const d = SUPER_BYTES + i * DISK_BYTES;
    disks.push({ serial: fieldText(mpb, d, 16), status: mpb.readUInt32LE(d + 24) });
  }
  const serials = disks.map((d) => d.serial);
  if (new Set(serials).size !== serials.length) return 'the disk table lists one serial twice';
  const volumes: FirmwareVolume[] = [];
  for (let v = 0; v < numDevs; v++) {
    if (off + DEV_BYTES > size) return `volume ${v} does not fit in mpb_size ${size}`;
    const dev = mpb.subarray(off);
    const migrating = dev.readUInt8(80 + 8);
    const map0 = 80 + 32;
    const members0 = dev.readUInt8(map0 + 16);
    const mapBytes = (m: number): number => MAP_BYTES + 4 * (Math.max(m, 1) - 1);
    let devBytes = DEV_BYTES - MAP_BYTES + mapBytes(members0);
    if (migrating) devBytes += mapBytes(dev.readUInt8(map0 + mapBytes(members0) + 16));
    if (off + devBytes > size) return `volume ${v} does not fit in mpb_size ${size}`;
    const vol = parseVolume(dev, v, family, disks, mpbStart);
    if (typeof vol === 'string') return `volume ${v}: ${vol}`;
    volumes.push(vol);
    off += devBytes;
  }
  const names = volumes.map((v) => v.name);
  if (new Set(names).size !== names.length) return 'two volumes have the same name';
  return {
    format: 'imsm' as const,
    container: hex(family).slice(2),
    generation,
    self: null,
    disks: serials,
    volumes,
  };
}

function parseVolume(
  dev: Buffer,
  index: number,
  family: number,
  disks: { serial: string; status: number }[],
  mpbStart: number,
): FirmwareVolume | string {
  const name = fieldText(dev, 0, 16);
  const sizeSectors = dev.readUInt32LE(16) + dev.readUInt32LE(20) * 2 ** 32;
  const vol = 80;
  const migrState = dev.readUInt8(vol + 8);
  const migrType = dev.readUInt8(vol + 9);
  const dirty = (dev.readUInt8(vol + 10) & 1) !== 0;
  const map = vol + 32;
  const pba = dev.readUInt32LE(map) + dev.readUInt32LE(map + 20) * 2 ** 32;
  const perMember = dev.readUInt32LE(map + 4) + dev.readUInt32LE(map + 24) * 2 ** 32;
  const dataStripes = dev.readUInt32LE(map + 8) + dev.readUInt32LE(map + 28) * 2 ** 32;
  const strip = dev.readUInt16LE(map + 12);
  const mapState = dev.readUInt8(map + 14);
  const rawLevel = dev.readUInt8(map + 15);
  const n = dev.readUInt8(map + 16);
  if (n === 0) return 'num_members is 0';
  if (n > disks.length) return `num_members ${n} exceeds the ${disks.length} disks of the table`;
  if (strip === 0 || (strip & (strip - 1)) !== 0) return `blocks_per_strip ${strip} is not a power of two`;
  if (mapState >= MAP_STATES.length) return `map_state ${mapState} is not an IMSM map state`;
  const level = rawLevel === 1 && n > 2 ? 10 : rawLevel;
  if (![0, 1, 5, 10].includes(level)) return `raid_level ${rawLevel} is not an IMSM level`;
  const dataDisks = level === 5 ? n - 1 : level === 0 ? n : n / 2;
  if (level === 5 && n < 3) return `RAID5 with ${n} members`;
  const chunk = strip * SECTOR;
  if (pba * SECTOR + perMember * SECTOR > mpbStart)
    return `pba_of_lba0 ${pba} + blocks_per_member ${perMember} sectors run into the MPB (sector ${mpbStart / SECTOR}) or past the member`;
  // As mdadm's calc_component_size: num_data_stripes x strip, unless it is off by more than 1 MiB a member.
  let component = dataStripes * strip * (level === 1 || level === 10 ? 2 : 1);
  if (Math.abs(component * dataDisks - sizeSectors) > 2048 * dataDisks)
    return `num_data_stripes ${dataStripes} disagrees with the volume size ${sizeSectors} sectors (an expansion in progress?)`;
  if (component > perMember) return `num_data_stripes ${dataStripes} exceed blocks_per_member ${perMember}`;
  component = Math.floor(component / strip) * strip;
  const slots: FirmwareSlot[] = [];
  const seen = new Set<number>();
  for (let s = 0; s < n; s++) {
    const ord = dev.readUInt32LE(map + 48 + 4 * s);
    const idx = ord & 0xffffff;
    if (idx >= disks.length) return `disk_ord_tbl[${s}] names disk ${idx}, beyond the ${disks.length} disks`;
    if (seen.has(idx)) return `disk_ord_tbl names disk ${idx} twice (inconsistent disk table)`;
    if ((ord & ~(0xffffff | ORD_REBUILD)) >>> 0) return `disk_ord_tbl[${s}] has unknown flags ${hex(ord)}`;
    seen.add(idx);
    const d = disks[idx]!;
    const state =
      d.status & FAILED_DISK
        ? 'failed (IMSM disk status)'
        : ord & ORD_REBUILD
          ? 'rebuilding (IMSM_ORD_REBUILD: its data is not valid)'
          : d.status & SPARE_DISK
            ? 'spare (IMSM disk status)'
            : null;
    slots.push({ disk: d.serial, dataOffset: pba * SECTOR, state });
  }
  let unhandled: string | null = null;
  if (migrState)
    unhandled = `IMSM migration in progress (${MIGR_TYPES[migrType] ?? `migr_type ${migrType}`})`;
  else if (mapState === 1) unhandled = 'IMSM map state uninitialized (parity was never computed)';
  else if (mapState === 3) unhandled = 'IMSM map state failed';
  return {
    index,
    name,
    uuid: `${hex(family).slice(2)}:${index}`,
    level,
    layout: level === 5 ? 0 : null, // IMSM RAID5 is left-asymmetric (mdadm's imsm_level_to_layout)
    chunk,
    raidDisks: n,
    memberDataSize: component * SECTOR,
    slots,
    unhandled,
    dirty,
  };
}
