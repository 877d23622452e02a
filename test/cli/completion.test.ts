// raidtx completion: the bash script, sourced in bash, completes commands, md subcommands, options,
// option values (layout names, engines) and `missing`/`zero`; the zsh and fish scripts parse.

import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, raidtx, tmp } from '../helpers/cli.js';
import { lacking } from '../helpers/prereq.js';

/** What the bash completion offers for the words typed (the last one is being completed). */
function complete(script: string, words: string[]): string[] {
  const quoted = words.map((w) => `'${w}'`).join(' ');
  const r = spawnSync(
    'bash',
    [
      '-c',
      `source '${script}'; COMP_WORDS=(${quoted}); COMP_CWORD=${words.length - 1}; _raidtx; printf '%s\\n' "\${COMPREPLY[@]}"`,
    ],
    { encoding: 'utf8', cwd: join(script, '..') },
  );
  expect(r.status, r.stderr).to.equal(0);
  return r.stdout.split('\n').filter(Boolean).sort();
}

const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

describe('completion', () => {
  let dir: string;
  const scripts: Record<string, string> = {};
  before(async () => {
    dir = tmp();
    for (const shell of ['bash', 'zsh', 'fish']) {
      const r = await raidtx(['completion', shell]);
      expect(r.code, r.stderr).to.equal(0);
      scripts[shell] = join(dir, `raidtx.${shell}`);
      writeFileSync(scripts[shell]!, r.stdout);
    }
    writeFileSync(join(dir, 'disk0.img'), '');
  });
  after(cleanupTmp);

  const cases: [string[], string[]][] = [
    [
      ['raidtx', 'p'],
      ['pq', 'pq-val'],
    ],
    [
      ['raidtx', 'rec'],
      ['recover-2data', 'recover-datap'],
    ],
    [
      ['raidtx', 'md', 'e'],
      ['examine', 'export'],
    ],
    [['raidtx', '--engine', 'n'], ['native']],
    [
      ['raidtx', 'md', 'export', '--layout', 'left-s'],
      ['left-symmetric', 'left-symmetric-6'],
    ],
    [
      ['raidtx', 'md', 'check', '--metadata', '1.'],
      ['1.0', '1.1', '1.2'],
    ],
    [['raidtx', 'md', 'export', '--ch'], ['--chunk']],
    [['raidtx', 'pq', '--st'], ['--step']],
    [['raidtx', 'pq', '--ch'], []],
    [['raidtx', 'recover-2data', '-P', 'P', 'mis'], ['missing']],
    [['raidtx', 'pq', '-P', 'P', 'ze'], ['zero']],
    [['raidtx', 'pq', 'dis'], ['disk0.img']],
    [['raidtx', '--json', 'pq', '-Q', 'di'], ['disk0.img']],
    [
      ['raidtx', 'info', '--'],
      ['--help', '--json'],
    ],
    [['raidtx', 'md', 'export', '--ver'], []],
    [
      ['raidtx', 'completion', ''],
      ['bash', 'fish', 'zsh'],
    ],
  ];
  for (const [words, want] of cases) {
    it(`bash: ${words.join(' ')}<TAB> -> ${want.join(' ') || '(nothing)'}`, () => {
      expect(complete(scripts.bash!, words)).to.deep.equal(want);
    });
  }

  it('zsh and fish parse their scripts', function () {
    if (!has('zsh') || !has('fish')) lacking(this, 'zsh and fish not installed (apt-get install zsh fish)');
    for (const [shell, args] of [
      ['zsh', ['-n']],
      ['fish', ['--no-execute']],
    ] as const) {
      const r = spawnSync(shell, [...args, scripts[shell]!], { encoding: 'utf8' });
      expect(r.status, `${shell}: ${r.stderr}`).to.equal(0);
    }
  });

  it('fish completes commands and layout names', function () {
    if (!has('fish')) lacking(this, 'fish not installed (apt-get install fish)');
    const r = spawnSync(
      'fish',
      [
        '-c',
        `source ${scripts.fish}; complete -C 'raidtx md ex'; complete -C 'raidtx md export --layout right-a'`,
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).to.equal(0);
    const words = r.stdout.split('\n').map((l) => l.split('\t')[0]);
    expect(words).to.include.members(['examine', 'export', 'right-asymmetric', 'right-asymmetric-6']);
  });
});
