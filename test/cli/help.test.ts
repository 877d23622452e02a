// Help that teaches: every command's --help ends with examples, and each example runs (exit 0) on
// generated members and on a kernel-made md array, through a shell with `raidtx` on PATH. Global
// options are listed only under the commands where they do something.

import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { commandDefinitions } from '../../src/cli.js';
import { allCommands, commandPath } from '../../src/commands/lib/help.js';
import { BIN, cleanupTmp, raidtx, tmp, writeMembers } from '../helpers/cli.js';
import { fixtureNamed } from '../helpers/md-fixtures.js';
import { lacking } from '../helpers/prereq.js';
import { randomBuffers } from '../helpers/prng.js';

// every command of the tree, so that a command added later needs examples too
const COMMANDS = allCommands(await commandDefinitions()).map((c) =>
  commandPath(c) ? commandPath(c).split(' ') : [],
);

/** The help's sections: "Options", "Global Options", "Examples" -> their lines. */
function sections(help: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let name = 'head';
  for (const line of help.split('\n')) {
    const m = /^([A-Z][A-Za-z ]+):$/.exec(line);
    if (m) name = m[1]!;
    else out[name] = [...(out[name] ?? []), line];
  }
  return out;
}

const flags = (lines: string[] = []): string[] =>
  lines
    .flatMap((l) => /^ {2}(-[^ ]+(?: [^ ]+)*?)(?: {2,}|$)/.exec(l)?.[1]?.split(/, /) ?? [])
    .map((f) => f.split(' ')[0]!);

describe('help: examples and the globals that apply', () => {
  const helps = new Map<string, string>();
  before(async function () {
    this.timeout(120000);
    for (const c of COMMANDS) {
      const r = await raidtx([...c, '--help']);
      expect(r.code, `${c.join(' ')} --help: ${r.stderr}`).to.equal(0);
      helps.set(c.join(' '), r.stdout);
    }
  });

  it('every command ends its --help with two or three examples of itself', () => {
    for (const [path, help] of helps) {
      const s = sections(help);
      const lines = (s.Examples ?? []).filter((l) => l.startsWith('  $ '));
      expect(lines.length, `${path || 'raidtx'}`).to.be.within(2, 3);
      expect(help.trimEnd().split('\n').at(-1), path).to.match(/^ {2}\$ raidtx /);
      if (path) for (const l of lines) expect(`${l} `, path).to.contain(` ${path} `);
    }
  });

  it('lists a global option only where it does something', () => {
    const globals = (path: string) => flags(sections(helps.get(path)!)['Global Options']);
    expect(globals('md export')).to.not.include('--verify').and.not.include('--granularity');
    expect(globals('md export')).to.include.members(['--step', '--length', '--force', '--json']);
    expect(globals('info')).to.deep.equal(['--json']);
    expect(globals('pq-val')).to.include('--granularity').and.not.include('--force');
    expect(globals('pq')).to.include.members(['--step', '--pad', '--force']).and.not.include('--granularity');
    for (const path of helps.keys()) {
      if (path) expect(globals(path), path).to.not.include('-V').and.not.include('--version');
    }
  });

  it('--chunk is the md chunk size, only in md commands; --step is listed once', () => {
    for (const [path, help] of helps) {
      const s = sections(help);
      const all = [...flags(s.Options), ...flags(s['Global Options'])];
      expect(all.filter((f) => f === '--chunk').length, path).to.equal(path.startsWith('md ') ? 1 : 0);
      expect(all.filter((f) => f === '--step').length, path).to.be.at.most(1);
    }
    expect(helps.get('md export')).to.match(/--chunk <size> +without superblocks: md chunk size/);
    expect(helps.get('')).to.match(/--step <size> +bytes per member per step/);
  });

  describe('each example runs', () => {
    let base: string;
    let bin: string;
    before(async function () {
      this.timeout(60000);
      const fx = fixtureNamed('i-r5');
      if (!fx) lacking(this, 'md fixture i-r5 (RAID5, 4 members, 64K, left-symmetric) not generated');
      base = tmp();
      bin = join(base, 'bin');
      mkdirSync(bin);
      writeFileSync(join(bin, 'raidtx'), `#!/bin/sh\nexec '${process.execPath}' '${BIN}' "$@"\n`, {
        mode: 0o755,
      });
      const data = join(base, 'data');
      mkdirSync(data);
      writeMembers(data, randomBuffers(4, 65536, 14));
      for (let i = 0; i < 4; i++) copyFileSync(join(data, `d${i}`), join(data, `d${i}.img`));
      for (const [args, what] of [
        [['xor', '-o', 'parity.img', 'd0.img', 'd1.img', 'd2.img'], 'parity'],
        [['pq', '-P', 'P.img', '-Q', 'Q.img', 'd0.img', 'd1.img', 'd2.img'], 'P and Q'],
      ] as const) {
        const r = await raidtx(['-q', ...args], { cwd: data });
        expect(r.code, `${what}: ${r.stderr}`).to.equal(0);
      }
      for (let slot = 0; slot < 4; slot++)
        copyFileSync(fx!.memberPath(slot), join(data, `sd${'abcd'[slot]}.img`));
      copyFileSync(join(fx!.dir, 'truth.img'), join(data, 'truth.img'));
    });
    after(cleanupTmp);

    for (const c of COMMANDS) {
      const path = c.join(' ');
      it(`${path || 'raidtx'}: its examples exit 0`, function () {
        this.timeout(300000);
        const lines = (sections(helps.get(path)!).Examples ?? [])
          .filter((l) => l.startsWith('  $ '))
          .map((l) => l.slice(4));
        if (path === 'md serve') {
          // it serves until interrupted: the lines are checked to parse, not run
          for (const l of lines) expect(l).to.match(/^raidtx md serve .+ --(socket|listen) /);
          return;
        }
        for (const line of lines) {
          const dir = join(base, `run-${Math.random().toString(36).slice(2)}`);
          spawnSync('cp', ['-a', join(base, 'data'), dir]);
          const r = spawnSync('bash', ['-c', `set -o pipefail; ${line}`], {
            cwd: dir,
            env: { ...process.env, PATH: `${bin}:${process.env.PATH}`, HOME: dir },
            encoding: 'utf8',
          });
          expect(r.status, `${line}\n${r.stderr}`).to.equal(0);
          spawnSync('rm', ['-rf', dir]);
        }
      });
    }
  });
});
