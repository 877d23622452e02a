// Help that teaches: the examples every command's --help ends with, and which global options each
// command lists (a global that does nothing there is left out). Kept in one place, keyed by the
// command's path ("pq", "md export"; "" is raidtx itself), and attached to the commander tree after
// the commands are defined, so the completion script and the man page read the same text.
//
// The examples are real: test/cli/help.test.ts runs every one it can on generated members
// (d0.img..d3.img, parity.img = their xor, P.img/Q.img = pq of d0..d2) and on a kernel-made md
// array (sda.img..sdd.img in slot order, truth.img its content). Only `md serve` (it serves until
// interrupted) is not run.

import { type Command, Help, type Option } from 'commander';

export interface Example {
  /** the command line, as typed in a shell */
  line: string;
  /** what it does */
  says: string;
}

const ex = (line: string, says: string): Example => ({ line, says });

export const EXAMPLES: Record<string, Example[]> = {
  '': [
    ex('raidtx pq -P P.img -Q Q.img d0.img d1.img d2.img', 'RAID6 parity of three data members'),
    ex('raidtx md check sda.img sdb.img sdc.img sdd.img', 'check the parity of an md array from its images'),
    ex('raidtx info', 'which engine and kernels this machine uses'),
  ],
  xor: [
    ex('raidtx xor -o parity.img d0.img d1.img d2.img', 'parity.img = d0 ^ d1 ^ d2'),
    ex('raidtx xor --verify --step 64K -o x.img d0.img d1.img d2.img d3.img', 'checked 64 KiB at a time'),
    ex('raidtx --length 8K xor -o x.img d0.img@4096 d1.img@4096', '8 KiB of each member, from 4 KiB in'),
  ],
  'xor-val': [
    ex(
      'raidtx xor-val d0.img d1.img d2.img parity.img',
      'exit 0 when they XOR to zero, 1 and the ranges if not',
    ),
    ex('raidtx --json --granularity 512 xor-val d0.img d1.img d2.img parity.img', 'as JSON, 512-byte ranges'),
  ],
  pq: [
    ex('raidtx pq -P P.img -Q Q.img d0.img d1.img d2.img', 'P (XOR) and Q (Reed-Solomon) of three members'),
    ex('raidtx pq -Q Q.img d0.img zero d2.img', 'only Q; `zero` stands for an all-zero member'),
    ex(
      'raidtx --step 256K pq --verify -P P.img -Q Q.img d0.img d1.img d2.img',
      'each step checked before writing',
    ),
  ],
  'pq-val': [
    ex(
      'raidtx pq-val -P P.img -Q Q.img d0.img d1.img d2.img',
      'exit 0 when P and Q match, else the suspect member',
    ),
    ex('raidtx --json pq-val -Q Q.img d0.img d1.img d2.img', 'check Q only, as JSON'),
  ],
  'recover-datap': [
    ex('raidtx recover-datap -Q Q.img d0.img missing d2.img -o d1.new', 'rebuild d1 from Q and the others'),
    ex(
      'raidtx recover-datap -Q Q.img missing d1.img d2.img -o d0.new --out-p P.new',
      'rebuild d0, and P with it',
    ),
  ],
  'recover-2data': [
    ex(
      'raidtx recover-2data -P P.img -Q Q.img missing d1.img missing -o d0.new -o d2.new',
      'rebuild two lost members',
    ),
    ex(
      'raidtx recover-2data --verify -P P.img -Q Q.img d0.img missing missing -o d1.new -o d2.new',
      'and check each step before writing',
    ),
  ],
  memcpy: [
    ex('raidtx memcpy d0.img copy.img', 'copy d0 into copy.img (created if absent)'),
    ex('raidtx --length 4K memcpy --src-offset 4K --dest-offset 8K d0.img d1.img', 'copy 4 KiB, in place'),
  ],
  memset: [
    ex('raidtx memset d0.img --value 0 --length 4K', 'zero the first 4 KiB'),
    ex('raidtx memset d0.img --value 0xff --offset 8K --length 512', '512 bytes of 0xff from 8 KiB'),
  ],
  info: [
    ex('raidtx info', 'version, engines, kernel per op, CPU features'),
    ex('raidtx --json info', 'the same as JSON (is the native engine prebuilt?)'),
  ],
  bench: [
    ex('raidtx bench --op pq --seconds 0.2', 'pq throughput on every engine'),
    ex(
      'raidtx --json bench --op xor,pq-val --disks 4 --size 64K --seconds 0.1',
      'two ops, small members, JSON',
    ),
  ],
  demo: [
    ex('raidtx demo', 'pq, pq-val and recover-2data end to end on generated members'),
    ex('raidtx --engine software --json demo', 'on the software engine, as JSON'),
  ],
  md: [
    ex('raidtx md examine sda.img sdb.img sdc.img sdd.img', 'what the superblocks say'),
    ex('raidtx md export sda.img sdc.img sdd.img -o array.img', 'the array content, one member missing'),
    ex('raidtx md detect sdc.img sda.img sdd.img sdb.img', 'find the geometry when superblocks are gone'),
  ],
  'md examine': [
    ex('raidtx md examine sda.img sdb.img sdc.img sdd.img', 'geometry, members, their state'),
    ex('raidtx --json md examine sdb.img sda.img', 'any order, any subset, as JSON'),
  ],
  'md check': [
    ex('raidtx md check sda.img sdb.img sdc.img sdd.img', 'every stripe against its parity'),
    ex('raidtx md check --from 1M --length 1M sda.img sdb.img sdc.img sdd.img', 'one MiB of the array only'),
  ],
  'md rebuild': [
    ex('raidtx md rebuild sda.img sdc.img sdd.img -o 1=sdb.new', 'slot 1 as a whole member image'),
    ex('raidtx md rebuild --data-only sda.img sdb.img sdd.img -o 2=sdc.data', 'only its data area'),
  ],
  'md export': [
    ex('raidtx md export sda.img sdc.img sdd.img -o array.img', 'the array content, one member missing'),
    ex('raidtx md export sda.img sdb.img sdc.img sdd.img -o - | cmp - truth.img', 'stream it to stdout'),
    ex(
      'raidtx md export --ignore-superblocks --level 5 --layout left-symmetric --chunk 64K --raid-disks 4 --data-offset 1M sda.img missing sdc.img sdd.img -o array.img',
      'no superblocks: give the geometry, members in slot order',
    ),
  ],
  'md serve': [
    ex(
      'raidtx md serve sda.img sdb.img sdd.img --socket /tmp/md.sock',
      'then: nbd-client -u /tmp/md.sock /dev/nbd0',
    ),
    ex('raidtx md serve sda.img sdb.img sdc.img sdd.img --listen 10809', 'over TCP on 127.0.0.1:10809'),
  ],
  'md layout': [
    ex(
      'raidtx md layout sda.img sdb.img sdc.img sdd.img',
      'which member holds D0.., P and Q in the first stripes',
    ),
    ex(
      'raidtx md layout --level 6 --layout left-symmetric --chunk 64K --raid-disks 5 missing missing missing missing missing',
      'a geometry alone, before any disk is read',
    ),
    ex('raidtx --json md layout --stripes 4 sda.img sdb.img sdc.img sdd.img', 'the grid as data'),
  ],
  'md detect': [
    ex(
      'raidtx md detect sdc.img sda.img sdd.img sdb.img',
      'level, chunk, layout, order; prints the export command',
    ),
    ex(
      'raidtx md detect --level 5 --chunk 64K sdd.img sdb.img sda.img sdc.img',
      'only RAID5 with 64 KiB chunks',
    ),
  ],
  completion: [
    ex('source <(raidtx completion bash)', 'complete raidtx in this bash'),
    ex(
      'mkdir -p ~/.local/share/bash-completion/completions && raidtx completion bash > ~/.local/share/bash-completion/completions/raidtx',
      'in every bash of this user',
    ),
    ex(
      'raidtx completion zsh > _raidtx',
      'zsh: save it as _raidtx in a folder of $fpath (fish: ~/.config/fish/completions/raidtx.fish)',
    ),
  ],
};

