// raidtx md serve MEMBER... --socket PATH | --listen HOST:PORT: the array's logical content exported
// read-only over NBD (nbdinfo, nbdcopy, nbdfuse, nbd-client, qemu), members read on demand and
// missing ones rebuilt on the fly. Runs until SIGINT/SIGTERM; the socket file is removed.

import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { formatSize, parsePositiveSize } from '../../core/io/size.js';
import { serveArray } from '../../core/md/serve.js';
import type { ListenTarget } from '../../core/nbd/server.js';
import type { Invoke } from '../lib/context.js';
import { addDamageOptions, parseDamageOptions } from '../lib/damage.js';
import { geometryOptions, parseMdInput, withArray } from './options.js';

export function defineMdServe(md: Command, invoke: Invoke): void {
  addDamageOptions(
    geometryOptions(
      md
        .command('serve')
        .description(
          'export the array read-only over NBD (mount it, fsck it, copy files out) until interrupted',
        )
        .argument(
          '<members...>',
          'member images or devices (any order with superblocks; else slot order with `missing`)',
        )
        .option('--socket <path>', 'listen on this Unix socket (created; removed when the server stops)')
        .option('--listen <host:port>', 'listen on TCP instead (a bare PORT binds 127.0.0.1)')
        .option('--cache <size>', 'memory for rebuilt stripe windows (default 32M)'),
    ),
    false,
  ).action((members: string[], o: Record<string, unknown>, cmd: Command) =>
    invoke(cmd, async (ctx) => {
      const damage = await parseDamageOptions(o);
      // a block beyond repair is answered with an NBD I/O error for that request: nothing to fail
      if (damage.strict)
        throw new UsageError(
          'md serve: --strict is for outputs and checks; lost blocks are answered with EIO',
        );
      const target = parseTarget(o.socket as string | undefined, o.listen as string | undefined);
      const cacheBytes = o.cache === undefined ? undefined : parsePositiveSize(String(o.cache), '--cache');
      const input = parseMdInput(members, cmd.optsWithGlobals());
      const say = (s: string): void => {
        if (!ctx.opts.quiet) process.stderr.write(`raidtx md serve: ${s}\n`);
      };
      return withArray(
        input,
        ctx,
        async (a) => {
          const r = await serveArray(a, {
            target,
            signal: ctx.signal,
            policy: damage.policy,
            ...(cacheBytes === undefined ? {} : { cacheBytes }),
            onListening: (uri) =>
              say(
                `serving ${formatSize(a.arrayBytes)} (${a.arrayBytes} bytes) read-only on ${uri}; stop with Ctrl-C`,
              ),
            log: say,
          });
          const human = `md serve: stopped; ${r.requests} request(s) from ${r.connections} connection(s), ${formatSize(r.bytesRead)} read, ${r.errors} error reply(ies), ${r.seconds.toFixed(1)} s on ${r.uri}`;
          return {
            exitCode: 0,
            json: { command: 'md serve', ok: true, ...r, missingSlots: a.missingSlots },
            human,
          };
        },
        damage,
      );
    }),
  );
}

/** --socket PATH or --listen HOST:PORT (exactly one). */
function parseTarget(socket: string | undefined, listen: string | undefined): ListenTarget {
  if (socket !== undefined && listen !== undefined)
    throw new UsageError('md serve: give --socket PATH or --listen HOST:PORT, not both');
  if (socket !== undefined) {
    if (socket === '') throw new UsageError('md serve: --socket wants a path');
    return { kind: 'unix', path: socket };
  }
  if (listen === undefined)
    throw new UsageError('md serve: give --socket PATH (a Unix socket) or --listen HOST:PORT (TCP)');
  const m = /^(?:\[([^\]]+)\]|([^:]*)):([0-9]+)$/.exec(listen) ?? /^()()([0-9]+)$/.exec(listen);
  if (!m) throw new UsageError(`md serve: --listen '${listen}': want HOST:PORT, [IPV6]:PORT or PORT`);
  const port = Number(m[3]);
  if (port > 65535) throw new UsageError(`md serve: --listen '${listen}': port ${port} is out of range`);
  return { kind: 'tcp', host: m[1] || m[2] || '127.0.0.1', port };
}
