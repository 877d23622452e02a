// Damaged md members for tests: a bad-block log filled in (as md writes it: LE64 entries, sector in
// the high 54 bits, count in the low 10, both shifted right by bblog_shift, ~0 after the last), and
// the left-symmetric layout worked out from its definition (md's raid5.c), independent of src/.

import { closeSync, openSync, readSync, statSync, writeSync } from 'node:fs';
import { detect, editSuperblock, getField, superOffset } from './md-superblock-editor.js';

/** A bad range in device sectors of the member (md adds data_offset before recording). */
export interface BadSectors {
  sector: number;
  count: number;
}

/**
 * Writes `ranges` into the bad-block log of 1.x member `path` and sets feature BAD_BLOCKS and
 * bblog_shift (checksum fixed). Sectors and counts must be multiples of 2^shift, counts < 1024 units.
 */
export function writeBadBlocks(path: string, ranges: readonly BadSectors[], shift = 0): void {
  const kind = detect(path);
  if (!kind || kind === '0.90') throw new Error(`${path}: not a 1.x member`);
  const at = superOffset(kind, statSync(path).size);
  const fd = openSync(path, 'r+');
  try {
    const sb = Buffer.alloc(4096);
    readSync(fd, sb, 0, sb.length, at);
    const logAt = at + Number(getField(kind, sb, 'bblog_offset')) * 512;
    const size = Number(getField(kind, sb, 'bblog_size')) * 512;
    const log = Buffer.alloc(size, 0xff);
    ranges.forEach((r, i) => {
      const unit = 2 ** shift;
      if (r.sector % unit || r.count % unit || r.count / unit >= 1024) throw new Error('bad range for shift');
      log.writeBigUInt64LE((BigInt(r.sector / unit) << 10n) | BigInt(r.count / unit), i * 8);
    });
    writeSync(fd, log, 0, log.length, logAt);
    const features = Number(getField(kind, sb, 'feature_map'));
    closeSync(fd);
    editSuperblock(path, { feature_map: features | 8, bblog_shift: shift }, kind);
  } catch (err) {
    try {
      closeSync(fd);
    } catch {
      // already closed
    }
    throw err;
  }
}

/** md's left-symmetric layout (RAID5 ALGORITHM_LEFT_SYMMETRIC; RAID6 the same with Q after P). */
export function leftSymmetric(
  level: 5 | 6,
  n: number,
  stripe: number,
): { p: number; q: number; data: number[] } {
  const p = n - 1 - (stripe % n);
  const q = level === 6 ? (p + 1) % n : -1;
  const m = n - (level === 6 ? 2 : 1);
  const first = (p + (level === 6 ? 2 : 1)) % n;
  return { p, q, data: Array.from({ length: m }, (_, k) => (first + k) % n) };
}
