// raidtx xor -o DEST SRC...               DEST = SRC_0 ^ SRC_1 ^ ...  (atomic output)
// raidtx xor --accumulate -o DEST SRC...  DEST ^= SRC_0 ^ ...         (in place)

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { parseMemberSpec } from '../core/io/member.js';
import { xorAccumulate, xorMembers } from '../core/jobs/xor.js';
import { parseSpecs } from './lib/args.js';
import { type Invoke, jobOptions } from './lib/context.js';
import { generated } from './lib/render.js';

export function defineXor(program: Command, invoke: Invoke): void {
  program
    .command('xor')
    .description('DEST = XOR of the SRCs; with --accumulate, DEST ^= XOR of the SRCs in place')
    .argument('<src...>', 'source members (PATH or PATH@OFFSET)')
    .option('-o, --output <dest>', 'the output file or block device')
    .option('--accumulate', 'DEST ^= XOR of the SRCs, written in place (DEST must exist)')
    .option('--verify', "check each chunk's result with a dependent xor_val before writing it")
    .action((srcs: string[], o: Record<string, unknown>, cmd: Command) =>
      invoke(cmd, async (ctx) => {
        const output = (o.output as string | undefined) ?? null;
        const verify = Boolean(o.verify) || ctx.opts.verify;
        if (o.accumulate) {
          if (output === null) throw new UsageError('xor --accumulate: missing -o DEST');
          if (srcs.length < 1) throw new UsageError('xor --accumulate: needs at least 1 SRC member');
          const job = { dest: parseMemberSpec(output, {}), srcs: parseSpecs(srcs, {}), verify };
          const r = await xorAccumulate(job, jobOptions(ctx));
          return generated(
            'xor',
            'xor',
            `xored ${srcs.length} members into '${output}' in place`,
            r,
            srcs.length,
          );
        }
        if (output === null) throw new UsageError('xor: missing -o DEST');
        if (srcs.length < 2) throw new UsageError(`xor: needs at least 2 SRC members, got ${srcs.length}`);
        const r = await xorMembers({ srcs: parseSpecs(srcs, {}), output, verify }, jobOptions(ctx));
        return generated('xor', 'xor', `wrote '${output}' = XOR of ${r.members} members`, r, r.members);
      }),
    );
}
