// raidtx demo: the main job end to end on generated members in a temporary folder — write P and Q,
// validate, lose two data members, rebuild them, compare with checksums taken before — then clean up.
// It runs the same command functions as the command line, not a shell.

import { createHash, randomFillSync } from 'node:crypto';
import { mkdtemp, readFile, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Command } from 'commander';
import { RaidtxError } from '../core/errors.js';
import { formatSize } from '../core/io/size.js';
import { activeEngine, kernelName } from '../index.js';
import {
  type CommandResult,
  type Context,
  DEFAULT_CHUNK,
  DEFAULT_GRANULARITY,
  type Invoke,
} from './lib/context.js';
import { gbps, round } from './lib/pipeline.js';
import { quietUi } from './lib/ui.js';
import { runPq } from './pq.js';
import { runPqVal } from './pq-val.js';
import { runRecover2Data } from './recover-2data.js';

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

const sha256 = async (path: string): Promise<string> =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

export async function runDemo(ctx: Context): Promise<CommandResult> {
  const dir = await mkdtemp(join(tmpdir(), 'raidtx-demo-'));
  // The steps run with default ranges whatever global options were given.
  const inner: Context = {
    signal: ctx.signal,
    ui: quietUi(),
    opts: {
      ...ctx.opts,
      json: false,
      quiet: true,
      offset: 0,
      length: null,
      pad: false,
      chunk: DEFAULT_CHUNK,
      granularity: DEFAULT_GRANULARITY,
    },
  };
  const steps: { step: string; seconds: number; GBps: number }[] = [];
  const step = async (name: string, body: () => Promise<CommandResult>): Promise<CommandResult> => {
    const r = await body();
    const seconds = Number(r.json.seconds ?? 0);
    steps.push({ step: name, seconds: round(seconds), GBps: gbps(MEMBERS * BYTES, seconds) });
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
    await step('pq', () => runPq({ data, p, q, verify: false }, inner));
    const t0 = performance.now();
    const val = await runPqVal({ data, p, q }, inner);
    const valSeconds = (performance.now() - t0) / 1000;
    steps.push({ step: 'pq-val', seconds: round(valSeconds), GBps: gbps(MEMBERS * BYTES, valSeconds) });
    if (val.exitCode !== 0) throw new RaidtxError('demo: pq-val found a mismatch right after pq', 3);
    for (const i of LOST) await unlink(data[i]!);
    const rebuilt = LOST.map((i) => join(dir, `disk${i}.rebuilt.img`));
    const members = data.map((path, i) => ((LOST as readonly number[]).includes(i) ? 'missing' : path));
    await step('recover-2data', () =>
      runRecover2Data({ data: members, p, q, outputs: rebuilt, outP: null, verify: false }, inner),
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
