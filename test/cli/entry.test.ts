// The entry as a whole: --help, --version, no command.

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
});
