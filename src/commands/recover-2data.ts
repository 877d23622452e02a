// raidtx recover-2data -P P -Q Q DATA... -o OUT -o OUT: two data members are `missing`; rebuilds
// both from P, Q and the rest (lib/raid6/recov.c raid6_2data_recov). Outputs in member order.

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { MemberSpec } from '../core/io/member.js';
import { asyncRaid62DataRecov } from '../index.js';
import { type CommandResult, type Context, collect, type Invoke } from './lib/context.js';
import {
  checkDataCount,
  finishPqStep,
  generated,
  openInputs,
  openOutputsFor,
  parseSpecs,
  runStream,
  stepSubmit,
} from './lib/pipeline.js';

export interface RecoverInput {
  data: string[];
  p: string | null;
  q: string | null;
  outputs: string[];
  outP: string | null;
  verify: boolean;
}

export function defineRecover2Data(program: Command, invoke: Invoke): void {
  program
    .command('recover-2data')
    .description('rebuild the two `missing` DATA members from P, Q and the others (outputs in member order)')
    .argument('<data...>', 'data members in order; exactly two are `missing`')
    .option('-P, --p <file>', 'the P member')
    .option('-Q, --q <file>', 'the Q member')
    .option('-o, --output <file>', 'an output, once per missing member, in member order', collect)
    .option('--verify', 'check each rebuilt chunk with a dependent syndrome_val before writing')
    .action((data: string[], o: Record<string, unknown>, cmd: Command) =>
      invoke(cmd, (ctx) =>
        runRecover2Data(
          {
            data,
            p: (o.p as string) ?? null,
            q: (o.q as string) ?? null,
            outputs: (o.output as string[]) ?? [],
            outP: null,
            verify: Boolean(o.verify) || ctx.opts.verify,
          },
          ctx,
        ),
      ),
    );
}

/** Parses the data list of a recover command and returns the specs and missing indexes. */
export function parseRecoverData(
  command: string,
  data: string[],
  want: number,
): { specs: MemberSpec[]; missing: number[] } {
  checkDataCount(command, data.length);
  const specs = parseSpecs(data, { missing: true, zero: true });
  const missing = specs.flatMap((s, i) => (s.kind === 'missing' ? [i] : []));
  if (missing.length !== want) {
    throw new UsageError(
      `${command}: exactly ${want === 1 ? 'one DATA member' : 'two DATA members'} must be \`missing\`, got ${missing.length}` +
        (command === 'recover-2data' && missing.length === 1 ? ' (use recover-datap for one)' : '') +
        (command === 'recover-datap' && missing.length === 2 ? ' (use recover-2data for two)' : ''),
    );
  }
  return { specs, missing };
}

export async function runRecover2Data(input: RecoverInput, ctx: Context): Promise<CommandResult> {
  if (input.p === null) throw new UsageError('recover-2data: missing -P P');
  if (input.q === null) throw new UsageError('recover-2data: missing -Q Q');
  const { specs, missing } = parseRecoverData('recover-2data', input.data, 2);
  if (input.outputs.length !== 2) {
    throw new UsageError(
      `recover-2data: give one -o OUT per missing member (2), got ${input.outputs.length}`,
    );
  }
  const n = specs.length;
  const pq = parseSpecs([input.p, input.q], {});
  const { members, length } = await openInputs([...specs, ...pq], ctx);
  const outputs = await openOutputsFor(members, input.outputs, ctx, length);
  const [fa, fb] = missing as [number, number];
  const seconds = await runStream(ctx, 'recover-2data', members, outputs, length, {
    slots: n + 2,
    emptySlots: members.slice(0, n).flatMap((m, i) => (m.kind === 'zero' ? [i] : [])),
    reads: members.flatMap((member, slot) => (member.handle ? [{ slot, member }] : [])),
    writes: [
      { slot: fa, out: outputs[0]! },
      { slot: fb, out: outputs[1]! },
    ],
    async compute(bufs, len, pos) {
      const tx = asyncRaid62DataRecov(n + 2, len, fa, fb, bufs, stepSubmit(input.verify));
      await finishPqStep('recover-2data', tx, bufs, len, pos, input.verify);
    },
  });
  return generated(
    'recover-2data',
    `rebuilt data members ${fa} -> '${input.outputs[0]}' and ${fb} -> '${input.outputs[1]}' from ${n - 2} members, P and Q`,
    length,
    n,
    seconds,
  );
}
