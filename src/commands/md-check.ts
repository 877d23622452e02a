// raidtx md check MEMBER...: verifies P (and Q) of every stripe of an md RAID5/6 array, in array
// coordinates with --from/--length. Inconsistent ranges carry stripe, array and member offsets and
// raidtx's suspect (raid6check's rule; RAID5 and partial checks cannot name one). Exit 1 on mismatch.

import type { Command } from 'commander';
import { UsageError } from '../core/errors.js';
import type { InputMember } from '../core/io/members.js';
import { formatSize } from '../core/io/size.js';
import { closeArray, type MdArray } from '../core/md/array.js';
import { dataChunksPerStripe } from '../core/md/layout.js';
import { submitStripeCheck } from '../core/md/stripe-ops.js';
import { Suspect } from '../core/op-record.js';
import { activeEngine } from '../index.js';
import type { CommandResult, Context, Invoke } from './lib/context.js';
import { runStream } from './lib/pipeline.js';
import {
  arrayRange,
  geometryOptions,
  type MdInput,
  openArray,
  parseMdInput,
  slotLabel,
  stepBytes,
  waitAll,
} from './md.js';

export interface MdMismatch {
  stripe: number;
  arrayOffset: number;
  memberOffset: number;
  length: number;
  p: boolean;
  q: boolean;
  suspect: { role: 'data' | 'p' | 'q' | 'unknown'; slot?: number; path?: string };
}

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
    invoke(cmd, (ctx) => runMdCheck(parseMdInput(members, cmd.optsWithGlobals()), o.from, ctx)),
  );
}

/** A member reader positioned at its data area, stripe `s0`. */
export function dataReader(m: { input: InputMember; dataOffset: number }, skip: number): InputMember {
  return {
    ...m.input,
    start: m.input.start + m.dataOffset + skip,
    available: m.input.available - m.dataOffset - skip,
  };
}

export async function runMdCheck(input: MdInput, from: unknown, ctx: Context): Promise<CommandResult> {
  const a = await openArray(input, ctx);
  try {
    return await check(a, input, from, ctx);
  } finally {
    await closeArray(a);
  }
}

