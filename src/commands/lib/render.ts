// How command results read: the JSON shape and the one-line summary of generating commands, and the
// first lines of a mismatch list. Rendering only; the work is done in the core.

import { activeEngine, kernelName } from '../../core/engine.js';
import { formatSize } from '../../core/io/size.js';
import type { PqMismatch, Range } from '../../core/jobs/ranges.js';
import type { MdMismatch } from '../../core/md/check.js';
import type { OpName } from '../../core/op-record.js';
import type { CommandResult } from './context.js';

/** GB/s (1 GB = 1e9 bytes) of `bytes` in `seconds`, rounded for reports. */
export function gbps(bytes: number, seconds: number): number {
  if (seconds <= 0) return 0;
  return Math.round((bytes / seconds / 1e9) * 1000) / 1000;
}

export function round(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e6;
}

/**
 * The result of a generating command: DESIGN's JSON shape and a one-line summary. `op` is the
 * operation doing the work (its kernel is reported); `unit` says what `bytes` counts.
 */
export function generated(
  command: string,
  op: OpName,
  what: string,
  r: { bytes: number; seconds: number },
  members: number,
  unit = 'per member',
): CommandResult {
  const engine = activeEngine();
  const kernel = kernelName(op);
  const { bytes, seconds } = r;
  return {
    exitCode: 0,
    json: { command, ok: true, bytes, seconds: round(seconds), engine, kernel },
    human: `${command}: ${what}; ${formatSize(bytes)} ${unit} in ${seconds.toFixed(3)} s (${gbps(bytes * members, seconds)} GB/s, ${engine} ${kernel})`,
  };
}

/** The first `max` lines of a mismatch list (the JSON carries all of them). */
export function describeMismatches(labels: string[], ranges: readonly Range[], max = 20): string {
  const lines = ranges
    .slice(0, max)
    .map((r, i) => `  offset ${r.offset} length ${r.length}${labels[i] ? `: ${labels[i]}` : ''}`);
  if (ranges.length > max) lines.push(`  ... and ${ranges.length - max} more (see --json)`);
  return lines.join('\n');
}

/** `PQ suspect data member 2 'd2.img'` */
export function pqVerdict(m: PqMismatch, data: readonly string[]): string {
  const s = m.suspect;
  const who =
    s.role === 'data'
      ? `data member ${s.index} '${data[s.index]}'`
      : s.role === 'unknown'
        ? 'unknown'
        : s.role.toUpperCase();
  return `${m.p ? 'P' : '-'}${m.q ? 'Q' : '-'} suspect ${who}`;
}

/** A list of numbers, bounded: `3, 4, 5 ... (1000 in all)`. */
export function listOf(items: readonly (number | string)[], max = 16): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} ... (${items.length} in all)`;
}

/** The summary and JSON of a val command. */
export function valResult(
  command: string,
  ok: boolean,
  fields: Record<string, unknown>,
  human: string,
): CommandResult {
  return { exitCode: ok ? 0 : 1, json: { command, ok, ...fields }, human };
}

/** The first `max` inconsistent ranges of an md check, with stripe, offsets and suspect. */
export function describeMdMismatches(list: readonly MdMismatch[], max = 20): string {
  const lines = list.slice(0, max).map((x) => {
    const who = x.suspect.slot !== undefined ? ` slot ${x.suspect.slot} '${x.suspect.path}'` : '';
    return `  stripe ${x.stripe} array offset ${x.arrayOffset} member offset ${x.memberOffset} length ${x.length}: ${x.p ? 'P' : '-'}${x.q ? 'Q' : '-'} suspect ${x.suspect.role}${who}`;
  });
  if (list.length > max) lines.push(`  ... and ${list.length - max} more (see --json)`);
  return lines.join('\n');
}
