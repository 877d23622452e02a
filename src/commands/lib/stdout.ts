// stdout as a job's output: sequential writes, each awaited until flushed (the buffer is reused).
// A pipe's capacity is raised to 1 MiB first (where the native addon can): Node writes to a pipe
// synchronously, and each time a 64 KiB pipe fills, the JS thread waits for the reader.

import { fstatSync } from 'node:fs';
import type { OutputSink } from '../../core/io/output.js';
import { loadNative } from '../../native/loader.js';

const PIPE_BYTES = 1024 * 1024;

export function stdoutSink(): OutputSink {
  try {
    if (fstatSync(1).isFIFO()) loadNative().addon?.pipeSize?.(1, PIPE_BYTES);
  } catch {
    // no stdout to inspect: writes will say what is wrong
  }
  return {
    label: '-',
    write: (buf, len) =>
      new Promise<void>((resolve, reject) => {
        process.stdout.write(buf.subarray(0, len), (err) => (err ? reject(err) : resolve()));
      }),
    commit: async () => undefined,
    abort: async () => undefined,
  };
}
