// Pictures for people doing a recovery: the slots of an array, the placement grid of its first
// stripes, a one-line strip of where a check found trouble, and a progress bar. Pure functions from
// data to lines; `paint` colours them (a chalk of level 0 gives the plain text tests pin).

import type { ChalkInstance } from 'chalk';
import { formatSize } from '../../core/io/size.js';

/** A range of bytes, in whatever coordinates the picture covers. */
export interface Span {
  offset: number;
  length: number;
}

// ---------------------------------------------------------------------------------------------
// md examine: one row per slot

/** One slot of an array as examine sees it. */
export interface SlotRow {
  /** raid slot, or null for members without one (spares, journals) */
  slot: number | null;
  /** the member given for it, or null when missing */
  path: string | null;
  /** one word: active, missing, stale, recovering, reshape, spare, faulty, journal, replacement... */
  state: string;
  events: number | null;
  /** recovering: the fraction of its data area that is valid (0..1) */
  valid?: number;
  /** mid-reshape: the fraction of the data area already in the new geometry, and on which side */
  reshaped?: { fraction: number; backwards: boolean };
}

const BAR = 10;

/** The data-area bar of a slot: `#` usable, `.` not valid, `=` reshaped part, `~` stale, blank when missing. */
function slotBar(r: SlotRow): string {
  if (r.path === null) return ' '.repeat(BAR);
  if (r.reshaped) {
    const n = Math.round(r.reshaped.fraction * BAR);
    return r.reshaped.backwards ? '#'.repeat(BAR - n) + '='.repeat(n) : '='.repeat(n) + '#'.repeat(BAR - n);
  }
  if (r.valid !== undefined) {
    const n = Math.floor(r.valid * BAR);
    return '#'.repeat(n) + '.'.repeat(BAR - n);
  }
  if (r.state === 'active') return '#'.repeat(BAR);
  if (r.state === 'stale') return '~'.repeat(BAR);
  return '.'.repeat(BAR);
}

function stateColor(paint: ChalkInstance, state: string): (s: string) => string {
  switch (state) {
    case 'active':
      return paint.green;
    case 'missing':
      return paint.red;
    case 'stale':
    case 'faulty':
      return paint.yellow;
    case 'recovering':
    case 'replacement':
      return paint.cyan;
    case 'reshape':
      return paint.magenta;
    default:
      return paint.dim;
  }
}

/**
 * The array drawn slot by slot: `  slot 2 [####......] recovering  events 36  member2.img`. Rows
 * are given in the order to draw (slots ascending, then members without a slot).
 */
