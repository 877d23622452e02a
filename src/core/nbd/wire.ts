// Exact-length reads from a socket (the NBD client's bytes) and ordered, back-pressured writes to
// it. A closed or reset connection makes pending and later reads reject with ConnectionClosed and
// makes writes no-ops: a client that goes away mid-request takes nothing else down.

import type { Socket } from 'node:net';

/** The peer closed the connection (or it broke); not an error of the server. */
export class ConnectionClosed extends Error {
  constructor(message = 'connection closed') {
    super(message);
    this.name = 'ConnectionClosed';
  }
}

/** Stop reading from the socket while this much is buffered and unread. */
const HIGH_WATER = 4 * 1024 * 1024;
/** Wait for the peer to drain replies beyond this much queued output. */
const WRITE_HIGH_WATER = 64 * 1024 * 1024;

export class Wire {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private waiter: { want: number; resolve: () => void; reject: (e: Error) => void } | null = null;
  private closed: Error | null = null;
  readonly socket: Socket;

  constructor(socket: Socket) {
    this.socket = socket;
    socket.on('data', (d: Buffer) => {
      this.chunks.push(d);
      this.buffered += d.length;
      if (this.buffered >= HIGH_WATER) socket.pause();
      this.wake();
    });
    const end = (why: string) => () => this.fail(new ConnectionClosed(why));
    socket.on('end', end('connection closed by the client'));
    socket.on('close', end('connection closed'));
    socket.on('error', (e: Error) => this.fail(new ConnectionClosed(`connection error: ${e.message}`)));
  }

  get isClosed(): boolean {
    return this.closed !== null || this.socket.destroyed;
  }

  private fail(e: Error): void {
    if (!this.closed) this.closed = e;
    const w = this.waiter;
    if (w && this.buffered < w.want) {
      this.waiter = null;
      w.reject(this.closed);
    }
  }

  private wake(): void {
    const w = this.waiter;
    if (w && this.buffered >= w.want) {
      this.waiter = null;
      w.resolve();
    }
  }

  private async fill(n: number): Promise<void> {
    if (this.buffered >= n) return;
    if (this.closed) throw this.closed;
    this.socket.resume();
    await new Promise<void>((resolve, reject) => {
      this.waiter = { want: n, resolve, reject };
    });
  }

  /** Removes up to n buffered bytes; returns them when `keep`. */
  private take(n: number, keep: boolean): Buffer {
    const parts: Buffer[] = [];
    let left = n;
    while (left > 0) {
      const c = this.chunks[0]!;
      if (c.length <= left) {
        this.chunks.shift();
        if (keep) parts.push(c);
        left -= c.length;
      } else {
        if (keep) parts.push(c.subarray(0, left));
        this.chunks[0] = c.subarray(left);
        left = 0;
      }
    }
    this.buffered -= n;
    if (this.buffered < HIGH_WATER) this.socket.resume();
    return keep ? (parts.length === 1 ? parts[0]! : Buffer.concat(parts, n)) : Buffer.alloc(0);
  }

  /** Exactly n bytes (n small: headers and option data). Rejects with ConnectionClosed. */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    return this.take(n, true);
  }

  /** Reads and drops n bytes (a write payload, an oversized option) without holding them. */
  async skip(n: number): Promise<void> {
    let left = n;
    while (left > 0) {
      const step = Math.min(left, HIGH_WATER);
      await this.fill(Math.min(step, Math.max(1, this.buffered)));
      const got = Math.min(step, this.buffered);
      this.take(got, false);
      left -= got;
    }
  }

  /** Queues buffers back to back (no other reply can come between them); dropped when closed. */
  send(...bufs: Buffer[]): void {
    this.sendThen(null, ...bufs);
  }

  /**
   * As send; `sent` runs once the socket is done with the buffers (written, failed or dropped), so
   * that the caller may reuse them.
   */
  sendThen(sent: (() => void) | null, ...bufs: Buffer[]): void {
    if (this.isClosed) {
      sent?.();
      return;
    }
    // corked: header and data leave in one writev
    this.socket.cork();
    let last = bufs.length - 1;
    while (last >= 0 && bufs[last]!.length === 0) last--;
    bufs.forEach((b, i) => {
      if (i === last && sent) this.socket.write(b, () => sent());
      else if (b.length > 0) this.socket.write(b);
    });
    if (last < 0) sent?.();
    this.socket.uncork();
  }

  /** Resolves once queued output is below the high-water mark (or the connection is gone). */
  async drained(): Promise<void> {
    if (this.isClosed || this.socket.writableLength < WRITE_HIGH_WATER) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.socket.off('drain', done);
        this.socket.off('close', done);
        resolve();
      };
      this.socket.on('drain', done);
      this.socket.on('close', done);
    });
  }
}
