// Byte ranges that jobs report (mismatches of the val commands and of md check): one entry per
// granule that differs, merged into the previous entry when adjacent and alike.

import { Suspect } from '../contract.js';

export interface Range {
  offset: number;
  length: number;
}

/** raidtx's verdict for a range, raid6check's rule: P, Q, one data member, or unknown. */
export type SuspectReport =
  | { role: 'p' }
  | { role: 'q' }
  | { role: 'unknown' }
  | { role: 'data'; index: number };

export interface PqMismatch extends Range {
  p: boolean;
  q: boolean;
  suspect: SuspectReport;
}

/** The report for a suspect code of syndrome_val's detail (data index, or a Suspect value). */
export function suspectOf(code: number): SuspectReport {
  if (code >= 0) return { role: 'data', index: code };
  if (code === Suspect.P) return { role: 'p' };
  if (code === Suspect.Q) return { role: 'q' };
  return { role: 'unknown' };
}

export function sameSuspect(a: SuspectReport, b: SuspectReport): boolean {
  return a.role === b.role && (a.role !== 'data' || a.index === (b as { index: number }).index);
}

/**
 * Appends `r` to `list`, or lengthens the last entry instead when `r` starts where it ends
 * (`start` says where an entry starts; default its offset) and `alike` holds.
 */
export function appendRange<T extends { length: number }>(
  list: T[],
  r: T,
  alike: (last: T, r: T) => boolean = () => true,
  start: (x: T) => number = (x) => (x as unknown as Range).offset,
): void {
  const last = list[list.length - 1];
  if (last && start(last) + last.length === start(r) && alike(last, r)) {
    last.length += r.length;
    return;
  }
  list.push(r);
}

/** Alike P/Q mismatches: same flags and the same suspect. */
export function alikePq(a: PqMismatch, b: PqMismatch): boolean {
  return a.p === b.p && a.q === b.q && sameSuspect(a.suspect, b.suspect);
}

/** Bytes per step for a val job: a whole number of granules, so granules never straddle steps. */
export function valStep(step: number, granularity: number): number {
  return Math.max(granularity, Math.floor(step / granularity) * granularity);
}
