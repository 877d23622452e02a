// raidtx memset DEST --value BYTE --length N [--offset N]: fills a range of DEST in place.

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { parseMemberSpec } from '../core/io/member.js';
import { openInPlace } from '../core/io/output.js';
import { AsyncTxFlags, asyncMemset, initAsyncSubmit } from '../index.js';
import type { CommandResult, Context, Invoke } from './lib/context.js';
import { generated, runStream, waitChain } from './lib/pipeline.js';

export function defineMemset(program: Command, invoke: Invoke): void {
  program
    .command('memset')
    .description('fill --length bytes of DEST (from --offset) with --value, in place')
    .argument('<dest>', 'destination (PATH or PATH@OFFSET)')
    .option('--value <byte>', 'the byte: 0..255, decimal or 0x hex')
    .action((dest: string, o: Record<string, unknown>, cmd: Command) =>
      invoke(cmd, (ctx) => runMemset({ dest, value: parseByte(o.value) }, ctx)),
    );
}

export function parseByte(text: unknown): number {
  if (text === undefined) throw new UsageError('memset: missing --value BYTE');
  const s = String(text);
  const v = /^0x[0-9a-f]{1,2}$/i.test(s)
    ? Number.parseInt(s.slice(2), 16)
    : /^[0-9]{1,3}$/.test(s)
      ? Number(s)
      : Number.NaN;
  if (!(v >= 0 && v <= 255)) throw new UsageError(`--value: invalid byte '${s}' (0..255, or 0x00..0xff)`);
  return v;
}

export async function runMemset(
  input: { dest: string; value: number },
  ctx: Context,
): Promise<CommandResult> {
  const length = ctx.opts.length;
  if (length === null) throw new UsageError('memset: missing --length N');
  const spec = parseMemberSpec(input.dest, {});
  const out = await openInPlace(spec, [], {
    force: ctx.opts.force,
    create: true,
    offset: ctx.opts.offset,
    length,
  });
  const seconds = await runStream(ctx, 'memset', [], [out], length, {
    slots: 1,
    reads: [],
    writes: [{ slot: 0, out }],
    async compute(bufs, len) {
      await waitChain(
        asyncMemset(bufs[0]!, input.value, 0, len, initAsyncSubmit(AsyncTxFlags.ACK)),
        'memset',
      );
    },
  });
  return generated('memset', `filled '${input.dest}' with ${input.value}`, length, 1, seconds);
}
