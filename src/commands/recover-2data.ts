// raidtx recover-2data -P P -Q Q DATA... -o OUT -o OUT: two data members are `missing`; rebuilds
// both from P, Q and the rest (lib/raid6/recov.c raid6_2data_recov). Outputs in member order.

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { recover2DataMembers } from '../core/jobs/recover.js';
import { parityMember, parseRecoverData } from './lib/args.js';
import { collect, type Invoke, jobOptions } from './lib/context.js';
import { addDamageOptions, checkMapOut, parseDamageOptions, recoveredResult } from './lib/damage.js';
import { generated } from './lib/render.js';

export function defineRecover2Data(program: Command, invoke: Invoke): void {
  const cmd = program
    .command('recover-2data')
    .description('rebuild the two `missing` DATA members from P, Q and the others (outputs in member order)')
    .argument('<data...>', 'data members in order; exactly two are `missing`')
    .option('-P, --p <file>', 'the P member')
    .option('-Q, --q <file>', 'the Q member')
    .option('-o, --output <file>', 'an output, once per missing member, in member order', collect)
    .option('--verify', 'check each rebuilt chunk with a dependent syndrome_val before writing');
  addDamageOptions(cmd, true).action((data: string[], o: Record<string, unknown>, cmd: Command) =>
    invoke(cmd, async (ctx) => {
      const p = parityMember('recover-2data', '-P P', (o.p as string | undefined) ?? null);
      const q = parityMember('recover-2data', '-Q Q', (o.q as string | undefined) ?? null);
      const specs = parseRecoverData('recover-2data', data, 2);
      const outputs = (o.output as string[] | undefined) ?? [];
      if (outputs.length !== 2)
        throw new UsageError(`recover-2data: give one -o OUT per missing member (2), got ${outputs.length}`);
      const damage = await parseDamageOptions(o);
      checkMapOut(damage, outputs);
      const verify = Boolean(o.verify) || ctx.opts.verify;
      const job = { data: specs, p, q, outputs: outputs as [string, string], verify };
      const r = await recover2DataMembers(job, { ...jobOptions(ctx), damage });
      const [fa, fb] = r.failed;
      const n = data.length;
      const what = `rebuilt data members ${fa} -> '${outputs[0]}' and ${fb} -> '${outputs[1]}' from ${n - 2} members, P and Q`;
      const result = generated('recover-2data', 'recov_2data', what, r, n);
      return recoveredResult(result, r.damage, outputs, r.bytes, damage);
    }),
  );
}
