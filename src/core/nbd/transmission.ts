// The transmission phase (proto.md "Transmission", nbdkit's protocol.c): requests are read one after
// another and each is validated on its own; a bad one gets its error reply and the connection keeps
// serving. Reads run concurrently (replies may come out of order, matched by cookie), within a
// memory bound. Writes are refused with EPERM: the export is read-only.

import { ioBuffer } from '../io/direct.js';
import {
  CMD_FLAG_DF,
  CMD_FLAG_FUA,
  Cmd,
  doneChunk,
  Err,
  errorChunk,
  MAX_PAYLOAD,
  offsetDataHeader,
  parseRequest,
  REQUEST_BYTES,
  type Request,
  simpleReply,
} from './protocol.js';
import { ConnectionClosed, type Wire } from './wire.js';

/** Array bytes that could not be read or rebuilt, in the export's coordinates. */
export interface LostRange {
  offset: number;
  length: number;
}

/** What the server reads from: the array on demand. */
export interface NbdBackend {
  readonly size: number;
  /**
   * Reads [offset, offset + length) into buf. Returns the ranges that are lost (answered EIO);
   * throws when the read failed as a whole (answered EIO).
   */
  read(buf: Buffer, offset: number, length: number): Promise<LostRange[]>;
}

/** Per-connection counters. */
export interface ConnectionStats {
  requests: number;
  bytesRead: number;
  /** requests answered with an error */
  errors: number;
}

export interface TransmissionOptions {
  structuredReplies: boolean;
  /** reasons of error replies and protocol violations, for the server's log */
  log?: (message: string) => void;
  /** read buffers of all connections together (the server's memory bound) */
  budget?: ByteBudget;
}

/**
 * Bytes of read buffers that may be held at once, shared by connections: a read waits for room
 * (one read is always let through, so a lone maximum-size request cannot wait forever).
 */
