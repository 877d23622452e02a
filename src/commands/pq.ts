// raidtx pq -P P -Q Q DATA...: writes the RAID6 syndrome of 2..253 data members.

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { asyncGenSyndrome } from '../index.js';
import type { CommandResult, Context, Invoke } from './lib/context.js';
import {
  checkDataCount,
  finishPqStep,
  generated,
  openInputs,
  openOutputsFor,
  parseSpecs,
  requireSomeInput,
  runStream,
  stepSubmit,
} from './lib/pipeline.js';

export interface PqInput {
  data: string[];
  p: string | null;
  q: string | null;
  verify: boolean;
}

export function definePq(program: Command, invoke: Invoke): void {
  program
    .command('pq')
    .description('write P and Q (the RAID6 syndrome) of 2..253 DATA members; `zero` is an all-zero member')
    .argument('<data...>', 'data members in order (PATH, PATH@OFFSET or zero)')
    .option('-P, --p <file>', 'the P output (XOR parity)')
    .option('-Q, --q <file>', 'the Q output (Reed-Solomon syndrome)')
    .option('--verify', "check each chunk's P and Q with a dependent syndrome_val before writing")
    .action((data: string[], o: Record<string, unknown>, cmd: Command) =>
      invoke(cmd, (ctx) =>
        runPq(
          {
            data,
            p: (o.p as string) ?? null,
            q: (o.q as string) ?? null,
            verify: Boolean(o.verify) || ctx.opts.verify,
          },
          ctx,
        ),
      ),
    );
}

export async function runPq(input: PqInput, ctx: Context): Promise<CommandResult> {
  if (input.p === null && input.q === null) throw new UsageError('pq: give -P P, -Q Q or both');
  checkDataCount('pq', input.data.length);
  const specs = parseSpecs(input.data, { zero: true });
  requireSomeInputSpecs(specs, ctx);
  const { members, length } = await openInputs(specs, ctx);
  requireSomeInput('pq', members, ctx);
  const n = members.length;
  const outPaths = [input.p, input.q].filter((x): x is string => x !== null);
  const outputs = await openOutputsFor(members, outPaths, ctx, length);
  const pSlot = n;
  const qSlot = n + 1;
  const writes = [];
  let k = 0;
  if (input.p !== null) writes.push({ slot: pSlot, out: outputs[k++]! });
  if (input.q !== null) writes.push({ slot: qSlot, out: outputs[k++]! });
  const seconds = await runStream(ctx, 'pq', members, outputs, length, {
    slots: n + 2,
    emptySlots: [
      ...members.flatMap((m, i) => (m.handle === null ? [i] : [])),
      ...(input.p === null ? [pSlot] : []),
      ...(input.q === null ? [qSlot] : []),
    ],
    reads: members.flatMap((member, slot) => (member.handle ? [{ slot, member }] : [])),
    writes,
    async compute(bufs, len, pos) {
      const tx = asyncGenSyndrome(bufs, 0, n + 2, len, stepSubmit(input.verify));
      await finishPqStep('pq', tx, bufs, len, pos, input.verify);
    },
  });
  const what = `wrote ${[input.p !== null ? `P '${input.p}'` : '', input.q !== null ? `Q '${input.q}'` : ''].filter(Boolean).join(' and ')} from ${n} data members`;
  return generated('pq', what, length, n, seconds);
}

function requireSomeInputSpecs(specs: { kind: string }[], ctx: Context): void {
  if (specs.every((s) => s.kind !== 'path') && ctx.opts.length === null) {
    throw new UsageError('pq: every data member is `zero`; give --length');
  }
}
