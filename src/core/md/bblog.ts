// The md 1.x bad-block log (feature BAD_BLOCKS): sectors md recorded as bad on a member never hold
// valid data. raidtx does not read around them yet, so a member whose log lists any is refused
// (exit 2) rather than read as if its data were good. An empty log (all entries ~0) is harmless.

import { UsageError } from '../errors.js';
import type { ArrayMember, MdArray } from './array.js';
import { recoveringMembers } from './reshape.js';
import { Feature1 } from './super1.js';

/** Bad ranges a member's log lists: [first sector, sectors] (super_1_load's decoding), or []. */
export async function badBlocksOf(m: ArrayMember): Promise<[number, number][]> {
  const sb = m.sb;
  if (!sb || !m.input.handle || !(sb.featureMap & Feature1.BAD_BLOCKS) || sb.bblog.size === 0) return [];
  const buf = Buffer.alloc(sb.bblog.size * 512);
  const at = sb.superOffset + sb.bblog.offset * 512;
  const { bytesRead } = await m.input.handle.read(buf, 0, buf.length, m.input.start + at);
  const out: [number, number][] = [];
  for (let i = 0; i + 8 <= bytesRead; i += 8) {
    const e = buf.readBigUInt64LE(i);
    if (e === 0xffffffffffffffffn) break;
    const count = Number(e & 0x3ffn) * 2 ** sb.bblog.shift;
    if (count > 0) out.push([Number(e >> 10n) * 2 ** sb.bblog.shift, count]);
  }
  return out;
}

/** Refuses (exit 2) an array one of whose used members records bad blocks. */
export async function refuseBadBlocks(a: MdArray): Promise<void> {
  const used = [...a.bySlot.filter((m): m is ArrayMember => m !== null), ...recoveringMembers(a)];
  for (const m of used) {
    const bad = await badBlocksOf(m);
    if (bad.length === 0) continue;
    const [sector, count] = bad[0]!;
    throw new UsageError(
      `md: '${m.label}': ${m.sb!.metadata} superblock: its bad-block log lists ${bad.length} bad range(s) (first: ${count} sectors at sector ${sector}); md never wrote valid data there and raidtx does not read around them yet: leave the member out or give it as \`missing\``,
    );
  }
}
