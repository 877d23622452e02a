// Bounded reads for geometry discovery: each member is read in aligned windows, at most `sample`
// bytes from its start, with a small cache; every byte read is counted for the report.

import { type InputMember, readMember } from '../../io/members.js';

/** Geometry discovery looks at 4 KiB blocks: the smallest chunk and the alignment of data offsets. */
export const BLOCK = 4096;
const WINDOW = 128 * 1024;
/** Windows kept, all members together (detection revisits the same blocks under many hypotheses). */
const CACHE_BYTES = 192 * 1024 * 1024;

export class SampleReader {
  /** bytes read from each member so far */
  readonly bytesRead: number[];
  private readonly cache: Map<number, Buffer>[];
  private readonly last: number[];
  private readonly cachedWindows: number;

  /** `members`: the opened members (null = missing); `limit`: bytes readable from each member's start. */
  constructor(
    readonly members: readonly (InputMember | null)[],
    readonly limit: number,
    private readonly onRead?: (done: number, total: number) => void,
  ) {
    this.bytesRead = members.map(() => 0);
    this.cache = members.map(() => new Map());
    this.last = members.map(() => -1);
    this.cachedWindows = Math.max(16, Math.floor(CACHE_BYTES / WINDOW / Math.max(1, members.length)));
  }

  /** Bytes of member `i` that may be read: its size, capped by the sample. */
  readable(i: number): number {
    const m = this.members[i];
    return m ? Math.min(m.available, this.limit) : 0;
  }

  /** The 4 KiB block of member `i` at `pos` (4 KiB aligned), or null when it lies beyond what may be read. */
  async block(i: number, pos: number, len = BLOCK): Promise<Buffer | null> {
    if (pos < 0 || pos + len > this.readable(i)) return null;
    const w = Math.floor(pos / WINDOW);
    if (Math.floor((pos + len - 1) / WINDOW) !== w) {
      const out = Buffer.alloc(len);
      for (let done = 0; done < len; ) {
        const part = Math.min(len - done, WINDOW - ((pos + done) % WINDOW));
        (await this.block(i, pos + done, part))!.copy(out, done);
        done += part;
      }
      return out;
    }
    const buf = await this.window(i, w);
    return buf.subarray(pos - w * WINDOW, pos - w * WINDOW + len);
  }

  private async window(i: number, w: number): Promise<Buffer> {
    const cache = this.cache[i]!;
    const hit = cache.get(w);
    if (hit) {
      if (this.last[i] !== w) {
        // least recently used goes first: move this window to the end
        cache.delete(w);
        cache.set(w, hit);
        this.last[i] = w;
      }
      return hit;
    }
    this.last[i] = w;
    const len = Math.min(WINDOW, this.readable(i) - w * WINDOW);
    const buf = Buffer.alloc(len);
    await readMember(this.members[i]!, buf, len, w * WINDOW);
    this.bytesRead[i]! += len;
    const total = this.members.reduce((t, _, j) => t + this.readable(j), 0);
    this.onRead?.(
      this.bytesRead.reduce((a, b) => a + b, 0),
      total,
    );
    cache.set(w, buf);
    if (cache.size > this.cachedWindows) cache.delete(cache.keys().next().value!);
    return buf;
  }

  /** Like rows (one block), built lazily: a rank test that ends early builds only the rows it uses. */
  async lazyRows(
    at: readonly { member: number; pos: number }[],
    stride: number,
  ): Promise<Iterable<Uint8Array> | null> {
    const bufs: Buffer[] = [];
    for (const { member, pos } of at) {
      const buf = await this.block(member, pos);
      if (!buf) return null;
      bufs.push(buf);
    }
    return (function* () {
      for (let t = 0; t < BLOCK; t += stride) {
        const row = new Uint8Array(bufs.length);
        let any = 0;
        for (let c = 0; c < bufs.length; c++) any |= row[c] = bufs[c]![t]!;
        if (any) yield row;
      }
    })();
  }

  /**
   * Rows for the linear algebra: one per sampled byte position (every `stride` bytes of a block),
   * one column per entry of `at` (member, position). Null when any block is unreadable.
   */
  async rows(
    at: readonly { member: number; pos: number }[],
    stride: number,
    blocks = 1,
  ): Promise<Uint8Array[] | null> {
    const rows: Uint8Array[] = [];
    for (let b = 0; b < blocks; b++) {
      const bufs: Buffer[] = [];
      for (const { member, pos } of at) {
        const buf = await this.block(member, pos + b * BLOCK);
        if (!buf) return b === 0 ? null : rows;
        bufs.push(buf);
      }
      for (let t = 0; t < BLOCK; t += stride) {
        const row = new Uint8Array(at.length);
        let any = 0;
        for (let c = 0; c < at.length; c++) any |= row[c] = bufs[c]![t]!;
        if (any) rows.push(row);
      }
    }
    return rows;
  }
}
