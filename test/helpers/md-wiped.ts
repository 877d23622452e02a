// Copies of a kernel-made fixture as a recovery case: superblocks zeroed where mdadm looks for them,
// members renamed and shuffled, optionally one left out or one whose data area was moved.

import {
  closeSync,
  copyFileSync,
  mkdtempSync,
  openSync,
  readFileSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Fixture } from './md-fixtures.js';
import { Prng } from './prng.js';

export interface WipedCase {
  dir: string;
  /** the member arguments in shuffled order (`missing` for the one left out) */
  args: string[];
  /** true slot and data offset of each argument (null for `missing`) */
  truth: ({ slot: number; dataOffset: number } | null)[];
}

export interface WipeOptions {
  seed: number;
  missingSlot?: number;
  /** move this slot's data area `by` bytes further into the member */
  move?: { slot: number; by: number };
}

function zero(path: string, at: number, len: number): void {
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(len), 0, len, at);
  } finally {
    closeSync(fd);
  }
}

export function wipedCopy(fx: Fixture, o: WipeOptions): WipedCase {
  const dir = mkdtempSync(join(tmpdir(), 'raidtx-detect-'));
  const rnd = new Prng(o.seed);
  const m = fx.manifest;
  const entries: { arg: string; truth: { slot: number; dataOffset: number } | null }[] = [];
  for (const mem of m.members) {
    if (mem.raid_slot === o.missingSlot) {
      entries.push({ arg: 'missing', truth: null });
      continue;
    }
    const name = `disk-${rnd.u32().toString(36)}.img`;
    const path = join(dir, name);
    copyFileSync(join(fx.dir, mem.file), path);
    const superAt = (mem.super_offset_sectors ?? 8) * 512;
    zero(path, superAt, m.metadata === '0.90' ? 65536 : 4096);
    let dataOffset = mem.data_offset_bytes;
    if (o.move && o.move.slot === mem.raid_slot) {
      const img = readFileSync(path);
      const moved = Buffer.alloc(img.length + o.move.by);
      img.copy(moved, o.move.by + dataOffset, dataOffset);
      writeFileSync(path, moved);
      dataOffset += o.move.by;
    }
    entries.push({ arg: path, truth: { slot: mem.raid_slot, dataOffset } });
  }
  for (let i = entries.length - 1; i > 0; i--) {
    const j = rnd.int(i + 1);
    [entries[i], entries[j]] = [entries[j]!, entries[i]!];
  }
  return { dir, args: entries.map((e) => e.arg), truth: entries.map((e) => e.truth) };
}
