// O_DIRECT member reads on loop devices: used by default for devices (seen in strace), byte-identical
// to reads through the page cache (--no-direct) and to the same data read as files, with an
// unaligned head (--offset), an unaligned tail (sizes not a multiple of 4096) and odd steps.

import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { BIN, cleanupTmp, nativeStatus, raidtx, tmp } from '../helpers/cli.js';
import { fixtureNamed } from '../helpers/md-fixtures.js';
import { lacking } from '../helpers/prereq.js';
import { randomBuffers } from '../helpers/prng.js';
import { refPQ } from '../helpers/reference.js';

// 1 MiB + 3 sectors: the loop device keeps every byte, and its end is not 4096-aligned
const SIZE = 1024 * 1024 + 3 * 512;

function sh(cmd: string, args: string[]): string {
  return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    .toString()
    .trim();
}

describe('direct I/O on block devices (loop devices)', function () {
  this.timeout(120000);
  const loops: string[] = [];
  let dir: string;
  let data: Buffer[];
  let files: string[];
  let devs: string[];

  const attach = (file: string): string => {
    const dev = sh('losetup', ['-f', '--show', file]);
    loops.push(dev);
    return dev;
  };

  before(async function () {
    if ((await nativeStatus()).available === false)
      lacking(this, 'native engine unavailable: direct I/O needs its aligned buffers');
    dir = tmp();
    data = randomBuffers(4, SIZE, 0xd1);
    files = data.map((d, i) => {
      const p = join(dir, `f${i}`);
      writeFileSync(p, d);
      return p;
    });
    try {
      devs = files.map(attach);
    } catch (err) {
      lacking(this, `losetup unavailable here (${(err as Error).message.split('\n')[0]})`);
    }
  });

  after(() => {
    for (const dev of loops.reverse()) {
      try {
        sh('losetup', ['-d', dev]);
      } catch {
        // detached already
      }
    }
    cleanupTmp();
  });

  it('opens device members with O_DIRECT by default and reads through that descriptor (strace)', function () {
    if (spawnSync('strace', ['-V']).status !== 0) lacking(this, 'strace is not installed');
    const log = join(dir, 'strace.log');
    const r = spawnSync(
      'strace',
      [
        '-f',
        '-e',
        'trace=openat,pread64',
        '-o',
        log,
        process.execPath,
        BIN,
        'pq',
        '-P',
        join(dir, 'sP'),
        ...devs,
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).to.equal(0);
    const opens = readFileSync(log, 'utf8').split('\n');
    for (const dev of devs)
      expect(
        opens.some((l) => l.includes(`"${dev}", O_RDONLY|O_DIRECT`)),
        dev,
      ).to.equal(true);
    expect(readFileSync(join(dir, 'sP')).equals(refPQ(data, SIZE).p)).to.equal(true);
    // --no-direct: no member opened so
    const r2 = spawnSync(
      'strace',
      [
        '-f',
        '-e',
        'trace=openat',
        '-o',
        log,
        process.execPath,
        BIN,
        '--no-direct',
        'pq',
        '-P',
        join(dir, 'sP'),
        ...devs,
      ],
      { encoding: 'utf8' },
    );
    expect(r2.status, r2.stderr).to.equal(0);
    expect(readFileSync(log, 'utf8')).not.to.match(/\/dev\/loop\d+", O_RDONLY\|O_DIRECT/);
  });

  for (const engine of ['native', 'software'] as const) {
    for (const [what, extra, offset, len] of [
      ['whole members', [], 0, SIZE],
      ['an unaligned --offset and odd --step', ['--offset', '512', '--step', '12800'], 512, SIZE - 512],
      ['an odd --length', ['--offset', '8192', '--length', '300001'], 8192, 300001],
    ] as const) {
      it(`pq and pq-val, --engine ${engine}, ${what}: --direct, --no-direct and files agree with the reference`, async () => {
        const ref = refPQ(
          data.map((d) => d.subarray(offset, offset + len)),
          len,
        );
        for (const [tag, mode, members] of [
          ['d', [], devs],
          ['D', ['--direct'], devs],
          ['n', ['--no-direct'], devs],
          ['f', [], files],
        ] as const) {
          const p = join(dir, `P-${engine}-${tag}`);
          const q = join(dir, `Q-${engine}-${tag}`);
          const args = ['--engine', engine, '--quiet', ...mode, ...extra];
          const r = await raidtx([...args, 'pq', '-P', p, '-Q', q, ...members]);
          expect(r.code, `${tag}: ${r.stderr}`).to.equal(0);
          expect(readFileSync(p).equals(ref.p), `${tag} P`).to.equal(true);
          expect(readFileSync(q).equals(ref.q), `${tag} Q`).to.equal(true);
          // pq-val reads the members back against P and Q placed at the same --offset
          const pad = Buffer.alloc(offset);
          writeFileSync(`${p}.at`, Buffer.concat([pad, ref.p]));
          writeFileSync(`${q}.at`, Buffer.concat([pad, ref.q]));
          const v = await raidtx([...args, 'pq-val', ...members, '-P', `${p}.at`, '-Q', `${q}.at`]);
          expect(v.code, `${tag} pq-val: ${v.stderr}`).to.equal(0);
        }
      });
    }
  }

  it('md export over loop-device members, direct and not, equals truth.img', async function () {
    const fx = fixtureNamed('a-r6-5d-64k-ls');
    if (!fx) this.skip();
    const members = Array.from({ length: fx.manifest.raid_disks }, (_, s) => attach(fx.memberPath(s)));
    const truth = readFileSync(join(fx.dir, 'truth.img'));
    for (const mode of [[], ['--no-direct']]) {
      const out = join(dir, `array${mode.length}`);
      const r = await raidtx([...mode, '--quiet', 'md', 'export', ...members.slice(1), '-o', out]);
      expect(r.code, r.stderr).to.equal(0);
      expect(readFileSync(out).equals(truth), mode.join(' ') || 'direct').to.equal(true);
    }
  });

  it('--direct on a regular file either works or is refused by name (exit 2, nothing written)', async () => {
    const p = join(dir, 'fileP');
    const r = await raidtx(['--direct', '--quiet', 'pq', '-P', p, ...files]);
    if (r.code === 0) {
      expect(readFileSync(p).equals(refPQ(data, SIZE).p)).to.equal(true);
    } else {
      expect(r.code).to.equal(2);
      expect(r.stderr).to.match(/member '.*f0': cannot open for direct I\/O \(--direct\)/);
      expect(existsSync(p)).to.equal(false);
    }
  });
});
