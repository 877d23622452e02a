// raidtx md check MEMBER...: verifies P (and Q) of every stripe of an md RAID5/6 array, in array
// coordinates with --from/--length. Inconsistent ranges carry stripe, array and member offsets and
// raidtx's suspect (raid6check's rule; RAID5 and partial checks cannot name one). Exit 1 on mismatch.

import type { Command } from 'commander';
import { activeEngine } from '../../core/engine.js';
import { formatSize } from '../../core/io/size.js';
import { checkArray } from '../../core/md/check.js';
import { type Invoke, jobOptions } from '../lib/context.js';
import { stripTail } from '../lib/pictures.js';
import { describeMdMismatches, valResult } from '../lib/render.js';
import { geometryOptions, parseMdInput, rangeOption, withArray } from './options.js';

export function defineMdCheck(md: Command, invoke: Invoke): void {
  geometryOptions(
    md
      .command('check')
      .description(
        'verify the parity of every stripe; names the suspect member per range (exit 1 on mismatch)',
      )
      .argument(
        '<members...>',
        'member images or devices (any order with superblocks; else slot order with `missing`)',
      )
      .option('--from <size>', 'array offset to start at (with the global --length: array bytes)'),
  ).action((members: string[], o: Record<string, unknown>, cmd: Command) =>
    invoke(cmd, (ctx) => {
      const input = parseMdInput(members, cmd.optsWithGlobals());
      return withArray(input, ctx, async (a) => {
        const range = rangeOption(a, o.from, ctx);
        const opts = { range, step: input.step, granularity: ctx.opts.granularity };
        const r = await checkArray(a, opts, jobOptions(ctx));
        const ok = r.mismatches.length === 0;
        const engine = activeEngine();
        const what =
          a.geometry.level === 5
            ? 'P'
            : [r.checked.p ? 'P' : '', r.checked.q ? 'Q' : ''].filter(Boolean).join(' and ');
        const unchecked = r.unchecked.map(
          (u) =>
            `\n  not checked (no redundancy there: slots ${u.missingSlots.join(', ')} missing): array bytes ${u.from}..${u.from + u.length}`,
        );
        const human =
          (ok
            ? `md check: ${r.stripes} stripes consistent (${what}; ${formatSize(r.dataBytes)} of array data, ${r.seconds.toFixed(3)} s, ${engine})`
            : `md check: ${r.mismatches.length} inconsistent range(s) in ${r.stripes} stripes:\n${describeMdMismatches(r.mismatches)}`) +
          unchecked.join('') +
          stripTail(
            ctx.ui.pictures,
            'array bytes',
            range.from,
            range.length,
            r.mismatches.map((x) => ({ offset: x.arrayOffset, length: x.length })),
            r.unchecked.map((u) => ({ offset: u.from, length: u.length })),
            'not checked',
          );
        const json = {
          stripes: r.stripes,
          firstStripe: r.firstStripe,
          checked: r.checked,
          missingSlots: a.missingSlots,
          engine,
          mismatches: r.mismatches,
          mismatchCount: r.mismatches.length,
          unchecked: r.unchecked,
        };
        const result = valResult('md check', ok, json, human);
        // Exit 4 (as the val commands with unreadable ranges): consistent where checked, not everywhere.
        return ok && r.unchecked.length > 0 ? { ...result, exitCode: 4 } : result;
      });
    }),
  );
}
