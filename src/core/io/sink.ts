// Where a job's results go: a file, a device or a pipe, written at positions relative to the
// output's own start.

import type { FileHandle } from 'node:fs/promises';
import type { OutPart } from '../../native/loader.js';
import { IoError } from '../errors.js';
import { ioBuffer } from './direct.js';
import { describeError } from './members.js';

export interface OutputSink {
  label: string;
  write(buf: Uint8Array, len: number, pos: number): Promise<void>;
  /**
   * Writes `parts` in order from output offset `pos`; a [fd, offset, length] part is taken from
   * that file without passing through this process's memory. Only outputs that can (a pipe) have it.
   */
  writeParts?(parts: readonly OutPart[], pos: number): Promise<void>;
  /** makes [from, to) read as zeros without writing them (a hole), where the output can */
  zero?(from: number, to: number): Promise<void>;
  /**
   * Makes the result durable without publishing it (fsync; a temporary stays a temporary), so that
   * a command with several outputs publishes none of them when flushing any one fails.
   */
  flush?(): Promise<void>;
  /** makes the result durable and visible (rename for temporaries) */
  commit(): Promise<void>;
  /** forgets the result: removes a temporary, leaves an existing output as it was */
  abort(): Promise<void>;
}

/** Writes all of buf[0..len) at `start + pos`; an error names the output and the offset. */
export function fileWriter(label: string, handle: FileHandle, start: number) {
  return async (buf: Uint8Array, len: number, pos: number): Promise<void> => {
    let done = 0;
    while (done < len) {
      try {
        const { bytesWritten } = await handle.write(buf, done, len - done, start + pos + done);
        done += bytesWritten;
      } catch (err) {
        throw new IoError(
          `output '${label}': write error at offset ${pos + done}: ${describeError(err)}`,
          label,
          pos + done,
        );
      }
    }
  };
}

/**
 * Gathers sequential writes (each starting where the last ended) into `size`-byte writes to `sink`,
 * so that many small pieces cost few syscalls and memory stays `size` bytes. Pieces of `direct`
 * bytes or more go to the sink as they are (copying them would cost more than their syscall).
 * Call flush() at the end of each step: the caller may reuse its buffers once write() resolves.
 */
export function gatherWrites(sink: OutputSink, size: number, direct = Number.POSITIVE_INFINITY) {
  const stage = ioBuffer(size);
  let start = 0;
  let used = 0;
  const flush = async (): Promise<void> => {
    if (used > 0) await sink.write(stage, used, start);
    start += used;
    used = 0;
  };
  return {
    async write(buf: Uint8Array, len: number, pos: number): Promise<void> {
      if (pos !== start + used) {
        await flush();
        start = pos;
      }
      if (len >= direct) {
        await flush();
        await sink.write(buf, len, pos);
        start = pos + len;
        return;
      }
      for (let done = 0; done < len; ) {
        if (used === size) await flush();
        const n = Math.min(len - done, size - used);
        stage.set(buf.subarray(done, done + n), used);
        used += n;
        done += n;
      }
    },
    flush,
  };
}
