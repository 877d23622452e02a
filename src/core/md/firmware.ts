// Assembling a volume of a firmware RAID container (Intel IMSM, SNIA DDF) from members that carry no
// md superblock: read each member's metadata (imsm.ts, ddf.ts; corrupt metadata refused), check that
// they describe one container, take the freshest copy, choose the volume, and give each member the
// slot the metadata assigns it (never the command-line order). States not handled are refused.

import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { UsageError } from '../errors.js';
import { FieldError } from '../field-error.js';
import type { ArrayMember, ExplicitGeometry, MdArray } from './array.js';
import { readDdf } from './ddf.js';
import { boundedList } from './describe.js';
import type { FirmwareMetadata, FirmwareRead, FirmwareVolume } from './firmware-common.js';
import { readImsm } from './imsm.js';
import { layoutName, layoutNumber, type MdGeometry, validateGeometry } from './layout.js';
import { fileReader } from './superblock.js';

export interface FirmwareOptions {
  /** volume index or name (`--volume`); required when the container holds several */
  volume?: string;
  /** IMSM: each member's drive serial, keyed by the member as given (or its file name) */
  serials?: Record<string, string>;
  /** 'imsm' or 'ddf': read that format only, and require it */
  metadata?: string;
  includeStale: boolean;
  explicit: ExplicitGeometry;
}

export interface FirmwareAssembly {
  geometry: MdGeometry;
  bySlot: (ArrayMember | null)[];
  stale: ArrayMember[];
  memberDataSize: number;
  ids: Pick<MdArray, 'metadata' | 'uuid' | 'name' | 'peer' | 'peerMember' | 'rebuildDataOffset' | 'dirty'>;
}

const names = (ms: { label: string }[]): string => boundedList(ms.map((m) => `'${m.label}'`));

/** Reads a member's firmware metadata: IMSM first (as mdadm's guess order), then DDF; null if none. */
export async function readFirmware(m: ArrayMember, only?: string): Promise<FirmwareRead | null> {
  const r = fileReader(m.input.handle!, m.input.available, m.input.start);
  if (only === 'ddf') return readDdf(r);
  return (await readImsm(r)) ?? (only === 'imsm' ? null : await readDdf(r));
}

/**
 * The volume the members hold, or null when none of them carries firmware metadata. `real` are the
 * members given (not `missing`), none of which carries an md superblock.
 */
