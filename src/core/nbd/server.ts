// The NBD server: listens on a Unix socket (default) or TCP, negotiates with each client and serves
// its requests, many clients at once. Stops when the AbortSignal fires: no new connections, reads
// in flight answered (bounded wait), connections closed, the socket file removed.

import { lstat, rm } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { UsageError } from '../errors.js';
import { type ExportInfo, negotiate } from './handshake.js';
import {
  ByteBudget,
  type ConnectionStats,
  type NbdBackend,
  serveRequests,
  type Transmission,
} from './transmission.js';
import { ConnectionClosed, Wire } from './wire.js';

export type ListenTarget = { kind: 'unix'; path: string } | { kind: 'tcp'; host: string; port: number };

export interface NbdServerOptions {
  target: ListenTarget;
  backend: NbdBackend;
  export: Omit<ExportInfo, 'size'>;
  signal: AbortSignal;
  /** called once listening, with the address as an NBD URI (nbd+unix:///?socket=... or nbd://host:port) */
  onListening?: (uri: string) => void;
  log?: (message: string) => void;
}

export interface ServeResult {
  uri: string;
  connections: number;
  requests: number;
  bytesRead: number;
  errors: number;
  seconds: number;
}

/** How long a stopping server waits for reads in flight before it closes the connections. */
const SHUTDOWN_GRACE_MS = 2000;
/** Read buffers of all connections together (each connection also queues at most 64 MiB of replies). */
const READ_BUDGET = 128 * 1024 * 1024;
/** How long a finished connection waits for the client to close its side. */
const CLOSE_WAIT_MS = 5000;

/** Serves until `signal` aborts; resolves with what was served. Listen failures are UsageErrors. */
export async function serveNbd(opts: NbdServerOptions): Promise<ServeResult> {
  const t0 = performance.now();
  const { target, backend, signal } = opts;
  const log = opts.log ?? (() => undefined);
  const exp: ExportInfo = { ...opts.export, size: backend.size };
  const totals = { connections: 0, requests: 0, bytesRead: 0, errors: 0 };
  const live = new Map<Socket, Transmission | null>();
  const handles = new Set<Promise<void>>();
  const budget = new ByteBudget(READ_BUDGET);

  if (target.kind === 'unix') {
    const exists = await lstat(target.path).then(
      () => true,
      () => false,
    );
    if (exists)
      throw new UsageError(
        `md serve: --socket '${target.path}' already exists; remove it or choose another path`,
      );
  }

  // Half-open allowed: a client that shuts down its side after its last request still gets the replies.
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    totals.connections++;
    live.set(socket, null);
    const h = handle(socket).finally(() => {
      live.delete(socket);
      handles.delete(h);
      socket.destroy();
    });
    handles.add(h);
  });

  const handle = async (socket: Socket): Promise<void> => {
    socket.setNoDelay?.(true);
    const wire = new Wire(socket);
    let stats: ConnectionStats | null = null;
    try {
      const neg = await negotiate(wire, exp);
      if (!neg || signal.aborted) return;
      const t = serveRequests(wire, backend, { structuredReplies: neg.structuredReplies, log, budget });
      live.set(socket, t);
      stats = await t.done;
      // replies queued: let them reach the client before closing
      if (!socket.destroyed) {
        await new Promise<void>((r) => {
          const t = setTimeout(r, CLOSE_WAIT_MS).unref();
          socket.once('close', () => {
            clearTimeout(t);
            r();
          });
          socket.end();
        });
      }
    } catch (err) {
      if (!(err instanceof ConnectionClosed)) log(`connection: ${String(err)}`);
    } finally {
      if (stats) {
        totals.requests += stats.requests;
        totals.bytesRead += stats.bytesRead;
        totals.errors += stats.errors;
      }
    }
  };

  const uri = await listen(server, target);
  server.on('error', (err) => log(`server: ${err.message}`));
  const cleanup = async (): Promise<void> => {
    if (target.kind === 'unix') await rm(target.path, { force: true });
  };
  try {
    opts.onListening?.(uri);
    if (!signal.aborted)
      await new Promise<void>((r) => signal.addEventListener('abort', () => r(), { once: true }));
    // Stop: refuse new clients, answer what is in flight, then close every connection.
    const closed = new Promise<void>((r) => server.close(() => r()));
    const grace = new Promise<void>((r) => setTimeout(r, SHUTDOWN_GRACE_MS).unref());
    await Promise.race([Promise.all([...live.values()].map((t) => t?.idle())), grace]);
    for (const s of live.keys()) s.destroy();
    await Promise.all([closed, ...handles]);
  } finally {
    await cleanup();
  }
  return { uri, ...totals, seconds: (performance.now() - t0) / 1000 };
}

function listen(server: Server, target: ListenTarget): Promise<string> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const where = target.kind === 'unix' ? `socket '${target.path}'` : `${target.host}:${target.port}`;
      reject(new UsageError(`md serve: cannot listen on ${where}: ${err.code ?? err.message}`));
    };
    server.once('error', onError);
    const ready = (): void => {
      server.off('error', onError);
      if (target.kind === 'unix') {
        resolve(`nbd+unix:///?socket=${target.path}`);
        return;
      }
      const addr = server.address();
      const port = typeof addr === 'object' && addr ? addr.port : target.port;
      const host = target.host.includes(':') ? `[${target.host}]` : target.host;
      resolve(`nbd://${host}:${port}`);
    };
    if (target.kind === 'unix') server.listen(target.path, ready);
    else server.listen(target.port, target.host, ready);
  });
}
