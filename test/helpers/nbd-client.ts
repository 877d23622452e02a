// A deliberately small NBD client over raw sockets, for tests that must send what real clients
// never would (writes to a read-only export, unknown options, malformed requests, hang-ups).

import { connect, type Socket } from 'node:net';
import {
  Cmd,
  FLAG_C_FIXED_NEWSTYLE,
  FLAG_C_NO_ZEROES,
  IHAVEOPT,
  NBDMAGIC,
  OPT_REPLY_MAGIC,
  Opt,
  REQUEST_MAGIC,
  SIMPLE_REPLY_MAGIC,
  STRUCTURED_REPLY_MAGIC,
} from '../../src/core/nbd/protocol.js';
import { Wire } from '../../src/core/nbd/wire.js';

export type Address = { path: string } | { port: number; host?: string };

export interface OptionReply {
  option: number;
  type: number;
  data: Buffer;
}

export interface Chunk {
  flags: number;
  type: number;
  cookie: bigint;
  payload: Buffer;
}

export class RawClient {
  readonly socket: Socket;
  readonly wire: Wire;
  handshakeFlags = 0;
  private nextCookie = 1n;

  private constructor(socket: Socket) {
    this.socket = socket;
    this.wire = new Wire(socket);
  }

  static open(addr: Address): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = 'path' in addr ? connect(addr.path) : connect(addr.port, addr.host ?? '127.0.0.1');
      s.once('error', reject);
      s.once('connect', () => {
        s.off('error', reject);
        resolve(new RawClient(s));
      });
    });
  }

  /** Reads the greeting and sends the client flags (fixed newstyle, no zeroes by default). */
  async greet(clientFlags = FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES): Promise<void> {
    const g = await this.wire.read(18);
    if (g.readBigUInt64BE(0) !== NBDMAGIC || g.readBigUInt64BE(8) !== IHAVEOPT)
      throw new Error('bad greeting');
    this.handshakeFlags = g.readUInt16BE(16);
    const f = Buffer.alloc(4);
    f.writeUInt32BE(clientFlags >>> 0, 0);
    this.socket.write(f);
  }

  sendOption(option: number, data: Buffer = Buffer.alloc(0)): void {
    const h = Buffer.alloc(16);
    h.writeBigUInt64BE(IHAVEOPT, 0);
    h.writeUInt32BE(option >>> 0, 8);
    h.writeUInt32BE(data.length, 12);
    this.socket.write(Buffer.concat([h, data]));
  }

  async optionReply(): Promise<OptionReply> {
    const h = await this.wire.read(20);
    if (h.readBigUInt64BE(0) !== OPT_REPLY_MAGIC) throw new Error('bad option reply magic');
    const len = h.readUInt32BE(16);
    return { option: h.readUInt32BE(8), type: h.readUInt32BE(12), data: await this.wire.read(len) };
  }

  /** Option replies up to and including the first that is not NBD_REP_INFO / NBD_REP_SERVER. */
  async optionReplies(): Promise<OptionReply[]> {
    const all: OptionReply[] = [];
    for (;;) {
      const r = await this.optionReply();
      all.push(r);
      if (r.type !== 3 && r.type !== 2) return all;
    }
  }

  /** NBD_OPT_GO (or INFO) data for the default export with these info requests. */
  static goData(name = '', infos: number[] = []): Buffer {
    const n = Buffer.from(name);
    const b = Buffer.alloc(6 + n.length + 2 * infos.length);
    b.writeUInt32BE(n.length, 0);
    n.copy(b, 4);
    b.writeUInt16BE(infos.length, 4 + n.length);
    infos.forEach((t, i) => b.writeUInt16BE(t, 6 + n.length + 2 * i));
    return b;
  }

  /** Greets, optionally negotiates structured replies, and enters transmission with NBD_OPT_GO. */
  async go(structured = false): Promise<{ size: number; flags: number }> {
    await this.greet();
    if (structured) {
      this.sendOption(Opt.STRUCTURED_REPLY);
      const r = await this.optionReply();
      if (r.type !== 1) throw new Error(`structured replies refused: ${r.type}`);
    }
    this.sendOption(Opt.GO, RawClient.goData());
    const replies = await this.optionReplies();
    const last = replies[replies.length - 1]!;
    if (last.type !== 1) throw new Error(`NBD_OPT_GO failed: ${last.type.toString(16)}`);
    const exp = replies.find((r) => r.type === 3 && r.data.readUInt16BE(0) === 0)!.data;
    return { size: Number(exp.readBigUInt64BE(2)), flags: exp.readUInt16BE(10) };
  }

  /** Sends a request; returns its cookie. */
  request(type: number, offset: bigint | number, length: number, flags = 0, payload?: Buffer): bigint {
    const cookie = this.nextCookie++;
    const b = Buffer.alloc(28);
    b.writeUInt32BE(REQUEST_MAGIC, 0);
    b.writeUInt16BE(flags, 4);
    b.writeUInt16BE(type, 6);
    b.writeBigUInt64BE(cookie, 8);
    b.writeBigUInt64BE(BigInt(offset), 16);
    b.writeUInt32BE(length >>> 0, 24);
    this.socket.write(payload ? Buffer.concat([b, payload]) : b);
    return cookie;
  }

  /** A simple reply; `dataLength` bytes follow when it is a successful read. */
  async simpleReply(dataLength = 0): Promise<{ error: number; cookie: bigint; data: Buffer }> {
    const h = await this.wire.read(16);
    if (h.readUInt32BE(0) !== SIMPLE_REPLY_MAGIC)
      throw new Error(`bad simple reply magic ${h.readUInt32BE(0)}`);
    const error = h.readUInt32BE(4);
    const data = error === 0 && dataLength > 0 ? await this.wire.read(dataLength) : Buffer.alloc(0);
    return { error, cookie: h.readBigUInt64BE(8), data };
  }

  /** One structured reply chunk. */
  async chunk(): Promise<Chunk> {
    const h = await this.wire.read(20);
    if (h.readUInt32BE(0) !== STRUCTURED_REPLY_MAGIC) throw new Error('bad structured reply magic');
    const len = h.readUInt32BE(16);
    return {
      flags: h.readUInt16BE(4),
      type: h.readUInt16BE(6),
      cookie: h.readBigUInt64BE(8),
      payload: await this.wire.read(len),
    };
  }

  /** Chunks of one reply, through the one flagged done. */
  async chunks(): Promise<Chunk[]> {
    const all: Chunk[] = [];
    for (;;) {
      const c = await this.chunk();
      all.push(c);
      if (c.flags & 1) return all;
    }
  }

  /** Simple-reply read of [offset, offset + length). */
  async read(offset: number, length: number): Promise<{ error: number; data: Buffer }> {
    this.request(Cmd.READ, offset, length);
    return this.simpleReply(length);
  }

  /** Resolves when the server has closed the connection (or after ms, with false). */
  closedWithin(ms: number): Promise<boolean> {
    return new Promise((resolve) => {
      if (this.socket.destroyed || this.socket.readableEnded) return resolve(true);
      const t = setTimeout(() => resolve(false), ms);
      this.socket.once('close', () => {
        clearTimeout(t);
        resolve(true);
      });
    });
  }

  disconnect(): void {
    this.request(Cmd.DISC, 0, 0);
    this.socket.end();
  }

  destroy(): void {
    this.socket.destroy();
  }
}
