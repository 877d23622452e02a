// stdout as a job's output: sequential writes, each awaited until flushed (the buffer is reused).

import type { OutputSink } from '../../core/io/output.js';

export function stdoutSink(): OutputSink {
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
