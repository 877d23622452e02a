// raidtx xor-val SRC...: checks that the XOR of all SRCs (data and parity) is zero. Exit 1 if not.

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { formatSize } from '../core/io/size.js';
import { AsyncTxFlags, activeEngine, asyncXorVal, initAsyncSubmit } from '../index.js';
import type { CommandResult, Context, Invoke } from './lib/context.js';
import { openInputs, parseSpecs, runStream, waitChain } from './lib/pipeline.js';
import { addXorMismatch, valChunk, type XorMismatch } from './lib/ranges.js';

export function defineXorVal(program: Command, invoke: Invoke): void {
  program
    .command('xor-val')
    .description('check that the XOR of all SRCs (data members and parity) is zero (exit 1 if not)')
    .argument('<src...>', 'members (PATH or PATH@OFFSET)')
    .action((srcs: string[], _o: unknown, cmd: Command) => invoke(cmd, (ctx) => runXorVal({ srcs }, ctx)));
}

/** The first lines of a mismatch list (the JSON carries all of them). */
export function describeMismatches(
  labels: string[],
  ranges: { offset: number; length: number }[],
  max = 20,
): string {
  const lines = ranges
    .slice(0, max)
    .map((r, i) => `  offset ${r.offset} length ${r.length}${labels[i] ? `: ${labels[i]}` : ''}`);
  if (ranges.length > max) lines.push(`  ... and ${ranges.length - max} more (see --json)`);
  return lines.join('\n');
}

export async function runXorVal(input: { srcs: string[] }, ctx: Context): Promise<CommandResult> {
  if (input.srcs.length < 2)
    throw new UsageError(`xor-val: needs at least 2 members, got ${input.srcs.length}`);
  const specs = parseSpecs(input.srcs, {});
  const { members, length } = await openInputs(specs, ctx);
  const n = members.length;
  const g = ctx.opts.granularity;
  const chunk = valChunk(ctx.opts.chunk, g);
  const flags = new Uint8Array(Math.ceil(Math.min(chunk, Math.max(length, 1)) / g));
  const mismatches: XorMismatch[] = [];
  const seconds = await runStream(ctx, 'xor-val', members, [], length, {
    chunk,
    slots: n,
    reads: members.map((member, slot) => ({ slot, member })),
    writes: [],
    async compute(bufs, len, pos) {
      const res = { value: 0 };
      const tx = asyncXorVal(null, bufs as Buffer[], 0, n, len, res, initAsyncSubmit(AsyncTxFlags.ACK), {
        granularity: g,
        flags,
      });
      await waitChain(tx, 'xor-val');
      if (res.value === 0) return;
      const count = Math.ceil(len / g);
      for (let i = 0; i < count; i++) {
        if (flags[i] === 0) continue;
        const offset = pos + i * g;
        addXorMismatch(mismatches, { offset, length: Math.min(g, length - offset) });
      }
    },
  });
  const ok = mismatches.length === 0;
  return {
    exitCode: ok ? 0 : 1,
    json: {
      command: 'xor-val',
      ok,
      bytes: length,
      granularity: g,
      engine: activeEngine(),
      mismatches,
      mismatchCount: mismatches.length,
    },
    human: ok
      ? `xor-val: the XOR of ${n} members is zero over ${formatSize(length)} (${seconds.toFixed(3)} s, ${activeEngine()})`
      : `xor-val: ${mismatches.length} range(s) where the XOR of ${n} members is not zero:\n${describeMismatches([], mismatches)}`,
  };
}
