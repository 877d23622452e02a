// raidtx md export -o - into a real pipe (a shell's `|`, not the socket Node gives a child): the
// present members' chunks are spliced from their files, the rebuilt ones written, in array order.
// Each case checks the bytes against what the kernel wrote (truth.img), and the rest of the pipe
// contract: a reader that leaves early, and chunks read around damage never taken from the file.

import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { BIN, cleanupTmp, tmp } from '../../helpers/cli.js';
import { geometry, membersOf, sha } from '../../helpers/md-cli.js';
import { eachFixture, type Fixture, fixtureNamed } from '../../helpers/md-fixtures.js';
import { lacking } from '../../helpers/prereq.js';

const q = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `raidtx ARGS -o - | REST` in bash: raidtx's exit code and stderr. */
function piped(args: string[], rest: string, wrap = ''): { code: number; stderr: string } {
  const cmd = `${wrap}${q(process.execPath)} ${q(BIN)} ${args.map(q).join(' ')} -o - | ${rest}; exit "\${PIPESTATUS[0]}"`;
  const r = spawnSync('bash', ['-c', cmd], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status ?? -1, stderr: r.stderr };
}

const truthOf = (fx: Fixture): Buffer => readFileSync(join(fx.dir, 'truth.img'));

describe('raidtx md export -o - into a pipe', function () {
  this.timeout(120000);
  after(cleanupTmp);

  eachFixture((fx) => {
    const n = geometry(fx).raidDisks;
    const lost = fx.manifest.level === 6 ? [0, n - 1] : [1];
    it(`${fx.name}: slot(s) ${lost} missing, the pipe carries truth.img`, () => {
      const out = join(tmp(), 'array.img');
      const r = piped(
        ['md', 'export', ...membersOf(fx).filter((_, s) => !lost.includes(s))],
        `cat > ${q(out)}`,
      );
      expect(r.code, r.stderr).to.equal(0);
      expect(sha(readFileSync(out))).to.equal(sha(truthOf(fx)));
    });
  });

  // Interrupted reshapes (two geometries, moved data offsets), a half-recovered RAID6 member, DDF.
  for (const name of ['rs1-', 'rs2-', 'rs3-', 'rs4-', 'rs5-', 'rs6-', 'rs7-', 'rc2-', 'fw2-', 'fw3-']) {
    const fx = fixtureNamed(name);
    if (!fx) continue;
    it(`${fx.name}: slot 0 missing, the pipe carries truth.img`, () => {
      const out = join(tmp(), 'array.img');
      const r = piped(['md', 'export', ...membersOf(fx).slice(1)], `cat > ${q(out)}`);
      expect(r.code, r.stderr).to.equal(0);
      expect(sha(readFileSync(out))).to.equal(sha(truthOf(fx)));
    });
  }

  it('splices the present members into the pipe (strace), whole and degraded', function () {
    const fx = fixtureNamed('k-r6-8d-512k');
    if (!fx) return this.skip();
    if (spawnSync('strace', ['-V']).status !== 0) lacking(this, 'strace is not installed');
    const dir = tmp();
    for (const members of [membersOf(fx), membersOf(fx).slice(2)]) {
      const out = join(dir, 'array.img');
      const log = join(dir, 'strace.log');
      const r = piped(
        ['md', 'export', ...members],
        `cat > ${q(out)}`,
        `strace -f -e trace=splice -o ${q(log)} `,
      );
      expect(r.code, r.stderr).to.equal(0);
      expect(sha(readFileSync(out))).to.equal(sha(truthOf(fx)));
      const splices = readFileSync(log, 'utf8')
        .split('\n')
        .filter((l) => /splice\(\d+, \[\d+\], 1, NULL, \d+/.test(l));
      expect(splices.length, 'splice calls into fd 1').to.be.greaterThan(0);
    }
  });

  it('a reader that closes early stops it quietly (exit 141, nothing on stderr)', function () {
    const fx = fixtureNamed('k-r6-8d-512k');
    if (!fx) return this.skip();
    const r = piped(['md', 'export', ...membersOf(fx).slice(1)], 'head -c 100 > /dev/null');
    expect(r.stderr).to.equal('');
    expect(r.code).to.equal(141);
  });

  it('a chunk read around damage is rebuilt, never spliced from the file', function () {
    const fx = fixtureNamed('a-r6-5d-64k-ls');
    if (!fx) return this.skip();
    const dir = tmp();
    // Member 1 gets garbage over one of its data chunks, which its ddrescue map calls unreadable:
    // the right output rebuilds those bytes from parity; a splice would send the garbage.
    const m1 = join(dir, 'member1.img');
    writeFileSync(m1, readFileSync(fx.memberPath(1)));
    const at = fx.manifest.members[1]!.data_offset_bytes + 5 * fx.manifest.chunk_bytes; // stripe 5: slot 1 holds data
    const len = fx.manifest.chunk_bytes;
    const fd = openSync(m1, 'r+');
    writeSync(fd, Buffer.alloc(len, 0xa5), 0, len, at);
    closeSync(fd);
    const size = statSync(m1).size;
    const hex = (v: number): string => `0x${v.toString(16)}`;
    const map = join(dir, 'member1.map');
    writeFileSync(
      map,
      [
        '# Mapfile. Created by GNU ddrescue version 1.27',
        '0x00000000     +               1',
        `0x00000000  ${hex(at)}  +`,
        `${hex(at)}  ${hex(len)}  -`,
        `${hex(at + len)}  ${hex(size - at - len)}  +`,
        '',
      ].join('\n'),
    );
    const members = membersOf(fx).map((p, s) => (s === 1 ? m1 : p));
    const out = join(dir, 'array.img');
    const r = piped(['md', 'export', '--quiet', '--map', `${m1}=${map}`, ...members], `cat > ${q(out)}`);
    expect(r.code, r.stderr).to.equal(0);
    expect(sha(readFileSync(out))).to.equal(sha(truthOf(fx)));
  });
});
