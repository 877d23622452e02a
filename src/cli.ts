// The raidtx command line: registers the commands, parses global options, runs every command body
// through one invoke, and is the one place where results are printed and errors become exit codes
// (0 done, 1 mismatch, 2 usage, 3 I/O, 4 completed with unrecoverable ranges, 130 interrupted, 141 stdout closed early).

import { Command, CommanderError, Option } from 'commander';
import { defineBench } from './commands/bench.js';
import { defineCompletion } from './commands/completion.js';
import { defineDemo } from './commands/demo.js';
import { defineInfo } from './commands/info.js';
import { type CommandResult, type Invoke, parseGlobals } from './commands/lib/context.js';
import { attachExamples, helpConfig } from './commands/lib/help.js';
import { makeUi } from './commands/lib/ui.js';
import { packageVersion } from './commands/lib/version.js';
import { MD_SUMMARY } from './commands/md/summary.js';
import { defineMemcpy } from './commands/memcpy.js';
import { defineMemset } from './commands/memset.js';
import { definePq } from './commands/pq.js';
import { definePqVal } from './commands/pq-val.js';
import { defineRecover2Data } from './commands/recover-2data.js';
import { defineRecoverDatap } from './commands/recover-datap.js';
import { defineXor } from './commands/xor.js';
import { defineXorVal } from './commands/xor-val.js';
import { setEngine } from './core/engine.js';
import { RaidtxError, UsageError } from './core/errors.js';
import { FieldError } from './core/field-error.js';
import { setDirectIo } from './core/io/direct.js';
import { removeTemporariesSync } from './core/io/output.js';

/** Exit code of a run whose stdout reader went away (`| head`), as a process killed by SIGPIPE. */
const EXIT_PIPE = 141;

/**
 * Registers md last. Its code (a large part of the start-up time) is loaded only for a command line
 * whose command is md (or help); otherwise md is registered by name and summary alone, for --help.
 */
async function addMd(program: Command, invoke: Invoke, args: string[]): Promise<void> {
  let first: string | undefined;
  for (let i = 0; i < args.length && first === undefined; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (!a.startsWith('-')) first = a;
    else if (program.options.some((o) => (o.long === a || o.short === a) && (o.required || o.optional))) i++;
  }
  // completion scripts and help list md's subcommands too
  if (first === 'md' || first === 'help' || first === 'completion') {
    const { defineMd } = await import('./commands/md/index.js');
    defineMd(program, invoke);
  } else {
    program.command('md').description(MD_SUMMARY);
  }
}

function buildProgram(invoke: Invoke): Command {
  const program = new Command('raidtx')
    .description("RAID parity toolkit: the Linux kernel's async_tx operations for files and block devices")
    .version(packageVersion(), '-V, --version')
    .option('--json', 'print exactly one JSON object on stdout')
    .addOption(new Option('--engine <mode>', 'auto, native or software (env RAIDTX_ENGINE)'))
    .option('--offset <size>', 'start offset added to every member (sizes: bytes or K M G T s)')
    .option('--length <size>', 'bytes per member to process')
    .option('--step <size>', 'bytes per member per step (default 1M; md commands: whole chunks)')
    .option('--pad', 'read shorter members as zero-padded instead of refusing unequal sizes')
    .option('--granularity <size>', 'report unit of the val commands (default 4096)')
    .option('--force', 'allow writing to block devices')
    .option('--direct', 'read every member with O_DIRECT (default: block devices only)')
    .option('--no-direct', 'read no member with O_DIRECT (through the page cache)')
    .option('-q, --quiet', 'no progress display')
    .option(
      '--verify',
      "xor, pq, recover-*: check each chunk's result with a dependent val operation before writing",
    )
    .configureHelp(helpConfig)
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
    defineCompletion,
  ]) {
    define(program, invoke);
  }
  return program;
}

/** A commander error, with a pointer where an old option name was used (`--chunk` before `--step`). */
function withHint(message: string): string {
  if (!/unknown option '--chunk\b/.test(message)) return message;
  return `${message.replace(/\n$/, '')} (--chunk is the md chunk size, in md commands only; the bytes per member per step is --step)${message.endsWith('\n') ? '\n' : ''}`;
}

/** The command definitions alone, md included (nothing runs): what the man page is generated from. */
export async function commandDefinitions(): Promise<Command> {
  const program = buildProgram(async () => {});
  await addMd(program, async () => {}, ['md']);
  attachExamples(program);
  return program;
}

/** Applies exitOverride and our error format to the program and every subcommand. */
function configure(cmd: Command, write: (s: string) => void): void {
  cmd.exitOverride();
  cmd.configureOutput({
    writeErr: write,
    outputError: (str, w) => w(`raidtx: ${withHint(str.replace(/^error: /, ''))}`),
  });
  for (const sub of cmd.commands) configure(sub, write);
}

/**
 * The command a command line names ("pq", "md export"), found as commander would find it: options
 * are skipped with their values, so `--engine native pq` names pq.
 */
function commandNameOf(program: Command, args: string[]): string {
  const names: string[] = [];
  let cmd = program;
  const options = (c: Command): Option[] => {
    const all: Option[] = [];
    for (let p: Command | null = c; p; p = p.parent) all.push(...p.options);
    return all;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === '--') break;
    if (a.startsWith('-')) {
      const opt = options(cmd).find((o) => o.long === a || o.short === a);
      if (opt && (opt.required || opt.optional)) i++;
      continue;
    }
    const sub = cmd.commands.find((c) => c.name() === a || c.aliases().includes(a));
    if (!sub) break;
    names.push(sub.name());
    cmd = sub;
  }
  return names.join(' ');
}

