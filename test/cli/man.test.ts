// raidtx.1: generated from the command definitions (scripts/man.mjs), current, rendering with man,
// and listing for every command the same options as its --help.

import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { commandDefinitions } from '../../src/cli.js';
import { manPage } from '../../src/commands/lib/man.js';
import { packageVersion } from '../../src/commands/lib/version.js';
import { ROOT, raidtx } from '../helpers/cli.js';
import { lacking } from '../helpers/prereq.js';

const PAGE = join(ROOT, 'raidtx.1');
const unroff = (s: string): string =>
  s
    .replace(/\\-/g, '-')
    .replace(/\\f[BIR]/g, '')
    .replace(/\\e/g, '\\');

/** Per command path ("" for the global options): its options' flags and the globals it names. */
function manOptions(): Map<string, { options: string[]; globals: string[] }> {
  const text = readFileSync(PAGE, 'utf8');
  const out = new Map<string, { options: string[]; globals: string[] }>();
  const bold = (block: string): string[] =>
    [...block.matchAll(/^\.B (.+)$/gm)].map((m) => unroff(m[1]!)).filter((f) => f.startsWith('-'));
  const globalBlock = text.slice(text.indexOf('.SH GLOBAL OPTIONS'), text.indexOf('.SH COMMANDS'));
  out.set('', { options: bold(globalBlock), globals: [] });
  const commands = text.slice(text.indexOf('.SH COMMANDS'), text.indexOf('.SH EXAMPLES'));
  for (const part of commands.split(/^\.SS /m).slice(1)) {
    const path = unroff(/^"raidtx (.*?) (?:\[options\]|<|\[)/.exec(part)?.[1] ?? '').trim();
    const apply = /^Global options that apply: (.*)\.$/m.exec(part)?.[1] ?? '';
    out.set(path, { options: bold(part), globals: unroff(apply).split(', ').filter(Boolean) });
  }
  return out;
}

/** The option flags of a --help section ("Options" or "Global Options"), -h/--help left out. */
function helpOptions(help: string, section: string): string[] {
  const body = help.split(`\n${section}:\n`)[1]?.split(/\n\n/)[0] ?? '';
  return body
    .split('\n')
    .map((l) => /^ {2}(-\S.*?)(?: {2,}|$)/.exec(l)?.[1])
    .filter((f): f is string => !!f && f !== '-h, --help');
}

describe('man page raidtx.1', () => {
  it('is what the command definitions give (npm run man regenerates it)', async () => {
    expect(readFileSync(PAGE, 'utf8')).to.equal(manPage(await commandDefinitions(), packageVersion()));
  });

  it('lists for every command the options and globals its --help lists', async function () {
    this.timeout(120000);
    const man = manOptions();
    expect(man.size).to.be.greaterThan(15);
    for (const [path, want] of man) {
      const r = await raidtx([...(path ? path.split(' ') : []), '--help']);
      expect(r.code, r.stderr).to.equal(0);
      expect(want.options, `${path || 'raidtx'}: options`).to.deep.equal(helpOptions(r.stdout, 'Options'));
      const helpGlobals = helpOptions(r.stdout, 'Global Options').map((f) => /--[\w-]+/.exec(f)?.[0] ?? f);
      expect(want.globals, `${path}: globals`).to.deep.equal(path ? helpGlobals : []);
    }
  });

  it('renders with man, without warnings', function () {
    if (spawnSync('sh', ['-c', 'command -v man']).status !== 0)
      lacking(this, 'man is not installed (apt-get install man-db groff-base)');
    const r = spawnSync('man', ['--warnings', '-l', PAGE], {
      encoding: 'utf8',
      env: { ...process.env, MANPAGER: 'cat', PAGER: 'cat', MANWIDTH: '100' },
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
    expect(r.stdout).to.match(/^RAIDTX\(1\)/);
    expect(r.stdout).to.contain('raidtx md export [options] <members...>');
    expect(r.stdout).to.contain('--step <size>');
  });
});