export async function assembleFirmware(
  real: ArrayMember[],
  opts: FirmwareOptions,
): Promise<FirmwareAssembly | null> {
  const reads = new Map<ArrayMember, FirmwareRead>();
  for (const m of real) {
    const r = await readFirmware(m, opts.metadata);
    if (r) reads.set(m, r);
  }
  if (reads.size === 0) {
    if (opts.metadata === 'imsm' || opts.metadata === 'ddf')
      throw new FieldError(
        'metadata',
        (f) =>
          `md: ${f} ${opts.metadata} given, but no member carries ${String(opts.metadata).toUpperCase()} metadata`,
      );
    return null;
  }
  const metas = new Map<ArrayMember, FirmwareMetadata>();
  for (const [m, r] of reads) {
    if ('problem' in r)
      throw new UsageError(
        `md: '${m.label}': its ${r.format.toUpperCase()} metadata is refused: ${r.problem}`,
      );
    metas.set(m, r.meta);
  }
  const none = real.filter((m) => !metas.has(m));
  const [first, ...others] = [...metas.entries()];
  const ref0 = first![1];
  if (none.length > 0)
    throw new UsageError(
      `md: ${names(none)} carry no md superblock and no ${ref0.format.toUpperCase()} metadata, unlike '${first![0].label}'`,
    );
  for (const [m, meta] of others) {
    if (meta.format !== ref0.format || meta.container !== ref0.container)
      throw new UsageError(
        `md: members of different containers: '${first![0].label}' is ${ref0.format.toUpperCase()} ${ref0.container}, '${m.label}' is ${meta.format.toUpperCase()} ${meta.container}`,
      );
  }
  const top = Math.max(...[...metas.values()].map((x) => x.generation));
  const refMember = real.find((m) => metas.get(m)!.generation === top)!;
  const ref = metas.get(refMember)!;
  // DDF keeps on each disk the configuration of the volumes it is in only: the container's volumes
  // are the union, each from the freshest member that records it (IMSM disks all record all).
  const known = new Map<string, FirmwareVolume>();
  for (const m of [...real].sort((a, b) => metas.get(b)!.generation - metas.get(a)!.generation))
    for (const v of metas.get(m)!.volumes) if (!known.has(v.uuid)) known.set(v.uuid, v);
  const all = [...known.values()].sort((a, b) => a.index - b.index);
  const vol = chooseVolume({ ...ref, volumes: all }, opts.volume);
  const fmt = ref.format.toUpperCase();
  if (vol.unhandled) throw new UsageError(`md: volume '${vol.name}': ${vol.unhandled}: not handled`);
  if ((vol.level !== 5 && vol.level !== 6) || vol.layout === null)
    throw new UsageError(
      `md: volume '${vol.name}' is ${fmt} RAID${vol.level}: raidtx md reads RAID5 and RAID6 volumes only`,
    );
  const geometry: MdGeometry = {
    level: vol.level,
    layout: vol.layout,
    chunk: vol.chunk,
    raidDisks: vol.raidDisks,
  };
  validateGeometry(geometry);
  checkExplicit(opts.explicit, geometry, vol);
  const bySlot: (ArrayMember | null)[] = new Array(vol.raidDisks).fill(null);
  const stale: ArrayMember[] = [];
  const unknown: ArrayMember[] = [];
  for (const m of real) {
    const meta = metas.get(m)!;
    const disk = meta.self ?? serialOf(m, ref.disks, opts.serials, await driveSerial(m));
    if (disk === null) {
      unknown.push(m);
      continue;
    }
    const slot = vol.slots.findIndex((s) => s.disk === disk);
    m.firmware = { format: ref.format, disk, generation: meta.generation };
    if (slot < 0) {
      m.excluded = ref.disks.includes(disk)
        ? `not a member of volume '${vol.name}' (${fmt} disk ${disk})`
        : `${fmt} disk ${disk} is not in the container's disk table`;
      continue;
    }
    m.slot = slot;
    m.dataOffset = vol.slots[slot]!.dataOffset;
    if (vol.slots[slot]!.state) m.excluded = vol.slots[slot]!.state;
    else if (meta.generation < top) {
      stale.push(m);
      if (!opts.includeStale) m.excluded = `stale (generation ${meta.generation} < ${top})`;
    }
    if (m.excluded) continue;
    const twin = bySlot[slot];
    if (twin) throw new UsageError(`md: ${names([twin, m])} both claim slot ${slot} (${fmt} disk ${disk})`);
    bySlot[slot] = m;
  }
  if (unknown.length > 0)
    throw new FieldError(
      'serials',
      (f) =>
        `md: IMSM names its disks by drive serial (${boundedList(ref.disks)}), which ${names(unknown)} do not carry: give ${f} MEMBER=SERIAL for each, or name each image after its serial`,
    );
  const missing = bySlot.findIndex((m) => !m);
  return {
    geometry,
    bySlot,
    stale,
    memberDataSize: vol.memberDataSize,
    ids: {
      metadata: ref.format,
      uuid: vol.uuid,
      name: vol.name,
      peer: null,
      peerMember: refMember,
      rebuildDataOffset: vol.slots[Math.max(missing, 0)]!.dataOffset,
      dirty: vol.dirty,
    },
  };
}

