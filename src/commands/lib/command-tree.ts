// The command line as data, read from the commander tree itself (so options other code adds appear
// without being listed here): what the completion scripts and the man page are generated from.

import type { Command, Option } from 'commander';
import { LAYOUT_NAMES } from '../../core/md/layout.js';
import { OP_NAMES } from '../../core/op-record.js';
import { allCommands, commandPath, globalApplies } from './help.js';
import { OP_COMMAND } from './op-commands.js';

export interface OptionInfo {
  flags: string;
  long?: string;
  short?: string;
  description: string;
  /** the option takes a value */
  takesValue: boolean;
  /** the values it takes, when they are a known list */
  values?: readonly string[];
  /** the value is a file or device path */
  file: boolean;
}

export interface CommandInfo {
  /** "" for raidtx, "pq", "md export" */
  path: string;
  name: string;
  description: string;
  usage: string;
  subcommands: string[];
  /** the command's own options, then the global ones that apply to it */
  options: OptionInfo[];
  globals: OptionInfo[];
  /** positional arguments are files (and these words) */
  takesFiles: boolean;
  words: string[];
}

/** Values of options whose value is one of a list (commander choices win). */
const VALUES: Record<string, () => readonly string[]> = {
  '--engine': () => ['auto', 'native', 'software'],
  '--layout': () => LAYOUT_NAMES,
  '--level': () => ['5', '6'],
  '--metadata': () => ['0.90', '1.0', '1.1', '1.2', 'imsm', 'ddf', 'none'],
  '--op': () => OP_NAMES.map((op) => OP_COMMAND[op]),
};

function optionInfo(o: Option): OptionInfo {
  const takesValue = o.required || o.optional;
  const values = o.argChoices ?? (o.long ? VALUES[o.long]?.() : undefined);
  const arg = /<([^>]+)>|\[([^\]]+)\]/.exec(o.flags);
  const argName = (arg?.[1] ?? arg?.[2] ?? '').toLowerCase();
  return {
    flags: o.flags,
    ...(o.long ? { long: o.long } : {}),
    ...(o.short ? { short: o.short } : {}),
    description: o.description,
    takesValue,
    ...(values ? { values } : {}),
    file: takesValue && !values && /file|path|dest|socket/.test(argName),
  };
}

function info(cmd: Command): CommandInfo {
  const path = commandPath(cmd);
  const globals: OptionInfo[] = [];
  for (let p = cmd.parent; p; p = p.parent)
    for (const o of p.options) if (!o.hidden && globalApplies(o, path)) globals.push(optionInfo(o));
  const args = cmd.registeredArguments;
  const words = new Set<string>();
  for (const a of args) {
    for (const c of a.argChoices ?? []) words.add(c);
    if (/`missing`|\bmissing\b/.test(a.description)) words.add('missing');
    if (/\bzero\b/.test(a.description)) words.add('zero');
  }
  return {
    path,
    name: cmd.name(),
    description: cmd.description(),
    usage: cmd.usage(),
    subcommands: cmd.commands.map((c) => c.name()),
    options: [...cmd.options.filter((o) => !o.hidden).map(optionInfo)],
    globals,
    takesFiles: args.some((a) => !a.argChoices),
    words: [...words],
  };
}

/** Every command of the program (raidtx itself first), as data. */
export function commandTree(program: Command): CommandInfo[] {
  let root = program;
  while (root.parent) root = root.parent;
  return allCommands(root).map(info);
}
