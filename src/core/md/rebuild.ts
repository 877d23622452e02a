// Rebuilding missing members of an md array as whole member images: the data area at the data
// offset of the member whose superblock the image copies, that superblock made over for the slot,
// and holes (not written zeros) everywhere else. A present slot asked for is healed instead: a copy
// of that member whose unreadable data-area bytes are recomputed from parity (DESIGN "Damaged
// members"); what is beyond repair is zero, listed in member bytes and mapped.

import { randomBytes } from 'node:crypto';
import type { DamageReport } from '../damage/damage.js';
import { type Extent, gaps, normalize } from '../damage/extents.js';
import { readMemberDamaged } from '../damage/read.js';
import { FieldError } from '../field-error.js';
import type { InputMember } from '../io/members.js';
import type { OutputSink } from '../io/output.js';
import { openOutputs } from '../io/output.js';
import { openResume } from '../io/resume.js';
import { type JobOptions, runJob } from '../jobs/run.js';
import { type ArrayMember, type MdArray, requireRecoverable } from './array.js';
import {
  DamageLog,
  damageReport,
  MD_READ_AROUND,
  type MdDamageOptions,
  type ReadArea,
  readArea,
} from './damage.js';
import { arrayInputs, presentReads, slotLabel, stepBytes } from './range.js';
import { decodeStripes } from './reconstruct.js';
import { arrayRegions, stripeSpan } from './reshape.js';
import { type RebuiltSuperblock, rebuildSuperblock } from './superblock.js';

export interface RebuildTarget {
  slot: number;
  path: string;
  /** how the caller spelled it, for messages */
  text: string;
}

export interface MdRebuildResult {
  slots: number[];
  /** which targets got a superblock */
  withSuperblock: boolean[];
  /** bytes of each member's data area rebuilt */
  bytes: number;
  /** size of a rebuilt image */
  imageBytes: number;
  /** size of each target's image (a healed one: its member's) */
  sizes: number[];
  /** where the data area starts in each image */
  dataOffset: number;
  seconds: number;
  /** which targets were present members, healed (a copy with their unreadable bytes recomputed) */
  healed: boolean[];
  /** per target: the unreadable ranges read for it, its recovered and lost ones in its member bytes */
  damage: DamageReport[];
}

/** Refuses targets outside the array (or one slot twice). A present slot is healed. */
function checkTargets(a: MdArray, targets: RebuildTarget[]): void {
  const n = a.geometry.raidDisks;
  const seen = new Set<number>();
  for (const t of targets) {
    if (t.slot >= n) {
      throw new FieldError(
        'output',
        (f) => `md rebuild: ${f} '${t.text}': slot ${t.slot} is outside 0..${n - 1}`,
      );
    }
    if (seen.has(t.slot)) throw new FieldError('output', () => `md rebuild: slot ${t.slot} given twice`);
    seen.add(t.slot);
  }
}

/**
 * Rebuilds the members of `targets` into whole member images: a missing slot from parity (with
 * `dataOnly`, no superblock is written; the image still has the data area at its data offset); a
 * present slot as a healed copy of its member (every byte copied, unreadable data-area bytes
 * recomputed; its own superblock, data offset and size kept).
 */
