// raidtx md examine MEMBER...: every member's superblock, the array they agree on, missing slots and
// stale members. Disagreeing members (other arrays, one slot twice, bad checksums) are refused (exit 2).

import type { Command } from 'commander';
import { formatSize } from '../../core/io/size.js';
import { examineArray } from '../../core/md/examine.js';
import type { Invoke } from '../lib/context.js';
import { drawSlots, type SlotRow } from '../lib/pictures.js';
import { listOf } from '../lib/render.js';
import { geometryOptions, parseMdInput, withArray } from './options.js';

export function defineMdExamine(md: Command, invoke: Invoke): void {
  geometryOptions(
    md
      .command('examine')
      .description("each member's md superblock, the array they agree on, missing slots and stale members")
      .argument('<members...>', 'member images or devices (any order), PATH or PATH@OFFSET'),
  ).action((members: string[], _o: unknown, cmd: Command) =>
    invoke(cmd, (ctx) =>
      withArray(parseMdInput(members, cmd.optsWithGlobals()), ctx, async (a) => {
        const r = examineArray(a);
        const g = r.array;
        const lines = [
          `array ${g.uuid ?? '(no superblock)'}${g.name ? ` '${g.name}'` : ''}: RAID${g.level} ${g.layout}, chunk ${formatSize(g.chunk)}, ${g.raidDisks} members, metadata ${g.metadata ?? 'none'}, ${formatSize(g.arrayBytes)}`,
          ...r.members.map(
            (m) =>
              `  slot ${m.slot ?? '-'}  ${m.path}  ${m.state}  data at ${m.dataOffset}, ${formatSize(m.dataSize)}` +
              (m.updateTime !== null ? `, events ${m.events}, updated ${m.updateTime}` : '') +
              ('disk' in m
                ? `, ${String(m.metadata).toUpperCase()} disk ${m.disk}, generation ${m.events}`
                : ''),
          ),
        ];
        for (const m of r.members)
          for (const o of m.otherSuperblocks)
            lines.push(
              `  '${m.path}' also carries a ${o.metadata} superblock of array ${o.uuid} (created ${new Date(o.ctime * 1000).toISOString()}): ${o.problem ?? 'not used (another array; --metadata chooses)'}`,
            );
        if (g.reshape) {
          const p = g.reshape.previous;
          lines.splice(
            1,
            0,
            `reshape (${g.reshape.kinds.join(' + ')}) interrupted: ${g.reshape.text}; from RAID${p.level} ${p.layout}, chunk ${formatSize(p.chunk)}, ${p.raidDisks} members`,
          );
        }
        for (const m of r.members) {
          if (m.newDataOffset !== null && m.newDataOffset !== m.dataOffset)
            lines.push(`  '${m.path}': new geometry's data at ${m.newDataOffset}`);
          const extras = [
            m.bitmapOffset !== null
              ? `internal write-intent bitmap at sector ${m.bitmapOffset} from the superblock`
              : '',
            m.ppl ? `partial parity log (${m.ppl.size} sectors at ${m.ppl.offset} from the superblock)` : '',
          ].filter(Boolean);
          if (extras.length) lines.push(`  '${m.path}': ${extras.join('; ')} (data not moved)`);
          if (m.recoveryOffset !== null)
            lines.push(`  '${m.path}': recovering, valid below byte ${m.recoveryOffset} of its data area`);
        }
        if (g.dirty) lines.push('array state: not clean (an unclean shutdown; parity may lag the data)');
        if (r.missingSlots.length) lines.push(`missing slots: ${listOf(r.missingSlots)}`);
        if (r.stale.length)
          lines.push(
            `stale (left out unless --include-stale): ${r.stale.map((s) => `'${s.path}' (events ${s.events})`).join(', ')}`,
          );
        lines.push(...drawSlots(slotRows(r), ctx.ui.drawing));
        return { exitCode: 0, json: { command: 'md examine', ok: true, ...r }, human: lines.join('\n') };
      }),
    ),
  );
}

/**
 * The rows of the slot picture: every member (slots ascending, members without a slot last) and a
 * row for each missing slot no member was given for. States are one word; members of an array
 * mid-reshape are `reshape`, with the share already moved to the new geometry.
 */
function slotRows(r: ReturnType<typeof examineArray>): SlotRow[] {
  const reshape = r.array.reshape;
  const rows: SlotRow[] = r.members.map((m) => {
    const row: SlotRow = { slot: m.slot, path: m.path, state: m.state.split(' ')[0]!, events: m.events };
    if (m.recoveryOffset !== null && m.dataSize > 0) row.valid = Math.min(1, m.recoveryOffset / m.dataSize);
    if (reshape && row.state === 'active') {
      row.state = 'reshape';
      const fraction = r.array.arrayBytes > 0 ? Math.min(1, reshape.position / r.array.arrayBytes) : 0;
      row.reshaped = { fraction, backwards: reshape.direction === 'backwards' };
    }
    return row;
  });
  for (const slot of r.missingSlots)
    if (!rows.some((x) => x.slot === slot)) rows.push({ slot, path: null, state: 'missing', events: null });
  return rows.sort((x, y) => (x.slot ?? Number.MAX_SAFE_INTEGER) - (y.slot ?? Number.MAX_SAFE_INTEGER));
}
