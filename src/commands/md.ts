// raidtx md ...: the md command group (examine, check, rebuild, export) and what its commands share:
// geometry options, opening the array, and stepping over stripe batches of the members' data areas.

import { type Command, Option } from 'commander';
import type { Tx } from '../core/descriptor.js';
import { RaidtxError, UsageError } from '../core/errors.js';
import { parsePositiveSize, parseSize } from '../core/io/size.js';
import {
  type AssembleOptions,
  assembleArray,
  type ExplicitGeometry,
  type MdArray,
} from '../core/md/array.js';
import { asyncTxIssuePendingAll, DmaStatus, dmaWaitForAsyncTx, setEngine } from '../index.js';
import { type CommandResult, type Context, type Invoke, parseGlobals } from './lib/context.js';
import { parseSpecs } from './lib/pipeline.js';
import { makeUi } from './lib/ui.js';
import { defineMdCheck } from './md-check.js';
import { defineMdExamine } from './md-examine.js';
import { defineMdExport } from './md-export.js';
import { defineMdRebuild } from './md-rebuild.js';

/** Registers `raidtx md` and its subcommands. */
export function defineMd(program: Command, invoke: Invoke): void {
  const md = program
    .command('md')
    .description('Linux md RAID5/6 arrays from member images or disks: examine, check, rebuild, export');
  for (const define of [defineMdExamine, defineMdCheck, defineMdRebuild, defineMdExport]) define(md, invoke);
}

/** Options every md subcommand takes (geometry for members without superblocks, staleness, range). */
export function geometryOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--level <n>', 'without superblocks: RAID level (5 or 6)'))
    .addOption(new Option('--layout <name>', 'without superblocks: md layout name (e.g. left-symmetric)'))
    .addOption(new Option('--raid-disks <n>', 'without superblocks: number of members'))
    .addOption(new Option('--data-offset <size>', 'without superblocks: where data starts on each member'))
    .option('--include-stale', 'use members whose events count lags the others')
    .option('--metadata <version>', 'read only superblocks of this md metadata version (0.90, 1.0, 1.1, 1.2)')
    .option('--step <size>', 'bytes per member per step (default 4M, whole chunks)');
}

export interface MdInput {
  members: string[];
  explicit: ExplicitGeometry;
  includeStale: boolean;
  step: number | null;
  /** --metadata: the superblock version to use (several on a member) */
  metadata?: string;
}

/**
 * Reads the md options. The global `--chunk` is the md chunk size here (explicit geometry), and
 * `--length` with `--from` are array coordinates.
 */
export function parseMdInput(members: string[], o: Record<string, unknown>): MdInput {
  const int = (name: string, v: unknown): number | undefined => {
    if (v === undefined) return undefined;
    if (!/^[0-9]+$/.test(String(v))) throw new UsageError(`--${name}: want an integer, got '${String(v)}'`);
    return Number(v);
  };
  const explicit: ExplicitGeometry = {};
  const level = int('level', o.level);
  if (level !== undefined) explicit.level = level;
  if (o.layout !== undefined) explicit.layout = String(o.layout);
  const disks = int('raid-disks', o.raidDisks);
  if (disks !== undefined) explicit.raidDisks = disks;
  if (o.chunk !== undefined) explicit.chunk = parsePositiveSize(String(o.chunk), '--chunk');
  if (o.dataOffset !== undefined) explicit.dataOffset = parseSize(String(o.dataOffset), '--data-offset');
  if (members.length === 0) throw new UsageError('md: give the members');
  return {
    members,
    explicit,
    includeStale: Boolean(o.includeStale),
    step: o.step === undefined ? null : parsePositiveSize(String(o.step), '--step'),
    ...(o.metadata === undefined ? {} : { metadata: String(o.metadata) }),
  };
}

/** Opens the array (members read-only). */
export function openArray(input: MdInput, ctx: Context): Promise<MdArray> {
  const opts: AssembleOptions = {
    explicit: input.explicit,
    includeStale: input.includeStale,
    offset: ctx.opts.offset,
    ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
  };
  return assembleArray(parseSpecs(input.members, { missing: true }), opts);
}

/** Bytes per member per step: whole chunks, about `step` (default 4 MiB). */
export function stepBytes(a: MdArray, step: number | null): number {
  const c = a.geometry.chunk;
  return Math.max(c, Math.floor((step ?? 4 * 1024 * 1024) / c) * c);
}

/** Array range [from, from + length) (defaults: the whole array), checked against the array size. */
export function arrayRange(a: MdArray, from: unknown, ctx: Context): { from: number; length: number } {
  const start = from === undefined ? 0 : parseSize(String(from), '--from');
  if (start > a.arrayBytes)
    throw new UsageError(`--from ${start} is beyond the array's end (${a.arrayBytes} bytes)`);
  const length = ctx.opts.length ?? a.arrayBytes - start;
  if (start + length > a.arrayBytes) {
    throw new UsageError(
      `--from ${start} + --length ${length} is beyond the array's end (${a.arrayBytes} bytes)`,
    );
  }
  return { from: start, length };
}

/**
 * Runs a command body like the CLI's invoke but without printing the summary on stdout (for
 * `md export -o -`, whose stdout is the array): the summary goes to stderr unless --quiet.
 */
export async function invokeStdout(
  cmd: Command,
  body: (ctx: Context) => Promise<CommandResult>,
): Promise<void> {
  const opts = parseGlobals(cmd.optsWithGlobals());
  if (opts.json)
    throw new UsageError('md export: --json cannot be combined with -o - (stdout carries the array)');
  setEngine(opts.engine);
  const controller = new AbortController();
  const onSignal = (s: NodeJS.Signals): void => controller.abort(s);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    const result = await body({
      opts,
      signal: controller.signal,
      ui: makeUi({ json: false, quiet: opts.quiet }),
    });
    if (!opts.quiet) process.stderr.write(`${result.human}\n`);
    if (result.exitCode !== 0) process.exitCode = result.exitCode;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}

/** `'path'` of the member in a slot, for messages. */
export function slotLabel(a: MdArray, slot: number): string {
  const m = a.bySlot[slot];
  return m ? m.label : 'missing';
}

/** Issues the pending operations and waits for every chain; a failed one throws (exit 3). */
export async function waitAll(txs: (Tx | null)[], what: string): Promise<void> {
  asyncTxIssuePendingAll();
  const status = await Promise.all(txs.map((tx) => dmaWaitForAsyncTx(tx)));
  const bad = status.findIndex((s) => s !== DmaStatus.COMPLETE);
  if (bad >= 0)
    throw new RaidtxError(
      `${what}: operation failed${txs[bad]?.error ? `: ${txs[bad]!.error!.message}` : ''}`,
      3,
    );
}
