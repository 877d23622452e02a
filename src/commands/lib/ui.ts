// Terminal manners: colours only for a TTY (NO_COLOR / FORCE_COLOR honoured here, once), progress
// through ora on stderr only when stderr is a TTY and neither --json nor --quiet is set.

import { Chalk, type ChalkInstance } from 'chalk';
import ora, { type Ora } from 'ora';

export interface Progress {
  update(done: number, total: number): void;
  stop(): void;
}

export interface Ui {
  color: ChalkInstance;
  progress(label: string): Progress;
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

export function makeUi(opts: { json: boolean; quiet: boolean }): Ui {
  const color = new Chalk({ level: colorLevel(process.stdout) });
  // A terminal that reports no width (some pseudo-terminals) would make ora's line count infinite.
  const interactive =
    Boolean(process.stderr.isTTY) && (process.stderr.columns ?? 0) > 0 && !opts.json && !opts.quiet;
  return {
    color,
    progress(label: string): Progress {
      if (!interactive) return silent;
      const spinner: Ora = ora({ text: label, stream: process.stderr }).start();
      const t0 = performance.now();
      let last = 0;
      return {
        update(done, total) {
          const now = performance.now();
          if (now - last < 100 && done < total) return;
          last = now;
          const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
          const rate = done / Math.max(1e-9, (now - t0) / 1000) / 1e6;
          spinner.text = `${label} ${pct}% (${rate.toFixed(0)} MB/s per member)`;
        },
        stop() {
          spinner.stop();
        },
      };
    },
  };
}
