// raidtx info: version, engines, why the native engine did not load, kernels per op, CPU features.

import type { Command } from 'commander';
import { type EngineInfo, engineInfo } from '../core/engine.js';
import { OP_NAMES, type OpName } from '../core/op-record.js';
import type { CommandResult, Context, Invoke } from './lib/context.js';
import { OP_COMMAND } from './lib/op-commands.js';
import { packageVersion } from './lib/version.js';

export function defineInfo(program: Command, invoke: Invoke): void {
  program
    .command('info')
    .description('version, engines (and why native did not load), the kernel per op, CPU features')
    .action((_o: unknown, cmd: Command) => invoke(cmd, (ctx) => runInfo(ctx)));
}

/** How `info` names where the addon came from. */
const BUILD_WORDS = {
  prebuilt: 'prebuilt (shipped in the package)',
  source: 'built from source',
  override: 'from RAIDTX_NATIVE_PATH',
} as const;

/** Per-op kernels keyed by command name, like every report. */
function byCommand(kernels: Record<OpName, string>): Record<string, string> {
  return Object.fromEntries(OP_NAMES.map((op) => [OP_COMMAND[op], kernels[op]]));
}

interface CommandInfo {
  engines: {
    native: EngineInfo['engines']['native'] & { kernels?: Record<string, string> };
    software: { available: true; kernels: Record<string, string> };
  };
  default: 'native' | 'software';
}

/** engineInfo() with the kernels keyed by command name (the keys keep their order). */
function commandInfo(info: EngineInfo): CommandInfo {
  const { native, software } = info.engines;
  return {
    engines: {
      native: native.kernels ? { ...native, kernels: byCommand(native.kernels) } : native,
      software: { ...software, kernels: byCommand(software.kernels) },
    },
    default: info.default,
  };
}

export async function runInfo(ctx: Context): Promise<CommandResult> {
  const info = commandInfo(engineInfo());
  const native = info.engines.native;
  const json = { version: packageVersion(), engines: info.engines, default: info.default };
  const c = ctx.ui.color;
  const lines = [
    `raidtx ${json.version}`,
    `engine in use by default: ${c.bold(info.default)}`,
    `native:   ${native.available ? c.green('available') : `${c.yellow('unavailable')} (${native.reason})`}`,
  ];
  if (native.build) lines.push(`  ${BUILD_WORDS[native.build]}: ${native.path}`);
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
