// GNU ddrescue mapfiles (ddrescue manual, "Mapfile structure"): read one as a member's unreadable
// extents, and write one for an output whose lost ranges are `-` and the rest `+`, so that
// ddrescuelog, ddrutility and friends can work with what raidtx could not recover.

import { UsageError } from '../errors.js';
import { type Extent, gaps, normalize } from './extents.js';

/** Statuses of a block: `+` finished (readable); `?` non-tried, `*` non-trimmed, `/` non-scraped, `-` bad. */
const BLOCK_STATUS = new Set(['?', '*', '/', '-', '+']);
/** Statuses of the status line (the copy phase ddrescue was in): the block statuses plus F and G. */
const CURRENT_STATUS = new Set([...BLOCK_STATUS, 'F', 'G']);

export interface MapBlock extends Extent {
  status: string;
}

export interface Mapfile {
  /** the file's name, for messages */
  file: string;
  /** contiguous, in order */
  blocks: MapBlock[];
}

/** An integer as ddrescue writes it: decimal, 0x hex or leading-0 octal; null if not one. */
function parseInteger(text: string): number | null {
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(text)) v = BigInt(text);
  else if (/^0[0-7]*$/.test(text)) v = text.length === 1 ? 0n : BigInt(`0o${text.slice(1)}`);
  else if (/^[1-9][0-9]*$/.test(text)) v = BigInt(text);
  else return null;
  return v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : null;
}

/**
 * Parses mapfile text. Throws UsageError naming `file` and the line for anything malformed: a
 * missing or bad status line, a bad number or status, size 0, blocks that overlap or leave gaps.
 */
export function parseMapfile(text: string, file: string): Mapfile {
  const fail = (line: number, why: string): never => {
    throw new UsageError(`map '${file}' line ${line}: ${why}`);
  };
  const blocks: MapBlock[] = [];
  let sawStatus = false;
  const lines = text.split('\n');
  lines.forEach((raw, i) => {
    const line = i + 1;
    const hash = raw.indexOf('#');
    const fields = (hash >= 0 ? raw.slice(0, hash) : raw).trim().split(/\s+/).filter(Boolean);
    if (fields.length === 0) return;
    if (!sawStatus) {
      // `current_pos current_status [current_pass]`
      if (fields.length < 2 || fields.length > 3) fail(line, `expected the status line 'pos status [pass]'`);
      if (parseInteger(fields[0]!) === null) fail(line, `bad position '${fields[0]}'`);
      if (!CURRENT_STATUS.has(fields[1]!)) fail(line, `bad current status '${fields[1]}'`);
      if (fields.length === 3 && parseInteger(fields[2]!) === null) fail(line, `bad pass '${fields[2]}'`);
      sawStatus = true;
      return;
    }
    if (fields.length !== 3) fail(line, `expected 'pos size status', got ${fields.length} field(s)`);
    const offset = parseInteger(fields[0]!);
    const length = parseInteger(fields[1]!);
    const status = fields[2]!;
    if (offset === null) return fail(line, `bad position '${fields[0]}'`);
    if (length === null) return fail(line, `bad size '${fields[1]}'`);
    if (length === 0) fail(line, 'block size is 0');
    if (!BLOCK_STATUS.has(status)) fail(line, `bad status '${status}' (one of + ? * / -)`);
    const last = blocks[blocks.length - 1];
    if (last) {
      const end = last.offset + last.length;
      if (offset < end) fail(line, `block at ${offset} overlaps the previous one (ends at ${end})`);
      if (offset > end) fail(line, `block at ${offset} leaves a gap after the previous one (ends at ${end})`);
    }
    blocks.push({ offset, length, status });
  });
  if (!sawStatus) fail(lines.length, 'no status line (is this a ddrescue mapfile?)');
  return { file, blocks };
}

/**
 * The unreadable extents of a member of `size` bytes according to `map`: every block that is not
 * `+`, and what the map does not cover (not tried), clipped to the member.
 */
export function unreadableExtents(map: Mapfile, size: number): Extent[] {
  const good = map.blocks.filter((b) => b.status === '+');
  return normalize(gaps(normalize(good), size));
}

/**
 * A mapfile of an output of `size` bytes whose `lost` extents (sorted) are `-` and the rest `+`, as
 * ddrescue writes a finished rescue. `creator` names the program in the header comment.
 */
export function formatMapfile(lost: readonly Extent[], size: number, creator: string): string {
  const hex = (n: number): string => `0x${n.toString(16).toUpperCase().padStart(8, '0')}`;
  const out = [
    `# Mapfile. Created by ${creator}`,
    '# current_pos  current_status  current_pass',
    `${hex(0)}     +               1`,
    '#      pos        size  status',
  ];
  const bad = normalize(lost.map((e) => ({ offset: e.offset, length: Math.min(e.length, size - e.offset) })));
  const blocks: MapBlock[] = [
    ...bad.map((e) => ({ ...e, status: '-' })),
    ...gaps(bad, size).map((e) => ({ ...e, status: '+' })),
  ].sort((a, b) => a.offset - b.offset);
  for (const b of blocks) out.push(`${hex(b.offset)}  ${hex(b.length)}  ${b.status}`);
  return `${out.join('\n')}\n`;
}
