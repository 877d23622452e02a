// What every command receives: the parsed global options, the interrupt signal and the terminal
// manners (colours, progress). Commands return a result; only src/cli.ts prints it and maps errors.

import type { Command } from 'commander';
import { type EngineMode, parseEngineMode } from '../../core/engine.js';
import { UsageError } from '../../core/errors.js';
import type { DirectMode } from '../../core/io/direct.js';
import { parsePositiveSize, parseSize } from '../../core/io/size.js';
import type { JobOptions } from '../../core/jobs/run.js';
import type { Ui } from './ui.js';

export interface GlobalOptions {
  json: boolean;
  engine: EngineMode;
  /** --offset: added to every member's start */
  offset: number;
  /** --length, or null for the members' size */
  length: number | null;
  /** --step: bytes per member per step */
  step: number;
  pad: boolean;
  /** --granularity: report unit of the val commands */
  granularity: number;
  force: boolean;
  quiet: boolean;
  /** --verify: check each chunk's result with a dependent val op before writing (xor, pq, recover-*) */
  verify: boolean;
  /** --direct / --no-direct: O_DIRECT member reads (default: block devices only) */
  direct: DirectMode;
}

export interface Context {
  opts: GlobalOptions;
  signal: AbortSignal;
  ui: Ui;
}

export interface CommandResult {
  /** 0 done / consistent, 1 mismatch, 4 completed with unrecoverable or unchecked ranges */
  exitCode: number;
  /** the one object printed with --json */
  json: Record<string, unknown>;
  /** the human summary (stdout) */
  human: string;
  /** lines for stderr whatever the output mode (e.g. what a damaged run could not recover) */
  warnings?: string;
}

export interface InvokeOptions {
  /** what stdout carries instead of the summary (`-o -`): the summary goes to stderr, --json is refused */
  stdoutData?: string | undefined;
}

/** Runs a command body inside the CLI's context: engine choice, error mapping, printing. */
export type Invoke = (
  cmd: Command,
  body: (ctx: Context) => Promise<CommandResult>,
  how?: InvokeOptions,
) => Promise<void>;

export const DEFAULT_STEP = 1024 * 1024;
export const DEFAULT_GRANULARITY = 4096;

/** Turns commander's raw option values into typed global options; bad values name the option. */
export function parseGlobals(raw: Record<string, unknown>): GlobalOptions {
  const size = (name: string, text: unknown): number | null =>
    text === undefined ? null : parseSize(String(text), `--${name}`);
  const granularity =
    raw.granularity === undefined
      ? DEFAULT_GRANULARITY
      : parsePositiveSize(String(raw.granularity), '--granularity');
  const step = raw.step === undefined ? DEFAULT_STEP : parsePositiveSize(String(raw.step), '--step');
  if (step > 1024 ** 3) throw new UsageError(`--step: at most 1G per member`);
  const engineFromEnv = raw.engine === undefined && process.env.RAIDTX_ENGINE !== undefined;
  return {
    json: Boolean(raw.json),
    engine: parseEngineMode(
      String(raw.engine ?? process.env.RAIDTX_ENGINE ?? 'auto'),
      engineFromEnv ? 'RAIDTX_ENGINE' : '--engine',
    ),
    offset: size('offset', raw.offset) ?? 0,
    length: size('length', raw.length),
    step,
    pad: Boolean(raw.pad),
    granularity,
    force: Boolean(raw.force),
    quiet: Boolean(raw.quiet),
    verify: Boolean(raw.verify),
    direct: raw.direct === undefined ? 'auto' : raw.direct ? 'on' : 'off',
  };
}

/** Collects a repeatable option into an array (`-o A -o B`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** The core's job options from the global options (--step: bytes per member per step). */
export function jobOptions(ctx: Context, step = ctx.opts.step): JobOptions {
  const { offset, length, pad, force } = ctx.opts;
  return {
    offset,
    length,
    pad,
    force,
    step,
    signal: ctx.signal,
    progress: (label) => ctx.ui.progress(label),
  };
}
