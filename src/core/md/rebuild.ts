// Rebuilding missing members of an md array as whole member images: the data area at the data
// offset of the member whose superblock the image copies, that superblock made over for the slot,
// and holes (not written zeros) everywhere else.

import { randomBytes } from 'node:crypto';
import { FieldError } from '../field-error.js';
import type { OutputSink } from '../io/output.js';
import { openOutputs } from '../io/output.js';
import { openResume } from '../io/resume.js';
import { awaitChain } from '../jobs/chain.js';
import { type JobOptions, runJob } from '../jobs/run.js';
import { type MdArray, requireRecoverable } from './array.js';
import { arrayInputs, presentReads, stepBytes } from './range.js';
import { arrayRegions, stripeSpan } from './reshape.js';
import { submitStripeRebuild } from './stripe-ops.js';
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
  /** size of each image */
  imageBytes: number;
  /** where the data area starts in each image */
  dataOffset: number;
  seconds: number;
}

/** Refuses targets that name no missing slot (or one slot twice). */
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
    const present = a.bySlot[t.slot];
    if (present) {
      throw new FieldError(
        'output',
        () =>
          `md rebuild: slot ${t.slot} is present ('${present.label}'); leave that member out to rebuild it`,
      );
    }
    if (seen.has(t.slot)) throw new FieldError('output', () => `md rebuild: slot ${t.slot} given twice`);
    seen.add(t.slot);
  }
}

/**
 * Rebuilds the members of `targets` (missing slots) into whole member images; with `dataOnly`, no
 * superblock is written (the image still has the data area at its data offset).
 */
export async function rebuildMembers(
  a: MdArray,
  targets: RebuildTarget[],
  dataOnly: boolean,
  step: number | null,
  opts: JobOptions,
): Promise<MdRebuildResult> {
  const slots = targets.map((t) => t.slot);
  // Each part of the array (two mid-reshape) is rebuilt in its geometry, at its data offset.
  const areas = arrayRegions(a, slots).map((r) => {
    requireRecoverable(
      r.array,
      'rebuild',
      r.to > r.from && (r.from > 0 || r.to < a.arrayBytes) ? ` in array bytes ${r.from}..${r.to}` : '',
    );
    const g = r.array.geometry;
    const span = stripeSpan(g, r.from, r.to);
    const start = r.array.rebuildDataOffset + span.s0 * g.chunk;
    return { view: r.array, ...span, start, end: r.array.rebuildDataOffset + span.s1 * g.chunk };
  });
  checkTargets(a, targets);
  // The image copies the peer's superblock, so it takes the peer's data offsets too.
  const peerMember = a.peerMember;
  const dataOffset = a.rebuildDataOffset;
  const dataBytes = areas.reduce((n, x) => n + x.end - x.start, 0);
  const dataEnd = Math.max(...areas.map((x) => x.end));
  const imageBytes = Math.max(peerMember ? peerMember.input.available : dataEnd, dataEnd);
  const paths = targets.map((t) => t.path);
  // --resume: the metadata below is written again (same bytes, same device UUIDs); each area is one part.
  const resume = await openResume(opts.resume, paths, arrayInputs(a), a.geometry, opts.signal);
  const uuids = resume?.constant('deviceUuids', () => targets.map(() => randomBytes(16).toString('hex')));
  const supers: (RebuiltSuperblock | null)[] = targets.map((t, i) =>
    a.peer && !dataOnly
      ? rebuildSuperblock(a.peer, t.slot, uuids ? Buffer.from(uuids[i]!, 'hex') : randomBytes(16))
      : null,
  );
  const outs = await openOutputs(paths, arrayInputs(a), { force: opts.force, length: imageBytes, resume });
  try {
    // Metadata first: the image's size (holes outside the data areas), bad-block logs, superblocks.
    const sorted = [...areas].sort((x, y) => x.start - y.start);
    for (const [i, out] of outs.entries()) {
      let at = 0;
      for (const x of sorted) {
        await zeroRange(out, at, x.start);
        at = Math.max(at, x.end);
      }
      await zeroRange(out, at, imageBytes);
      const sb = supers[i];
      if (!sb) continue;
      for (const f of sb.fills) await out.write(Buffer.alloc(f.length, f.value), f.length, f.offset);
      await out.write(sb.bytes, sb.bytes.length, sb.offset);
    }
    let seconds = 0;
    for (const [part, x] of areas.entries()) {
      const g = x.view.geometry;
      const C = g.chunk;
      const writes = targets.flatMap((t, i) =>
        t.slot < g.raidDisks ? [{ slot: t.slot, out: at(outs[i]!, x.start) }] : [],
      );
      if (writes.length === 0) continue;
      seconds += await runJob('md rebuild', opts, [], [], (x.s1 - x.s0) * C, {
        chunk: stepBytes(x.view, step),
        slots: g.raidDisks,
        reads: presentReads(x.view, x.s0),
        writes,
        async compute(bufs, len, pos) {
          const txs = [];
          for (let i = 0; i < len / C; i++) {
            const chunks = bufs.map((b) => b!.subarray(i * C, (i + 1) * C));
            txs.push(submitStripeRebuild(g, x.s0 + pos / C + i, chunks, x.view.missingSlots, C, true).tx);
          }
          await awaitChain(txs, 'md rebuild');
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
      imageBytes,
      dataOffset,
      seconds,
    };
  } catch (err) {
    await Promise.all(outs.map((o) => o.abort()));
    throw err;
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
