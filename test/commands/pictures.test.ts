// Pictures in the spawned commands: md examine's slot rows (always, plain when piped), the strip that
// ends pq-val, xor-val and md check (a terminal only, or RAIDTX_PICTURES=plain), and the progress bar
// (a terminal's stderr only). None of them in --json output or in a pipe.

import { spawnSync } from 'node:child_process';
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { BIN, cleanupTmp, flipByte, nativeStatus, raidtx, tmp, writeMembers } from '../helpers/cli.js';
import { md, membersOf } from '../helpers/md-cli.js';
import { fixtureNamed } from '../helpers/md-fixtures.js';
import { lacking } from '../helpers/prereq.js';
import { randomBuffers } from '../helpers/prng.js';
import { refPQ } from '../helpers/reference.js';

const PLAIN = { RAIDTX_PICTURES: 'plain' };
const ESC = '\x1b[';
/** 60 cells of 4096 bytes: the strip's cell is the report unit */
const SIZE = 60 * 4096;
const dots = (n: number): string => '.'.repeat(n);

describe('pictures: md examine draws its slots (plain when piped)', function () {
  this.timeout(60000);
  const a = fixtureNamed('a-');
  const rc1 = fixtureNamed('rc1-');
  const rs2 = fixtureNamed('rs2-');
  after(cleanupTmp);

  if (a) {
    it('missing slots get a row; a stale member shows ~ and its events', async () => {
      const d = tmp();
      const stale = join(d, 'stale.img');
      // events - 1 and the checksum made again: a member that missed the last update
      const b = readFileSync(a.memberPath(2));
      b.writeBigUInt64LE(b.readBigUInt64LE(4096 + 200) - 1n, 4096 + 200);
      b.writeUInt32LE(0, 4096 + 216);
      const { superblock1Checksum } = await import('../../src/core/md/superblock.js');
      b.writeUInt32LE(superblock1Checksum(b.subarray(4096, 8192)), 4096 + 216);
      writeFileSync(stale, b);
      const r = await md(['md', 'examine', a.memberPath(0), stale, a.memberPath(3)], {
        env: { NO_COLOR: undefined },
      });
      expect(r.code, r.stderr).to.equal(0);
      const drawing = r.stdout.slice(r.stdout.indexOf('slots ('));
      expect(drawing).to.equal(
        [
          'slots (# in use, . not valid, ~ stale):',
          `  slot 0  [##########]  active   events 20  ${a.memberPath(0)}`,
          '  slot 1  [          ]  missing',
          `  slot 2  [~~~~~~~~~~]  stale    events 19  ${stale}`,
          `  slot 3  [##########]  active   events 20  ${a.memberPath(3)}`,
          '  slot 4  [          ]  missing',
          '',
        ].join('\n'),
      );
      expect(r.stdout).to.not.contain(ESC);
    });
    it('--json carries the data and no drawing', async () => {
      const r = await md(['--json', 'md', 'examine', ...membersOf(a)], {
        env: { ...PLAIN, FORCE_COLOR: '1' },
      });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal(`${JSON.stringify(r.json)}\n`);
      expect(r.stdout).to.not.contain('slots (');
      expect(r.stdout).to.not.contain(ESC);
    });
    it('on a terminal (FORCE_COLOR) the states are coloured', async () => {
      const r = await md(['md', 'examine', a.memberPath(0), a.memberPath(1)], {
        env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
      });
      expect(r.stdout).to.contain(`${ESC}32m[##########]${ESC}39m`);
      expect(r.stdout).to.contain(`${ESC}31mmissing${ESC}39m`);
      // RAIDTX_PICTURES=plain: the drawing in plain text even where colours are forced
      const plain = await md(['md', 'examine', a.memberPath(0), a.memberPath(1)], {
        env: { NO_COLOR: undefined, FORCE_COLOR: '1', ...PLAIN },
      });
      expect(plain.stdout).to.contain('\n  slot 2  [          ]  missing\n');
    });
  }
  if (rc1) {
    it('a recovering member: its bar is filled to its recovery offset', async () => {
      // recovery_offset 8884224 of a 15 MiB data area: 56%, 5 cells of 10
      const r = await md(['md', 'examine', ...membersOf(rc1)]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain(`\n  slot 1  [#####.....]  recovering  events 35  ${rc1.memberPath(1)}\n`);
      expect(r.stdout).to.contain(`\n  slot 0  [##########]  active      events 35  ${rc1.memberPath(0)}\n`);
    });
  }
  if (rs2) {
    it('an interrupted reshape: every member in state reshape, the moved share drawn as =', async () => {
      // forwards, at array byte 23855104 of 37748736: 63%, 6 cells of 10
      const r = await md(['md', 'examine', ...membersOf(rs2)]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('slots (# in use, . not valid, ~ stale, = new geometry):\n');
      for (let s = 0; s < 6; s++)
        expect(r.stdout).to.contain(`  slot ${s}  [======####]  reshape  events 39  ${rs2.memberPath(s)}\n`);
    });
  }
});

describe('pictures: the strip at the end of the val commands', function () {
  this.timeout(60000);
  let base = '';
  const names = ['d0', 'd1', 'd2'];
  before(() => {
    base = tmp();
    const data = randomBuffers(3, SIZE, 7);
    writeMembers(base, data);
    const { p, q } = refPQ(data, SIZE);
    writeFileSync(join(base, 'P'), p);
    writeFileSync(join(base, 'Q'), q);
    flipByte(join(base, 'd1'), 10 * 4096 + 5); // cell 10
    flipByte(join(base, 'd1'), 59 * 4096); // the last cell
  });
  after(cleanupTmp);

  for (const engine of ['software', 'native']) {
    describe(`engine ${engine}`, () => {
      before(async function () {
        if (engine === 'native' && !(await nativeStatus()).available)
          lacking(this, `native engine: ${(await nativeStatus()).reason}`);
      });
      const strip = `map of member bytes 0..240 KiB: [${dots(10)}X${dots(48)}X] X mismatch, . clean`;
      it('pq-val ends with the strip (RAIDTX_PICTURES=plain), exit 1', async () => {
        const r = await raidtx(['--engine', engine, 'pq-val', '-P', 'P', '-Q', 'Q', ...names], {
          cwd: base,
          env: PLAIN,
        });
        expect(r.code, r.stderr).to.equal(1);
        expect(r.stdout.endsWith(`\n${strip}\n`), r.stdout).to.equal(true);
      });
      it('xor-val ends with the strip (RAIDTX_PICTURES=plain), exit 1', async () => {
        const r = await raidtx(['--engine', engine, 'xor-val', ...names, 'P'], { cwd: base, env: PLAIN });
        expect(r.code, r.stderr).to.equal(1);
        expect(r.stdout.endsWith(`\n${strip}\n`), r.stdout).to.equal(true);
      });
      it('a consistent run: a clean strip', async () => {
        const r = await raidtx(['--engine', engine, 'xor-val', 'd0', 'd0'], { cwd: base, env: PLAIN });
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stdout.endsWith(`\nmap of member bytes 0..240 KiB: [${dots(60)}] . clean\n`)).to.equal(true);
      });
    });
  }

  it('piped (no RAIDTX_PICTURES): no strip, no colour codes', async () => {
    const r = await raidtx(['pq-val', '-P', 'P', '-Q', 'Q', ...names], {
      cwd: base,
      env: { NO_COLOR: undefined },
    });
    expect(r.code).to.equal(1);
    expect(r.stdout).to.not.contain('map of');
    expect(r.stdout).to.not.contain(ESC);
  });
  it('--json: one object, no strip, even with RAIDTX_PICTURES=plain', async () => {
    const r = await raidtx(['--json', 'xor-val', ...names, 'P'], { cwd: base, env: PLAIN });
    expect(r.code).to.equal(1);
    expect(r.stdout).to.equal(`${JSON.stringify(JSON.parse(r.stdout))}\n`);
    expect(r.stdout).to.not.contain('map of');
  });
  it('RAIDTX_PICTURES=off: no strip', async () => {
    const r = await raidtx(['xor-val', ...names, 'P'], { cwd: base, env: { RAIDTX_PICTURES: 'off' } });
    expect(r.stdout).to.not.contain('map of');
  });
});

describe('pictures: the strip of md check over the array', function () {
  this.timeout(120000);
  const a = fixtureNamed('a-');
  const rc1 = fixtureNamed('rc1-');
  after(cleanupTmp);
  if (a) {
    it('a flipped byte: X where its range sits in the array; piped without the variable: none', async () => {
      const d = tmp();
      const members = membersOf(a).map((p, slot) => {
        const copy = join(d, `m${slot}.img`);
        copyFileSync(p, copy);
        return copy;
      });
      // member 2, data byte 2000000 - 1048576 = 951424: stripe 14 (64 KiB chunks), data chunk 0 of it
      // (left-symmetric n=5: P on 4 - 14 mod 5 = 0, Q on 1, data 0 on slot 2): array byte
      // 14 * 3 * 65536 + 951424 mod 65536 = 2752512 + 34944; 4 KiB unit at 2785280; of 9 MiB: cell 17
      flipByte(members[2]!, 2000000);
      const r = await md(['md', 'check', ...members], { env: PLAIN });
      expect(r.code, r.stderr).to.equal(1);
      expect(r.stdout).to.contain('array offset 2785280 member offset 1998848 length 4096');
      expect(
        r.stdout.endsWith(`\nmap of array bytes 0..9 MiB: [${dots(17)}X${dots(42)}] X mismatch, . clean\n`),
      ).to.equal(true);
      const piped = await md(['md', 'check', ...members], { env: { NO_COLOR: undefined } });
      expect(piped.stdout).to.not.contain('map of');
      const json = await md(['--json', 'md', 'check', ...members], { env: PLAIN });
      expect(json.stdout).to.equal(`${JSON.stringify(json.json)}\n`);
    });
  }
  if (rc1) {
    it('ranges left unchecked (a recovering RAID5 member) show as ?, exit 4', async () => {
      // unchecked: array bytes 26542080..47185920 of 45 MiB; 26542080 * 60 / 47185920 = 33.75: cells 33..59
      const r = await md(['md', 'check', ...membersOf(rc1)], { env: PLAIN });
      expect(r.code, r.stderr).to.equal(4);
      expect(r.stdout).to.contain('array bytes 26542080..47185920');
      expect(
        r.stdout.endsWith(
          `\nmap of array bytes 0..45 MiB: [${dots(33)}${'?'.repeat(27)}] ? not checked, . clean\n`,
        ),
      ).to.equal(true);
    });
  }
});

describe('pictures: the progress bar', function () {
  this.timeout(60000);
  let d = '';
  before(() => {
    d = tmp();
    const data = randomBuffers(2, 8 << 20, 3);
    writeMembers(d, data);
    writeFileSync(join(d, 'P'), Buffer.from(data[0]!.map((x, i) => x ^ data[1]![i]!)));
  });
  after(cleanupTmp);

  it('piped stderr carries no bar and no escape codes', async () => {
    const r = await raidtx(['xor-val', 'd0', 'd1', 'P'], { cwd: d, env: { NO_COLOR: undefined } });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.equal('');
    expect(r.stdout).to.not.contain(ESC);
  });
  it('on a terminal: a bar with percentage and throughput on stderr, erased before the summary', function () {
    if (spawnSync('sh', ['-c', 'command -v script']).status !== 0)
      lacking(this, 'script (util-linux) to run under a pseudo-terminal');
    const cmd = `stty cols 100; ${process.execPath} ${BIN} --engine software xor-val d0 d1 P`;
    const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], {
      cwd: d,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the bar's own escape codes
      /\rxor-val \[#{40}\] 100% {2}8 MiB\/8 MiB {2}[0-9]+ MB\/s\x1b\[K\r\x1b\[Kxor-val: the XOR of 3 members is zero/,
    );
  });
  it('--quiet and --json: no bar on a terminal either', function () {
    if (spawnSync('sh', ['-c', 'command -v script']).status !== 0)
      lacking(this, 'script (util-linux) to run under a pseudo-terminal');
    for (const flag of ['--quiet', '--json']) {
      const cmd = `stty cols 100; ${process.execPath} ${BIN} ${flag} xor-val d0 d1 P`;
      const r = spawnSync('script', ['-qfec', cmd, '/dev/null'], { cwd: d, encoding: 'utf8' });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout, flag).to.not.contain('[#');
      expect(r.stdout, flag).to.not.contain('\x1b[K');
    }
  });
});
