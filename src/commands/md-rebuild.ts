// raidtx md rebuild MEMBER... -o SLOT=PATH...: rebuilds missing members of an md RAID5/6 array as
// whole member images: the data area at its data offset and (unless --data-only) a superblock for
// the slot made from a peer's, that mdadm --examine accepts. Outputs are atomic (io layer).

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { OutputSink } from '../core/io/output.js';
import { closeArray, type MdArray, requireRecoverable } from '../core/md/array.js';
import { submitStripeRebuild } from '../core/md/stripe-ops.js';
import { type RebuiltSuperblock, rebuildSuperblock } from '../core/md/superblock.js';

import { type CommandResult, type Context, collect, type Invoke } from './lib/context.js';
import { generated, openOutputsFor, runStream } from './lib/pipeline.js';
import { geometryOptions, type MdInput, openArray, parseMdInput, stepBytes, waitAll } from './md.js';
import { dataReader } from './md-check.js';

export function defineMdRebuild(md: Command, invoke: Invoke): void {
  geometryOptions(
    md
      .command('rebuild')
      .description('rebuild missing members as whole member images (data area and superblock)')
      .argument(
        '<members...>',
        'the remaining members (any order with superblocks; else slot order with `missing`)',
      )
      .option('-o, --output <slot=path>', 'rebuild slot SLOT into PATH (repeatable)', collect)
      .option('--data-only', 'write only the data area (no superblock)'),
  ).action((members: string[], o: Record<string, unknown>, cmd: Command) =>
    invoke(cmd, (ctx) =>
      runMdRebuild(
        parseMdInput(members, cmd.optsWithGlobals()),
        (o.output as string[]) ?? [],
        Boolean(o.dataOnly),
        ctx,
      ),
    ),
  );
}

function parseTargets(outputs: string[], a: MdArray): { slot: number; path: string }[] {
  if (outputs.length === 0) throw new UsageError('md rebuild: give -o SLOT=PATH for each member to rebuild');
  const targets = outputs.map((o) => {
    const m = /^([0-9]+)=(.+)$/.exec(o);
    if (!m) throw new UsageError(`md rebuild: -o '${o}': want SLOT=PATH`);
    const slot = Number(m[1]);
    if (slot >= a.geometry.raidDisks) {
      throw new UsageError(`md rebuild: -o '${o}': slot ${slot} is outside 0..${a.geometry.raidDisks - 1}`);
    }
    const present = a.bySlot[slot];
    if (present) {
      throw new UsageError(
        `md rebuild: slot ${slot} is present ('${present.label}'); leave that member out to rebuild it`,
      );
    }
    return { slot, path: m[2]! };
  });
  const seen = new Set<number>();
  for (const t of targets) {
    if (seen.has(t.slot)) throw new UsageError(`md rebuild: slot ${t.slot} given twice`);
    seen.add(t.slot);
  }
  return targets;
}

export async function runMdRebuild(
  input: MdInput,
  outputs: string[],
  dataOnly: boolean,
  ctx: Context,
): Promise<CommandResult> {
  const a = await openArray(input, ctx);
  let sinks: OutputSink[] | null = null;
  try {
    requireRecoverable(a, 'rebuild');
    const targets = parseTargets(outputs, a);
    const g = a.geometry;
    const C = g.chunk;
    const peerMember = a.peer ? a.members.find((m) => m.sb === a.peer)! : null;
    const dataOffset = (a.bySlot.find((m) => m) ?? a.members[0]!).dataOffset;
    const dataEnd = dataOffset + a.stripes * C;
    const imageSize = Math.max(peerMember ? peerMember.input.available : dataEnd, dataEnd);
    const supers: (RebuiltSuperblock | null)[] = targets.map((t) =>
      a.peer && !dataOnly ? rebuildSuperblock(a.peer, t.slot) : null,
    );
    const inputs = a.members.map((m) => m.input);
    sinks = await openOutputsFor(
      inputs.filter((m) => m.handle),
      targets.map((t) => t.path),
      ctx,
      imageSize,
    );
    const outs = sinks;
    // Metadata regions first: zeros outside the data area, then bad-block logs and superblocks.
    const zero = Buffer.alloc(Math.min(1 << 20, Math.max(imageSize, 1)));
    const fill = async (out: OutputSink, from: number, to: number, buf = zero): Promise<void> => {
      for (let p = from; p < to; p += buf.length) await out.write(buf, Math.min(buf.length, to - p), p);
    };
    for (const [i, out] of outs.entries()) {
      await fill(out, 0, dataOffset);
      await fill(out, dataEnd, imageSize);
      const sb = supers[i];
      if (sb) {
        for (const f of sb.fills)
          await fill(out, f.offset, f.offset + f.length, Buffer.alloc(f.length, f.value));
        await out.write(sb.bytes, sb.bytes.length, sb.offset);
      }
    }
    const atData = (out: OutputSink): OutputSink => ({
      ...out,
      write: (buf, len, pos) => out.write(buf, len, dataOffset + pos),
    });
    const present = a.bySlot.flatMap((mem, slot) => (mem ? [{ slot, mem }] : []));
    sinks = null; // runStream commits or aborts them from here on
    const seconds = await runStream(ctx, 'md rebuild', inputs, outs, a.stripes * C, {
      chunk: stepBytes(a, input.step),
      slots: g.raidDisks,
      reads: present.map(({ slot, mem }) => ({ slot, member: dataReader(mem, 0) })),
      writes: targets.map((t, i) => ({ slot: t.slot, out: atData(outs[i]!) })),
      async compute(bufs, len, pos) {
        const txs = [];
        for (let i = 0; i < len / C; i++) {
          const chunks = bufs.map((b) => b!.subarray(i * C, (i + 1) * C));
          txs.push(submitStripeRebuild(g, pos / C + i, chunks, a.missingSlots, C, true).tx);
        }
        await waitAll(txs, 'md rebuild');
      },
    });
    const what = targets
      .map((t, i) => `slot ${t.slot} -> '${t.path}'${supers[i] ? ' (with superblock)' : ''}`)
      .join(', ');
    const r = generated('md rebuild', `rebuilt ${what}`, a.stripes * C, g.raidDisks, seconds, 'pq');
    r.json.command = 'md rebuild';
    r.json.slots = targets.map((t) => t.slot);
    r.json.imageBytes = imageSize;
    r.json.dataOffset = dataOffset;
    return r;
  } finally {
    if (sinks) await Promise.all(sinks.map((s) => s.abort()));
    await closeArray(a);
  }
}
