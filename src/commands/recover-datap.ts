// raidtx recover-datap -Q Q DATA... -o OUT [--out-p P_OUT]: one data member is `missing` and P is
// lost too; rebuilds the member from Q and the rest, then P (lib/raid6/recov.c raid6_datap_recov).

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { recoverDatapMembers } from '../core/jobs/recover.js';
import { parityMember, parseRecoverData } from './lib/args.js';
import { collect, type Invoke, jobOptions } from './lib/context.js';
import { addDamageOptions, checkMapOut, parseDamageOptions, recoveredResult } from './lib/damage.js';
import { generated } from './lib/render.js';

export function defineRecoverDatap(program: Command, invoke: Invoke): void {
  const cmd = program
    .command('recover-datap')
    .description('rebuild the one `missing` DATA member (and P) from Q and the other members')
    .argument('<data...>', 'data members in order; exactly one is `missing`')
    .option('-Q, --q <file>', 'the Q member')
    .option('-o, --output <file>', 'the rebuilt data member', collect)
    .option('--out-p <file>', 'also write the rebuilt P here')
    .option('--verify', 'check each rebuilt chunk with a dependent syndrome_val before writing');
  addDamageOptions(cmd, true).action((data: string[], o: Record<string, unknown>, cmd: Command) =>
    invoke(cmd, async (ctx) => {
      const q = parityMember('recover-datap', '-Q Q', (o.q as string | undefined) ?? null);
      const specs = parseRecoverData('recover-datap', data, 1);
      const outputs = (o.output as string[] | undefined) ?? [];
      if (outputs.length !== 1)
        throw new UsageError(`recover-datap: give exactly one -o OUT, got ${outputs.length}`);
      const outP = (o.outP as string | undefined) ?? null;
      const damage = await parseDamageOptions(o);
      const all = [outputs[0]!, ...(outP !== null ? [outP] : [])];
      checkMapOut(damage, all);
      const verify = Boolean(o.verify) || ctx.opts.verify;
      const r = await recoverDatapMembers(
        { data: specs, q, output: outputs[0]!, outP, verify },
        { ...jobOptions(ctx), damage },
      );
      const n = data.length;
      const pText = outP !== null ? ` and P -> '${outP}'` : '';
      const what = `rebuilt data member ${r.failed} -> '${outputs[0]}'${pText} from ${n - 1} members and Q`;
      const result = generated('recover-datap', 'recov_datap', what, r, n);
      return recoveredResult(result, r.damage, all, r.bytes, damage);
    }),
  );
}
