// The NBD server against a raw-socket client and an in-memory backend: negotiation, every request
// validated on its own (errors answered, the connection kept), read errors and lost ranges answered
// EIO (per range with structured replies), hang-ups mid-request, several clients, clean stop.

import { execFile, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { UsageError } from '../../../src/core/errors.js';
import {
  Cmd,
  Err,
  FLAG_CAN_MULTI_CONN,
  FLAG_HAS_FLAGS,
  FLAG_READ_ONLY,
  Opt,
  Rep,
} from '../../../src/core/nbd/protocol.js';
import { type ServeResult, serveNbd } from '../../../src/core/nbd/server.js';
import { ByteBudget, type LostRange, type NbdBackend } from '../../../src/core/nbd/transmission.js';
import { RawClient } from '../../helpers/nbd-client.js';
import { lacking } from '../../helpers/prereq.js';

const SIZE = 1024 * 1024 + 4096 + 123; // not a multiple of anything
const content = Buffer.alloc(SIZE);
for (let i = 0; i < SIZE; i++) content[i] = (i * 131 + (i >> 9)) & 0xff;

/** Reads from `content`; [failAt, failAt + 4096) throws; [lostAt, lostAt + 8192) is lost. */
const failAt = 200 * 1024;
const lostAt = 400 * 1024;
const backend: NbdBackend & { reads: number; delayMs: number } = {
  size: SIZE,
  reads: 0,
  delayMs: 0,
  async read(buf, offset, length) {
    this.reads++;
    if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
    if (offset < failAt + 4096 && offset + length > failAt)
      throw new Error('member x: read error at offset 7');
    content.copy(buf, 0, offset, offset + length);
    const lost: LostRange[] = [];
    const lo = Math.max(offset, lostAt);
    const hi = Math.min(offset + length, lostAt + 8192);
    if (hi > lo) {
      lost.push({ offset: lo, length: hi - lo });
      buf.fill(0, lo - offset, hi - offset);
    }
    return lost;
  },
};

describe('NBD server (raw sockets, in-memory backend)', function () {
  this.timeout(30000);
  let dir = '';
  let path = '';
  let stop: AbortController;
  let served: Promise<ServeResult>;
  const logs: string[] = [];
  const open = () => RawClient.open({ path });

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'raidtx-nbd-'));
    path = join(dir, 'nbd.sock');
    stop = new AbortController();
    await new Promise<void>((ready, fail) => {
      served = serveNbd({
        target: { kind: 'unix', path },
        backend,
        export: {
          name: 'test',
          description: 'a test export',
          flags: FLAG_HAS_FLAGS | FLAG_READ_ONLY,
          preferredBlock: 4096,
        },
        signal: stop.signal,
        onListening: () => ready(),
        log: (m) => logs.push(m),
      });
      served.catch(fail);
    });
  });
  after(() => {
    stop.abort();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('negotiation', () => {
    it('greets with fixed newstyle and no-zeroes, and enters transmission with NBD_OPT_GO', async () => {
      const c = await open();
      const { size, flags } = await c.go();
      expect(c.handshakeFlags).to.equal(3);
      expect(size).to.equal(SIZE);
      expect(flags & (FLAG_HAS_FLAGS | FLAG_READ_ONLY)).to.equal(FLAG_HAS_FLAGS | FLAG_READ_ONLY);
      const r = await c.read(0, 512);
      expect(r.error).to.equal(0);
      expect(r.data.equals(content.subarray(0, 512))).to.equal(true);
      c.disconnect();
      expect(await c.closedWithin(5000)).to.equal(true);
    });

    it('answers an unknown option with NBD_REP_ERR_UNSUP and keeps negotiating', async () => {
      const c = await open();
      await c.greet();
      c.sendOption(0x4242, Buffer.from('whatever'));
      const r = await c.optionReply();
      expect(r.option).to.equal(0x4242);
      expect(r.type).to.equal(Rep.ERR_UNSUP);
      c.sendOption(Opt.GO, RawClient.goData());
      const replies = await c.optionReplies();
      expect(replies.at(-1)!.type).to.equal(Rep.ACK);
      expect((await c.read(SIZE - 123, 123)).data.equals(content.subarray(SIZE - 123))).to.equal(true);
      c.destroy();
    });

    it('NBD_OPT_INFO gives export, block size, name and description without entering transmission', async () => {
      const c = await open();
      await c.greet();
      c.sendOption(Opt.INFO, RawClient.goData('any name', [1, 2, 3]));
      const replies = await c.optionReplies();
      expect(replies.at(-1)!.type).to.equal(Rep.ACK);
      const infos = new Map(
        replies.filter((r) => r.type === Rep.INFO).map((r) => [r.data.readUInt16BE(0), r.data]),
      );
      expect(Number(infos.get(0)!.readBigUInt64BE(2))).to.equal(SIZE);
      const bs = infos.get(3)!;
      expect([bs.readUInt32BE(2), bs.readUInt32BE(6), bs.readUInt32BE(10)]).to.deep.equal([
        1,
        4096,
        32 << 20,
      ]);
      expect(infos.get(1)!.subarray(2).toString()).to.equal('test');
      expect(infos.get(2)!.subarray(2).toString()).to.equal('a test export');
      // still negotiating: NBD_OPT_LIST works, then GO
      c.sendOption(Opt.LIST);
      const list = await c.optionReplies();
      expect(list.map((r) => r.type)).to.deep.equal([Rep.SERVER, Rep.ACK]);
      c.sendOption(Opt.GO, RawClient.goData());
      expect((await c.optionReplies()).at(-1)!.type).to.equal(Rep.ACK);
      c.destroy();
    });

    it('refuses malformed NBD_OPT_GO data with NBD_REP_ERR_INVALID, and NBD_OPT_LIST with data', async () => {
      const c = await open();
      await c.greet();
      c.sendOption(Opt.GO, Buffer.from([0, 0, 0, 9, 1, 2]));
      expect((await c.optionReply()).type).to.equal(Rep.ERR_INVALID);
      c.sendOption(Opt.LIST, Buffer.from('x'));
      expect((await c.optionReply()).type).to.equal(Rep.ERR_INVALID);
      c.sendOption(Opt.ABORT);
      expect((await c.optionReply()).type).to.equal(Rep.ACK);
      expect(await c.closedWithin(5000)).to.equal(true);
    });

    it('serves NBD_OPT_EXPORT_NAME (with and without the 124 zero bytes)', async () => {
      for (const flags of [1, 3]) {
        const c = await open();
        await c.greet(flags);
        c.sendOption(Opt.EXPORT_NAME, Buffer.from('x'));
        const b = await c.wire.read(flags === 3 ? 10 : 134);
        expect(Number(b.readBigUInt64BE(0))).to.equal(SIZE);
        expect((await c.read(4096, 100)).data.equals(content.subarray(4096, 4196))).to.equal(true);
        c.destroy();
      }
    });

    it('drops a client that sets unknown client flags or a bad option magic', async () => {
      let c = await open();
      await c.greet(0x80);
      expect(await c.closedWithin(5000)).to.equal(true);
      c = await open();
      await c.greet();
      c.socket.write(Buffer.alloc(16, 7));
      expect(await c.closedWithin(5000)).to.equal(true);
    });
  });

  describe('transmission: every request answered, the connection kept', () => {
    let c: RawClient;
    beforeEach(async () => {
      c = await open();
      await c.go();
    });
    afterEach(() => c.destroy());

    it('a write (payload consumed) gets EPERM, and the next read works', async () => {
      c.request(Cmd.WRITE, 0, 65536, 0, Buffer.alloc(65536, 1));
      expect((await c.simpleReply()).error).to.equal(Err.EPERM);
      c.request(Cmd.TRIM, 0, 4096);
      expect((await c.simpleReply()).error).to.equal(Err.EPERM);
      c.request(Cmd.WRITE_ZEROES, 0, 4096);
      expect((await c.simpleReply()).error).to.equal(Err.EPERM);
      expect((await c.read(100, 1000)).data.equals(content.subarray(100, 1100))).to.equal(true);
    });

    it('a read past the end, a huge read and an offset beyond 2^53 get EINVAL', async () => {
      expect((await c.read(SIZE - 10, 11)).error).to.equal(Err.EINVAL);
      expect((await c.read(SIZE + 1, 0)).error).to.equal(Err.EINVAL);
      expect((await c.read(0, 32 * 1024 * 1024 + 1)).error).to.equal(Err.EINVAL);
      c.request(Cmd.READ, 0xffff_ffff_ffff_f000n, 4096);
      expect((await c.simpleReply()).error).to.equal(Err.EINVAL);
      expect((await c.read(SIZE - 10, 10)).data.equals(content.subarray(SIZE - 10))).to.equal(true);
    });

    it('an unknown command, an unknown flag and NBD_CMD_FLAG_DF get EINVAL', async () => {
      c.request(99, 0, 4096);
      expect((await c.simpleReply()).error).to.equal(Err.EINVAL);
      c.request(Cmd.READ, 0, 4096, 0x100);
      expect((await c.simpleReply()).error).to.equal(Err.EINVAL);
      c.request(Cmd.READ, 0, 4096, 4);
      expect((await c.simpleReply()).error).to.equal(Err.EINVAL);
      c.request(Cmd.BLOCK_STATUS, 0, 4096);
      expect((await c.simpleReply()).error).to.equal(Err.EINVAL);
      c.request(Cmd.FLUSH, 0, 0);
      expect((await c.simpleReply()).error).to.equal(0);
      expect((await c.read(0, 0)).error).to.equal(0);
      expect((await c.read(7, 9)).data.equals(content.subarray(7, 16))).to.equal(true);
    });

    it('a failing read gets EIO; a read touching a lost range gets EIO; both keep the connection', async () => {
      expect((await c.read(failAt - 100, 200)).error).to.equal(Err.EIO);
      expect((await c.read(lostAt + 8000, 4096)).error).to.equal(Err.EIO);
      expect(
        (await c.read(lostAt + 8192, 4096)).data.equals(content.subarray(lostAt + 8192, lostAt + 12288)),
      ).to.equal(true);
    });

    it('answers many reads in flight, each under its own cookie', async () => {
      const want = new Map<bigint, number>();
      // clear of the failing and lost ranges
      const base = 512 * 1024;
      for (let i = 0; i < 64; i++) want.set(c.request(Cmd.READ, base + i * 4096, 4096), base + i * 4096);
      for (let i = 0; i < 64; i++) {
        const r = await c.simpleReply(4096);
        const off = want.get(r.cookie)!;
        expect(r.data.equals(content.subarray(off, off + 4096))).to.equal(true);
        want.delete(r.cookie);
      }
      expect(want.size).to.equal(0);
    });

    it('a malformed request (bad magic) closes that connection only', async () => {
      c.socket.write(Buffer.alloc(28, 0x55));
      expect(await c.closedWithin(5000)).to.equal(true);
      const d = await open();
      await d.go();
      expect((await d.read(0, 10)).data.equals(content.subarray(0, 10))).to.equal(true);
      d.destroy();
    });
  });

  describe('structured replies', () => {
    it('a read is one data chunk; a lost range is its own NBD_REPLY_TYPE_ERROR_OFFSET chunk at its offset', async () => {
      const c = await open();
      await c.go(true);
      c.request(Cmd.READ, 4096, 8192);
      let ch = await c.chunks();
      expect(ch.map((x) => x.type)).to.deep.equal([1]);
      expect(Number(ch[0]!.payload.readBigUInt64BE(0))).to.equal(4096);
      expect(ch[0]!.payload.subarray(8).equals(content.subarray(4096, 12288))).to.equal(true);

      c.request(Cmd.READ, lostAt - 4096, 16384);
      ch = await c.chunks();
      expect(ch.map((x) => x.type)).to.deep.equal([1, 32770, 1]);
      const err = ch[1]!.payload;
      expect(err.readUInt32BE(0)).to.equal(Err.EIO);
      const msgLen = err.readUInt16BE(4);
      expect(Number(err.readBigUInt64BE(6 + msgLen))).to.equal(lostAt);
      expect(ch[0]!.payload.subarray(8).equals(content.subarray(lostAt - 4096, lostAt))).to.equal(true);
      expect(Number(ch[2]!.payload.readBigUInt64BE(0))).to.equal(lostAt + 8192);
      expect(ch.map((x) => x.flags & 1)).to.deep.equal([0, 0, 1]);

      c.request(Cmd.READ, failAt, 10);
      ch = await c.chunks();
      expect(ch.map((x) => x.type)).to.deep.equal([32769]);
      expect(ch[0]!.payload.readUInt32BE(0)).to.equal(Err.EIO);
      c.request(Cmd.READ, SIZE, 1);
      expect((await c.chunks())[0]!.payload.readUInt32BE(0)).to.equal(Err.EINVAL);
      c.destroy();
    });
  });

  describe('a real client (libnbd)', () => {
    it('nbdinfo reads the export; nbdcopy gets EIO for the bad ranges, not a protocol error', async function () {
      if (spawnSync('sh', ['-c', 'command -v nbdcopy && command -v nbdinfo']).status !== 0)
        lacking(this, 'nbdcopy/nbdinfo not installed (Debian: libnbd-bin)');
      const uri = `nbd+unix:///?socket=${path}`;
      // asynchronously: the server runs in this process
      const run = (cmd: string, args: string[]) =>
        new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
          execFile(cmd, args, { timeout: 20000 }, (err, stdout, stderr) =>
            resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr }),
          );
        });
      const info = await run('nbdinfo', ['--json', uri]);
      expect(info.code, info.stderr).to.equal(0);
      expect(JSON.parse(info.stdout).exports[0]['export-size']).to.equal(SIZE);
      const copy = await run('nbdcopy', [uri, join(dir, 'copy.img')]);
      expect(copy.code).to.not.equal(0);
      expect(copy.stderr).to.match(/Input\/output error/);
      expect(copy.stderr).to.not.match(/protocol|unexpected|invalid/i);
    });
  });

  describe('robustness', () => {
    it('a client that hangs up mid-request does not bring the server down', async () => {
      backend.delayMs = 50;
      try {
        for (let i = 0; i < 5; i++) {
          const c = await open();
          await c.go(i % 2 === 1);
          for (let k = 0; k < 8; k++) c.request(Cmd.READ, 0, 1024 * 1024);
          // half a request, then gone
          c.socket.write(Buffer.from([0x25, 0x60, 0x95]));
          c.destroy();
        }
        const c = await open();
        c.greet().catch(() => undefined);
        c.destroy(); // gone during negotiation too
      } finally {
        backend.delayMs = 0;
      }
      await new Promise((r) => setTimeout(r, 200));
      const d = await open();
      await d.go();
      expect((await d.read(1, 2)).data.equals(content.subarray(1, 3))).to.equal(true);
      d.destroy();
    });

    it('serves several clients at once', async () => {
      const clients = await Promise.all(Array.from({ length: 6 }, () => open()));
      await Promise.all(clients.map((c, i) => c.go(i % 2 === 0)));
      await Promise.all(
        clients.map(async (c, i) => {
          for (let k = 0; k < 20; k++) {
            const off = 512 * 1024 + (((i * 20 + k) * 7919) % (SIZE - 5000 - 512 * 1024));
            c.request(Cmd.READ, off, 5000);
            if (i % 2 === 0) {
              const [ch] = await c.chunks();
              expect(ch!.payload.subarray(8).equals(content.subarray(off, off + 5000))).to.equal(true);
            } else {
              const r = await c.simpleReply(5000);
              expect(r.data.equals(content.subarray(off, off + 5000))).to.equal(true);
            }
          }
        }),
      );
      for (const c of clients) c.destroy();
    });

    it('refuses a socket path that already exists', async () => {
      const p = join(dir, 'taken');
      writeFileSync(p, '');
      const never = new AbortController();
      let err: unknown;
      try {
        await serveNbd({
          target: { kind: 'unix', path: p },
          backend,
          export: { name: '', description: '', flags: 1, preferredBlock: 512 },
          signal: never.signal,
        });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(UsageError);
      expect(String(err)).to.contain('already exists');
    });

    it('stops on abort with a client connected, removing the socket file', async () => {
      const c = await open();
      await c.go();
      c.request(Cmd.READ, 0, 4096);
      await c.simpleReply(4096);
      stop.abort();
      const r = await served;
      expect(existsSync(path)).to.equal(false);
      expect(await c.closedWithin(5000)).to.equal(true);
      expect(r.connections).to.be.greaterThan(10);
      expect(r.errors).to.be.greaterThan(5);
    });
  });
});