export class ByteBudget {
  private used = 0;
  private waiting: (() => void)[] = [];
  readonly limit: number;
  constructor(limit: number) {
    this.limit = limit;
  }
  async take(n: number): Promise<void> {
    while (this.used > 0 && this.used + n > this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.used += n;
  }
  give(n: number): void {
    this.used -= n;
    for (const w of this.waiting.splice(0)) w();
  }
}

/** Reads in flight per connection are held back beyond this many bytes. */
const INFLIGHT_BYTES = 64 * 1024 * 1024;

/**
 * Reply buffers, reused once the socket is done with them: a fresh large buffer per request is
 * fresh memory (a malloc'd mapping, page faults on first write, then GC), which cost md serve
 * more than the reads themselves. Kept per size, within a small bound.
 */
const replyPool = {
  free: new Map<number, Buffer[]>(),
  bytes: 0,
  limit: 32 * 1024 * 1024,
  take(len: number): Buffer {
    const b = this.free.get(len)?.pop();
    if (!b) return ioBuffer(len);
    this.bytes -= len;
    return b;
  },
  give(b: Buffer): void {
    if (this.bytes + b.length > this.limit) return;
    const list = this.free.get(b.length) ?? [];
    list.push(b);
    this.free.set(b.length, list);
    this.bytes += b.length;
  },
};

export interface Transmission {
  /** resolves when the client disconnected (or broke the protocol) and every reply was sent */
  done: Promise<ConnectionStats>;
  /** resolves when the reads in flight are answered (shutdown waits for it) */
  idle(): Promise<void>;
}

/** Serves requests on `wire` until NBD_CMD_DISC, a hard disconnect or a protocol violation. */
export function serveRequests(wire: Wire, backend: NbdBackend, opts: TransmissionOptions): Transmission {
  const stats: ConnectionStats = { requests: 0, bytesRead: 0, errors: 0 };
  const inflight = new Set<Promise<void>>();
  let inflightBytes = 0;
  let wakeLoop: (() => void) | null = null;
  const log = opts.log ?? (() => undefined);

  /** The error reply of a request (a structured error chunk for reads when negotiated). */
  const fail = (req: Request, error: number, why: string): void => {
    stats.errors++;
    log(`request ${cmdName(req.type)} offset ${req.offset} length ${req.length}: ${why}`);
    if (opts.structuredReplies && req.type === Cmd.READ)
      wire.send(errorChunk(req.cookie, true, error, why, null));
    else wire.send(simpleReply(req.cookie, error));
  };

  const read = async (req: Request, offset: number): Promise<void> => {
    const len = req.length;
    const buf = replyPool.take(len);
    let lost: LostRange[];
    try {
      lost = await backend.read(buf, offset, len);
    } catch (err) {
      replyPool.give(buf);
      fail(req, Err.EIO, err instanceof Error ? err.message : String(err));
      return;
    }
    if (lost.length === 0) {
      stats.bytesRead += len;
      const header = opts.structuredReplies
        ? offsetDataHeader(req.cookie, true, offset, len)
        : simpleReply(req.cookie, 0);
      wire.sendThen(() => replyPool.give(buf), header, buf);
      return;
    }
    const what = lost.map((r) => `${r.offset}+${r.length}`).join(', ');
    if (!opts.structuredReplies) {
      fail(req, Err.EIO, `array bytes ${what} cannot be recovered`);
      return;
    }
    // Structured: the readable pieces as data, each lost piece as its own error chunk.
    stats.errors++;
    log(`request READ offset ${offset} length ${len}: array bytes ${what} cannot be recovered`);
    const pieces: { at: number; n: number; lost: boolean }[] = [];
    let at = offset;
    for (const r of lost) {
      if (r.offset > at) pieces.push({ at, n: r.offset - at, lost: false });
      pieces.push({ at: r.offset, n: r.length, lost: true });
      at = r.offset + r.length;
    }
    if (at < offset + len) pieces.push({ at, n: offset + len - at, lost: false });
    pieces.forEach((p, i) => {
      const done = i === pieces.length - 1;
      if (p.lost) {
        const msg = `array bytes ${p.at}+${p.n} cannot be recovered (too many members missing)`;
        wire.send(errorChunk(req.cookie, done, Err.EIO, msg, p.at));
      } else {
        stats.bytesRead += p.n;
        wire.send(
          offsetDataHeader(req.cookie, done, p.at, p.n),
          buf.subarray(p.at - offset, p.at - offset + p.n),
        );
      }
    });
  };

  const start = (req: Request, offset: number): void => {
    inflightBytes += req.length;
    const p = read(req, offset)
      .catch((err) => log(`request READ: ${String(err)}`))
      .finally(() => {
        inflight.delete(p);
        inflightBytes -= req.length;
        opts.budget?.give(req.length);
        wakeLoop?.();
      });
    inflight.add(p);
  };

  const loop = async (): Promise<void> => {
    for (;;) {
      while (inflightBytes >= INFLIGHT_BYTES) await new Promise<void>((r) => (wakeLoop = r));
      await wire.drained();
      const req = parseRequest(await wire.read(REQUEST_BYTES));
      if (!req) {
        log('bad request magic: closing the connection (the stream cannot be resynchronised)');
        return;
      }
      stats.requests++;
      if (req.type === Cmd.WRITE) {
        // The payload follows the header whatever we answer: consume it to stay in step.
        await wire.skip(req.length);
        fail(req, Err.EPERM, 'the export is read-only');
        continue;
      }
      if (req.type === Cmd.DISC) return;
      const known = CMD_FLAG_FUA | CMD_FLAG_DF;
      if (req.flags & ~known) {
        fail(req, Err.EINVAL, `unknown command flags 0x${req.flags.toString(16)}`);
        continue;
      }
      switch (req.type) {
        case Cmd.READ: {
          // NBD_FLAG_SEND_DF is not offered, so the DF flag is a client error.
          if (req.flags & CMD_FLAG_DF) {
            fail(req, Err.EINVAL, 'NBD_CMD_FLAG_DF was not negotiated');
            break;
          }
          if (req.length > MAX_PAYLOAD) {
            fail(req, Err.EINVAL, `length ${req.length} exceeds the maximum payload ${MAX_PAYLOAD}`);
            break;
          }
          if (req.offset + BigInt(req.length) > BigInt(backend.size)) {
            fail(req, Err.EINVAL, `beyond the end of the export (${backend.size} bytes)`);
            break;
          }
          const offset = Number(req.offset);
          if (req.length === 0) {
            if (opts.structuredReplies) wire.send(doneChunk(req.cookie));
            else wire.send(simpleReply(req.cookie, 0));
            break;
          }
          // the buffer comes out of the server-wide budget; it goes back once the reply is queued
          await opts.budget?.take(req.length);
          start(req, offset);
          break;
        }
        case Cmd.FLUSH:
          // Nothing is ever written, so there is nothing to flush.
          if (req.offset !== 0n || req.length !== 0) fail(req, Err.EINVAL, 'flush wants offset and length 0');
          else wire.send(simpleReply(req.cookie, 0));
          break;
        case Cmd.TRIM:
        case Cmd.WRITE_ZEROES:
          fail(req, Err.EPERM, 'the export is read-only');
          break;
        default:
          fail(req, Err.EINVAL, `unsupported command ${req.type}`);
      }
    }
  };

  const done = loop()
    .catch((err) => {
      if (!(err instanceof ConnectionClosed)) log(`connection: ${String(err)}`);
    })
    .then(async () => {
      await Promise.all([...inflight]);
      return stats;
    });
  return { done, idle: async () => void (await Promise.all([...inflight])) };
}

function cmdName(type: number): string {
  return Object.entries(Cmd).find(([, v]) => v === type)?.[0] ?? `#${type}`;
}
