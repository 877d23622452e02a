// raidtx memcpy SRC DEST: copies a range of SRC into DEST in place (like dd conv=notrunc).

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { parseMemberSpec } from '../core/io/member.js';
import { parseSize } from '../core/io/size.js';
import { memcpyMembers } from '../core/jobs/memcpy.js';
import { type Invoke, jobOptions } from './lib/context.js';
import { generated } from './lib/render.js';

export function defineMemcpy(program: Command, invoke: Invoke): void {
  program
    .command('memcpy')
    .description('copy a range of SRC into DEST, in place (DEST is created if absent, never truncated)')
    .argument('<src>', 'source (PATH or PATH@OFFSET)')
    .argument('<dest>', 'destination (PATH or PATH@OFFSET), written in place')
    .option('--src-offset <size>', 'start in SRC (added to its @OFFSET and --offset)')
    .option('--dest-offset <size>', 'start in DEST (added to its @OFFSET and --offset)')
    .action((src: string, dest: string, o: Record<string, unknown>, cmd: Command) =>
      invoke(cmd, async (ctx) => {
        const srcOffset = o.srcOffset === undefined ? 0 : parseSize(String(o.srcOffset), '--src-offset');
        const destOffset = o.destOffset === undefined ? 0 : parseSize(String(o.destOffset), '--dest-offset');
        const srcSpec = parseMemberSpec(src, {});
        const destSpec = parseMemberSpec(dest, {});
        if (destSpec.kind !== 'path') throw new UsageError(`memcpy: DEST '${dest}' must be a file or device`);
        const job = { src: srcSpec, dest: destSpec, srcOffset, destOffset };
        const r = await memcpyMembers(job, jobOptions(ctx));
        return generated('memcpy', 'memcpy', `copied '${src}' to '${dest}'`, r, 1);
      }),
    );
}
