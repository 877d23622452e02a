// Bad input: exit 2, a message naming the culprit, no file created, every input unchanged.

import { linkSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, raidtx, snapshot, tmp, writeMembers } from '../helpers/cli.js';
import { randomBuffers } from '../helpers/prng.js';

describe('bad input is refused with exit 2, naming the culprit, writing nothing', () => {
  let dir: string;
  before(() => {
    dir = tmp();
    writeMembers(dir, randomBuffers(3, 8192, 7));
    writeFileSync(join(dir, 'short'), Buffer.alloc(4096, 1));
    mkdirSync(join(dir, 'sub'));
    symlinkSync('d0', join(dir, 'link0'));
    linkSync(join(dir, 'd1'), join(dir, 'hard1'));
  });
  after(cleanupTmp);

  const many = (n: number) => Array.from({ length: n }, () => 'd0');
  const rows: [string, string[], RegExp, Record<string, string>?][] = [
    ['a nonexistent member', ['pq', '-P', 'P', '-Q', 'Q', 'd0', 'nope'], /nope.*no such file/],
    ['a directory as member', ['pq', '-P', 'P', '-Q', 'Q', 'd0', 'sub'], /'sub'.*directory/],
    [
      'unequal sizes without --pad',
      ['pq', '-P', 'P', '-Q', 'Q', 'd0', 'short'],
      /differ in size.*'d0'.*8192.*'short'.*4096|'short'.*4096.*'d0'.*8192/,
    ],
    ['1 data member', ['pq', '-P', 'P', '-Q', 'Q', 'd0'], /2 to 253 DATA members, got 1/],
    ['254 data members', ['pq', '-P', 'P', '-Q', 'Q', ...many(254)], /2 to 253 DATA members, got 254/],
    [
      'two missing for recover-datap',
      ['recover-datap', '-Q', 'd2', 'missing', 'missing', 'd0', '-o', 'R'],
      /exactly one DATA member must be `missing`, got 2/,
    ],
    [
      'one missing for recover-2data',
      ['recover-2data', '-P', 'd1', '-Q', 'd2', 'missing', 'd0', '-o', 'R', '-o', 'S'],
      /exactly two.*got 1/,
    ],
    ['missing placeholder in pq', ['pq', '-P', 'P', '-Q', 'Q', 'd0', 'missing'], /'missing'.*not allowed/],
    [
      'an output that is an input through a symlink',
      ['xor', '-o', 'link0', 'd0', 'd1'],
      /'link0'.*same file as input 'd0'/,
    ],
    [
      'an output that is an input through a hard link',
      ['pq', '-P', 'hard1', '-Q', 'Q', 'd0', 'd1'],
      /'hard1'.*same file as input 'd1'/,
    ],
    [
      'two outputs that are the same file',
      ['recover-2data', '-P', 'd1', '-Q', 'd2', 'missing', 'missing', 'd0', '-o', 'R', '-o', 'R'],
      /same file/,
    ],
    [
      'the old --chunk for the step, after the command',
      ['xor', '--chunk', '4K', '-o', 'X', 'd0', 'd1'],
      /^raidtx: unknown option '--chunk' \(--chunk is the md chunk size, in md commands only; the bytes per member per step is --step\)$/m,
    ],
    [
      'the old --chunk for the step, before the command',
      ['--chunk=4K', 'pq', '-P', 'P', '-Q', 'Q', 'd0', 'd1'],
      /^raidtx: unknown option '--chunk=4K' \(.*the bytes per member per step is --step\)$/m,
    ],
    ['a step above 1G', ['--step', '2G', 'xor', '-o', 'X', 'd0', 'd1'], /--step: at most 1G per member/],
    ['a fractional size', ['--step', '4.5G', 'xor', '-o', 'X', 'd0', 'd1'], /--step: invalid size '4.5G'/],
    ['a negative size', ['--length', '-1', 'xor', '-o', 'X', 'd0', 'd1'], /--length: invalid size '-1'/],
    ['an unknown suffix', ['--offset', '1X', 'xor', '-o', 'X', 'd0', 'd1'], /--offset: invalid size '1X'/],
    ['an empty size', ['--granularity', '', 'xor-val', 'd0', 'd1'], /--granularity: invalid size ''/],
    ['a bad member offset', ['xor', '-o', 'X', 'd0@12Q', 'd1'], /d0@12Q.*invalid size/],
    [
      'an offset beyond the end',
      ['--offset', '1M', 'xor', '-o', 'X', 'd0', 'd1'],
      /'d0'.*offset 1048576 is beyond its end/,
    ],
    ['a member offset beyond the end', ['xor', '-o', 'X', 'd0@9000', 'd1'], /'d0@9000'.*beyond its end/],
    [
      '--length beyond a member without --pad',
      ['--length', '10000', 'xor', '-o', 'X', 'd0', 'd1'],
      /'d0'.*only 8192 bytes/,
    ],
    ['an unknown engine', ['--engine', 'turbo', 'xor', '-o', 'X', 'd0', 'd1'], /unknown engine 'turbo'/],
    [
      'an unknown engine in RAIDTX_ENGINE',
      ['xor', '-o', 'X', 'd0', 'd1'],
      /RAIDTX_ENGINE: unknown engine 'warp'/,
      { RAIDTX_ENGINE: 'warp' },
    ],
    ['xor without -o', ['xor', 'd0', 'd1'], /missing -o DEST/],
    ['xor with one source', ['xor', '-o', 'X', 'd0'], /at least 2 SRC/],
    ['pq without -P and -Q', ['pq', 'd0', 'd1'], /give -P P, -Q Q or both/],
    [
      'recover-2data without -Q',
      ['recover-2data', '-P', 'd1', 'missing', 'missing', 'd0', '-o', 'R', '-o', 'S'],
      /missing -Q/,
    ],
    [
      'recover-2data with one -o',
      ['recover-2data', '-P', 'd1', '-Q', 'd2', 'missing', 'missing', 'd0', '-o', 'R'],
      /one -o OUT per missing member \(2\), got 1/,
    ],
    ['recover-datap without -o', ['recover-datap', '-Q', 'd2', 'missing', 'd0'], /exactly one -o OUT, got 0/],
    [
      'an output in a folder that does not exist',
      ['xor', '-o', 'nodir/X', 'd0', 'd1'],
      /'nodir\/X'.*does not exist/,
    ],
    ['an output that is a directory', ['xor', '-o', 'sub', 'd0', 'd1'], /'sub'.*is a directory/],
    ['memset without --length', ['memset', 'd0', '--value', '1'], /missing --length/],
    [
      'memset with a bad byte',
      ['memset', 'd0', '--value', '256', '--length', '1'],
      /--value: invalid byte '256'/,
    ],
    ['memcpy onto its source', ['memcpy', 'd0', 'link0'], /'link0'.*same file as input 'd0'/],
    ['an unknown option', ['xor', '--bogus', '-o', 'X', 'd0', 'd1'], /unknown option '--bogus'/],
    ['an unknown command', ['frobnicate', 'd0'], /unknown command 'frobnicate'/],
    ['a missing argument', ['pq-val', '-P', 'd1'], /missing required argument 'data'/],
    [
      'bench with an unknown op',
      ['bench', '--op', 'fft', '--seconds', '0.01'],
      /--op: unknown operation 'fft'/,
    ],
  ];

  for (const [what, args, message, env] of rows) {
    it(`refuses ${what}`, async () => {
      const before = snapshot(dir);
      const r = await raidtx(args, { cwd: dir, env });
      expect(r.code, `stdout: ${r.stdout}\nstderr: ${r.stderr}`).to.equal(2);
      expect(r.stderr).to.match(/^raidtx: /);
      expect(r.stderr).to.match(message);
      expect(r.stdout).to.equal('');
      expect(snapshot(dir)).to.deep.equal(before);
    });
  }

  it('with --json, names the command even after global options with values', async () => {
    for (const [args, command] of [
      [['--json', '--engine', 'software', 'pq', '--nope'], 'pq'],
      [['--json', '--step', '4K', 'md', 'export', '--nope'], 'md export'],
      [['--engine', 'software', '--json', 'md', 'check', 'missing'], 'md check'],
    ] as const) {
      const r = await raidtx([...args], { cwd: dir });
      expect(r.code, r.stderr).to.equal(2);
      expect(JSON.parse(r.stdout)).to.include({ command, ok: false });
    }
  });

  it('with --json, still exit 2 and one JSON error object on stdout', async () => {
    const r = await raidtx(['--json', 'pq', '-P', 'P', '-Q', 'Q', 'd0', 'nope'], { cwd: dir });
    expect(r.code).to.equal(2);
    const j = JSON.parse(r.stdout);
    expect(j).to.include({ command: 'pq', ok: false });
    expect(j.error.message).to.match(/nope/);
  });
});