/** The command's path below raidtx: "" for raidtx, "pq", "md export". */
export function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

const OPS = ['xor', 'xor-val', 'pq', 'pq-val', 'recover-datap', 'recover-2data', 'memcpy', 'memset'];
const MD = ['md examine', 'md check', 'md rebuild', 'md export', 'md serve', 'md detect', 'md layout'];

/**
 * Where each global option does something (by its long name). A global named here is listed only
 * under these commands; one that is not (options added later) is listed under every command.
 */
export const GLOBAL_SCOPE: Record<string, readonly string[]> = {
  '--version': [''],
  '--json': ['', ...OPS, 'info', 'bench', 'demo', 'md', ...MD],
  '--engine': [
    '',
    ...OPS,
    'bench',
    'demo',
    'md',
    ...MD.filter((c) => c !== 'md examine' && c !== 'md layout'),
  ],
  '--offset': ['', ...OPS, 'md', ...MD],
  '--length': ['', ...OPS, 'md', 'md check', 'md export'],
  '--step': ['', ...OPS, 'md', 'md check', 'md rebuild', 'md export', 'md detect'],
  '--direct': ['', ...OPS.filter((c) => c !== 'memset'), 'md', ...MD.filter((c) => c !== 'md layout')],
  '--no-direct': ['', ...OPS.filter((c) => c !== 'memset'), 'md', ...MD.filter((c) => c !== 'md layout')],
  '--pad': ['', 'xor', 'xor-val', 'pq', 'pq-val', 'recover-datap', 'recover-2data', 'memcpy'],
  '--granularity': ['', 'xor-val', 'pq-val', 'md', 'md check'],
  '--force': [
    '',
    'xor',
    'pq',
    'recover-datap',
    'recover-2data',
    'memcpy',
    'memset',
    'md',
    'md rebuild',
    'md export',
  ],
  '--quiet': ['', ...OPS, 'bench', 'demo', 'md', ...MD],
  // xor, pq and recover-* declare their own --verify; the global one only lets it come first
  '--verify': [''],
};

/** Whether global option `o` is listed under the command at `path`. */
export function globalApplies(o: Option, path: string): boolean {
  const scope = o.long ? GLOBAL_SCOPE[o.long] : undefined;
  return !scope || scope.includes(path);
}

/** Help configuration: global options listed where they apply. */
export const helpConfig = {
  showGlobalOptions: true,
  visibleGlobalOptions(this: Help, cmd: Command): Option[] {
    const path = commandPath(cmd);
    return Help.prototype.visibleGlobalOptions.call(this, cmd).filter((o) => globalApplies(o, path));
  },
};

/** Examples as the help text shows them: what it does, then the line to type. */
export function examplesText(examples: readonly Example[]): string {
  return `\nExamples:\n${examples.map((e) => `  # ${e.says}\n  $ ${e.line}`).join('\n')}\n`;
}

/** Every command in the tree under `cmd`, `cmd` first. */
export function allCommands(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap((c) => allCommands(c))];
}

/** Ends every command's --help with its examples (after all commands are defined). */
export function attachExamples(program: Command): void {
  for (const cmd of allCommands(program)) {
    const examples = EXAMPLES[commandPath(cmd)];
    if (examples?.length) cmd.addHelpText('after', examplesText(examples));
  }
}
