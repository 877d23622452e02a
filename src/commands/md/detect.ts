// raidtx md detect MEMBER...: finds level, chunk, layout, member order and data offsets of an md
// RAID5/6 array whose superblocks are gone or lie, and prints the `raidtx md export` command for the
// best candidate. Exit 0 with one confident answer, 1 when nothing is consistent or the best tie.

import { type Command, Option } from 'commander';
import { UsageError } from '../../core/errors.js';
import { formatSize, parsePositiveSize } from '../../core/io/size.js';
import type { Candidate } from '../../core/md/detect/candidates.js';
import { DEFAULT_SAMPLE, type DetectInput, detectGeometry } from '../../core/md/detect/detect.js';
import { parseSpecs } from '../lib/args.js';
import { type Invoke, jobOptions } from '../lib/context.js';
import { mdChunkOption, parseMdInput } from './options.js';

export function defineMdDetect(md: Command, invoke: Invoke): void {
  md.command('detect')
    .description('find level, chunk, layout, member order and data offsets when the superblocks are gone')
    .argument('<members...>', 'member images or devices, any order; `missing` for absent members')
    .addOption(new Option('--level <n>', 'only this RAID level (5 or 6)'))
    .addOption(new Option('--layout <name>', 'only this md layout'))
    .addOption(mdChunkOption('only this md chunk size'))
    .addOption(new Option('--raid-disks <n>', 'members in the array (default: the members given)'))
    .addOption(new Option('--data-offset <size>', 'data offset of every member'))
    .option('--sample <size>', 'bytes read at most from each member (default 256M)')
    .option('--top <k>', 'candidates reported (default 5)')
    .option('--ignore-superblocks', 'do not trust md superblocks even when they are valid')
    .action((members: string[], o: Record<string, unknown>, cmd: Command) =>
      invoke(cmd, async (ctx) => {
        const md = parseMdInput(members, cmd.optsWithGlobals());
        const e = md.explicit;
        const top = o.top === undefined ? 5 : Number(o.top);
        if (!Number.isInteger(top) || top < 1)
          throw new UsageError(`--top: want a positive integer, got '${String(o.top)}'`);
        const input: DetectInput = {
          members: parseSpecs(members, { missing: true }),
          ...(e.level !== undefined ? { level: e.level } : {}),
          ...(e.layout !== undefined ? { layout: e.layout } : {}),
          ...(e.chunk !== undefined ? { chunk: e.chunk } : {}),
          ...(e.raidDisks !== undefined ? { raidDisks: e.raidDisks } : {}),
          ...(e.dataOffset !== undefined ? { dataOffset: e.dataOffset } : {}),
          sample: o.sample === undefined ? DEFAULT_SAMPLE : parsePositiveSize(String(o.sample), '--sample'),
          top,
          ignoreSuperblocks: Boolean(o.ignoreSuperblocks),
        };
        const r = await detectGeometry(input, jobOptions(ctx));
        const ok = r.candidates.length > 0 && !r.ambiguous;
        const bytesRead = r.bytesRead.reduce((a, b) => a + b, 0);
        const json = {
          command: 'md detect',
          ok,
          candidates: r.candidates.map(toJson),
          ambiguous: r.ambiguous,
          reason: r.reason,
          bytesRead,
          seconds: Math.round(r.seconds * 1e6) / 1e6,
        };
        return {
          exitCode: ok ? 0 : 1,
          json,
          human: human(r.candidates, r.ambiguous, r.reason, bytesRead, r.seconds),
        };
      }),
    );
}

function toJson(c: Candidate): Record<string, unknown> {
  const { hypothesis: _h, ...rest } = c;
  return rest;
}

const quote = (a: string): string => (/^[A-Za-z0-9_./@:=+-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);

function human(
  cs: Candidate[],
  ambiguous: boolean,
  reason: string | null,
  bytes: number,
  seconds: number,
): string {
  const read = `(${formatSize(bytes)} read in ${seconds.toFixed(2)} s)`;
  if (cs.length === 0) return `md detect: no consistent geometry: ${reason} ${read}`;
  const lines = [`md detect: ${cs.length} candidate(s) ${read}`];
  lines.push('  #  score   level layout              chunk  disks  evidence');
  cs.forEach((c, i) => {
    const e = c.evidence;
    const cont = e.continuity ? `, continuity ${e.continuity.inOrder}/${e.continuity.comparable}` : '';
    const marks = e.landmarks ? `, ${e.landmarks} fs landmarks` : '';
    const conf = e.confirmed ? `, whole chunks ${e.confirmed.consistent}/${e.confirmed.stripes}` : '';
    const ev = `${e.source}: ${e.consistent}/${e.stripesSampled} stripes${conf}${marks}${cont}${e.signature ? `, ${e.signature}` : ''}`;
    lines.push(
      `  ${String(i + 1).padEnd(2)} ${c.score.toFixed(3)}  ${String(c.level).padEnd(5)} ${c.layout.padEnd(19)} ${formatSize(c.chunk).padEnd(6)} ${String(c.raidDisks).padEnd(6)} ${ev}`,
    );
  });
  const best = cs[0]!;
  lines.push('members of the best candidate:');
  for (const m of [...best.members].sort((a, b) => a.slot - b.slot))
    lines.push(`  slot ${m.slot}  ${m.path}${m.dataOffset === null ? '' : `  data at ${m.dataOffset}`}`);
  if (ambiguous) lines.push('AMBIGUOUS: the best candidates tie; the evidence cannot choose between them');
  lines.push(`${ambiguous ? 'first of the tied' : 'export with'}: ${best.command.map(quote).join(' ')}`);
  return lines.join('\n');
}