export function drawSlots(rows: readonly SlotRow[], paint: ChalkInstance): string[] {
  const stateWidth = Math.max(...rows.map((r) => r.state.length), 7);
  const slotWidth = Math.max(...rows.map((r) => String(r.slot ?? '-').length));
  const eventsWidth = Math.max(...rows.map((r) => String(r.events ?? '').length));
  const legend = ['# in use', '. not valid', '~ stale'];
  if (rows.some((r) => r.reshaped)) legend.push('= new geometry');
  const lines = [`slots (${legend.join(', ')}):`];
  for (const r of rows) {
    const color = stateColor(paint, r.state);
    const events =
      r.events === null ? ' '.repeat(eventsWidth + 7) : `events ${String(r.events).padStart(eventsWidth)}`;
    const cols = [
      `  slot ${String(r.slot ?? '-').padStart(slotWidth)}`,
      color(`[${slotBar(r)}]`),
      color(r.state) + ' '.repeat(stateWidth - r.state.length),
      events,
      r.path ?? '',
    ];
    lines.push(cols.join('  ').replace(/ +$/, ''));
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// md layout: the first stripes' grid

/** One row of the grid: what each slot holds in that stripe. */
export interface GridRow {
  stripe: number;
  /** bytes from each member's data start to this stripe's chunk */
  memberOffset: number;
  /** cells[slot]: `D<k>` (k the array's chunk number), `P` or `Q` */
  cells: string[];
}

/**
 * The grid: a header of slot numbers, one line per stripe with its member offset, cells padded to
 * columns; on a terminal P and Q are coloured and missing slots dimmed.
 */
export function drawGrid(
  rows: readonly GridRow[],
  missing: ReadonlySet<number>,
  paint: ChalkInstance,
): string[] {
  const slots = rows[0]?.cells.length ?? 0;
  const cellWidth = Math.max(6, ...rows.flatMap((r) => r.cells.map((c) => c.length)));
  const stripeWidth = Math.max(6, ...rows.map((r) => String(r.stripe).length));
  const offsetWidth = Math.max(13, ...rows.map((r) => String(r.memberOffset).length));
  const head = [
    'stripe'.padStart(stripeWidth),
    'member offset'.padStart(offsetWidth),
    ...Array.from({ length: slots }, (_, s) => `slot ${s}`.padEnd(cellWidth)),
  ];
  const lines = [head.join('  ').trimEnd()];
  const paintCell = (cell: string, slot: number): string => {
    if (missing.has(slot)) return paint.dim(cell);
    if (cell === 'P') return paint.yellow(cell);
    if (cell === 'Q') return paint.cyan(cell);
    return cell;
  };
  // Padding outside the colour, so that trailing blanks can be trimmed alike in both forms.
  const color = (cell: string, slot: number): string =>
    paintCell(cell, slot) + ' '.repeat(cellWidth - cell.length);
  for (const r of rows) {
    const cols = [
      String(r.stripe).padStart(stripeWidth),
      String(r.memberOffset).padStart(offsetWidth),
      ...r.cells.map(color),
    ];
    lines.push(cols.join('  ').replace(/ +$/, ''));
  }
  return lines;
}

// ---------------------------------------------------------------------------------------------
// val commands: where the trouble is, on one line

export const STRIP_CELLS = 60;

/**
 * One line over [from, from + length): each of `cells` cells is `X` when a mismatch touches it,
 * else `?` when an unreadable (or unchecked) range does, else `.`. Ranges are in the same
 * coordinates as `from`; cells cover equal shares of the range (the last may be shorter).
 */
export function stripCells(
  from: number,
  length: number,
  mismatches: readonly Span[],
  unreadable: readonly Span[],
  cells = STRIP_CELLS,
): string {
  const n = Math.max(1, Math.min(cells, length));
  const out = new Array<string>(n).fill('.');
  const mark = (spans: readonly Span[], ch: string): void => {
    for (const s of spans) {
      const a = Math.max(s.offset, from);
      const b = Math.min(s.offset + s.length, from + length);
      if (b <= a) continue;
      const first = Math.floor(((a - from) * n) / length);
      const last = Math.min(n - 1, Math.floor(((b - 1 - from) * n) / length));
      for (let i = first; i <= last; i++) if (ch === 'X' || out[i] === '.') out[i] = ch;
    }
  };
  mark(unreadable, '?');
  mark(mismatches, 'X');
  return out.join('');
}

/**
 * `map of array bytes 0..9 MiB: [....X....?...] X mismatch, ? unreadable, . clean`: the strip with
 * what it covers and its legend (only the marks that appear, `.` always).
 */
export function drawStrip(
  what: string,
  from: number,
  length: number,
  mismatches: readonly Span[],
  unreadable: readonly Span[],
  paint: ChalkInstance,
  unreadableWord = 'unreadable',
): string {
  const cells = stripCells(from, length, mismatches, unreadable);
  const colored = cells.replace(/(X+)|(\?+)|(\.+)/g, (_m, x, q, dot) =>
    x ? paint.red(x) : q ? paint.yellow(q) : paint.green(dot),
  );
  const legend = [
    cells.includes('X') ? 'X mismatch' : '',
    cells.includes('?') ? `? ${unreadableWord}` : '',
    '. clean',
  ].filter(Boolean);
  const start = from === 0 ? '0' : formatSize(from);
  return `map of ${what} ${start}..${formatSize(from + length)}: [${colored}] ${legend.join(', ')}`;
}

/**
 * The strip as the last line of a val command's summary (`\n` + line), or '' when pictures are off
 * (`paint` null: not a terminal, or --json). Unreadable ranges must be in the strip's coordinates.
 */
export function stripTail(
  paint: ChalkInstance | null,
  what: string,
  from: number,
  length: number,
  mismatches: readonly Span[],
  unreadable: readonly Span[],
  unreadableWord?: string,
): string {
  if (paint === null || length <= 0) return '';
  return `\n${drawStrip(what, from, length, mismatches, unreadable, paint, unreadableWord)}`;
}

// ---------------------------------------------------------------------------------------------
// long runs: the progress bar

/** `h:mm:ss` or `m:ss`. */
export function clock(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}

/** What a progress line shows. `bytes`: done/total count bytes (throughput and sizes), else items. */
export interface ProgressState {
  label: string;
  done: number;
  total: number;
  seconds: number;
  /** the terminal's width */
  columns: number;
  bytes: boolean;
}

/**
 * `md check [########............]  41%  1.2 GiB/3 GiB  310 MB/s  ETA 0:07`: the bar takes what the
 * width leaves (at least 10 cells; the text alone when even that does not fit). Throughput is bytes
 * per member per second (1 MB = 1e6 bytes); ETA assumes the rate so far.
 */
export function progressLine(p: ProgressState): string {
  const frac = p.total > 0 ? Math.min(1, p.done / p.total) : 1;
  const pct = `${String(Math.floor(frac * 100)).padStart(3)}%`;
  const rate = p.seconds > 0 ? p.done / p.seconds : 0;
  const eta = rate > 0 && p.done < p.total ? `ETA ${clock((p.total - p.done) / rate)}` : '';
  const amount = p.bytes ? `${formatSize(p.done)}/${formatSize(p.total)}` : `${p.done}/${p.total}`;
  const speed = p.bytes && p.seconds > 0 ? `${(rate / 1e6).toFixed(0)} MB/s` : '';
  const tail = [pct, amount, speed, eta].filter(Boolean).join('  ');
  const room = p.columns - p.label.length - tail.length - 5; // spaces and brackets, one column spare
  if (room < 10) return `${p.label} ${tail}`.slice(0, Math.max(0, p.columns - 1)).trimEnd();
  const width = Math.min(room, 40);
  const full = Math.floor(frac * width);
  return `${p.label} [${'#'.repeat(full)}${'.'.repeat(width - full)}] ${tail}`;
}
