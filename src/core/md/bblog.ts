// The md 1.x bad-block log (feature BAD_BLOCKS): sectors md recorded as bad on a member never hold
// valid data. They become the member's damage (source "badblocks"), read around and rebuilt from
// parity like any unreadable range (DESIGN "Damaged members"). An empty log (all entries ~0) is
// harmless; a log raidtx cannot make sense of is refused (exit 2) rather than half-trusted.

import { addDamage } from '../damage/damage.js';
import { UsageError } from '../errors.js';
import type { ArrayMember, MdArray } from './array.js';
import { recoveringMembers } from './reshape.js';
import { Feature1 } from './super1.js';

/**
 * Bad ranges a member's log lists: [first sector, sectors], device sectors from the member's start
 * (md adds data_offset before recording), decoded as super_1_load and `mdadm --examine-badblocks`
 * do: LE64 entries, count the low 10 bits, sector the high 54, both shifted by bblog_shift, an
 * all-ones entry ends the list. [] without a log.
 */
export async function badBlocksOf(m: ArrayMember): Promise<[number, number][]> {
  const sb = m.sb;
  if (!sb || !m.input.handle || !(sb.featureMap & Feature1.BAD_BLOCKS) || sb.bblog.size === 0) return [];
  const buf = Buffer.alloc(sb.bblog.size * 512);
  const at = sb.superOffset + sb.bblog.offset * 512;
  const { bytesRead } = await m.input.handle.read(buf, 0, buf.length, m.input.start + at);
  if (bytesRead < buf.length)
    refuse(m, `its bad-block log (${sb.bblog.size} sectors at byte ${at}) runs past the member's end`);
  const out: [number, number][] = [];
  for (let i = 0; i + 8 <= buf.length; i += 8) {
    const e = buf.readBigUInt64LE(i);
    if (e === 0xffffffffffffffffn) break;
    const count = Number(e & 0x3ffn) * 2 ** sb.bblog.shift;
    if (count > 0) out.push([Number(e >> 10n) * 2 ** sb.bblog.shift, count]);
  }
  return out;
}

/**
 * Adds the bad ranges of every used member's log to its damage (file coordinates: the member's
 * start plus the device sector). A range outside the member is refused: the log is not understood.
 */
export async function applyBadBlocks(a: MdArray): Promise<void> {
  const used = [...a.bySlot.filter((m): m is ArrayMember => m !== null), ...recoveringMembers(a)];
  for (const m of used) {
    const damage = m.input.damage ?? { extents: [] };
    m.input.damage = damage;
    for (const [sector, count] of await badBlocksOf(m)) {
      const offset = sector * 512;
      const length = count * 512;
      if (!Number.isSafeInteger(offset + length) || offset + length > m.input.available)
        refuse(m, `its bad-block log lists ${count} sectors at sector ${sector}, beyond the member's end`);
      addDamage(damage, { offset: m.input.start + offset, length, source: 'badblocks' });
    }
  }
}

function refuse(m: ArrayMember, what: string): never {
  throw new UsageError(
    `md: '${m.label}': ${m.sb!.metadata} superblock: ${what}; leave the member out or give it as \`missing\``,
  );
}
