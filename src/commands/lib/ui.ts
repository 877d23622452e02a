// Terminal manners: colours only for a TTY (NO_COLOR / FORCE_COLOR honoured here, once), a progress
// bar on stderr only when stderr is a TTY and neither --json nor --quiet is set, and the pictures
// meant for a terminal only when stdout is one (RAIDTX_PICTURES=plain forces them, without colour).

import { Chalk, type ChalkInstance } from 'chalk';
import { progressLine } from './pictures.js';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export interface Ui {
  color: ChalkInstance;
  /**
   * How to paint the pictures meant for a terminal (the val commands' strip), or null when they must
   * not be drawn: stdout is not a TTY, or --json. RAIDTX_PICTURES=plain draws them in plain text
   * anywhere (tests pin that form); RAIDTX_PICTURES=off never draws them.
   */
  pictures: ChalkInstance | null;
  /** How to paint the pictures drawn wherever stdout goes (md examine, md layout): plain with RAIDTX_PICTURES=plain */
  drawing: ChalkInstance;
  /** `bytes`: done/total count bytes per member (throughput shown); false for counts of items */
  progress(label: string, bytes?: boolean): Progress;
}

function colorLevel(stream: NodeJS.WriteStream): 0 | 1 | 2 | 3 {
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== '') return 0;
  const force = process.env.FORCE_COLOR;
  if (force !== undefined && force !== '') {
    if (force === '0' || force === 'false') return 0;
    const n = Number(force);
    return n >= 1 && n <= 3 ? (n as 1 | 2 | 3) : 1;
  }
  return stream.isTTY ? 1 : 0;
}

const silent: Progress = { update() {}, stop() {} };

function picturePaint(json: boolean, color: ChalkInstance): ChalkInstance | null {
  const mode = process.env.RAIDTX_PICTURES;
  if (mode === 'plain') return new Chalk({ level: 0 });
  if (mode === 'off' || json || !process.stdout.isTTY) return null;
  return color;
}

/** A bar redrawn in place on stderr (`\r`, erase to the end of line), at most ten times a second. */
function bar(label: string, bytes: boolean): Progress {
  const err = process.stderr;
  const t0 = performance.now();
  let last = 0;
  let drawn = false;
  return {
    update(done, total) {
      const now = performance.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const seconds = (now - t0) / 1000;
      err.write(
        `\r${progressLine({ label, done, total, seconds, columns: err.columns ?? 80, bytes })}\x1b[K`,
      );
      drawn = true;
    },
    stop() {
      if (drawn) err.write('\r\x1b[K');
      drawn = false;
    },
  };
}

export function makeUi(opts: { json: boolean; quiet: boolean }): Ui {
  const color = new Chalk({ level: colorLevel(process.stdout) });
  // A terminal that reports no width (some pseudo-terminals) cannot hold a bar redrawn in place.
  const interactive =
    Boolean(process.stderr.isTTY) && (process.stderr.columns ?? 0) > 0 && !opts.json && !opts.quiet;
  return {
    color,
    pictures: picturePaint(opts.json, color),
    drawing: process.env.RAIDTX_PICTURES === 'plain' ? new Chalk({ level: 0 }) : color,
    progress(label: string, bytes = true): Progress {
      return interactive ? bar(label, bytes) : silent;
    },
  };
}
