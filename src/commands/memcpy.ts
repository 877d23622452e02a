// raidtx memcpy SRC DEST: copies a range of SRC into DEST in place (like dd conv=notrunc).

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { parseMemberSpec } from '../core/io/member.js';
import { closeAll } from '../core/io/members.js';
import { type OutputSink, openInPlace } from '../core/io/output.js';
import { parseSize } from '../core/io/size.js';
import { AsyncTxFlags, asyncMemcpy, initAsyncSubmit } from '../index.js';
import type { CommandResult, Context, Invoke } from './lib/context.js';
import { generated, openInputs, runStream, waitChain } from './lib/pipeline.js';

export interface MemcpyInput {
  src: string;
  dest: string;
  srcOffset: number;
  destOffset: number;
}

export function defineMemcpy(program: Command, invoke: Invoke): void {
  program
    .command('memcpy')
    .description('copy a range of SRC into DEST, in place (DEST is created if absent, never truncated)')
    .argument('<src>', 'source (PATH or PATH@OFFSET)')
    .argument('<dest>', 'destination (PATH or PATH@OFFSET), written in place')
    .option('--src-offset <size>', 'start in SRC (added to its @OFFSET and --offset)')
    .option('--dest-offset <size>', 'start in DEST (added to its @OFFSET and --offset)')
    .action((src: string, dest: string, o: Record<string, unknown>, cmd: Command) =>
      invoke(cmd, (ctx) =>
        runMemcpy(
          {
            src,
            dest,
            srcOffset: o.srcOffset === undefined ? 0 : parseSize(String(o.srcOffset), '--src-offset'),
            destOffset: o.destOffset === undefined ? 0 : parseSize(String(o.destOffset), '--dest-offset'),
          },
          ctx,
        ),
      ),
    );
}

export async function runMemcpy(input: MemcpyInput, ctx: Context): Promise<CommandResult> {
  const srcSpec = parseMemberSpec(input.src, {});
  const destSpec = parseMemberSpec(input.dest, {});
  if (destSpec.kind !== 'path') throw new UsageError(`memcpy: DEST '${input.dest}' must be a file or device`);
  const { members, length } = await openInputs([srcSpec], ctx, input.srcOffset);
  let out: OutputSink;
  try {
    out = await openInPlace(destSpec, members, {
      force: ctx.opts.force,
      create: true,
      offset: ctx.opts.offset + input.destOffset,
      length,
    });
  } catch (err) {
    await closeAll(members);
    throw err;
  }
  const seconds = await runStream(ctx, 'memcpy', members, [out], length, {
    slots: 2,
    reads: [{ slot: 0, member: members[0]! }],
    writes: [{ slot: 1, out }],
    async compute(bufs, len) {
      await waitChain(
        asyncMemcpy(bufs[1]!, bufs[0]!, 0, 0, len, initAsyncSubmit(AsyncTxFlags.ACK)),
        'memcpy',
      );
    },
  });
  return generated('memcpy', `copied '${input.src}' to '${input.dest}'`, length, 1, seconds);
}
