// raidtx recover-datap -Q Q DATA... -o OUT [--out-p P_OUT]: one data member is `missing` and P is
// lost too; rebuilds the member from Q and the rest, then P (lib/raid6/recov.c raid6_datap_recov).

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { asyncRaid6DatapRecov } from '../index.js';
import { type CommandResult, type Context, collect, type Invoke } from './lib/context.js';
import {
  finishPqStep,
  generated,
  openInputs,
  openOutputsFor,
  parseSpecs,
  runStream,
  stepSubmit,
} from './lib/pipeline.js';
import { parseRecoverData, type RecoverInput } from './recover-2data.js';

export function defineRecoverDatap(program: Command, invoke: Invoke): void {
  program
    .command('recover-datap')
    .description('rebuild the one `missing` DATA member (and P) from Q and the other members')
    .argument('<data...>', 'data members in order; exactly one is `missing`')
    .option('-Q, --q <file>', 'the Q member')
    .option('-o, --output <file>', 'the rebuilt data member', collect)
    .option('--out-p <file>', 'also write the rebuilt P here')
    .option('--verify', 'check each rebuilt chunk with a dependent syndrome_val before writing')
    .action((data: string[], o: Record<string, unknown>, cmd: Command) =>
      invoke(cmd, (ctx) =>
        runRecoverDatap(
          {
            data,
            p: null,
            q: (o.q as string) ?? null,
            outputs: (o.output as string[]) ?? [],
            outP: (o.outP as string) ?? null,
            verify: Boolean(o.verify) || ctx.opts.verify,
          },
          ctx,
        ),
      ),
    );
}

export async function runRecoverDatap(input: RecoverInput, ctx: Context): Promise<CommandResult> {
  if (input.q === null) throw new UsageError('recover-datap: missing -Q Q');
  const { specs, missing } = parseRecoverData('recover-datap', input.data, 1);
  if (input.outputs.length !== 1)
    throw new UsageError(`recover-datap: give exactly one -o OUT, got ${input.outputs.length}`);
  const n = specs.length;
  const { members, length } = await openInputs([...specs, ...parseSpecs([input.q], {})], ctx);
  const outPaths = [input.outputs[0]!, ...(input.outP !== null ? [input.outP] : [])];
  const outputs = await openOutputsFor(members, outPaths, ctx, length);
  const fa = missing[0]!;
  const qSlot = n + 1;
  const seconds = await runStream(ctx, 'recover-datap', members, outputs, length, {
    slots: n + 2,
    emptySlots: members.slice(0, n).flatMap((m, i) => (m.kind === 'zero' ? [i] : [])),
    reads: members.flatMap((member, i) => (member.handle ? [{ slot: i < n ? i : qSlot, member }] : [])),
    writes: [{ slot: fa, out: outputs[0]! }, ...(input.outP !== null ? [{ slot: n, out: outputs[1]! }] : [])],
    async compute(bufs, len, pos) {
      const tx = asyncRaid6DatapRecov(n + 2, len, fa, bufs, stepSubmit(input.verify));
      await finishPqStep('recover-datap', tx, bufs, len, pos, input.verify);
    },
  });
  const pText = input.outP !== null ? ` and P -> '${input.outP}'` : '';
  return generated(
    'recover-datap',
    `rebuilt data member ${fa} -> '${input.outputs[0]}'${pText} from ${n - 1} members and Q`,
    length,
    n,
    seconds,
  );
}
