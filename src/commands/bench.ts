// raidtx bench: in-memory kernel throughput per engine and op (GB/s = data members x bytes / s).

import type { Command } from 'commander';
import { type BenchEngine, type BenchResult, benchCase } from '../core/bench.js';
import { MAX_DATA, MIN_DATA } from '../core/contract.js';
import { engineInfo } from '../core/engine.js';
import { InterruptedError, UsageError } from '../core/errors.js';
import { FieldError } from '../core/field-error.js';
import { formatSize, parsePositiveSize } from '../core/io/size.js';
import { OP_NAMES, type OpName } from '../core/op-record.js';
import { type CommandResult, type Context, collect, type Invoke } from './lib/context.js';
import { OP_COMMAND } from './lib/op-commands.js';

export interface BenchInput {
  ops: OpName[];
  disks: number;
  size: number;
  seconds: number;
  threads: number;
  kernel: string | null;
}

export function parseOps(values: string[] | undefined): OpName[] {
  if (!values || values.length === 0) return [...OP_NAMES];
  const ops: OpName[] = [];
  for (const v of values.flatMap((s) => s.split(','))) {
    // the command name (as reported), or the internal op name
    const op = OP_NAMES.find((o) => OP_COMMAND[o] === v || o === v);
    if (!op)
      throw new UsageError(
        `--op: unknown operation '${v}' (use ${OP_NAMES.map((o) => OP_COMMAND[o]).join(', ')})`,
      );
    if (!ops.includes(op as OpName)) ops.push(op as OpName);
  }
  return ops;
}

function parseCount(text: unknown, name: string, def: number, min: number, max: number): number {
  if (text === undefined) return def;
  const s = String(text);
  if (!/^[0-9]+$/.test(s) || Number(s) < min || Number(s) > max)
    throw new UsageError(`${name}: want an integer ${min}..${max}, got '${s}'`);
  return Number(s);
}

export function defineBench(program: Command, invoke: Invoke): void {
  program
    .command('bench')
    .description('in-memory kernel throughput per engine and op')
    .option('--op <name>', 'an op to time (repeatable or comma-separated; default all)', collect)
    .option('--disks <n>', 'data members (default 8)')
    .option('--size <size>', 'bytes per member (default 256K)')
    .option('--seconds <s>', 'timed seconds per op and engine (default 0.5)')
    .option('--threads <n>', 'threads running the same loop (default 1)')
    .option('--kernel <name>', 'force this native kernel (see `raidtx info`)')
    .action((o: Record<string, unknown>, cmd: Command) =>
      invoke(cmd, (ctx) => {
        const seconds = o.seconds === undefined ? 0.5 : Number(o.seconds);
        if (!(seconds > 0 && seconds <= 600))
          throw new UsageError(`--seconds: want a number in (0, 600], got '${String(o.seconds)}'`);
        return runBench(
          {
            ops: parseOps(o.op as string[] | undefined),
            disks: parseCount(o.disks, '--disks', 8, MIN_DATA, MAX_DATA),
            size: o.size === undefined ? 256 * 1024 : parsePositiveSize(String(o.size), '--size'),
            seconds,
            threads: parseCount(o.threads, '--threads', 1, 1, 256),
            kernel: (o.kernel as string | undefined) ?? null,
          },
          ctx,
        );
      }),
    );
}

export async function runBench(input: BenchInput, ctx: Context): Promise<CommandResult> {
  const native = engineInfo().engines.native.available;
  const mode = ctx.opts.engine;
  const engines: BenchEngine[] =
    mode === 'software'
      ? ['software']
      : mode === 'native'
        ? ['native']
        : native
          ? ['native', 'software']
          : ['software'];
  if (input.kernel !== null && !engines.includes('native'))
    throw new UsageError('--kernel: needs the native engine');
  const results: BenchResult[] = [];
  const progress = ctx.ui.progress('bench', false);
  try {
    let done = 0;
    const total = engines.length * input.ops.length;
    for (const engine of engines) {
      for (const op of input.ops) {
        const kernel = engine === 'native' ? input.kernel : null;
        results.push(
          await benchCase(
            { op, engine, disks: input.disks, bytes: input.size, seconds: input.seconds, kernel },
            input.threads,
          ).catch((err: unknown) => {
            // the core names the field; the command line names its option
            throw err instanceof FieldError ? new UsageError(err.render((f) => `--${f}`)) : err;
          }),
        );
        progress.update(++done, total);
        if (ctx.signal.aborted) throw new InterruptedError(String(ctx.signal.reason));
      }
    }
  } finally {
    progress.stop();
  }
  const json = {
    results: results.map((r) => ({
      op: OP_COMMAND[r.op],
      engine: r.engine,
      kernel: r.kernel,
      disks: r.disks,
      bytes: r.bytes,
      GBps: r.GBps,
      ...(input.threads > 1 ? { threads: r.threads } : {}),
    })),
  };
  const head = `${'op'.padEnd(13)} ${'engine'.padEnd(9)} ${'kernel'.padEnd(10)} ${'members'.padStart(7)} ${'size'.padStart(9)} ${'GB/s'.padStart(8)}`;
  const rows = results.map(
    (r) =>
      `${OP_COMMAND[r.op].padEnd(13)} ${r.engine.padEnd(9)} ${r.kernel.padEnd(10)} ${String(r.disks).padStart(7)} ${formatSize(r.bytes).padStart(9)} ${r.GBps.toFixed(2).padStart(8)}`,
  );
  const note = input.threads > 1 ? `\n(${input.threads} threads, GB/s summed)` : '';
  return { exitCode: 0, json, human: [ctx.ui.color.bold(head), ...rows].join('\n') + note };
}
