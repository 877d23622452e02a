// raidtx xor-val SRC...: checks that the XOR of all SRCs (data and parity) is zero. Exit 1 if not.

import type { Command } from 'commander';
import { activeEngine } from '../core/engine.js';
import { UsageError } from '../core/errors.js';
import { formatSize } from '../core/io/size.js';
import { xorValMembers } from '../core/jobs/xor-val.js';
import { parseSpecs } from './lib/args.js';
import { type Invoke, jobOptions } from './lib/context.js';
import { addDamageOptions, parseDamageOptions, withDamage } from './lib/damage.js';
import { describeMismatches, valResult } from './lib/render.js';

export function defineXorVal(program: Command, invoke: Invoke): void {
  const cmd = program
    .command('xor-val')
    .description('check that the XOR of all SRCs (data members and parity) is zero (exit 1 if not)')
    .argument('<src...>', 'members (PATH or PATH@OFFSET)');
  addDamageOptions(cmd, false).action((srcs: string[], o: Record<string, unknown>, cmd: Command) =>
    invoke(cmd, async (ctx) => {
      if (srcs.length < 2) throw new UsageError(`xor-val: needs at least 2 members, got ${srcs.length}`);
      const g = ctx.opts.granularity;
      const specs = parseSpecs(srcs, {});
      const damage = await parseDamageOptions(o);
      const r = await xorValMembers(specs, g, { ...jobOptions(ctx), damage });
      const ok = r.mismatches.length === 0;
      const engine = activeEngine();
      const human = ok
        ? `xor-val: the XOR of ${r.members} members is zero over ${formatSize(r.bytes)} (${r.seconds.toFixed(3)} s, ${engine})`
        : `xor-val: ${r.mismatches.length} range(s) where the XOR of ${r.members} members is not zero:\n${describeMismatches([], r.mismatches)}`;
      const { bytes, mismatches } = r;
      const json = { bytes, granularity: g, engine, mismatches, mismatchCount: mismatches.length };
      return withDamage(valResult('xor-val', ok, json, human), r.damage, 'check');
    }),
  );
}
