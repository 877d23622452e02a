// SNIA DDF (Common RAID Disk Data Format) metadata, as mdadm's super-ddf.c reads it: the anchor
// header in the last sector (magic 0xDE11DE11), the primary and secondary headers it points to, and
// the sections the active header locates (sector offsets from that header): physical disk records,
// virtual disk records, configuration records (one vd_config per virtual disk this disk is in) and
// this disk's own disk data (its GUID and refnum). Big-endian; every block carries a CRC32 computed
// with its crc field set to 0xffffffff.

import {
  crc32,
  type FirmwareRead,
  type FirmwareSlot,
  type FirmwareVolume,
  fieldText,
  u64,
} from './firmware-common.js';
import type { ByteReader } from './superblock-common.js';

export const DDF_MAGIC = 0xde11de11;
const SECTOR = 512;
const PHYS_MAGIC = 0x22222222;
const DATA_MAGIC = 0x33333333;
const VIRT_MAGIC = 0xdddddddd;
const VD_CONF_MAGIC = 0xeeeeeeee;
const REVISIONS = ['01.00.00', '01.02.00'];
const NONE64 = 2 ** 64 - 1;
// RLQ -> md layout, as super-ddf.c's layout_ddf2md
const RAID5_LAYOUT: Record<number, number> = { 2: 0, 0: 1, 3: 2 };
const RAID6_LAYOUT: Record<number, number> = { 2: 9, 1: 8, 3: 10 };

async function readAt(r: ByteReader, len: number, pos: number): Promise<Buffer | null> {
  if (pos < 0 || len <= 0 || pos + len > r.size) return null;
  const buf = Buffer.alloc(len);
  let got = 0;
  while (got < len) {
    const n = await r.read(buf.subarray(got), pos + got);
    if (n <= 0) return null;
    got += n;
  }
  return buf;
}

/** mdadm's calc_crc: CRC32 of the block with its crc field (bytes 4..7) taken as 0xffffffff. */
export function ddfCrc(block: Buffer): number {
  const copy = Buffer.from(block);
  copy.writeUInt32BE(0xffffffff, 4);
  return crc32(copy);
}

const crcOk = (b: Buffer): boolean => ddfCrc(b) === b.readUInt32BE(4);
const hexOf = (b: Buffer): string => b.toString('hex');