function chooseVolume(meta: FirmwareMetadata, want: string | undefined): FirmwareVolume {
  const fmt = meta.format.toUpperCase();
  const list = (): string =>
    meta.volumes.map((v) => `${v.index} '${v.name}' (RAID${v.level}, ${v.raidDisks} disks)`).join(', ');
  if (meta.volumes.length === 0)
    throw new UsageError(`md: the ${fmt} container ${meta.container} holds no volume`);
  if (want === undefined) {
    if (meta.volumes.length === 1) return meta.volumes[0]!;
    throw new FieldError(
      'volume',
      (f) => `md: the ${fmt} container holds ${meta.volumes.length} volumes: ${list()}; choose one with ${f}`,
    );
  }
  const v =
    meta.volumes.find((x) => x.name === want) ??
    (/^[0-9]+$/.test(want) ? meta.volumes.find((x) => x.index === Number(want)) : undefined);
  if (!v) throw new FieldError('volume', (f) => `md: ${f} ${want}: the ${fmt} container holds ${list()}`);
  return v;
}

/**
 * An IMSM member's serial: given explicitly, else its drive's (block devices), else the one serial its file name contains. A serial
 * may be given or matched by its last path component (mdadm without a platform records device
 * names, e.g. /dev/sdb).
 */
function serialOf(
  m: ArrayMember,
  disks: string[],
  serials: Record<string, string> | undefined,
  drive: string | null,
): string | null {
  const tail = (s: string): string => s.slice(s.lastIndexOf('/') + 1);
  const given =
    serials?.[m.label] ??
    serials?.[basename(m.label)] ??
    (drive && disks.includes(drive) ? drive : undefined);
  if (given !== undefined)
    return disks.find((s) => s === given) ?? disks.find((s) => tail(s) === given) ?? given;
  const name = basename(m.label);
  const hits = disks.map(tail).filter((s) => s.length > 0 && name.includes(s));
  const longest = hits.filter((s) => !hits.some((o) => o !== s && o.includes(s)));
  return longest.length === 1 ? disks.find((s) => tail(s) === longest[0])! : null;
}

/**
 * A block device's drive serial as mdadm's imsm_read_serial records it (NVMe controller serial, or
 * SCSI/SATA VPD page 0x80, both from sysfs): bytes above 0x20 kept, ':' as ';', the last 16. Null
 * for files and when sysfs does not tell.
 */
async function driveSerial(m: ArrayMember): Promise<string | null> {
  const id = m.input.identity;
  if (m.input.kind !== 'block' || !id) return null;
  const r = id.rdev;
  const major = Number(((r >> 8n) & 0xfffn) | ((r >> 32n) & ~0xfffn));
  const minor = Number((r & 0xffn) | ((r >> 12n) & ~0xffn));
  const dir = `/sys/dev/block/${major}:${minor}/device`;
  const raw =
    (await readFile(`${dir}/serial`).catch(() => null)) ??
    (await readFile(`${dir}/vpd_pg80`)
      .then((b) => b.subarray(4, 4 + b.readUInt16BE(2)))
      .catch(() => null));
  if (!raw) return null;
  const kept = [...raw].filter((c) => c > 0x20 && c < 0x7f).map((c) => (c === 0x3a ? 0x3b : c));
  return kept.length ? Buffer.from(kept.slice(-16)).toString('latin1') : null;
}

/** Explicit geometry options that contradict the metadata are refused. */
function checkExplicit(e: ExplicitGeometry, g: MdGeometry, vol: FirmwareVolume): void {
  const say = (field: string, given: string | number, theirs: string | number): never => {
    throw new FieldError(
      field,
      (f) =>
        `md: ${f} ${given} contradicts the metadata of volume '${vol.name}' (${theirs}); leave the option out`,
    );
  };
  if (e.level !== undefined && e.level !== g.level) say('level', e.level, g.level);
  if (e.layout !== undefined && layoutNumber(g.level, e.layout) !== g.layout)
    say('layout', e.layout, layoutName(g.level, g.layout) ?? g.layout);
  if (e.chunk !== undefined && e.chunk !== g.chunk) say('chunk', e.chunk, g.chunk);
  if (e.raidDisks !== undefined && e.raidDisks !== g.raidDisks) say('raidDisks', e.raidDisks, g.raidDisks);
  if (e.dataOffset !== undefined && vol.slots.some((s) => s.dataOffset !== e.dataOffset))
    say('dataOffset', e.dataOffset, vol.slots[0]!.dataOffset);
}
