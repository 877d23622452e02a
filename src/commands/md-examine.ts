// raidtx md examine MEMBER...: every member's superblock, the array they agree on, missing slots and
// stale members. Disagreeing members (other arrays, one slot twice, bad checksums) are refused (exit 2).

import type { Command } from 'commander';
import { formatSize } from '../core/io/size.js';
import { closeArray, type MdArray } from '../core/md/array.js';
import { layoutName } from '../core/md/layout.js';
import type { CommandResult, Context, Invoke } from './lib/context.js';
import { geometryOptions, type MdInput, openArray, parseMdInput } from './md.js';

export function defineMdExamine(md: Command, invoke: Invoke): void {
  geometryOptions(
    md
      .command('examine')
      .description("each member's md superblock, the array they agree on, missing slots and stale members")
      .argument('<members...>', 'member images or devices (any order), PATH or PATH@OFFSET'),
  ).action((members: string[], _o: unknown, cmd: Command) =>
    invoke(cmd, (ctx) => runMdExamine(parseMdInput(members, cmd.optsWithGlobals()), ctx)),
  );
}

export async function runMdExamine(input: MdInput, ctx: Context): Promise<CommandResult> {
  const a = await openArray(input, ctx);
  try {
    return examineResult(a);
  } finally {
    await closeArray(a);
  }
}

function examineResult(a: MdArray): CommandResult {
  const g = a.geometry;
  const layout = layoutName(g.level, g.layout);
  const members = a.members
    .filter((m) => m.input.handle)
    .map((m) => ({
      path: m.label,
      slot: m.slot,
      state: m.excluded ?? (m.sb ? m.sb.memberState : 'active'),
      dataOffset: m.dataOffset,
      dataSize: m.sb ? m.sb.dataSize : a.memberDataSize,
      events: m.sb ? m.sb.events : null,
      metadata: m.sb ? m.sb.metadata : null,
      checksumOk: m.sb ? m.sb.checksumOk : null,
      updateTime: m.sb ? new Date(m.sb.updateTime * 1000).toISOString() : null,
      arrayState: m.sb ? m.sb.arrayState : null,
      deviceUuid: m.sb ? m.sb.deviceUuid : null,
    }));
  const stale = a.stale.map((m) => ({ path: m.label, slot: m.slot, events: m.events }));
  const json = {
    command: 'md examine',
    ok: true,
    array: {
      uuid: a.uuid,
      name: a.name,
      level: g.level,
      layout,
      layoutNumber: g.layout,
      chunk: g.chunk,
      raidDisks: g.raidDisks,
      metadata: a.metadata,
      memberDataSize: a.memberDataSize,
      arrayBytes: a.arrayBytes,
      stripes: a.stripes,
    },
    members,
    missingSlots: a.missingSlots,
    stale,
  };
  const lines = [
    `array ${a.uuid ?? '(no superblock)'}${a.name ? ` '${a.name}'` : ''}: RAID${g.level} ${layout}, chunk ${formatSize(g.chunk)}, ${g.raidDisks} members, metadata ${a.metadata ?? 'none'}, ${formatSize(a.arrayBytes)}`,
    ...members.map(
      (m) =>
        `  slot ${m.slot ?? '-'}  ${m.path}  ${m.state}  data at ${m.dataOffset}, ${formatSize(m.dataSize)}` +
        (m.events !== null ? `, events ${m.events}, updated ${m.updateTime}` : ''),
    ),
  ];
  if (a.missingSlots.length) lines.push(`missing slots: ${a.missingSlots.join(', ')}`);
  if (stale.length)
    lines.push(
      `stale (left out unless --include-stale): ${stale.map((s) => `'${s.path}' (events ${s.events})`).join(', ')}`,
    );
  return { exitCode: 0, json, human: lines.join('\n') };
}
