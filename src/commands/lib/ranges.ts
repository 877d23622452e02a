// Mismatch reports of the val commands: one entry per granule that differs, merged with the
// previous one when adjacent and alike (same P/Q flags and suspect).

import { Suspect } from '../../core/op-record.js';

export type SuspectReport =
  | { role: 'p' }
  | { role: 'q' }
  | { role: 'unknown' }
  | { role: 'data'; index: number };

export interface PqMismatch {
  offset: number;
  length: number;
  p: boolean;
  q: boolean;
  suspect: SuspectReport;
}

export interface XorMismatch {
  offset: number;
  length: number;
}

export function suspectOf(code: number): SuspectReport {
  if (code >= 0) return { role: 'data', index: code };
  if (code === Suspect.P) return { role: 'p' };
  if (code === Suspect.Q) return { role: 'q' };
  return { role: 'unknown' };
}

function sameSuspect(a: SuspectReport, b: SuspectReport): boolean {
  return a.role === b.role && (a.role !== 'data' || a.index === (b as { index: number }).index);
}

/** Appends a granule's verdict, merging with the last range when adjacent and alike. */
export function addPqMismatch(list: PqMismatch[], m: PqMismatch): void {
  const last = list[list.length - 1];
  if (
    last &&
    last.offset + last.length === m.offset &&
    last.p === m.p &&
    last.q === m.q &&
    sameSuspect(last.suspect, m.suspect)
  ) {
    last.length += m.length;
    return;
  }
  list.push(m);
}

export function addXorMismatch(list: XorMismatch[], m: XorMismatch): void {
  const last = list[list.length - 1];
  if (last && last.offset + last.length === m.offset) {
    last.length += m.length;
    return;
  }
  list.push(m);
}

/** The chunk for a val command: a whole number of granules, so granules never straddle steps. */
export function valChunk(chunk: number, granularity: number): number {
  return Math.max(granularity, Math.floor(chunk / granularity) * granularity);
}
