// raidtx demo: the main job end to end on generated members in a temporary folder — write P and Q,
// validate, lose two data members, rebuild them, compare with checksums taken before — then clean up.
// It runs the same command functions as the command line, not a shell.

import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { activeEngine, kernelName } from '../core/engine.js';
import { RaidtxError } from '../core/errors.js';
import { parseMemberSpec } from '../core/io/member.js';
import { formatSize } from '../core/io/size.js';
import { pqMembers } from '../core/jobs/pq.js';
import { pqValMembers } from '../core/jobs/pq-val.js';
import { recover2DataMembers } from '../core/jobs/recover.js';
import type { JobOptions } from '../core/jobs/run.js';
import {
  type CommandResult,
  type Context,
  DEFAULT_GRANULARITY,
  DEFAULT_STEP,
  type Invoke,
} from './lib/context.js';
import { gbps, round } from './lib/render.js';

const MEMBERS = 6;
const BYTES = 4 * 1024 * 1024;
const LOST = [1, 4] as const;

export function defineDemo(program: Command, invoke: Invoke): void {
  program
    .command('demo')
    .description(
      'generate 6 data members, write P and Q, validate, lose two members, rebuild and verify them',
    )
    .action((_o: unknown, cmd: Command) => invoke(cmd, (ctx) => runDemo(ctx)));
}

export async function runDemo(ctx: Context): Promise<CommandResult> {
  // loaded here, not at start-up: every other command would pay for it (scripts/bundle.mjs)
  const { createHash, randomFillSync } = await import('node:crypto');
  const sha256 = async (path: string): Promise<string> =>
    createHash('sha256')
      .update(await readFile(path))
      .digest('hex');
  const dir = await mkdtemp(join(tmpdir(), 'raidtx-demo-'));
  // The steps run with default ranges and no progress display, whatever global options were given.
  const inner: JobOptions = {
    offset: 0,
    length: null,
    pad: false,
    step: DEFAULT_STEP,
    force: ctx.opts.force,
    signal: ctx.signal,
  };
  const steps: { step: string; seconds: number; GBps: number }[] = [];
  const step = async <T extends { seconds: number }>(name: string, body: () => Promise<T>): Promise<T> => {
    const r = await body();
    steps.push({ step: name, seconds: round(r.seconds), GBps: gbps(MEMBERS * BYTES, r.seconds) });
    return r;
  };
  try {
    const data = Array.from({ length: MEMBERS }, (_, i) => join(dir, `disk${i}.img`));
    const p = join(dir, 'p.img');
    const q = join(dir, 'q.img');
    const sums: string[] = [];
    const buf = Buffer.alloc(BYTES);
    for (const path of data) {
      randomFillSync(buf);
      await writeFile(path, buf);
      sums.push(createHash('sha256').update(buf).digest('hex'));
    }
    const spec = (path: string) => parseMemberSpec(path, { missing: true });
    await step('pq', () => pqMembers({ data: data.map(spec), p, q, verify: false }, inner));
    const val = await step('pq-val', () =>
      pqValMembers({ data: data.map(spec), p: spec(p), q: spec(q), granularity: DEFAULT_GRANULARITY }, inner),
    );
    if (val.mismatches.length > 0) throw new RaidtxError('demo: pq-val found a mismatch right after pq', 3);
    for (const i of LOST) await unlink(data[i]!);
    const rebuilt = LOST.map((i) => join(dir, `disk${i}.rebuilt.img`));
    const members = data.map((path, i) => spec((LOST as readonly number[]).includes(i) ? 'missing' : path));
    const outputs = rebuilt as [string, string];
    await step('recover-2data', () =>
      recover2DataMembers({ data: members, p: spec(p), q: spec(q), outputs, verify: false }, inner),
    );
    const verified = await Promise.all(
      rebuilt.map(async (path, k) => (await sha256(path)) === sums[LOST[k]!]),
    );
    if (!verified.every(Boolean))
      throw new RaidtxError('demo: a rebuilt member differs from the original', 3);
    const engine = activeEngine();
    const kernel = kernelName('pq');
    const c = ctx.ui.color;
    const table = [
      `raidtx demo: ${MEMBERS} data members of ${formatSize(BYTES)} in ${dir} (removed afterwards)`,
      `engine: ${engine} (pq kernel ${kernel})`,
      '',
      c.bold(`${'step'.padEnd(16)} ${'seconds'.padStart(8)} ${'GB/s'.padStart(8)}`),
      ...steps.map(
        (s) => `${s.step.padEnd(16)} ${s.seconds.toFixed(3).padStart(8)} ${s.GBps.toFixed(2).padStart(8)}`,
      ),
      '',
      `lost data members ${LOST.join(' and ')}, rebuilt them from P and Q: ${c.green('checksums match')}`,
    ];
    return {
      exitCode: 0,
      json: {
        command: 'demo',
        ok: true,
        engine,
        kernel,
        members: MEMBERS,
        bytes: BYTES,
        lost: [...LOST],
        steps,
        verified: true,
      },
      human: table.join('\n'),
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