export async function rebuildMembers(
  a: MdArray,
  targets: RebuildTarget[],
  dataOnly: boolean,
  step: number | null,
  opts: JobOptions,
  dmg: MdDamageOptions = MD_READ_AROUND,
): Promise<MdRebuildResult> {
  const slots = targets.map((t) => t.slot);
  const healing = targets.map((t) => a.bySlot[t.slot] ?? null);
  const gone = slots.filter((_, i) => !healing[i]);
  // Each part of the array (two mid-reshape) is rebuilt in its geometry, at its data offset.
  const areas = arrayRegions(a, gone).map((r) => {
    requireRecoverable(
      r.array,
      'rebuild',
      r.to > r.from && (r.from > 0 || r.to < a.arrayBytes) ? ` in array bytes ${r.from}..${r.to}` : '',
    );
    const g = r.array.geometry;
    const span = stripeSpan(g, r.from, r.to);
    // where each target keeps this part: a healed member at its own data offset for the geometry
    const start = r.array.rebuildDataOffset + span.s0 * g.chunk;
    const startOf = (slot: number): number =>
      r.array.bySlot[slot] ? r.array.bySlot[slot].dataOffset + span.s0 * g.chunk : start;
    return { view: r.array, ...span, start, startOf, length: (span.s1 - span.s0) * g.chunk };
  });
  checkTargets(a, targets);
  // The image copies the peer's superblock, so it takes the peer's data offsets too.
  const peerMember = a.peerMember;
  const dataOffset = a.rebuildDataOffset;
  const dataBytes = areas.reduce((n, x) => n + x.length, 0);
  const dataEnd = Math.max(...areas.map((x) => x.start + x.length));
  const rebuiltBytes = Math.max(peerMember ? peerMember.input.available : dataEnd, dataEnd);
  const sizes = healing.map((m) => (m ? m.input.available : rebuiltBytes));
  const paths = targets.map((t) => t.path);
  // --resume: the metadata below is written again (same bytes, same device UUIDs); each area is one part.
  const resume = await openResume(opts.resume, paths, arrayInputs(a), a.geometry, opts.signal);
  const uuids = resume?.constant('deviceUuids', () => targets.map(() => randomBytes(16).toString('hex')));
  const supers: (RebuiltSuperblock | null)[] = targets.map((t, i) =>
    a.peer && !dataOnly && !healing[i]
      ? rebuildSuperblock(a.peer, t.slot, uuids ? Buffer.from(uuids[i]!, 'hex') : randomBytes(16))
      : null,
  );
  const logs = targets.map((t) => new DamageLog(`md rebuild: '${t.path}'`, dmg.strict));
  logs.forEach((log, i) => resume?.carry(`damage ${i}`, log.carried()));
  const outs = await openOutputs(paths, arrayInputs(a), {
    force: opts.force,
    length: Math.max(...sizes),
    resume,
  });
  const read: ReadArea[] = [];
  const readFor: ReadArea[][] = targets.map(() => []);
  try {
    // Metadata first: the image's size (holes outside the data areas), bad-block logs, superblocks;
    // a healed member's bytes outside its data areas are copied.
    for (const [i, out] of outs.entries()) {
      const slot = slots[i]!;
      const inside = areas
        .filter((x) => slot < x.view.geometry.raidDisks)
        .map((x) => ({ offset: x.startOf(slot), length: x.length }));
      const outside = gaps(normalize(inside), sizes[i]!);
      const healed = healing[i];
      for (const e of outside) {
        if (healed) await copyAround(healed, out, e, dmg, logs[i]!, readFor[i]!);
        else await zeroRange(out, e.offset, e.offset + e.length);
      }
      const sb = supers[i];
      if (!sb) continue;
      for (const f of sb.fills) await out.write(Buffer.alloc(f.length, f.value), f.length, f.offset);
      await out.write(sb.bytes, sb.bytes.length, sb.offset);
    }
    let seconds = 0;
    for (const [part, x] of areas.entries()) {
      const g = x.view.geometry;
      const C = g.chunk;
      const mine = targets.flatMap((t, i) => (t.slot < g.raidDisks ? [{ slot: t.slot, i }] : []));
      const writes = mine.map(({ slot, i }) => ({ slot, out: at(outs[i]!, x.startOf(slot)) }));
      if (writes.length === 0) continue;
      const want = mine.map((t) => t.slot);
      const reads = presentReads(x.view, x.s0);
      for (const r of reads) read.push(readArea(r.member, x.length));
      seconds += await runJob('md rebuild', opts, [], [], x.length, {
        chunk: stepBytes(x.view, step),
        slots: g.raidDisks,
        reads,
        writes,
        readPolicy: dmg.policy,
        async compute(bufs, len, pos, bad) {
          await decodeStripes(
            g,
            x.view.missingSlots,
            bufs as Buffer[],
            x.s0 + pos / C,
            len / C,
            C,
            'md rebuild',
            {
              bad,
              want,
              parity: true,
              onEvent(e) {
                const off = x.startOf(e.slot) + pos + e.i * C;
                const log = logs[mine.find((t) => t.slot === e.slot)!.i]!;
                log.add(
                  e.lost,
                  off + e.lo,
                  e.hi - e.lo,
                  e.unreadable.map((s) => slotLabel(x.view, s)),
                );
              },
            },
          );
        },
        resume: { session: resume, part },
      });
    }
    // Flush every output before publishing any: a failed fsync of one commits none of them.
    for (const out of outs) await out.flush?.();
    for (const out of outs) await out.commit();
    return {
      slots,
      withSuperblock: supers.map((s) => s !== null),
      bytes: dataBytes,
      imageBytes: rebuiltBytes,
      sizes,
      dataOffset,
      seconds,
      healed: healing.map((m) => m !== null),
      // every report lists all unreadable ranges read (a healed member's copy included)
      damage: logs.map((log) => damageReport(log, [...read, ...readFor.flat()])),
    };
  } catch (err) {
    await Promise.all(outs.map((o) => o.abort()));
    throw err;
  }
}

const COPY_STEP = 1 << 20;

/**
 * Copies member bytes `e` (member-relative) of a healed member to the same place of `out`, reading
 * around damage: what is unreadable there (superblock, bitmap, space outside the data) has no
 * parity, so it is lost (zero).
 */
async function copyAround(
  m: ArrayMember,
  out: OutputSink,
  e: Extent,
  dmg: MdDamageOptions,
  log: DamageLog,
  read: ReadArea[],
): Promise<void> {
  const input: InputMember = m.input;
  read.push({ input, areas: [{ offset: input.start + e.offset, length: e.length }] });
  const buf = Buffer.alloc(Math.min(COPY_STEP, e.length));
  for (let p = e.offset; p < e.offset + e.length; p += buf.length) {
    const n = Math.min(buf.length, e.offset + e.length - p);
    const bad = await readMemberDamaged(input, buf, n, p, dmg.policy);
    for (const b of bad) log.add(true, p + b.offset, b.length, [m.label]);
    await out.write(buf, n, p);
  }
}

/** `out` seen from byte `base` on. */
const at = (out: OutputSink, base: number): OutputSink => ({
  ...out,
  write: (buf, len, pos) => out.write(buf, len, base + pos),
});

const ZEROS = Buffer.alloc(1 << 20);

/** Zeros in [from, to): a hole where the output can make one, else written zeros. */
async function zeroRange(out: OutputSink, from: number, to: number): Promise<void> {
  if (to <= from) return;
  if (out.zero) return out.zero(from, to);
  for (let p = from; p < to; p += ZEROS.length) await out.write(ZEROS, Math.min(ZEROS.length, to - p), p);
}