/** How the command line names a core input field: its option. */
function optionName(field: string): string {
  if (field === 'output') return '-o';
  if (field === 'serials') return '--serial';
  return `--${field.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function jsonError(command: string, code: number, message: string, hint?: string): string {
  const error = hint === undefined ? { exitCode: code, message } : { exitCode: code, message, hint };
  return `${JSON.stringify({ command, ok: false, error })}\n`;
}

/**
 * Runs the command line `argv` (as process.argv: node, script, args...) and returns the exit code.
 * Never exits the process itself, except on a second SIGINT/SIGTERM while the first is being handled.
 */
export async function main(argv: string[]): Promise<number> {
  let exitCode = 0;
  const wantsJson = argv.slice(2).includes('--json');
  const controller = new AbortController();
  const onSignal = (signal: NodeJS.Signals): void => {
    if (controller.signal.aborted) {
      // A second interrupt: the first is stuck somewhere; clean up what we can and go.
      removeTemporariesSync();
      process.exit(130);
    }
    controller.abort(signal);
  };
  // A reader that goes away (`| head`) is no error of ours: stop quietly, like GNU tools.
  let stdoutGone = false;
  const onStdoutError = (err: NodeJS.ErrnoException): void => {
    if (err.code !== 'EPIPE') return;
    stdoutGone = true;
    if (!controller.signal.aborted) controller.abort('EPIPE');
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.stdout.on('error', onStdoutError);

  const invoke: Invoke = async (cmd, body, how = {}) => {
    const opts = parseGlobals(cmd.optsWithGlobals());
    if (how.stdoutData && opts.json)
      throw new UsageError(
        `${commandNameOf(program, argv.slice(2))}: --json cannot be combined with -o - (stdout carries ${how.stdoutData})`,
      );
    setEngine(opts.engine);
    setDirectIo(opts.direct);
    const ui = makeUi(how.stdoutData ? { json: false, quiet: opts.quiet } : opts);
    const result: CommandResult = await body({ opts, signal: controller.signal, ui });
    exitCode = result.exitCode;
    if (result.warnings) process.stderr.write(`${result.warnings}\n`);
    if (how.stdoutData) {
      if (!opts.quiet) process.stderr.write(`${result.human}\n`);
    } else if (!stdoutGone) {
      process.stdout.write(opts.json ? `${JSON.stringify(result.json)}\n` : `${result.human}\n`);
    }
  };

  const program = buildProgram(invoke);
  await addMd(program, invoke, argv.slice(2));
  attachExamples(program);
  configure(program, (s) => process.stderr.write(s));
  try {
    await program.parseAsync(argv);
  } catch (err) {
    exitCode = stdoutGone ? EXIT_PIPE : report(err, wantsJson, commandNameOf(program, argv.slice(2)));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  // The stdout listener stays: writes still in flight may fail with EPIPE after this.
  return stdoutGone ? EXIT_PIPE : exitCode;
}

/** Prints an error (stderr, and a JSON object with --json) and returns its exit code. */
function report(err: unknown, json: boolean, command: string): number {
  if (err instanceof CommanderError) {
    // help and version are successes; everything else commander refuses is a usage error (exit 2)
    if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0)
      return 0;
    if (json) process.stdout.write(jsonError(command, 2, withHint(err.message.replace(/^error: /, ''))));
    return 2;
  }
  if (err instanceof RaidtxError) {
    const message = err instanceof FieldError ? err.render(optionName) : err.message;
    const hint = err instanceof FieldError ? err.renderHint(optionName) : err.hint;
    process.stderr.write(`raidtx: ${message}\n`);
    // A known likely cause: a second line says what to try.
    if (hint !== undefined) process.stderr.write(`raidtx: try: ${hint}\n`);
    if (process.env.RAIDTX_DEBUG === '1' && err.stack) process.stderr.write(`${err.stack}\n`);
    if (json) process.stdout.write(jsonError(command, err.exitCode, message, hint));
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
