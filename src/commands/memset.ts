// raidtx memset DEST --value BYTE --length N [--offset N]: fills a range of DEST in place.

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { parseMemberSpec } from '../core/io/member.js';
import { memsetMember } from '../core/jobs/memset.js';
import { type Invoke, jobOptions } from './lib/context.js';
import { generated } from './lib/render.js';

export function defineMemset(program: Command, invoke: Invoke): void {
  program
    .command('memset')
    .description('fill --length bytes of DEST (from --offset) with --value, in place')
    .argument('<dest>', 'destination (PATH or PATH@OFFSET)')
    .option('--value <byte>', 'the byte: 0..255, decimal or 0x hex')
    .action((dest: string, o: Record<string, unknown>, cmd: Command) =>
      invoke(cmd, async (ctx) => {
        const value = parseByte(o.value);
        const length = ctx.opts.length;
        if (length === null) throw new UsageError('memset: missing --length N');
        const r = await memsetMember(parseMemberSpec(dest, {}), value, length, jobOptions(ctx));
        return generated('memset', 'memset', `filled '${dest}' with ${value}`, r, 1);
      }),
    );
}

function parseByte(text: unknown): number {
  if (text === undefined) throw new UsageError('memset: missing --value BYTE');
  const s = String(text);
  const v = /^0x[0-9a-f]{1,2}$/i.test(s)
    ? Number.parseInt(s.slice(2), 16)
    : /^[0-9]{1,3}$/.test(s)
      ? Number(s)
      : Number.NaN;
  if (!(v >= 0 && v <= 255)) throw new UsageError(`--value: invalid byte '${s}' (0..255, or 0x00..0xff)`);
  return v;
}