/** Reads a member's DDF metadata: null without an anchor, a problem when it does not make sense. */
export async function readDdf(r: ByteReader): Promise<FirmwareRead | null> {
  if (r.size < 4 * SECTOR) return null;
  const anchor = await readAt(r, SECTOR, r.size - SECTOR);
  if (!anchor || anchor.readUInt32BE(0) !== DDF_MAGIC) return null;
  const bad = (problem: string): FirmwareRead => ({ format: 'ddf', problem });
  if (!crcOk(anchor)) return bad(`anchor header CRC mismatch (corrupt metadata)`);
  const revision = anchor.toString('latin1', 32, 40);
  if (!REVISIONS.includes(revision)) return bad(`DDF revision '${revision}' is not one mdadm reads`);
  if (anchor.readUInt8(112) !== 0) return bad('the anchor header is not of the anchor type');
  const sectors = r.size / SECTOR;
  const header = async (lbaAt: number, type: number): Promise<Buffer | string> => {
    const lba = u64(anchor, lbaAt, true);
    if (lba === null || lba >= sectors - 1) return 'not on the member';
    const h = await readAt(r, SECTOR, lba * SECTOR);
    if (!h || h.readUInt32BE(0) !== DDF_MAGIC) return 'bad magic';
    if (!crcOk(h)) return 'CRC mismatch';
    if (
      !h.subarray(8, 40).equals(anchor.subarray(8, 40)) ||
      !h.subarray(96, 112).equals(anchor.subarray(96, 112)) ||
      h.readUInt8(112) !== type ||
      !h.subarray(113, 116).equals(anchor.subarray(113, 116))
    )
      return 'it does not match the anchor';
    return h;
  };
  // The active header, as load_ddf_headers chooses it.
  const primary = await header(96, 1);
  const secondary = anchor.readBigUInt64BE(104) === BigInt(NONE64) ? 'absent' : await header(104, 2);
  let active: Buffer | null = typeof primary === 'string' ? null : primary;
  if (typeof secondary !== 'string') {
    const sSeq = secondary.readUInt32BE(40);
    const pSeq = active?.readUInt32BE(40) ?? 0;
    if (!active || (pSeq < sSeq && !secondary[48]) || (pSeq === sSeq && active[48] && !secondary[48]))
      active = secondary;
  }
  if (!active) return bad(`no valid DDF header (primary: ${primary}; secondary: ${secondary})`);
  const base = Number(active.readBigUInt64BE(active.readUInt8(112) === 1 ? 96 : 104));
  const section = async (
    at: number,
    what: string,
    magic: number,
    crcLen?: number,
  ): Promise<Buffer | string> => {
    const off = active!.readUInt32BE(at);
    const len = active!.readUInt32BE(at + 4);
    if (len === 0 || len > 1024 * 64) return `${what} section length ${len} sectors is not plausible`;
    const b = await readAt(r, len * SECTOR, (base + off) * SECTOR);
    if (!b) return `${what} section (sector ${base + off}, ${len} sectors) is not on the member`;
    if (b.readUInt32BE(0) !== magic) return `${what} section has a bad magic`;
    if (ddfCrc(b.subarray(0, crcLen ?? b.length)) !== b.readUInt32BE(4))
      return `${what} section CRC mismatch (corrupt metadata)`;
    return b;
  };
  const phys = await section(200, 'physical disk', PHYS_MAGIC);
  if (typeof phys === 'string') return bad(phys);
  const virt = await section(208, 'virtual disk', VIRT_MAGIC);
  if (typeof virt === 'string') return bad(virt);
  const data = await section(224, 'disk data', DATA_MAGIC, SECTOR);
  if (typeof data === 'string') return bad(data);
  const maxPd = active.readUInt16BE(128);
  const maxVd = active.readUInt16BE(130);
  const recLen = active.readUInt16BE(134);
  const mppe = active.readUInt16BE(136);
  if (64 + 64 * maxPd > phys.length)
    return bad(`max_pd_entries ${maxPd} do not fit in the physical disk section`);
  if (64 + 64 * maxVd > virt.length)
    return bad(`max_vd_entries ${maxVd} do not fit in the virtual disk section`);
  if (recLen === 0 || 512 + 12 * mppe > recLen * SECTOR)
    return bad(`config_record_len ${recLen} cannot hold ${mppe} entries`);
  // Physical disks: refnum -> record
  const disks = new Map<number, { guid: string; state: number; configSize: number | null }>();
  for (let i = 0; i < maxPd; i++) {
    const e = phys.subarray(64 + 64 * i, 128 + 64 * i);
    if (e.subarray(0, 24).every((b) => b === 0xff)) continue;
    const refnum = e.readUInt32BE(24);
    if (refnum === 0xffffffff) continue;
    if (disks.has(refnum))
      return bad(`physical disk refnum ${hex8(refnum)} is listed twice (inconsistent disk table)`);
    disks.set(refnum, {
      guid: hexOf(e.subarray(0, 24)),
      state: e.readUInt16BE(30),
      configSize: u64(e, 32, true),
    });
  }
  const selfGuid = hexOf(data.subarray(8, 32));
  const selfRef = data.readUInt32BE(32);
  const me = disks.get(selfRef);
  if (!me || me.guid !== selfGuid)
    return bad(
      `this disk (refnum ${hex8(selfRef)}) is not in the physical disk records (inconsistent disk table)`,
    );
  const confOff = active.readUInt32BE(216);
  const confLen = active.readUInt32BE(220);
  const confBuf = await readAt(r, confLen * SECTOR, (base + confOff) * SECTOR);
  if (!confBuf || confLen === 0) return bad('the configuration section is not on the member');
  const volumes: FirmwareVolume[] = [];
  const seqs: number[] = [];
  for (let at = 0; at + recLen <= confLen; at += recLen) {
    const vd = confBuf.subarray(at * SECTOR, (at + recLen) * SECTOR);
    const magic = vd.readUInt32BE(0);
    // spare assignment and vendor-unique records hold no volume; anything else is unused space
    if (magic !== VD_CONF_MAGIC) continue;
    if (!crcOk(vd)) return bad(`configuration record ${at / recLen} CRC mismatch (corrupt metadata)`);
    const guid = hexOf(vd.subarray(8, 32));
    let entry = -1;
    for (let i = 0; i < maxVd; i++) if (hexOf(virt.subarray(64 + 64 * i, 88 + 64 * i)) === guid) entry = i;
    if (entry < 0)
      return bad(`configuration record ${at / recLen} names a virtual disk not in the virtual disk records`);
    const v = parseConfig(vd, virt.subarray(64 + 64 * entry, 128 + 64 * entry), entry, mppe, disks, sectors);
    if (typeof v === 'string') return bad(`virtual disk ${entry}: ${v}`);
    const twin = volumes.findIndex((x) => x.uuid === v.uuid);
    if (twin >= 0) {
      if (vd.readUInt32BE(36) <= seqs[twin]!) continue;
      volumes.splice(twin, 1);
      seqs.splice(twin, 1);
    }
    seqs.push(vd.readUInt32BE(36));
    volumes.push(v);
  }
  return {
    meta: {
      format: 'ddf',
      container: hexOf(active.subarray(8, 32)),
      generation: active.readUInt32BE(40),
      self: hex8(selfRef),
      disks: [...disks.keys()].map(hex8),
      volumes,
    },
  };
}

