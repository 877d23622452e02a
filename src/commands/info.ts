// raidtx info: version, engines, why the native engine did not load, kernels per op, CPU features.

import type { Command } from 'commander';
import { engineInfo, OP_COMMAND, OP_NAMES } from '../index.js';
import type { CommandResult, Context, Invoke } from './lib/context.js';
import { packageVersion } from './lib/version.js';

export function defineInfo(program: Command, invoke: Invoke): void {
  program
    .command('info')
    .description('version, engines (and why native did not load), the kernel per op, CPU features')
    .action((_o: unknown, cmd: Command) => invoke(cmd, (ctx) => runInfo(ctx)));
}

export async function runInfo(ctx: Context): Promise<CommandResult> {
  const info = engineInfo();
  const native = info.engines.native;
  const json = { version: packageVersion(), engines: info.engines, default: info.default };
  const c = ctx.ui.color;
  const lines = [
    `raidtx ${json.version}`,
    `engine in use by default: ${c.bold(info.default)}`,
    `native:   ${native.available ? c.green('available') : `${c.yellow('unavailable')} (${native.reason})`}`,
  ];
  if (native.available) {
    lines.push(`  cpu features: ${(native.cpu ?? []).join(' ') || 'none'}`);
    for (const op of OP_NAMES.map((o) => OP_COMMAND[o]))
      lines.push(`  ${op.padEnd(14)} ${native.kernels?.[op]}`);
  } else {
    lines.push('  (build it with `npm run build`; the software engine works everywhere)');
  }
  lines.push(
    `software: available (${Object.values(info.engines.software.kernels ?? {})[0] ?? 'ts'} kernels)`,
  );
  return { exitCode: 0, json, human: lines.join('\n') };
}
