// Exporting an md array: its logical content (what /dev/mdX shows), stripe batch by stripe batch,
// missing members reconstructed on the fly, unreadable bytes of present ones too where the parity
// left allows (DESIGN "Damaged members"); bytes beyond repair are zero, listed and mapped.

import { statfsSync } from 'node:fs';
import type { OutPart } from '../../native/loader.js';
import type { DamageReport } from '../damage/damage.js';
import type { InputMember } from '../io/members.js';
import { type OutputSink, openOutputs } from '../io/output.js';
import { openResume, type ResumeSession } from '../io/resume.js';
import { gatherWrites } from '../io/sink.js';
import { type JobOptions, runJob } from '../jobs/run.js';
import { type MdArray, requireRecoverable } from './array.js';
import {
  DamageLog,
  damageReport,
  MD_READ_AROUND,
  type MdDamageOptions,
  type ReadArea,
  readArea,
} from './damage.js';
import { dataChunksPerStripe, stripeMap } from './layout.js';
import { type ArrayRange, arrayInputs, presentReads, slotLabel, stepBytes } from './range.js';
import { decodeStripes } from './reconstruct.js';
import { inRange, stripeSpan } from './reshape.js';

export interface MdExportResult {
  /** array bytes written */
  bytes: number;
  from: number;
  seconds: number;
  /** unreadable, recovered and lost ranges (array coordinates for the latter two) */
  damage: DamageReport;
}

/**
 * Writes array range `range` to `output`: a path (an atomic whole output) or a sink the caller
 * owns (e.g. a pipe). `step` is bytes per member per step, or null for the default.
 */
export async function exportArray(
  a: MdArray,
  range: ArrayRange,
  output: string | OutputSink,
  step: number | null,
  opts: JobOptions,
  dmg: MdDamageOptions = MD_READ_AROUND,
): Promise<MdExportResult> {
  // A part beyond repair is refused by name; the parts that are not can be exported with --from/--length.
  const regions = inRange(a, range, (v, where) => requireRecoverable(v, 'export', where));
  // --resume (file outputs only): a position is a region and a stream offset in it.
  const resume =
    typeof output === 'string'
      ? await openResume(opts.resume, [output], arrayInputs(a), a.geometry, opts.signal)
      : null;
  const log = new DamageLog('md export: array', dmg.strict);
  resume?.carry('damage', log.carried());
  const sink =
    typeof output === 'string'
      ? (await openOutputs([output], arrayInputs(a), { force: opts.force, length: range.length, resume }))[0]!
      : output;
  // Small chunks are gathered (1 MiB stays in the CPU caches); whole chunks of 128 KiB or more are
  // written as they are.
  const out = gatherWrites(sink, Math.min(1 << 20, Math.max(1, range.length)), 128 << 10);
  const read: ReadArea[] = [];
  let seconds = 0;
  for (const [i, r] of regions.entries()) {
    const last = i === regions.length - 1;
    // The output is committed once, by the last region's job; an earlier failure aborts it here.
    try {
      seconds += await exportRegion(
        r.array,
        { from: r.from, to: r.to },
        range.from,
        out,
        step,
        opts,
        last ? [sink] : [],
        { session: resume, part: i },
        { dmg, log, read, sink },
      );
    } catch (err) {
      if (!last) await sink.abort();
      throw err;
    }
  }
  return { bytes: range.length, from: range.from, seconds, damage: damageReport(log, read) };
}

