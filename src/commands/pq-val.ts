// raidtx pq-val -P P -Q Q DATA...: checks P and/or Q against the data members and names the
// suspect member of every inconsistent range (raid6check's rule). Exit 1 on mismatch.

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import { formatSize } from '../core/io/size.js';
import { Suspect } from '../core/op-record.js';
import { AsyncTxFlags, activeEngine, asyncSyndromeVal, initAsyncSubmit } from '../index.js';
import type { CommandResult, Context, Invoke } from './lib/context.js';
import { checkDataCount, openInputs, parseSpecs, runStream, waitChain } from './lib/pipeline.js';
import { addPqMismatch, type PqMismatch, suspectOf, valChunk } from './lib/ranges.js';
import { describeMismatches } from './xor-val.js';

export interface PqValInput {
  data: string[];
  p: string | null;
  q: string | null;
}

export function definePqVal(program: Command, invoke: Invoke): void {
  program
    .command('pq-val')
    .description(
      'check P and/or Q against 2..253 DATA members; names the suspect member per range (exit 1 on mismatch)',
    )
    .argument('<data...>', 'data members in order (PATH, PATH@OFFSET or zero)')
    .option('-P, --p <file>', 'the P member to check')
    .option('-Q, --q <file>', 'the Q member to check')
    .action((data: string[], o: Record<string, unknown>, cmd: Command) =>
      invoke(cmd, (ctx) => runPqVal({ data, p: (o.p as string) ?? null, q: (o.q as string) ?? null }, ctx)),
    );
}

export async function runPqVal(input: PqValInput, ctx: Context): Promise<CommandResult> {
  if (input.p === null && input.q === null) throw new UsageError('pq-val: give -P P, -Q Q or both');
  checkDataCount('pq-val', input.data.length);
  const n = input.data.length;
  const specs = parseSpecs(
    [...input.data, ...(input.p !== null ? [input.p] : []), ...(input.q !== null ? [input.q] : [])],
    {
      zero: true,
    },
  );
  for (const s of specs.slice(n))
    if (s.kind !== 'path') throw new UsageError(`pq-val: P and Q must be files or devices`);
  const { members, length } = await openInputs(specs, ctx);
  const pSlot = n;
  const qSlot = n + 1;
  const slotOf = (i: number): number => (i < n ? i : i === n && input.p !== null ? pSlot : qSlot);
  const g = ctx.opts.granularity;
  const chunk = valChunk(ctx.opts.chunk, g);
  const granules = Math.ceil(Math.min(chunk, Math.max(length, 1)) / g);
  const flags = new Uint8Array(granules);
  const suspect = new Int32Array(granules);
  const mismatches: PqMismatch[] = [];
  const seconds = await runStream(ctx, 'pq-val', members, [], length, {
    chunk,
    slots: n + 2,
    emptySlots: [
      ...members.slice(0, n).flatMap((m, i) => (m.handle === null ? [i] : [])),
      ...(input.p === null ? [pSlot] : []),
      ...(input.q === null ? [qSlot] : []),
    ],
    reads: members.flatMap((member, i) => (member.handle ? [{ slot: slotOf(i), member }] : [])),
    writes: [],
    async compute(bufs, len, pos) {
      const res = { value: 0 };
      const tx = asyncSyndromeVal(bufs, 0, n + 2, len, res, initAsyncSubmit(AsyncTxFlags.ACK), {
        granularity: g,
        flags,
        suspect,
      });
      await waitChain(tx, 'pq-val');
      if (res.value === 0) return;
      const count = Math.ceil(len / g);
      for (let i = 0; i < count; i++) {
        const f = flags[i]!;
        if (f === 0) continue;
        const offset = pos + i * g;
        const code = suspect[i]!;
        addPqMismatch(mismatches, {
          offset,
          length: Math.min(g, length - offset),
          p: (f & 1) !== 0,
          q: (f & 2) !== 0,
          suspect: suspectOf(code === Suspect.NONE ? Suspect.UNKNOWN : code),
        });
      }
    },
  });
  const ok = mismatches.length === 0;
  const checked = [input.p !== null ? 'P' : '', input.q !== null ? 'Q' : ''].filter(Boolean).join(' and ');
  const human = ok
    ? `pq-val: ${checked} consistent with ${n} data members, ${formatSize(length)} each (${seconds.toFixed(3)} s, ${activeEngine()})`
    : `pq-val: ${mismatches.length} inconsistent range(s) in ${formatSize(length)} per member:\n${describeMismatches(
        mismatches.map((m) => `${m.p ? 'P' : '-'}${m.q ? 'Q' : '-'} suspect ${suspectText(m, input.data)}`),
        mismatches,
      )}`;
  return {
    exitCode: ok ? 0 : 1,
    json: {
      command: 'pq-val',
      ok,
      bytes: length,
      granularity: g,
      engine: activeEngine(),
      mismatches,
      mismatchCount: mismatches.length,
    },
    human,
  };
}

function suspectText(m: PqMismatch, data: string[]): string {
  const s = m.suspect;
  if (s.role === 'data') return `data member ${s.index} '${data[s.index]}'`;
  if (s.role === 'p') return 'P';
  if (s.role === 'q') return 'Q';
  return 'unknown';
}
