// raidtx md layout MEMBER... [--stripes N]: the first stripes' placement grid (which slot holds
// D0..Dn, P and Q, and how they rotate), so that a geometry can be checked by eye. The geometry comes
// from the superblocks, or from the explicit options with every member `missing` (nothing is read).

import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { formatSize } from '../../core/io/size.js';
import { explicitGeometry } from '../../core/md/explicit.js';
import { dataChunksPerStripe, layoutName, type MdGeometry, stripeMap } from '../../core/md/layout.js';
import type { CommandResult, Context, Invoke } from '../lib/context.js';
import { drawGrid, type GridRow } from '../lib/pictures.js';
import { geometryOptions, type MdInput, parseMdInput, withArray } from './options.js';

/** At most this many stripes by default: a full rotation of wide arrays would not fit a screen. */
const DEFAULT_MAX = 16;
const MAX_STRIPES = 1024;

const placement = (g: MdGeometry, s: number): string =>
  JSON.stringify(((m) => [m.pSlot, m.qSlot, m.dataSlots])(stripeMap(g, s)));

/** Stripes after which the placement repeats (n or n-1 for rotating layouts, 1 for fixed parity). */
export function rotationPeriod(g: MdGeometry): number {
  const first = placement(g, 0);
  for (let p = 1; p <= g.raidDisks; p++) if (placement(g, p) === first) return p;
  return g.raidDisks;
}

/** Rows of the grid for stripes 0..count-1: data cells numbered as the array's chunks (D<s*m+k>). */
export function gridRows(g: MdGeometry, count: number): GridRow[] {
  const m = dataChunksPerStripe(g);
  return Array.from({ length: count }, (_, s) => {
    const map = stripeMap(g, s);
    const cells = new Array<string>(g.raidDisks).fill('');
    map.dataSlots.forEach((slot, k) => {
      cells[slot] = `D${s * m + k}`;
    });
    cells[map.pSlot] = 'P';
    if (map.qSlot >= 0) cells[map.qSlot] = 'Q';
    return { stripe: s, memberOffset: s * g.chunk, cells };
  });
}

interface Slot {
  slot: number;
  path: string | null;
  dataOffset: number | null;
}

function parseStripes(v: unknown): number | null {
  if (v === undefined) return null;
  const text = String(v);
  if (!/^[0-9]+$/.test(text) || Number(text) < 1 || Number(text) > MAX_STRIPES)
    throw new UsageError(`--stripes: want a count of stripes 1..${MAX_STRIPES}, got '${text}'`);
  return Number(text);
}

function result(
  ctx: Context,
  g: MdGeometry,
  slots: Slot[],
  asked: number | null,
  stripesInArray: number | null,
  note: string | null,
): CommandResult {
  const period = rotationPeriod(g);
  let count = asked ?? Math.min(DEFAULT_MAX, Math.max(period, 4));
  if (stripesInArray !== null) count = Math.min(count, stripesInArray);
  const rows = gridRows(g, count);
  const layout = layoutName(g.level, g.layout)!;
  const missing = new Set(slots.filter((s) => s.path === null).map((s) => s.slot));
  const rotation = period === 1 ? 'parity does not rotate' : `the placement repeats every ${period} stripes`;
  const lines = [
    `md layout: RAID${g.level} ${layout}, chunk ${formatSize(g.chunk)}, ${g.raidDisks} members; ${rotation}`,
    ...(note ? [note] : []),
    ...drawGrid(rows, missing, ctx.ui.drawing),
    ...slots.map(
      (s) =>
        `  slot ${s.slot}: ${s.path === null ? 'missing' : `'${s.path}'`}${s.dataOffset === null ? '' : `, data at ${s.dataOffset}`}`,
    ),
  ];
  const json = {
    command: 'md layout',
    ok: true,
    level: g.level,
    layout,
    chunk: g.chunk,
    raidDisks: g.raidDisks,
    period,
    slots,
    stripes: rows.map((r) => ({ stripe: r.stripe, memberOffset: r.memberOffset, cells: r.cells })),
  };
  return { exitCode: 0, json, human: lines.join('\n') };
}

async function run(input: MdInput, stripes: number | null, ctx: Context): Promise<CommandResult> {
  // Every member `missing`: a geometry to look at, with nothing to open.
  if (input.members.every((m) => m === 'missing')) {
    const g = explicitGeometry(input.explicit, input.members.length);
    const slots = input.members.map((_, slot) => ({ slot, path: null, dataOffset: null }));
    return result(ctx, g, slots, stripes, null, null);
  }
  return withArray(input, ctx, async (a) => {
    const slots = a.bySlot.map((m, slot) => ({
      slot,
      path: m ? m.label : null,
      dataOffset: m ? m.dataOffset : null,
    }));
    const note = a.reshape
      ? `reshape interrupted: the grid shows the new geometry (the previous one is RAID${a.reshape.previous.level} ${layoutName(a.reshape.previous.level, a.reshape.previous.layout)}, ${a.reshape.previous.raidDisks} members)`
      : null;
    return result(ctx, a.geometry, slots, stripes, a.stripes, note);
  });
}

export function defineMdLayout(md: Command, invoke: Invoke): void {
  geometryOptions(
    md
      .command('layout')
      .description(
        'draw the first stripes: which slot holds each data chunk, P and Q (check a geometry by eye)',
      )
      .argument(
        '<members...>',
        'member images or devices (any order with superblocks; else slot order, all may be `missing`)',
      )
      .option('--stripes <n>', 'stripes to draw (default: one rotation, at most 16)'),
  ).action((members: string[], o: Record<string, unknown>, cmd: Command) =>
    invoke(cmd, (ctx) => run(parseMdInput(members, cmd.optsWithGlobals()), parseStripes(o.stripes), ctx)),
  );
}
