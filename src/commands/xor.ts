// raidtx xor -o DEST SRC...          DEST = SRC_0 ^ SRC_1 ^ ...  (atomic output)
// raidtx xor --accumulate -o DEST SRC...  DEST ^= SRC_0 ^ ...     (in place)

import type { Command } from 'commander';
import { IoError, UsageError } from '../core/errors.js';
import { type OutputSink, openInPlace } from '../core/io/output.js';
import { AsyncTxFlags, asyncMemcpy, asyncXor, asyncXorVal, initAsyncSubmit } from '../index.js';
import type { CommandResult, Context, Invoke } from './lib/context.js';
import {
  generated,
  openInputs,
  openOutputsFor,
  parseSpecs,
  refuseSame,
  runStream,
  waitChain,
} from './lib/pipeline.js';

export interface XorInput {
  srcs: string[];
  output: string | null;
  accumulate: boolean;
  verify: boolean;
}

export function defineXor(program: Command, invoke: Invoke): void {
  program
    .command('xor')
    .description('DEST = XOR of the SRCs; with --accumulate, DEST ^= XOR of the SRCs in place')
    .argument('<src...>', 'source members (PATH or PATH@OFFSET)')
    .option('-o, --output <dest>', 'the output file or block device')
    .option('--accumulate', 'DEST ^= XOR of the SRCs, written in place (DEST must exist)')
    .option('--verify', "check each chunk's result with a dependent xor_val before writing it")
    .action((srcs: string[], o: Record<string, unknown>, cmd: Command) =>
      invoke(cmd, (ctx) =>
        runXor(
          {
            srcs,
            output: (o.output as string | undefined) ?? null,
            accumulate: Boolean(o.accumulate),
            verify: Boolean(o.verify) || ctx.opts.verify,
          },
          ctx,
        ),
      ),
    );
}

export async function runXor(input: XorInput, ctx: Context): Promise<CommandResult> {
  if (input.accumulate) return runAccumulate(input, ctx);
  if (input.output === null) throw new UsageError('xor: missing -o DEST');
  if (input.srcs.length < 2)
    throw new UsageError(`xor: needs at least 2 SRC members, got ${input.srcs.length}`);
  const specs = parseSpecs(input.srcs, {});
  const { members, length } = await openInputs(specs, ctx);
  const n = members.length;
  const outputs = await openOutputsFor(members, [input.output], ctx, length);
  const seconds = await runStream(ctx, 'xor', members, outputs, length, {
    slots: n + 1,
    reads: members.map((member, slot) => ({ slot, member })),
    writes: [{ slot: n, out: outputs[0]! }],
    async compute(bufs, len, pos) {
      const srcs = bufs.slice(0, n) as Buffer[];
      const dest = bufs[n]!;
      let tx = asyncXor(
        dest,
        srcs,
        0,
        n,
        len,
        initAsyncSubmit(
          input.verify ? AsyncTxFlags.XOR_ZERO_DST : AsyncTxFlags.XOR_ZERO_DST | AsyncTxFlags.ACK,
        ),
      );
      const res = { value: 0 };
      if (input.verify)
        tx = asyncXorVal(null, [dest, ...srcs], 0, n + 1, len, res, initAsyncSubmit(AsyncTxFlags.ACK, tx));
      await waitChain(tx, 'xor');
      if (res.value !== 0)
        throw new IoError(
          `xor: --verify failed for the chunk at offset ${pos}; nothing written`,
          input.output!,
          pos,
        );
    },
  });
  return generated('xor', `wrote '${input.output}' = XOR of ${n} members`, length, n, seconds);
}

async function runAccumulate(input: XorInput, ctx: Context): Promise<CommandResult> {
  if (input.output === null) throw new UsageError('xor --accumulate: missing -o DEST');
  const dest = input.output;
  if (input.srcs.length < 1) throw new UsageError('xor --accumulate: needs at least 1 SRC member');
  const specs = parseSpecs([dest, ...input.srcs], {});
  const { members, length } = await openInputs(specs, ctx);
  const n = input.srcs.length;
  let outputs: OutputSink[];
  try {
    refuseSame(members[0]!, members.slice(1), 'destination');
    outputs = [
      await openInPlace(specs[0]!, members.slice(1), {
        force: ctx.opts.force,
        create: false,
        offset: ctx.opts.offset,
        length,
      }),
    ];
  } catch (err) {
    await Promise.all(members.map((m) => m.handle?.close()));
    throw err;
  }
  // slots: 0 = DEST, 1..n = SRCs, n + 1 = the old DEST (kept for --verify)
  const seconds = await runStream(ctx, 'xor', members, outputs, length, {
    slots: input.verify ? n + 2 : n + 1,
    reads: members.map((member, slot) => ({ slot, member })),
    writes: [{ slot: 0, out: outputs[0]! }],
    async compute(bufs, len, pos) {
      const d = bufs[0]!;
      const srcs = bufs.slice(1, n + 1) as Buffer[];
      let tx = null;
      if (input.verify) tx = asyncMemcpy(bufs[n + 1]!, d, 0, 0, len, initAsyncSubmit(0));
      tx = asyncXor(
        d,
        [d, ...srcs],
        0,
        n + 1,
        len,
        initAsyncSubmit(AsyncTxFlags.XOR_DROP_DST | (input.verify ? 0 : AsyncTxFlags.ACK), tx),
      );
      const res = { value: 0 };
      if (input.verify) {
        tx = asyncXorVal(
          null,
          [d, bufs[n + 1]!, ...srcs],
          0,
          n + 2,
          len,
          res,
          initAsyncSubmit(AsyncTxFlags.ACK, tx),
        );
      }
      await waitChain(tx, 'xor');
      if (res.value !== 0)
        throw new IoError(`xor: --verify failed for the chunk at offset ${pos}`, dest, pos);
    },
  });
  return generated('xor', `xored ${n} members into '${dest}' in place`, length, n, seconds);
}
