// The damage options every recovering or checking command shares (DESIGN "Damaged members"), and how
// a DamageReport reads: stderr summary, JSON additions, output maps and the exit code.

import { open, stat, unlink, writeFile } from 'node:fs/promises';
import { type Command, Option } from 'commander';
import type { DamagedRange, DamageReport } from '../../core/damage/damage.js';
import { formatMapfile } from '../../core/damage/mapfile.js';
import { type DamageOptions, readMaps } from '../../core/damage/options.js';
import { bytesOf } from '../../core/damage/report.js';
import { IoError, UsageError } from '../../core/errors.js';
import { parseSize } from '../../core/io/size.js';
import { type CommandResult, collect } from './context.js';
import { listOf } from './render.js';
import { packageVersion } from './version.js';

/** Adds --map, --sector, --retries, --strict and (commands with outputs) --map-out to `cmd`. */
export function addDamageOptions(cmd: Command, withOutputs: boolean): Command {
  cmd
    .addOption(
      new Option(
        '--map <path=mapfile>',
        'a GNU ddrescue mapfile of member PATH (as given here); blocks not `+` are unreadable (repeatable)',
      ).argParser(collect),
    )
    .option('--sector <size>', 'unit that read errors are narrowed down to: 4096 (default) or 512')
    .option('--retries <n>', 're-reads of a failing sector before it counts as unreadable (default 1)')
    .option(
      '--strict',
      withOutputs
        ? 'any byte that cannot be recovered fails the run (exit 3, nothing committed)'
        : 'any range that cannot be checked fails the run (exit 3)',
    );
  if (withOutputs)
    cmd.option(
      '--map-out <file>',
      'the mapfile of the output (a single output or stdout); default OUTPUT.map beside each file output that lost bytes',
    );
  return cmd;
}

/** The damage options from commander's values; reads and parses the maps (exit 2 on any fault). */
export async function parseDamageOptions(o: Record<string, unknown>): Promise<DamageOptions> {
  let sector = 4096;
  if (o.sector !== undefined) {
    sector = parseSize(String(o.sector), '--sector');
    if (sector !== 512 && sector !== 4096) throw new UsageError(`--sector: 4096 or 512, got ${o.sector}`);
  }
  let retries = 1;
  if (o.retries !== undefined) {
    const text = String(o.retries);
    if (!/^[0-9]+$/.test(text) || Number(text) > 100)
      throw new UsageError(`--retries: a whole number from 0 to 100, got '${text}'`);
    retries = Number(text);
  }
  const mapOut = (o.mapOut as string | undefined) ?? null;
  return {
    maps: await readMaps((o.map as string[] | undefined) ?? []),
    policy: { sector, retries },
    strict: Boolean(o.strict),
    mapOut,
  };
}

/** --map-out names one map: refused (exit 2, before any read) for a command writing several outputs. */
export function checkMapOut(d: DamageOptions, outputs: readonly string[]): void {
  if (d.mapOut !== null && outputs.length !== 1)
    throw new UsageError(
      `--map-out: only for a single output (this run writes ${outputs.length}); without it each output gets OUTPUT.map`,
    );
}

/** Names the members of a range list: `'a', 'b'`. */
const who = (r: DamagedRange): string => r.members.map((m) => `'${m}'`).join(', ');

function rangesLine(list: readonly DamagedRange[]): string {
  return listOf(
    list.map((r) => `${r.offset}+${r.length}${r.members.length ? ` (${who(r)})` : ''}`),
    8,
  );
}

/**
 * The stderr lines of a report ('' when nothing was unreadable). `kind` says what the ranges are:
 * bytes of outputs that could not be recovered, or bytes that could not be checked.
 */
export function damageSummary(report: DamageReport, kind: 'output' | 'check'): string {
  const lines: string[] = [];
  const { unreadable, recovered, lost } = report;
  if (unreadable.length > 0) {
    const members = [...new Set(unreadable.map((u) => `'${u.member}'`))];
    lines.push(
      `${bytesOf(unreadable)} bytes in ${unreadable.length} ranges were unreadable on ${members.join(', ')}`,
    );
  }
  if (recovered.length > 0)
    lines.push(`${bytesOf(recovered)} bytes in ${recovered.length} ranges rebuilt from parity`);
  if (lost.length > 0) {
    const what = kind === 'output' ? 'could not be recovered (zero-filled)' : 'could not be checked';
    lines.push(`${bytesOf(lost)} bytes in ${lost.length} ranges ${what}: ${rangesLine(lost)}`);
  }
  return lines.map((l) => `raidtx: ${l}`).join('\n');
}

