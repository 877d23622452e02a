// A data offset is a per-member field that nothing else in the metadata can confirm: md trusts it.
// When the members' data offsets differ (legal, e.g. a disk replaced under another mdadm, but also
// what a corrupted data_offset looks like), raidtx checks that parity agrees at those offsets on a
// few stripes before it trusts them. Reads at most 16 stripes x 64 KiB per member.

import { IoError, UsageError } from '../errors.js';
import type { ArrayMember, MdArray } from './array.js';
import { boundedList } from './describe.js';
import { stripeMap } from './layout.js';
import { arrayRegions, stripeSpan } from './reshape.js';

const PROBE_STRIPES = 16;
const PROBE_BYTES = 65536;

async function readAt(m: ArrayMember, buf: Buffer, pos: number): Promise<void> {
  let got = 0;
  while (got < buf.length) {
    const { bytesRead } = await m.input.handle!.read(buf, got, buf.length - got, m.input.start + pos + got);
    if (bytesRead <= 0)
      throw new IoError(
        `md: '${m.label}': unexpected end of data at offset ${pos + got}`,
        m.label,
        pos + got,
      );
    got += bytesRead;
  }
}

/**
 * Refuses (exit 2) an array whose members' data offsets differ when P does not agree with the data
 * read at those offsets on sampled stripes. Stripes where a member P needs is missing are skipped;
 * with no stripe left to check, the offsets are taken as md would take them.
 */
export async function checkDataOffsets(a: MdArray): Promise<void> {
  // Mid-reshape each part is probed in its own geometry at its own offsets.
  for (const r of arrayRegions(a)) {
    const { s0, s1 } = stripeSpan(r.array.geometry, r.from, r.to);
    await probeStripes(r.array, s0, s1);
  }
}

async function probeStripes(a: MdArray, s0: number, s1: number): Promise<void> {
  const used = a.bySlot.filter((m): m is ArrayMember => m !== null);
  if (new Set(used.map((m) => m.dataOffset)).size <= 1 || s1 <= s0) return;
  const g = a.geometry;
  const len = Math.min(g.chunk, PROBE_BYTES);
  const count = Math.min(PROBE_STRIPES, s1 - s0);
  const acc = Buffer.alloc(len);
  const buf = Buffer.alloc(len);
  for (let i = 0; i < count; i++) {
    const s = s0 + (count === 1 ? 0 : Math.round((i * (s1 - s0 - 1)) / (count - 1)));
    const q = stripeMap(g, s).qSlot;
    const slots = a.bySlot.map((_, slot) => slot).filter((slot) => slot !== q);
    if (slots.some((slot) => !a.bySlot[slot])) continue;
    acc.fill(0);
    for (const slot of slots) {
      const m = a.bySlot[slot]!;
      await readAt(m, buf, m.dataOffset + s * g.chunk);
      for (let k = 0; k < len; k++) acc[k]! ^= buf[k]!;
    }
    if (acc.some((b) => b !== 0)) {
      const offsets = used.map((m) => `'${m.label}' ${m.dataOffset / 512}`);
      throw new UsageError(
        `md: the members' data_offset fields differ (${boundedList(offsets)} sectors) and parity does not agree with the data at those offsets (stripe ${s}); one data_offset is probably wrong`,
      );
    }
  }
}
