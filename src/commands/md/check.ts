// raidtx md check MEMBER...: verifies P (and Q) of every stripe of an md RAID5/6 array, in array
// coordinates with --from/--length. Inconsistent ranges carry stripe, array and member offsets and
// raidtx's suspect (raid6check's rule; RAID5 and partial checks cannot name one). Unreadable ranges
// are reported apart and checked around with the parity left. Exit 1 on mismatch, else 4 when
// anything was unreadable or left unchecked.

import type { Command } from 'commander';
import { strictFailure } from '../../core/damage/report.js';
import { activeEngine } from '../../core/engine.js';
import { formatSize } from '../../core/io/size.js';
import { checkArray } from '../../core/md/check.js';
import { type Invoke, jobOptions } from '../lib/context.js';
import { addDamageOptions, damageSummary, parseDamageOptions } from '../lib/damage.js';
import { stripTail } from '../lib/pictures.js';
import { describeMdMismatches, valResult } from '../lib/render.js';
import { geometryOptions, parseMdInput, rangeOption, withArray } from './options.js';

export function defineMdCheck(md: Command, invoke: Invoke): void {
  addDamageOptions(
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
    ),
    false,
  ).action((members: string[], o: Record<string, unknown>, cmd: Command) =>
    invoke(cmd, async (ctx) => {
      const input = parseMdInput(members, cmd.optsWithGlobals());
      const damage = await parseDamageOptions(o);
      return withArray(
        input,
        ctx,
        async (a) => {
          const range = rangeOption(a, o.from, ctx);
          const opts = { range, step: input.step, granularity: ctx.opts.granularity };
          const r = await checkArray(a, opts, jobOptions(ctx), damage);
          const first = r.unchecked[0];
          if (damage.strict && first)
            throw strictFailure(
              'md check: array',
              { offset: first.from, length: first.length, members: first.unreadable ?? [] },
              'could not be checked',
            );
          const ok = r.mismatches.length === 0;
          const engine = activeEngine();
          const what =
            a.geometry.level === 5
              ? 'P'
              : [r.checked.p ? 'P' : '', r.checked.q ? 'Q' : ''].filter(Boolean).join(' and ');
          const unchecked = r.unchecked.slice(0, 20).map((u) => {
            const why = [
              u.missingSlots.length ? `slots ${u.missingSlots.join(', ')} missing` : '',
              u.unreadable?.length ? `unreadable on ${u.unreadable.map((x) => `'${x}'`).join(', ')}` : '',
            ].filter(Boolean);
            return `\n  not checked (no redundancy there: ${why.join(', ')}): array bytes ${u.from}..${u.from + u.length}`;
          });
          if (r.unchecked.length > 20)
            unchecked.push(`\n  ... and ${r.unchecked.length - 20} more (see --json)`);
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
            ...(r.unreadable.length ? { unreadable: r.unreadable } : {}),
          };
          const result = valResult('md check', ok, json, human);
          const summary = damageSummary({ unreadable: r.unreadable, recovered: [], lost: [] }, 'check');
          const res = summary ? { ...result, warnings: summary } : result;
          // Exit 4 (as the val commands with unreadable ranges): consistent where checked, not everywhere.
          return ok && (r.unchecked.length > 0 || r.unreadable.length > 0) ? { ...res, exitCode: 4 } : res;
        },
        damage,
      );
    }),
  );
}