async function check(a: MdArray, input: MdInput, from: unknown, ctx: Context): Promise<CommandResult> {
  const g = a.geometry;
  const C = g.chunk;
  const m = dataChunksPerStripe(g);
  const tolerated = g.level === 6 ? 2 : 1;
  if (a.missingSlots.length >= tolerated) {
    throw new UsageError(
      `md check: slots ${a.missingSlots.join(', ')} missing; RAID${g.level} has no redundancy left to check`,
    );
  }
  const range = arrayRange(a, from, ctx);
  const s0 = Math.floor(range.from / (m * C));
  const s1 = range.length === 0 ? s0 : Math.ceil((range.from + range.length) / (m * C));
  const step = stepBytes(a, input.step);
  const gran = Math.min(ctx.opts.granularity, C);
  const perChunk = Math.ceil(C / gran);
  const maxStripes = step / C;
  const flags = new Uint8Array(maxStripes * perChunk);
  const suspect = new Int32Array(maxStripes * perChunk);
  const mismatches: MdMismatch[] = [];
  const present = a.bySlot.flatMap((mem, slot) => (mem ? [{ slot, mem }] : []));
  const offsetOf = (slot: number): number => (a.bySlot[slot] ?? present[0]!.mem).dataOffset;
  const checked = { p: false, q: false };
  const seconds = await runStream(
    ctx,
    'md check',
    a.members.map((x) => x.input),
    [],
    (s1 - s0) * C,
    {
      chunk: step,
      slots: g.raidDisks,
      reads: present.map(({ slot, mem }) => ({ slot, member: dataReader(mem, s0 * C) })),
      writes: [],
      async compute(bufs, len, pos) {
        const count = len / C;
        flags.fill(0);
        suspect.fill(Suspect.NONE);
        const jobs = [];
        for (let i = 0; i < count; i++) {
          const chunks = bufs.map((b) => b!.subarray(i * C, (i + 1) * C));
          const detail = {
            granularity: gran,
            flags: flags.subarray(i * perChunk, (i + 1) * perChunk),
            suspect: suspect.subarray(i * perChunk, (i + 1) * perChunk),
          };
          jobs.push(submitStripeCheck(g, s0 + pos / C + i, chunks, a.missingSlots, C, detail));
        }
        await waitAll(
          jobs.map((j) => j.tx),
          'md check',
        );
        jobs.forEach((j, i) => {
          checked.p ||= j.checks.p;
          checked.q ||= j.checks.q;
          if (j.result.value === 0) return;
          const stripe = s0 + pos / C + i;
          for (let k = 0; k < perChunk; k++) {
            const f = flags[i * perChunk + k]!;
            if (f === 0) continue;
            const w = k * gran;
            const code = suspect[i * perChunk + k]!;
            const full = j.checks.p && j.checks.q;
            let sus: MdMismatch['suspect'] = { role: 'unknown' };
            let dataK = 0;
            if (full && code >= 0 && j.slotOfIndex.has(code)) {
              const slot = j.slotOfIndex.get(code)!;
              sus = { role: 'data', slot, path: slotLabel(a, slot) };
              dataK = j.map.dataSlots.indexOf(slot);
            } else if (full && code === Suspect.P) {
              sus = { role: 'p', slot: j.map.pSlot, path: slotLabel(a, j.map.pSlot) };
            } else if (full && code === Suspect.Q) {
              sus = { role: 'q', slot: j.map.qSlot, path: slotLabel(a, j.map.qSlot) };
            }
            const at = sus.slot ?? present[0]!.slot;
            add(mismatches, {
              stripe,
              arrayOffset: (stripe * m + dataK) * C + w,
              memberOffset: offsetOf(at) + stripe * C + w,
              length: Math.min(gran, C - w),
              p: g.level === 5 ? true : (f & 1) !== 0,
              q: (f & 2) !== 0,
              suspect: sus,
            });
          }
        });
      },
    },
  );
  const ok = mismatches.length === 0;
  const what =
    g.level === 5 ? 'P' : [checked.p ? 'P' : '', checked.q ? 'Q' : ''].filter(Boolean).join(' and ');
  const human = ok
    ? `md check: ${s1 - s0} stripes consistent (${what}; ${formatSize((s1 - s0) * C * m)} of array data, ${seconds.toFixed(3)} s, ${activeEngine()})`
    : `md check: ${mismatches.length} inconsistent range(s) in ${s1 - s0} stripes:\n${mismatches
        .slice(0, 20)
        .map(
          (x) =>
            `  stripe ${x.stripe} array offset ${x.arrayOffset} member offset ${x.memberOffset} length ${x.length}: ${x.p ? 'P' : '-'}${x.q ? 'Q' : '-'} suspect ${x.suspect.role}${x.suspect.slot !== undefined ? ` slot ${x.suspect.slot} '${x.suspect.path}'` : ''}`,
        )
        .join(
          '\n',
        )}${mismatches.length > 20 ? `\n  ... and ${mismatches.length - 20} more (see --json)` : ''}`;
  return {
    exitCode: ok ? 0 : 1,
    json: {
      command: 'md check',
      ok,
      stripes: s1 - s0,
      firstStripe: s0,
      checked,
      missingSlots: a.missingSlots,
      engine: activeEngine(),
      mismatches,
      mismatchCount: mismatches.length,
    },
    human,
  };
}

function add(list: MdMismatch[], x: MdMismatch): void {
  const last = list[list.length - 1];
  if (
    last &&
    last.stripe === x.stripe &&
    last.memberOffset + last.length === x.memberOffset &&
    last.p === x.p &&
    last.q === x.q &&
    last.suspect.role === x.suspect.role &&
    last.suspect.slot === x.suspect.slot
  ) {
    last.length += x.length;
    return;
  }
  list.push(x);
}
