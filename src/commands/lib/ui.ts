// Terminal manners: colours only for a TTY (NO_COLOR / FORCE_COLOR honoured here, once), progress
// through ora on stderr only when stderr is a TTY and neither --json nor --quiet is set (ora is
// loaded only then: it costs more start-up time than many commands take).

import { Chalk, type ChalkInstance } from 'chalk';
import type { Ora } from 'ora';

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
  const oraModule = interactive ? import('ora') : null;
  return {
    color,
    progress(label: string): Progress {
      if (!oraModule) return silent;
      // The spinner starts once ora is loaded (a moment after the job), unless the job ended first.
      let spinner: Ora | null = null;
      let text = label;
      let stopped = false;
      oraModule.then(
        ({ default: ora }) => {
          if (!stopped) spinner = ora({ text, stream: process.stderr }).start();
        },
        () => undefined,
      );
      const t0 = performance.now();
      let last = 0;
      return {
        update(done, total) {
          const now = performance.now();
          if (now - last < 100 && done < total) return;
          last = now;
          const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
          const rate = done / Math.max(1e-9, (now - t0) / 1000) / 1e6;
          text = `${label} ${pct}% (${rate.toFixed(0)} MB/s per member)`;
          if (spinner) spinner.text = text;
        },
        stop() {
          stopped = true;
          spinner?.stop();
        },
      };
    },
  };
}
