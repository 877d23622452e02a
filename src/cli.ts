// The raidtx command line: registers the commands, parses global options, and is the one place
// where errors become exit codes (0 done, 1 mismatch, 2 usage, 3 I/O, 130 interrupted).

import { Command, CommanderError, Option } from 'commander';
import { defineBench } from './commands/bench.js';
import { defineDemo } from './commands/demo.js';
import { defineInfo } from './commands/info.js';
import { type CommandResult, type Invoke, parseGlobals } from './commands/lib/context.js';
import { makeUi } from './commands/lib/ui.js';
import { packageVersion } from './commands/lib/version.js';
import { defineMd } from './commands/md.js';
import { defineMemcpy } from './commands/memcpy.js';
import { defineMemset } from './commands/memset.js';
import { definePq } from './commands/pq.js';
import { definePqVal } from './commands/pq-val.js';
import { defineRecover2Data } from './commands/recover-2data.js';
import { defineRecoverDatap } from './commands/recover-datap.js';
import { defineXor } from './commands/xor.js';
import { defineXorVal } from './commands/xor-val.js';
import { RaidtxError } from './core/errors.js';
import { removeTemporariesSync } from './core/io/output.js';
import { setEngine } from './index.js';

function buildProgram(invoke: Invoke): Command {
  const program = new Command('raidtx')
    .description("RAID parity toolkit: the Linux kernel's async_tx operations for files and block devices")
    .version(packageVersion(), '-V, --version')
    .option('--json', 'print exactly one JSON object on stdout')
    .addOption(new Option('--engine <mode>', 'auto, native or software (env RAIDTX_ENGINE)'))
    .option('--offset <size>', 'start offset added to every member (sizes: bytes or K M G T s)')
    .option('--length <size>', 'bytes per member to process')
    .option('--chunk <size>', 'bytes per member per step (default 1M)')
    .option('--pad', 'read shorter members as zero-padded instead of refusing unequal sizes')
    .option('--granularity <size>', 'report unit of the val commands (default 4096)')
    .option('--force', 'allow writing to block devices')
    .option('-q, --quiet', 'no progress display')
    .option(
      '--verify',
      "xor, pq, recover-*: check each chunk's result with a dependent val operation before writing",
    )
    .configureHelp({ showGlobalOptions: true })
    .showSuggestionAfterError(true);
  for (const define of [
    defineXor,
    defineXorVal,
    definePq,
    definePqVal,
    defineRecoverDatap,
    defineRecover2Data,
    defineMemcpy,
    defineMemset,
    defineInfo,
    defineBench,
    defineDemo,
    defineMd,
  ]) {
    define(program, invoke);
  }
  return program;
}

/** Applies exitOverride and our error format to the program and every subcommand. */
function configure(cmd: Command, write: (s: string) => void): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeErr: write,
    outputError: (str, w) => w(`raidtx: ${str.replace(/^error: /, '')}`),
  });
  for (const sub of cmd.commands) configure(sub, write);
}

function jsonError(command: string, code: number, message: string): string {
  return `${JSON.stringify({ command, ok: false, error: { exitCode: code, message } })}\n`;
}

/**
 * Runs the command line `argv` (as process.argv: node, script, args...) and returns the exit code.
 * Never exits the process itself, except on a second SIGINT/SIGTERM while the first is being handled.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const wantsJson = argv.slice(2).includes('--json');
  let commandName = argv.slice(2).find((a) => !a.startsWith('-')) ?? '';
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      // A second interrupt: the first is stuck somewhere; clean up what we can and go.
      removeTemporariesSync();
      process.exit(130);
    }
    controller.abort(signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const print = (r: CommandResult, json: boolean): void => {
    process.stdout.write(json ? `${JSON.stringify(r.json)}\n` : `${r.human}\n`);
  };
  const invoke: Invoke = async (cmd, body) => {
    commandName = cmd.name();
    const opts = parseGlobals(cmd.optsWithGlobals());
    setEngine(opts.engine);
    const result = await body({ opts, signal: controller.signal, ui: makeUi(opts) });
    print(result, opts.json);
    exitCode = result.exitCode;
  };

  const program = buildProgram(invoke);
  configure(program, (s) => process.stderr.write(s));
  try {
    await program.parseAsync(argv);
  } catch (err) {
    exitCode = report(err, wantsJson, commandName);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  return exitCode;
}

/** Prints an error (stderr, and a JSON object with --json) and returns its exit code. */
function report(err: unknown, json: boolean, command: string): number {
  if (err instanceof CommanderError) {
    // help and version are successes; everything else commander refuses is a usage error (exit 2)
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0)
      return 0;
    if (json) process.stdout.write(jsonError(command, 2, err.message.replace(/^error: /, '')));
    return 2;
  }
  if (err instanceof RaidtxError) {
    process.stderr.write(`raidtx: ${err.message}\n`);
    if (process.env.RAIDTX_DEBUG === '1' && err.stack) process.stderr.write(`${err.stack}\n`);
    if (json) process.stdout.write(jsonError(command, err.exitCode, err.message));
    return err.exitCode;
  }
  const message = err instanceof Error ? err.message : String(err);
  process.stderr.write(`raidtx: internal error: ${message}\n`);
  if (process.env.RAIDTX_DEBUG === '1' && err instanceof Error && err.stack)
    process.stderr.write(`${err.stack}\n`);
  else process.stderr.write('raidtx: (set RAIDTX_DEBUG=1 for details)\n');
  if (json) process.stdout.write(jsonError(command, 3, `internal error: ${message}`));
  return 3;
}