/**
 * The JSON additions (DESIGN): nothing when nothing was unreadable, so healthy runs print what they
 * always did; else `unreadable`, `recovered` and `lost` (outputs) or `unchecked` (checks).
 */
export function damageJson(report: DamageReport, kind: 'output' | 'check'): Record<string, unknown> {
  if (report.unreadable.length === 0 && report.lost.length === 0) return {};
  if (kind === 'check') return { unreadable: report.unreadable, unchecked: report.lost };
  return { unreadable: report.unreadable, recovered: report.recovered, lost: report.lost };
}

/** Exit code: 1 on a mismatch, else 4 when something was lost or unchecked, else 0. */
export function damageExit(report: DamageReport, mismatch = false): number {
  if (mismatch) return 1;
  return report.lost.length > 0 ? 4 : 0;
}

/** The first line of the maps raidtx writes (formatMapfile with creator `raidtx VERSION`). */
const OUR_MAP = '# Mapfile. Created by raidtx';

/** Removes `path` if it is a regular file that raidtx wrote as an output map; true if it did. */
async function removeOurMap(path: string): Promise<boolean> {
  try {
    const st = await stat(path);
    if (!st.isFile()) return false;
    const fh = await open(path, 'r');
    const head = Buffer.alloc(OUR_MAP.length);
    try {
      await fh.read(head, 0, head.length, 0);
    } finally {
      await fh.close();
    }
    if (head.toString('utf8') !== OUR_MAP) return false;
    await unlink(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes the ddrescue mapfile of each output that lost bytes (lost `-`, the rest `+`): to --map-out
 * when given (single output or stdout), else OUTPUT.map beside a regular-file output. Stdout and
 * block-device outputs get no map without --map-out (a file beside /dev/sdX is no place for one);
 * the returned notes say so. A run that lost nothing removes a map raidtx left beside an output
 * earlier. Returns the lines for stderr.
 */
export async function writeOutputMaps(
  report: DamageReport,
  outputs: readonly string[],
  size: number,
  d: DamageOptions,
): Promise<string[]> {
  const notes: string[] = [];
  if (report.lost.length === 0) {
    // a map left by an earlier run that lost bytes would now say wrong things about this output
    for (const out of outputs)
      if (out !== '-' && (await removeOurMap(`${out}.map`)))
        notes.push(`raidtx: removed the stale '${out}.map' (nothing lost now)`);
    return notes;
  }
  const text = formatMapfile(report.lost, size, `raidtx ${packageVersion()}`);
  const write = async (path: string): Promise<void> => {
    try {
      await writeFile(path, text);
    } catch (err) {
      throw new IoError(`cannot write map '${path}': ${(err as Error).message}`, path);
    }
    notes.push(`raidtx: map of the lost ranges written to '${path}'`);
  };
  if (d.mapOut !== null) {
    await write(d.mapOut);
    return notes;
  }
  for (const out of outputs) {
    const block = out !== '-' && (await stat(out).catch(() => null))?.isBlockDevice();
    if (out === '-' || block) {
      notes.push(
        `raidtx: no map written for '${out}' (${out === '-' ? 'stdout' : 'a block device'}); use --map-out`,
      );
      continue;
    }
    await write(`${out}.map`);
  }
  return notes;
}

/**
 * A command's result with its damage: JSON additions, stderr summary (plus `notes`, e.g. where the
 * maps went) and the exit code (a mismatch, exit 1, wins over 4).
 */
export function withDamage(
  result: CommandResult,
  report: DamageReport,
  kind: 'output' | 'check',
  notes: readonly string[] = [],
): CommandResult {
  const summary = [damageSummary(report, kind), ...notes].filter(Boolean).join('\n');
  const exitCode = damageExit(report, result.exitCode === 1);
  const json = { ...result.json, ...damageJson(report, kind) };
  if (exitCode === 4) json.ok = false;
  return { ...result, exitCode, json, ...(summary ? { warnings: summary } : {}) };
}

/** The result of a recovering command: output maps written, then withDamage. */
export async function recoveredResult(
  result: CommandResult,
  report: DamageReport,
  outputs: readonly string[],
  size: number,
  d: DamageOptions,
): Promise<CommandResult> {
  return withDamage(result, report, 'output', await writeOutputMaps(report, outputs, size, d));
}