const hex8 = (n: number): string => n.toString(16).padStart(8, '0');

function parseConfig(
  vd: Buffer,
  ve: Buffer,
  index: number,
  mppe: number,
  disks: Map<number, { state: number; configSize: number | null }>,
  memberSectors: number,
): FirmwareVolume | string {
  const n = vd.readUInt16BE(64);
  const shift = vd.readUInt8(66);
  const prl = vd.readUInt8(67);
  const rlq = vd.readUInt8(68);
  const secCount = vd.readUInt8(69);
  const blocks = u64(vd, 72, true);
  if (n === 0 || n > mppe) return `prim_elmnt_count ${n} is outside 1..${mppe}`;
  if (shift > 16) return `chunk_shift ${shift} is not plausible`;
  if (blocks === null || blocks === 0) return 'the block count per member is not plausible';
  const name = fieldText(ve, 48, 16);
  let unhandled: string | null = null;
  if (secCount > 1) unhandled = `DDF secondary RAID level ${vd.readUInt8(71)} over ${secCount} elements`;
  const level = prl === 0x05 ? 5 : prl === 0x06 ? 6 : prl;
  const layout = level === 5 ? RAID5_LAYOUT[rlq] : level === 6 ? RAID6_LAYOUT[rlq] : undefined;
  if ((level === 5 || level === 6) && layout === undefined)
    return `RAID${level} qualifier (RLQ) ${rlq} is not a DDF layout mdadm maps`;
  const other: Record<number, string> = {
    17: 'RAID1E',
    15: 'JBOD',
    31: 'concatenation',
    21: 'RAID5E',
    37: 'RAID5EE',
  };
  if (![0, 1, 3, 4, 5, 6].includes(prl))
    unhandled = `DDF primary RAID level 0x${prl.toString(16)} (${other[prl] ?? 'unknown'})`;
  const state = ve.readUInt8(32);
  const init = ve.readUInt8(33) & 3;
  const vstate = state & 7;
  if (vstate === 2 || vstate === 3 || vstate === 4)
    unhandled = `DDF virtual disk state ${['', '', 'deleted', 'missing', 'failed'][vstate]}`;
  else if (vstate > 5) unhandled = `DDF virtual disk state ${vstate}`;
  else if (state & 0x08) unhandled = 'DDF virtual disk morphing (a migration in progress)';
  else if (init !== 2)
    unhandled = `DDF virtual disk initialisation ${init === 1 ? 'in progress' : 'never done'} (parity not computed)`;
  const slots: FirmwareSlot[] = [];
  const seen = new Set<number>();
  for (let i = 0; i < n; i++) {
    const ref = vd.readUInt32BE(512 + 4 * i);
    const lba = u64(vd, 512 + 4 * mppe + 8 * i, true);
    if (ref !== 0xffffffff && seen.has(ref))
      return `phys_refnum ${hex8(ref)} is listed twice (inconsistent disk table)`;
    seen.add(ref);
    const d = disks.get(ref);
    if (!d || ref === 0xffffffff) {
      // its lba_offset still says where a replacement's data goes (a rebuild writes there)
      slots.push({
        disk: hex8(ref),
        dataOffset: lba !== null && lba + blocks <= memberSectors ? lba * SECTOR : 0,
        state: 'missing (no physical disk recorded for the slot)',
      });
      continue;
    }
    if (
      lba === null ||
      lba + blocks > memberSectors ||
      (d.configSize !== null && lba + blocks > d.configSize)
    )
      return `slot ${i}: lba_offset ${lba} + ${blocks} blocks run into the metadata area or past the member`;
    // As mdadm's container_content_ddf: a disk serves its slot when Online and neither Failed nor
    // Rebuilding. mdadm marks failed disks Transition too; Transition alone is a state not handled.
    const st =
      d.state & 2
        ? 'failed (DDF physical disk state)'
        : d.state & 4
          ? 'rebuilding (DDF physical disk state: its data is not valid)'
          : d.state & 64
            ? 'missing (DDF physical disk state)'
            : !(d.state & 1)
              ? `not online (DDF physical disk state 0x${d.state.toString(16)})`
              : null;
    if (d.state & 0x08 && !(d.state & 2)) unhandled = `DDF physical disk ${hex8(ref)} in transition`;
    slots.push({ disk: hex8(ref), dataOffset: lba * SECTOR, state: st });
  }
  const chunk = SECTOR << shift;
  return {
    index,
    name,
    uuid: hexOf(vd.subarray(8, 32)),
    level,
    layout: layout ?? null,
    chunk,
    raidDisks: n,
    memberDataSize: Math.floor((blocks * SECTOR) / chunk) * chunk,
    slots,
    unhandled,
    dirty: (state & 0x10) !== 0,
  };
}
