// --resume on the command line: the option, and what the run's state records of the command line
// (src/core/io/resume.ts checks it on the rerun).

import type { Command } from 'commander';
import type { JobOptions } from '../../core/jobs/run.js';

export const RESUME_HELP =
  'keep the temporary output on interrupt and go on from its last checkpoint when rerun with --resume';

/** Options that change nothing in the output: a resumed run may differ in them. */
const NEUTRAL_FLAGS = new Set(['--resume', '--json', '-q', '--quiet']);
const NEUTRAL_WITH_VALUE = new Set(['--engine']);

function normalise(args: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (NEUTRAL_FLAGS.has(a) || NEUTRAL_WITH_VALUE.has(a.split('=')[0]!)) {
      if (NEUTRAL_WITH_VALUE.has(a)) i++;
      continue;
    }
    out.push(a);
  }
  return out;
}

/** The files of `--map PATH=MAPFILE` options (their size and mtime are part of the state). */
function mapFiles(args: string[]): string[] {
  const maps: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const v = a === '--map' ? args[++i] : a.startsWith('--map=') ? a.slice(6) : undefined;
    if (v?.includes('=')) maps.push(v.slice(v.lastIndexOf('=') + 1));
  }
  return maps;
}

/** `opts` with the --resume request of `cmd` (named `command`) when the option is given. */
export function withResume(cmd: Command, command: string, opts: JobOptions): JobOptions {
  if (!cmd.opts().resume) return opts;
  let root = cmd;
  while (root.parent) root = root.parent;
  const args = (root as Command & { rawArgs: string[] }).rawArgs.slice(2);
  return {
    ...opts,
    resume: {
      command,
      argv: normalise(args),
      cwd: process.cwd(),
      maps: mapFiles(args),
      note: (message) => process.stderr.write(`raidtx: ${message}\n`),
    },
  };
}
