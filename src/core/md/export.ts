// Exporting an md array: its logical content (what /dev/mdX shows), stripe batch by stripe batch,
// missing members reconstructed on the fly.

import { type OutputSink, openOutputs } from '../io/output.js';
import { gatherWrites } from '../io/sink.js';
import { type JobOptions, runJob } from '../jobs/run.js';
import { type MdArray, requireRecoverable } from './array.js';
import { dataChunksPerStripe, stripeMap } from './layout.js';
import { type ArrayRange, arrayInputs, presentReads, stepBytes, stripesOf } from './range.js';
import { rebuildMissingData } from './reconstruct.js';

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
  requireRecoverable(a, 'export');
  const sink =
    typeof output === 'string'
      ? (await openOutputs([output], arrayInputs(a), { force: opts.force, length: range.length }))[0]!
      : output;
  const g = a.geometry;
  const C = g.chunk;
  const m = dataChunksPerStripe(g);
  const end = range.from + range.length;
  const { s0, s1 } = stripesOf(a, range);
  const perStep = stepBytes(a, step);
  const out = gatherWrites(sink, Math.min(8 << 20, Math.max(1, range.length)));
  const missing = a.missingSlots;
  const seconds = await runJob('md export', opts, [], [sink], (s1 - s0) * C, {
    chunk: perStep,
    slots: g.raidDisks,
    reads: presentReads(a, s0),
    writes: [],
    async compute(bufs, len, pos) {
      const count = len / C;
      const first = s0 + pos / C;
      await rebuildMissingData(g, missing, bufs as Buffer[], first, count, C, 'md export');
      // Data chunks in array order, each clipped to [from, end), gathered into large writes.
      for (let i = 0; i < count; i++) {
        const map = stripeMap(g, first + i);
        for (let k = 0; k < m; k++) {
          const at = ((first + i) * m + k) * C;
          const lo = Math.max(range.from, at);
          const hi = Math.min(end, at + C);
          if (hi > lo)
            await out.write(bufs[map.dataSlots[k]!]!.subarray(i * C + lo - at), hi - lo, lo - range.from);
        }
      }
      await out.flush();
    },
  });
  return { bytes: range.length, from: range.from, seconds };
}
