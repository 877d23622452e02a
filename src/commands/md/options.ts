// What the md commands share on the command line: geometry options for members without superblocks,
// staleness, the step, the array range, opening/closing the array around a command body, and how a
// damaged run's report joins the result (JSON additions, stderr summary, output maps, exit 4).

import { type Command, Option } from 'commander';
import type { DamageReport } from '../../core/damage/damage.js';
import { applyMaps, type DamageOptions } from '../../core/damage/options.js';
import { UsageError } from '../../core/errors.js';
import { parsePositiveSize, parseSize } from '../../core/io/size.js';
import {
  type AssembleOptions,
  assembleArray,
  closeArray,
  type ExplicitGeometry,
  type MdArray,
} from '../../core/md/array.js';
import { type ArrayRange, arrayRange } from '../../core/md/range.js';
import { parseSpecs } from '../lib/args.js';
import type { CommandResult, Context } from '../lib/context.js';
import { damageExit, damageJson, damageSummary, writeOutputMaps } from '../lib/damage.js';

/**
 * Options every md subcommand takes (geometry for members without superblocks, staleness). Here
 * `--chunk` is the md chunk size; the step is the global `--step`.
 */
export function geometryOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--level <n>', 'without superblocks: RAID level (5 or 6)'))
    .addOption(new Option('--layout <name>', 'without superblocks: md layout name (e.g. left-symmetric)'))
    .addOption(new Option('--raid-disks <n>', 'without superblocks: number of members'))
    .addOption(mdChunkOption('without superblocks: md chunk size'))
    .addOption(new Option('--data-offset <size>', 'without superblocks: where data starts on each member'))
    .option('--include-stale', 'use members whose events count lags the others')
    .option(
      '--ignore-superblocks',
      'read no metadata (same as --metadata none): give the geometry, members in slot order',
    )
    .option(
      '--metadata <version>',
      'read only this metadata: an md version (0.90, 1.0, 1.1, 1.2), imsm, ddf, or none (explicit geometry)',
    )
    .option('--volume <n|name>', 'firmware RAID (IMSM, DDF): the volume of the container, by index or name')
    .option(
      '--serial <member=serial>',
      "IMSM: a member's drive serial (repeatable; images named after their serial need none)",
      (v: string, prev: string[] | undefined) => [...(prev ?? []), v],
    );
}

/** `--chunk`: in md commands (and only there) the md chunk size. */
export function mdChunkOption(description: string): Option {
  return new Option('--chunk <size>', description);
}

export interface MdInput {
  members: string[];
  explicit: ExplicitGeometry;
  includeStale: boolean;
  step: number | null;
  /** read only superblocks of this metadata version */
  metadata?: string;
  ignoreSuperblocks: boolean;
  /** firmware RAID: the volume of the container */
  volume?: string;
  /** IMSM: member -> drive serial */
  serials?: Record<string, string>;
}

/**
 * Reads the md options: `--chunk` is the md chunk size (explicit geometry), the global `--step` is
 * null when not given (md then steps 1M, whole chunks), and `--length` with `--from` are array
 * coordinates.
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
  const step = o.step === undefined ? null : parsePositiveSize(String(o.step), '--step');
  if (step !== null && step > 1024 ** 3) throw new UsageError('--step: at most 1G per member');
  let serials: Record<string, string> | undefined;
  for (const text of (o.serial as string[] | undefined) ?? []) {
    const eq = text.lastIndexOf('=');
    if (eq <= 0 || eq === text.length - 1) throw new UsageError(`--serial '${text}': want MEMBER=SERIAL`);
    serials = { ...serials, [text.slice(0, eq)]: text.slice(eq + 1) };
  }
  return {
    members,
    explicit,
    includeStale: Boolean(o.includeStale),
    ignoreSuperblocks: Boolean(o.ignoreSuperblocks),
    step,
    ...(o.metadata === undefined ? {} : { metadata: String(o.metadata) }),
    ...(o.volume === undefined ? {} : { volume: String(o.volume) }),
    ...(serials === undefined ? {} : { serials }),
  };
}

/**
 * Opens the array (members read-only), runs `body`, and closes the members whatever happens. The
 * maps of `damage` become the members' damage (beside their bad-block logs) before `body` reads.
 */
export async function withArray(
  input: MdInput,
  ctx: Context,
  body: (a: MdArray) => Promise<CommandResult>,
  damage?: DamageOptions,
): Promise<CommandResult> {
  const opts: AssembleOptions = {
    explicit: input.explicit,
    includeStale: input.includeStale,
    offset: ctx.opts.offset,
    ignoreSuperblocks: input.ignoreSuperblocks,
    ...(input.metadata === undefined ? {} : { metadata: input.metadata }),
    ...(input.volume === undefined ? {} : { volume: input.volume }),
    ...(input.serials === undefined ? {} : { serials: input.serials }),
  };
  const a = await assembleArray(parseSpecs(input.members, { missing: true }), opts);
  try {
    applyMaps(
      a.members.map((m) => m.input),
      damage?.maps ?? [],
    );
    return await body(a);
  } finally {
    await closeArray(a);
  }
}

/** The array range of `--from` and the global `--length` (array coordinates). */
export function rangeOption(a: MdArray, from: unknown, ctx: Context): ArrayRange {
  return arrayRange(a, from === undefined ? null : parseSize(String(from), '--from'), ctx.opts.length);
}

/** One output of a run, its report, and where its byte 0 is in the report's coordinates. */
export interface DamagedOutput {
  path: string;
  report: DamageReport;
  /** the output's size */
  size: number;
  /** report offset of the output's first byte (md export --from) */
  base: number;
}

/**
 * Adds `outputs`' damage to `res`: maps written (--map-out or OUTPUT.map), summary and notes on
 * stderr, exit 4 when anything was lost. `json` is what the JSON gets (the single output's report
 * by default).
 */
export async function reportDamage(
  res: CommandResult,
  outputs: readonly DamagedOutput[],
  d: DamageOptions,
  json: Record<string, unknown> = outputs.length === 1 ? damageJson(outputs[0]!.report, 'output') : {},
): Promise<CommandResult> {
  const lines: string[] = [];
  for (const o of outputs) {
    const lost = o.report.lost.map((r) => ({ ...r, offset: r.offset - o.base }));
    lines.push(...(await writeOutputMaps({ ...o.report, lost }, [o.path], o.size, d)));
  }
  const summaries = outputs.map((o) => damageSummary(o.report, 'output'));
  const warnings = [...new Set(summaries)].filter(Boolean).concat(lines).join('\n');
  const exit = Math.max(...outputs.map((o) => damageExit(o.report)));
  Object.assign(res.json, json);
  return {
    ...res,
    exitCode: Math.max(res.exitCode, exit),
    ...(warnings ? { warnings } : {}),
  };
}
