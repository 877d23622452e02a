// raidtx md serve (spawned) with real NBD clients (libnbd's nbdinfo, nbdcopy, nbdfuse) on arrays the
// kernel's md driver wrote: the served bytes equal truth.img complete and degraded, an ext4 array
// served degraded passes e2fsck and gives back its files, bad requests are answered while serving
// goes on, and SIGINT/SIGTERM stop it with the socket removed.

import type { ChildProcess } from 'node:child_process';
import { execFile, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { Cmd, Err } from '../../../src/core/nbd/protocol.js';
import { type RunResult, raidtx } from '../../helpers/cli.js';
import { membersOf, sha } from '../../helpers/md-cli.js';
import { writeBadBlocks } from '../../helpers/md-damage.js';
import { eachFixture, type Fixture, fixtureNamed, loadFixtures } from '../../helpers/md-fixtures.js';
import { RawClient } from '../../helpers/nbd-client.js';
import { lacking } from '../../helpers/prereq.js';

const run = promisify(execFile);
const has = (cmd: string): boolean => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

interface Served {
  child: ChildProcess;
  uri: string;
  /** sends the signal and resolves with the finished run */
  stop(signal?: NodeJS.Signals): Promise<RunResult>;
}

/** Starts `raidtx md serve ...args` and waits (bounded) for its "serving ... on URI" line. */
async function serve(args: string[]): Promise<Served> {
  let child: ChildProcess | null = null;
  let stderr = '';
  const done = raidtx(['md', 'serve', ...args], {
    onSpawn: (c) => {
      child = c;
      c.stderr!.on('data', (d) => {
        stderr += d;
      });
    },
  });
  let finished: RunResult | null = null;
  done.then((r) => {
    finished = r;
  });
  for (let i = 0; i < 400 && !/ on (nbd\S+);/.test(stderr) && !finished; i++) {
    await new Promise((r) => setTimeout(r, 25));
  }
  const uri = / on (nbd\S+);/.exec(stderr)?.[1];
  if (!uri) {
    (child as ChildProcess | null)?.kill('SIGKILL');
    const r = await done;
    throw new Error(`md serve did not start (exit ${r.code}): ${r.stderr}`);
  }
  return {
    child: child!,
    uri,
    stop: (signal = 'SIGINT') => {
      child!.kill(signal);
      return done;
    },
  };
}

const needTools = (ctx: Mocha.Context, ...tools: string[]): void => {
  const gone = tools.filter((t) => !has(t));
  if (gone.length) lacking(ctx, `${gone.join(', ')} not installed (Debian: libnbd-bin, e2fsprogs, fuse3)`);
};

describe('raidtx md serve (spawned) with real NBD clients', function () {
  this.timeout(180000);
  let tmp = '';
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'raidtx-md-serve-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));
  let n = 0;
  const sock = () => join(tmp, `s${n++}.sock`);

  eachFixture((fx) => {
    it(`${fx.name}: nbdcopy of the served array equals truth.img, complete and degraded`, async function () {
      needTools(this, 'nbdcopy');
      const g = fx.manifest;
      const all = membersOf(fx);
      const lost = g.level === 6 ? [0, g.raid_disks - 1] : [1];
      const want = sha(readFileSync(join(fx.dir, 'truth.img')));
      for (const members of [all, all.filter((_, s) => !lost.includes(s))]) {
        const s = await serve([...members, '--socket', sock()]);
        const out = join(tmp, `${fx.name}.img`);
        try {
          await run('nbdcopy', [s.uri, out]);
        } finally {
          const r = await s.stop();
          expect(r.code, r.stderr).to.equal(0);
        }
        expect(sha(readFileSync(out)), `${members.length} members`).to.equal(want);
        rmSync(out);
      }
    });
  });

  // Arrays caught mid-reshape or mid-recovery: each part read in its own geometry, a recovering member
  // only below its offset.
  for (const name of ['rs1-', 'rs3-', 'rs6-', 'rc2-']) {
    it(`${name}*: served mid-reshape or mid-recovery, nbdcopy equals truth.img`, async function () {
      needTools(this, 'nbdcopy');
      const fx = fixtureNamed(name);
      if (!fx) return;
      const s = await serve([...membersOf(fx), '--socket', sock()]);
      const out = join(tmp, `${fx.name}.img`);
      try {
        await run('nbdcopy', [s.uri, out]);
      } finally {
        const r = await s.stop();
        expect(r.code, r.stderr).to.equal(0);
      }
      expect(sha(readFileSync(out))).to.equal(sha(readFileSync(join(fx.dir, 'truth.img'))));
      rmSync(out);
    });
  }

  const ext4 = loadFixtures().fixtures.filter((f) => (f.manifest as { fs?: string }).fs === 'ext4');
  for (const fx of ext4) {
    it(`${fx.name}: served degraded, attached with nbdfuse: e2fsck -fn is clean, and mounted ro,loop (or read by debugfs) every file's md5 matches`, async function () {
      needTools(this, 'nbdfuse', 'e2fsck', 'debugfs', 'fusermount3');
      if (!existsSync('/dev/fuse')) lacking(this, '/dev/fuse is absent (FUSE unavailable)');
      const m = fx.manifest as Fixture['manifest'] & { fs_md5: string };
      const gone = m.level === 6 ? [0, 2] : [1];
      const s = await serve([...membersOf(fx).filter((_, i) => !gone.includes(i)), '--socket', sock()]);
      const mnt = join(tmp, `${fx.name}-mnt`);
      const files = join(tmp, `${fx.name}-files`);
      mkdirSync(mnt);
      const fuse = execFile('nbdfuse', [mnt, s.uri]);
      let mounted = false;
      fuse.on('error', () => undefined);
      try {
        const dev = join(mnt, 'nbd');
        for (let i = 0; i < 200 && !existsSync(dev); i++) await new Promise((r) => setTimeout(r, 25));
        if (!existsSync(dev)) lacking(this, 'nbdfuse could not mount (FUSE not permitted here?)');
        const fsck = spawnSync('e2fsck', ['-fn', dev], { encoding: 'utf8' });
        expect(fsck.status, fsck.stdout + fsck.stderr).to.equal(0);
        // mount -o ro,loop where this machine allows it (root, loop devices), else debugfs copies
        // the files out of the image: either way every byte comes through the server.
        mkdirSync(files);
        mounted = spawnSync('mount', ['-o', 'ro,loop', dev, files], { encoding: 'utf8' }).status === 0;
        if (!mounted) {
          const dump = spawnSync('debugfs', ['-R', `rdump / ${files}`, dev], { encoding: 'utf8' });
          expect(dump.status, dump.stderr).to.equal(0);
        }
        const lines = m.fs_md5.trim().split('\n');
        expect(lines.length).to.be.greaterThan(10);
        for (const line of lines) {
          const [md5, name] = line.trim().split(/\s+/) as [string, string];
          const got = createHash('md5')
            .update(readFileSync(join(files, name)))
            .digest('hex');
          expect(got, name).to.equal(md5);
        }
      } finally {
        if (mounted) spawnSync('umount', [files]);
        spawnSync('fusermount3', ['-u', mnt]);
        fuse.kill();
        const r = await s.stop('SIGTERM');
        expect(r.code, r.stderr).to.equal(0);
      }
    });
  }

  describe('serving', () => {
    it('nbdinfo sees a read-only export of the array size; SIGTERM stops it, the socket is gone, --json reports', async function () {
      needTools(this, 'nbdinfo');
      const fx = fixtureNamed('a-r6');
      if (!fx) return;
      const path = sock();
      const s = await serve([...membersOf(fx), '--socket', path, '--json']);
      expect(s.uri).to.equal(`nbd+unix:///?socket=${path}`);
      const { stdout } = await run('nbdinfo', ['--json', s.uri]);
      const info = JSON.parse(stdout) as { exports: { 'export-size': number; is_read_only: boolean }[] };
      expect(info.exports[0]!['export-size']).to.equal(fx.manifest.array_bytes);
      expect(info.exports[0]!.is_read_only).to.equal(true);
      const r = await s.stop('SIGTERM');
      expect(r.code, r.stderr).to.equal(0);
      expect(existsSync(path)).to.equal(false);
      const json = JSON.parse(r.stdout) as Record<string, unknown>;
      expect(json).to.include({ command: 'md serve', ok: true, arrayBytes: fx.manifest.array_bytes });
      expect(json.connections).to.be.at.least(1);
    });

    it('serves several clients at once: two nbdcopy runs over TCP on 127.0.0.1 both equal truth.img', async function () {
      needTools(this, 'nbdcopy');
      const fx = fixtureNamed('k-r6');
      if (!fx) return;
      const s = await serve([...membersOf(fx).slice(1), '--listen', '127.0.0.1:0']);
      expect(s.uri).to.match(/^nbd:\/\/127\.0\.0\.1:\d+$/);
      const outs = [join(tmp, 'c1.img'), join(tmp, 'c2.img')];
      try {
        await Promise.all(outs.map((o) => run('nbdcopy', [s.uri, o])));
      } finally {
        expect((await s.stop()).code).to.equal(0);
      }
      const want = sha(readFileSync(join(fx.dir, 'truth.img')));
      for (const o of outs) expect(sha(readFileSync(o))).to.equal(want);
    });

    it('answers a write with EPERM and a read past the end with EINVAL, and keeps serving (raw socket)', async () => {
      const fx = fixtureNamed('i-r5');
      if (!fx) return;
      const path = sock();
      const s = await serve([...membersOf(fx).slice(0, 3), '--socket', path]);
      const truth = readFileSync(join(fx.dir, 'truth.img'));
      try {
        const c = await RawClient.open({ path });
        await c.go();
        c.request(Cmd.WRITE, 0, 4096, 0, Buffer.alloc(4096));
        expect((await c.simpleReply()).error).to.equal(Err.EPERM);
        expect((await c.read(truth.length - 100, 101)).error).to.equal(Err.EINVAL);
        c.request(77, 0, 0);
        expect((await c.simpleReply()).error).to.equal(Err.EINVAL);
        const r = await c.read(70000, 200000);
        expect(r.error).to.equal(0);
        expect(r.data.equals(truth.subarray(70000, 270000))).to.equal(true);
        // a client that leaves with reads in flight
        for (let i = 0; i < 16; i++) c.request(Cmd.READ, 0, 1024 * 1024);
        c.destroy();
        const d = await RawClient.open({ path });
        await d.go(true);
        d.request(Cmd.READ, 4096, 4096);
        const [chunk] = await d.chunks();
        expect(chunk!.payload.subarray(8).equals(truth.subarray(4096, 8192))).to.equal(true);
        d.disconnect();
      } finally {
        const r = await s.stop();
        expect(r.code, r.stderr).to.equal(0);
        expect(r.stderr).to.match(/read-only/);
      }
    });
  });

  describe('damaged members', () => {
    for (const engine of ['software', 'native'])
      it(`--engine ${engine}: a block beyond repair is answered with EIO (simple and structured replies), never zeros; the rest is served exact`, async () => {
        const fx = fixtureNamed('i-r5-4d-64k-ls');
        if (!fx) return;
        const C = fx.manifest.chunk_bytes;
        const DO = fx.manifest.members[0]!.data_offset_bytes;
        const all = membersOf(fx);
        // slot 1 absent; slot 2's bad-block log lists 4 KiB in stripe 2, where slot 1 holds P: the
        // data of slot 2 there (array bytes 6 chunks + 4096) is beyond repair
        const bad = join(tmp, `bb2-${engine}.img`);
        copyFileSync(all[2]!, bad);
        writeBadBlocks(bad, [{ sector: (DO + 2 * C + 4096) / 512, count: 8 }]);
        const lost = 6 * C + 4096;
        const truth = readFileSync(join(fx.dir, 'truth.img'));
        const path = sock();
        const s = await serve(['--engine', engine, all[0]!, bad, all[3]!, '--socket', path]);
        try {
          const c = await RawClient.open({ path });
          await c.go();
          expect((await c.read(lost, 4096)).error).to.equal(Err.EIO);
          expect((await c.read(lost - 100, 200)).error).to.equal(Err.EIO);
          // served on: the blocks around it, and the rest of its chunk rebuilt or read
          for (const [off, len] of [
            [lost - 4096, 4096],
            [lost + 4096, 4096],
            [6 * C, 4096],
            [lost + 8192, 1024 * 1024],
          ] as const) {
            const r = await c.read(off, len);
            expect(r.error, `${off}+${len}`).to.equal(0);
            expect(r.data.equals(truth.subarray(off, off + len)), `${off}+${len}`).to.equal(true);
          }
          c.disconnect();
          // structured: the readable pieces as data, the lost one as an error chunk
          const d = await RawClient.open({ path });
          await d.go(true);
          d.request(Cmd.READ, lost - 4096, 3 * 4096);
          const chunks = await d.chunks();
          const errors = chunks.filter((x) => x.type !== 1);
          expect(errors.length).to.equal(1);
          for (const x of chunks.filter((x) => x.type === 1)) {
            const at = Number(x.payload.readBigUInt64BE(0));
            const data = x.payload.subarray(8);
            expect(at === lost || (at < lost + 4096 && at + data.length > lost)).to.equal(false);
            expect(data.equals(truth.subarray(at, at + data.length))).to.equal(true);
          }
          d.disconnect();
        } finally {
          const r = await s.stop();
          expect(r.code, r.stderr).to.equal(0);
        }
      });

    it('refuses --strict (exit 2): a lost block is an I/O error of that request', async () => {
      const fx = fixtureNamed('i-r5');
      if (!fx) return;
      const r = await raidtx(['md', 'serve', ...membersOf(fx), '--socket', sock(), '--strict']);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(/--strict/);
    });
  });

  describe('refusals (exit 2, nothing served)', () => {
    const fx = () => fixtureNamed('i-r5');
    const cases: [string, (f: Fixture, p: string) => string[], RegExp][] = [
      ['neither --socket nor --listen', (f) => membersOf(f), /--socket PATH/],
      [
        'both --socket and --listen',
        (f, p) => [...membersOf(f), '--socket', p, '--listen', '1234'],
        /not both/,
      ],
      ['a malformed --listen', (f) => [...membersOf(f), '--listen', 'localhost'], /HOST:PORT/],
      [
        'an existing socket path',
        (f, p) => {
          writeFileSync(p, '');
          return [...membersOf(f), '--socket', p];
        },
        /already exists/,
      ],
      [
        'more members missing than RAID5 tolerates',
        (f, p) => [...membersOf(f).slice(0, 2), '--socket', p],
        /tolerates 1/,
      ],
    ];
    for (const [what, args, msg] of cases) {
      it(`refuses ${what}`, async () => {
        const f = fx();
        if (!f) return;
        const r = await raidtx(['md', 'serve', ...args(f, sock())]);
        expect(r.code, r.stderr).to.equal(2);
        expect(r.stderr).to.match(msg);
      });
    }
  });
});
