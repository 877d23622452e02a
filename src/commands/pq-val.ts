// raidtx pq-val -P P -Q Q DATA...: checks P and/or Q against the data members and names the
// suspect member of every inconsistent range (raid6check's rule). Exit 1 on mismatch.

import type { Command } from 'commander';
import { activeEngine } from '../core/engine.js';
import { UsageError } from '../core/errors.js';
import { formatSize } from '../core/io/size.js';
import { pqValMembers } from '../core/jobs/pq-val.js';
import { checkDataCount, parseSpecs } from './lib/args.js';
import { type Invoke, jobOptions } from './lib/context.js';
import { addDamageOptions, parseDamageOptions, withDamage } from './lib/damage.js';
import { describeMismatches, pqVerdict, valResult } from './lib/render.js';

export function definePqVal(program: Command, invoke: Invoke): void {
  const cmd = program
    .command('pq-val')
    .description(
      'check P and/or Q against 2..253 DATA members; names the suspect member per range (exit 1 on mismatch)',
    )
    .argument('<data...>', 'data members in order (PATH, PATH@OFFSET or zero)')
    .option('-P, --p <file>', 'the P member to check')
    .option('-Q, --q <file>', 'the Q member to check');
  addDamageOptions(cmd, false).action((data: string[], o: Record<string, unknown>, cmd: Command) =>
    invoke(cmd, async (ctx) => {
      const p = (o.p as string | undefined) ?? null;
      const q = (o.q as string | undefined) ?? null;
      if (p === null && q === null) throw new UsageError('pq-val: give -P P, -Q Q or both');
      checkDataCount('pq-val', data.length);
      const specs = parseSpecs([...data, ...[p, q].filter((x): x is string => x !== null)], { zero: true });
      const parity = specs.slice(data.length);
      if (parity.some((s) => s.kind !== 'path'))
        throw new UsageError(`pq-val: P and Q must be files or devices`);
      const g = ctx.opts.granularity;
      const job = {
        data: specs.slice(0, data.length),
        p: p !== null ? parity[0]! : null,
        q: q !== null ? parity[parity.length - 1]! : null,
        granularity: g,
      };
      const damage = await parseDamageOptions(o);
      const r = await pqValMembers(job, { ...jobOptions(ctx), damage });
      const { bytes, mismatches } = r;
      const ok = mismatches.length === 0;
      const checked = [p !== null ? 'P' : '', q !== null ? 'Q' : ''].filter(Boolean).join(' and ');
      const engine = activeEngine();
      const human = ok
        ? `pq-val: ${checked} consistent with ${data.length} data members, ${formatSize(bytes)} each (${r.seconds.toFixed(3)} s, ${engine})`
        : `pq-val: ${mismatches.length} inconsistent range(s) in ${formatSize(bytes)} per member:\n${describeMismatches(
            mismatches.map((m) => pqVerdict(m, data)),
            mismatches,
          )}`;
      const json = { bytes, granularity: g, engine, mismatches, mismatchCount: mismatches.length };
      return withDamage(valResult('pq-val', ok, json, human), r.damage, 'check');
    }),
  );
}
