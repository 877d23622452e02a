// raidtx pq -P P -Q Q DATA...: writes the RAID6 syndrome of 2..253 data members.

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { pqMembers } from '../core/jobs/pq.js';
import { checkDataCount, parseSpecs } from './lib/args.js';
import { type Invoke, jobOptions } from './lib/context.js';
import { generated } from './lib/render.js';

export function definePq(program: Command, invoke: Invoke): void {
  program
    .command('pq')
    .description('write P and Q (the RAID6 syndrome) of 2..253 DATA members; `zero` is an all-zero member')
    .argument('<data...>', 'data members in order (PATH, PATH@OFFSET or zero)')
    .option('-P, --p <file>', 'the P output (XOR parity)')
    .option('-Q, --q <file>', 'the Q output (Reed-Solomon syndrome)')
    .option('--verify', "check each chunk's P and Q with a dependent syndrome_val before writing")
    .action((data: string[], o: Record<string, unknown>, cmd: Command) =>
      invoke(cmd, async (ctx) => {
        const p = (o.p as string | undefined) ?? null;
        const q = (o.q as string | undefined) ?? null;
        if (p === null && q === null) throw new UsageError('pq: give -P P, -Q Q or both');
        checkDataCount('pq', data.length);
        const verify = Boolean(o.verify) || ctx.opts.verify;
        const r = await pqMembers({ data: parseSpecs(data, { zero: true }), p, q, verify }, jobOptions(ctx));
        const outs = [p !== null ? `P '${p}'` : '', q !== null ? `Q '${q}'` : ''].filter(Boolean);
        return generated(
          'pq',
          'pq',
          `wrote ${outs.join(' and ')} from ${data.length} data members`,
          r,
          data.length,
        );
      }),
    );
}