/** Exports array bytes [span.from, span.to) of one geometry; output offsets count from `base`. */
async function exportRegion(
  a: MdArray,
  span: { from: number; to: number },
  base: number,
  out: ReturnType<typeof gatherWrites>,
  step: number | null,
  opts: JobOptions,
  outputs: OutputSink[],
  resume: { session: ResumeSession | null; part: number },
  d: { dmg: MdDamageOptions; log: DamageLog; read: ReadArea[]; sink: OutputSink },
): Promise<number> {
  const g = a.geometry;
  const C = g.chunk;
  const m = dataChunksPerStripe(g);
  const { s0, s1 } = stripeSpan(g, span.from, span.to);
  const perStep = stepBytes(a, step);
  const missing = a.missingSlots;
  const reads = presentReads(a, s0);
  for (const r of reads) d.read.push(readArea(r.member, (s1 - s0) * C));
  // The array-order writes of a step run in the stream's write phase (as an output of slot 0), so
  // that the next step's reconstruction overlaps them; `steps` holds each step's buffers until then,
  // and which slots read clean (all of the step).
  const steps = new Map<number, { bufs: (Buffer | null)[]; clean: boolean[] }>();
  const splice = d.sink.writeParts ? spliceSources(reads) : [];
  const arrayOrder: OutputSink = {
    label: 'array',
    async write(_slot, len, pos) {
      const { bufs, clean } = steps.get(pos)!;
      steps.delete(pos);
      const count = len / C;
      const first = s0 + pos / C;
      const parts: OutPart[] = [];
      let partsAt = 0; // output offset of parts[0]
      // Data chunks in array order, each clipped to the span (small ones gathered into large writes).
      for (let i = 0; i < count; i++) {
        const map = stripeMap(g, first + i);
        for (let k = 0; k < m; k++) {
          const at = ((first + i) * m + k) * C;
          const lo = Math.max(span.from, at);
          const hi = Math.min(span.to, at + C);
          if (hi <= lo) continue;
          const slot = map.dataSlots[k]!;
          const from = i * C + lo - at; // in the step's buffers, and member bytes past `pos`
          const part = bufs[slot]!.subarray(from, from + hi - lo);
          if (!d.sink.writeParts) {
            await out.write(part, hi - lo, lo - base);
            continue;
          }
          if (parts.length === 0) partsAt = lo - base;
          const src = clean[slot] && hi - lo >= SPLICE_MIN ? splice[slot] : undefined;
          parts.push(
            src && pos + from + hi - lo <= src.available ? [src.fd, src.start + pos + from, hi - lo] : part,
          );
        }
      }
      if (parts.length > 0) await d.sink.writeParts!(parts, partsAt);
      await out.flush();
    },
    commit: async () => undefined,
    abort: async () => undefined,
  };
  return runJob('md export', opts, [], outputs, (s1 - s0) * C, {
    chunk: perStep,
    slots: g.raidDisks,
    reads,
    writes: [{ slot: 0, out: arrayOrder }],
    readPolicy: d.dmg.policy,
    async compute(bufs, len, pos, bad) {
      const count = len / C;
      const first = s0 + pos / C;
      await decodeStripes(g, missing, bufs as Buffer[], first, count, C, 'md export', {
        bad,
        want: 'data',
        parity: false,
        onEvent(e) {
          // the event's chunk in array bytes, clipped to the span
          const stripe = first + e.i;
          const at = (stripe * m + stripeMap(g, stripe).dataSlots.indexOf(e.slot)) * C;
          const lo = Math.max(span.from, at + e.lo);
          const hi = Math.min(span.to, at + e.hi);
          d.log.add(
            e.lost,
            lo,
            hi - lo,
            e.unreadable.map((s) => slotLabel(a, s)),
          );
        },
      });
      steps.set(pos, { bufs, clean: bad.map((b) => b === null || b.length === 0) });
    },
    resume,
  });
}

/** Pieces shorter than this are written from the step's buffers: a splice each would cost more. */
const SPLICE_MIN = 16 * 1024;

/**
 * Filesystems (statfs f_type) that keep what was just read in the page cache, where a splice finds
 * it: ext2/3/4, xfs, btrfs, tmpfs, f2fs. Not FUSE or network filesystems, which may read it again.
 */
const CACHING_FS = new Set([0xef53, 0x58465342, 0x9123683e, 0x01021994, 0xf2f52010]);

/**
 * Per slot, the file a data chunk read clean may be spliced from instead of written from memory:
 * regular files on a local filesystem, read through the page cache (a direct or drop-behind member,
 * or one on FUSE or NFS, would be read again from its disk).
 */
function spliceSources(reads: { slot: number; member: InputMember }[]) {
  const by: ({ fd: number; start: number; available: number } | undefined)[] = [];
  for (const { slot, member: mm } of reads)
    if (mm.kind === 'file' && mm.handle && mm.path && !mm.direct && !mm.dropBehind && cachingFs(mm.path))
      by[slot] = { fd: mm.handle.fd, start: mm.start, available: mm.available };
  return by;
}

function cachingFs(path: string): boolean {
  try {
    return CACHING_FS.has(Number(statfsSync(path).type));
  } catch {
    return false;
  }
}
