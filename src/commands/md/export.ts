// raidtx md export MEMBER... -o ARRAY.img|-: the array's logical content (what /dev/mdX shows),
// missing members reconstructed on the fly; --from/--length in array coordinates. A file output is
// atomic; `-o -` streams to stdout (the summary then goes to stderr).

import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { exportArray } from '../../core/md/export.js';
import { type Invoke, jobOptions } from '../lib/context.js';
import { addDamageOptions, checkMapOut, parseDamageOptions } from '../lib/damage.js';
import { generated } from '../lib/render.js';
import { RESUME_HELP, withResume } from '../lib/resume.js';
import { stdoutSink } from '../lib/stdout.js';
import { geometryOptions, parseMdInput, rangeOption, reportDamage, withArray } from './options.js';

export function defineMdExport(md: Command, invoke: Invoke): void {
  addDamageOptions(
    geometryOptions(
      md
        .command('export')
        .description("write the array's logical content, reconstructing missing members on the fly")
        .argument(
          '<members...>',
          'member images or devices (any order with superblocks; else slot order with `missing`)',
        )
        .option('-o, --output <path>', 'the array image, or - for stdout')
        .option('--from <size>', 'array offset to start at (with the global --length: array bytes)')
        .option('--resume', RESUME_HELP),
    ),
    true,
  ).action((members: string[], o: Record<string, unknown>, cmd: Command) => {
    const output = o.output as string | undefined;
    return invoke(
      cmd,
      async (ctx) => {
        if (output === undefined) throw new UsageError('md export: give -o ARRAY.img (or -o - for stdout)');
        if (output === '-' && o.resume)
          throw new UsageError('md export: --resume needs a file output; -o - (stdout) cannot be resumed');
        const input = parseMdInput(members, cmd.optsWithGlobals());
        const damage = await parseDamageOptions(o);
        checkMapOut(damage, [output]);
        return withArray(
          input,
          ctx,
          async (a) => {
            const range = rangeOption(a, o.from, ctx);
            const r = await exportArray(
              a,
              range,
              output === '-' ? stdoutSink() : output,
              input.step,
              withResume(cmd, 'md export', jobOptions(ctx)),
              damage,
            );
            const end = range.from + range.length;
            const what = `array bytes ${range.from}..${end} -> '${output}'`;
            const res = generated('md export', 'pq', what, r, 1, 'of array data');
            Object.assign(res.json, { from: range.from, missingSlots: a.missingSlots });
            const out = { path: output, report: r.damage, size: range.length, base: range.from };
            return reportDamage(res, [out], damage);
          },
          damage,
        );
      },
      { stdoutData: output === '-' ? 'the array' : undefined },
    );
  });
}
