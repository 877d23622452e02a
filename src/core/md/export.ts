// Exporting an md array: its logical content (what /dev/mdX shows), stripe batch by stripe batch,
// missing members reconstructed on the fly.

import { type OutputSink, openOutputs } from '../io/output.js';
import { gatherWrites } from '../io/sink.js';
import { type JobOptions, runJob } from '../jobs/run.js';
import { type MdArray, requireRecoverable } from './array.js';
import { dataChunksPerStripe, stripeMap } from './layout.js';
import { type ArrayRange, arrayInputs, presentReads, stepBytes } from './range.js';
import { rebuildMissingData } from './reconstruct.js';
import { inRange, stripeSpan } from './reshape.js';

export interface MdExportResult {
  /** array bytes written */
  bytes: number;
  from: number;
  seconds: number;
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
): Promise<MdExportResult> {
  // A part beyond repair is refused by name; the parts that are not can be exported with --from/--length.
  const regions = inRange(a, range, (v, where) => requireRecoverable(v, 'export', where));
  const sink =
    typeof output === 'string'
      ? (await openOutputs([output], arrayInputs(a), { force: opts.force, length: range.length }))[0]!
      : output;
  // Small chunks are gathered (1 MiB stays in the CPU caches); whole chunks of 128 KiB or more are
  // written as they are.
  const out = gatherWrites(sink, Math.min(1 << 20, Math.max(1, range.length)), 128 << 10);
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
      );
    } catch (err) {
      if (!last) await sink.abort();
      throw err;
    }
  }
  return { bytes: range.length, from: range.from, seconds };
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
): Promise<number> {
  const g = a.geometry;
  const C = g.chunk;
  const m = dataChunksPerStripe(g);
  const { s0, s1 } = stripeSpan(g, span.from, span.to);
  const perStep = stepBytes(a, step);
  const missing = a.missingSlots;
  // The array-order writes of a step run in the stream's write phase (as an output of slot 0), so
  // that the next step's reconstruction overlaps them; `steps` holds each step's buffers until then.
  const steps = new Map<number, (Buffer | null)[]>();
  const arrayOrder: OutputSink = {
    label: 'array',
    async write(_slot, len, pos) {
      const bufs = steps.get(pos)!;
      steps.delete(pos);
      const count = len / C;
      const first = s0 + pos / C;
      // Data chunks in array order, each clipped to the span (small ones gathered into large writes).
      for (let i = 0; i < count; i++) {
        const map = stripeMap(g, first + i);
        for (let k = 0; k < m; k++) {
          const at = ((first + i) * m + k) * C;
          const lo = Math.max(span.from, at);
          const hi = Math.min(span.to, at + C);
          if (hi > lo)
            await out.write(bufs[map.dataSlots[k]!]!.subarray(i * C + lo - at), hi - lo, lo - base);
        }
      }
      await out.flush();
    },
    commit: async () => undefined,
    abort: async () => undefined,
  };
  return runJob('md export', opts, [], outputs, (s1 - s0) * C, {
    chunk: perStep,
    slots: g.raidDisks,
    reads: presentReads(a, s0),
    writes: [{ slot: 0, out: arrayOrder }],
    async compute(bufs, len, pos) {
      await rebuildMissingData(g, missing, bufs as Buffer[], s0 + pos / C, len / C, C, 'md export');
      steps.set(pos, bufs);
    },
  });
}
