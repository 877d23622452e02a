// raidtx md export MEMBER... -o ARRAY.img|-: the array's logical content (what /dev/mdX shows),
// missing members reconstructed on the fly, stripe batch by stripe batch; --from/--length in array
// coordinates. A file output is atomic (io layer); `-o -` streams to stdout.

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { OutputSink } from '../core/io/output.js';
import { closeArray, type MdArray, requireRecoverable } from '../core/md/array.js';
import { dataChunksPerStripe, stripeMap } from '../core/md/layout.js';
import { submitStripeRebuild } from '../core/md/stripe-ops.js';
import type { CommandResult, Context, Invoke } from './lib/context.js';
import { generated, openOutputsFor, runStream } from './lib/pipeline.js';
import {
  arrayRange,
  geometryOptions,
  invokeStdout,
  type MdInput,
  openArray,
  parseMdInput,
  stepBytes,
  waitAll,
} from './md.js';
import { dataReader } from './md-check.js';

export function defineMdExport(md: Command, invoke: Invoke): void {
  geometryOptions(
    md
      .command('export')
      .description("write the array's logical content, reconstructing missing members on the fly")
      .argument(
        '<members...>',
        'member images or devices (any order with superblocks; else slot order with `missing`)',
      )
      .option('-o, --output <path>', 'the array image, or - for stdout')
      .option('--from <size>', 'array offset to start at (with the global --length: array bytes)'),
  ).action((members: string[], o: Record<string, unknown>, cmd: Command) => {
    const out = o.output as string | undefined;
    const body = (ctx: Context) =>
      runMdExport(parseMdInput(members, cmd.optsWithGlobals()), out, o.from, ctx);
    return out === '-' ? invokeStdout(cmd, body) : invoke(cmd, body);
  });
}

/** stdout as an output: sequential writes, each awaited until flushed (the buffer is reused). */
function stdoutSink(): OutputSink {
  return {
    label: '-',
    write: (buf, len) =>
      new Promise<void>((resolve, reject) => {
        process.stdout.write(buf.subarray(0, len), (err) => (err ? reject(err) : resolve()));
      }),
    commit: async () => undefined,
    abort: async () => undefined,
  };
}

export async function runMdExport(
  input: MdInput,
  output: string | undefined,
  from: unknown,
  ctx: Context,
): Promise<CommandResult> {
  if (output === undefined) throw new UsageError('md export: give -o ARRAY.img (or -o - for stdout)');
  const a = await openArray(input, ctx);
  try {
    requireRecoverable(a, 'export');
    const range = arrayRange(a, from, ctx);
    const inputs = a.members.map((m) => m.input);
    const sink =
      output === '-'
        ? stdoutSink()
        : (
            await openOutputsFor(
              inputs.filter((m) => m.handle),
              [output],
              ctx,
              range.length,
            )
          )[0]!;
    const seconds = await exportRange(a, range, sink, input.step, ctx);
    const r = generated(
      'md export',
      `array bytes ${range.from}..${range.from + range.length} -> '${output}'`,
      range.length,
      1,
      seconds,
      'pq',
      'of array data',
    );
    r.json.command = 'md export';
    r.json.from = range.from;
    r.json.missingSlots = a.missingSlots;
    return r;
  } finally {
    await closeArray(a);
  }
}

async function exportRange(
  a: MdArray,
  range: { from: number; length: number },
  sink: OutputSink,
  step: number | null,
  ctx: Context,
): Promise<number> {
  const g = a.geometry;
  const C = g.chunk;
  const m = dataChunksPerStripe(g);
  const stripeBytes = m * C;
  const end = range.from + range.length;
  const s0 = Math.floor(range.from / stripeBytes);
  const s1 = range.length === 0 ? s0 : Math.ceil(end / stripeBytes);
  const perStep = stepBytes(a, step);
  const assembled = Buffer.allocUnsafe((perStep / C) * stripeBytes);
  const present = a.bySlot.flatMap((mem, slot) => (mem ? [{ slot, mem }] : []));
  const missing = a.missingSlots;
  return runStream(
    ctx,
    'md export',
    a.members.map((x) => x.input),
    [sink],
    (s1 - s0) * C,
    {
      chunk: perStep,
      slots: g.raidDisks,
      reads: present.map(({ slot, mem }) => ({ slot, member: dataReader(mem, s0 * C) })),
      writes: [],
      async compute(bufs, len, pos) {
        const count = len / C;
        const first = s0 + pos / C;
        if (missing.length > 0) {
          const txs = [];
          for (let i = 0; i < count; i++) {
            const chunks = bufs.map((b) => b!.subarray(i * C, (i + 1) * C));
            const map = stripeMap(g, first + i);
            if (!missing.some((s) => map.dataSlots.includes(s))) continue;
            txs.push(submitStripeRebuild(g, first + i, chunks, missing, C, false).tx);
          }
          await waitAll(txs, 'md export');
        }
        for (let i = 0; i < count; i++) {
          const map = stripeMap(g, first + i);
          for (let k = 0; k < m; k++)
            bufs[map.dataSlots[k]!]!.copy(assembled, (i * m + k) * C, i * C, (i + 1) * C);
        }
        // the part of this batch inside [from, end)
        const batchStart = first * stripeBytes;
        const lo = Math.max(range.from, batchStart);
        const hi = Math.min(end, batchStart + count * stripeBytes);
        if (hi > lo) await sink.write(assembled.subarray(lo - batchStart), hi - lo, lo - range.from);
      },
    },
  );
}
