// Size strings of the command line: integer bytes, or an integer with a suffix K, M, G, T
// (powers of 1024) or s (512-byte sectors). Fractions, signs and unknown suffixes are refused.

import { UsageError } from '../errors.js';

const MULTIPLIER: Record<string, number> = {
  '': 1,
  s: 512,
  k: 1024,
  K: 1024,
  m: 1024 ** 2,
  M: 1024 ** 2,
  g: 1024 ** 3,
  G: 1024 ** 3,
  t: 1024 ** 4,
  T: 1024 ** 4,
};

/**
 * Parses `text` as a size in bytes. `what` names the option or member in the error message
 * (e.g. `--step`, `member 'disk0.img'`). Results are exact integers up to 2^53 - 1.
 */
export function parseSize(text: string, what: string): number {
  const m = /^([0-9]+)([a-zA-Z]?)$/.exec(text.trim());
  const mult = m ? MULTIPLIER[m[2]!] : undefined;
  if (!m || mult === undefined || text.trim() !== text) {
    throw new UsageError(
      `${what}: invalid size '${text}' (want an integer number of bytes, optionally with a suffix K, M, G, T or s)`,
    );
  }
  const value = Number(m[1]) * mult;
  if (!Number.isSafeInteger(value)) {
    throw new UsageError(`${what}: size '${text}' is too large`);
  }
  return value;
}

/** Like parseSize, but also refuses zero. */
export function parsePositiveSize(text: string, what: string): number {
  const value = parseSize(text, what);
  if (value === 0) throw new UsageError(`${what}: must be greater than zero`);
  return value;
}

/** Human-readable size (binary units), e.g. `4 MiB`, `1000 B`. */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB'];
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < units.length - 1) {
    v /= 1024;
    u++;
  }
  const text = u === 0 || Number.isInteger(v) ? String(v) : v.toFixed(1);
  return `${text} ${units[u]}`;
}