describe('NBD server over TCP', () => {
  it('binds 127.0.0.1 on a free port and serves', async () => {
    const stop = new AbortController();
    let uri = '';
    const served = serveNbd({
      target: { kind: 'tcp', host: '127.0.0.1', port: 0 },
      backend,
      export: {
        name: '',
        description: '',
        flags: FLAG_HAS_FLAGS | FLAG_READ_ONLY | FLAG_CAN_MULTI_CONN,
        preferredBlock: 512,
      },
      signal: stop.signal,
      onListening: (u) => {
        uri = u;
      },
    });
    while (!uri) await new Promise((r) => setTimeout(r, 10));
    const port = Number(/:(\d+)$/.exec(uri)![1]);
    expect(uri).to.match(/^nbd:\/\/127\.0\.0\.1:\d+$/);
    const c = await RawClient.open({ port });
    await c.go();
    expect((await c.read(5, 5)).data.equals(content.subarray(5, 10))).to.equal(true);
    c.disconnect();
    stop.abort();
    const r = await served;
    expect(r.requests).to.be.at.least(1);
  });
});

describe('NBD server memory bound (ByteBudget)', () => {
  it('holds a read back until room is given, and always lets a lone read through', async () => {
    const b = new ByteBudget(10);
    await b.take(6);
    let second = false;
    const p = b.take(6).then(() => {
      second = true;
    });
    await new Promise((r) => setTimeout(r, 20));
    expect(second).to.equal(false);
    b.give(6);
    await p;
    expect(second).to.equal(true);
    b.give(6);
    await b.take(100); // larger than the limit, but nothing else is held
    b.give(100);
  });
});
