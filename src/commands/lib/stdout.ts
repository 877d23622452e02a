// stdout as a job's output: sequential writes, each awaited until flushed (the buffer is reused).
// A pipe's capacity is raised to 1 MiB first (where the native addon can): Node writes to a pipe
// synchronously, and each time a 64 KiB pipe fills, the JS thread waits for the reader. A pipe also
// takes whole steps from the native addon (writeParts), which splices member files' bytes into it.

import { fstatSync } from 'node:fs';
import { constants } from 'node:os';
import { IoError } from '../../core/errors.js';
import type { OutputSink } from '../../core/io/output.js';
import { loadNative, type NativeAddon, type OutPart } from '../../native/loader.js';

const PIPE_BYTES = 1024 * 1024;

export function stdoutSink(): OutputSink {
  let pipe = false;
  try {
    pipe = fstatSync(1).isFIFO();
    if (pipe) loadNative().addon?.pipeSize?.(1, PIPE_BYTES);
  } catch {
    // no stdout to inspect: writes will say what is wrong
  }
  const pipeOut = pipe ? loadNative().addon?.pipeOut : undefined;
  return {
    label: '-',
    write: (buf, len) =>
      new Promise<void>((resolve, reject) => {
        process.stdout.write(buf.subarray(0, len), (err) => (err ? reject(err) : resolve()));
      }),
    ...(pipeOut && { writeParts: (parts, pos) => writeParts(pipeOut, parts, pos) }),
    commit: async () => undefined,
    abort: async () => undefined,
  };
}

const errnoName = (n: number): string =>
  Object.entries(constants.errno).find(([, v]) => v === n)?.[0] ?? `errno ${n}`;

async function writeParts(
  pipeOut: NonNullable<NativeAddon['pipeOut']>,
  parts: readonly OutPart[],
  pos: number,
): Promise<void> {
  const failed = await pipeOut(1, parts);
  if (!failed) return;
  const code = errnoName(failed.errno);
  const at = parts.slice(0, failed.part).reduce((n, p) => n + partLength(p), pos) + failed.done;
  const err = new IoError(`output '-': write error at offset ${at}: ${code}`, '-', at);
  if (code === 'EPIPE') {
    // the reader went away (`| head`): the same quiet stop as a write by process.stdout
    process.stdout.destroy(Object.assign(new Error('write EPIPE'), { code }));
  }
  throw err;
}

const partLength = (p: OutPart): number => (Buffer.isBuffer(p) ? p.length : p[2]);
