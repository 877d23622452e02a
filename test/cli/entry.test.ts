// The entry as a whole: --help, --version, no command, every command registered.

import { expect } from 'chai';
import { raidtx } from '../helpers/cli.js';

describe('raidtx entry', () => {
  it('--help and --version exit 0; no command exits 2', async () => {
    expect((await raidtx(['--help'])).code).to.equal(0);
    const v = await raidtx(['--version']);
    expect(v.code).to.equal(0);
    expect(v.stdout.trim()).to.match(/^\d+\.\d+\.\d+/);
    expect((await raidtx([])).code).to.equal(2);
  });

  it('registers every command of DESIGN, md and its subcommands included (a broken registration fails)', async () => {
    const top = await raidtx(['--help']);
    expect(top.code, top.stderr).to.equal(0);
    for (const c of [
      'xor',
      'xor-val',
      'pq',
      'pq-val',
      'recover-datap',
      'recover-2data',
      'memcpy',
      'memset',
      'info',
      'bench',
      'demo',
      'md',
    ])
      expect(top.stdout, c).to.match(new RegExp(`^  ${c} `, 'm'));
    const md = await raidtx(['md', '--help']);
    expect(md.code, md.stderr).to.equal(0);
    for (const c of ['examine', 'check', 'rebuild', 'export', 'serve'])
      expect(md.stdout, `md ${c}`).to.match(new RegExp(`^  ${c} `, 'm'));
  });
});
