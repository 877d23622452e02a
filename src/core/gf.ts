// GF(2^8) arithmetic with the Linux RAID6 field: polynomial x^8+x^4+x^3+x^2+1 (0x11d), generator {02}.
// Tables follow lib/raid6/mktables.c; names match it (gfexp, gflog, gfinv, gfexi, gfmul).
import { Suspect } from './contract.js';

export const GF_POLY = 0x11d;

/** gfexp[i] = g^i (i = 0..255; gfexp[255] = 1 for convenience, as in mktables.c) */
export const gfexp = new Uint8Array(256);
/** gflog[x] = i with g^i = x; gflog[0] is undefined (0xff here, never used) */
export const gflog = new Uint8Array(256);

{
  let v = 1;
  for (let i = 0; i < 256; i++) {
    gfexp[i] = v;
    if (i < 255) gflog[v] = i;
    v <<= 1;
    if (v & 0x100) v ^= GF_POLY;
  }
  gflog[0] = 0xff;
}

/** a * b in GF(2^8) */
export function gfMul(a: number, b: number): number {
  if (a === 0 || b === 0) return 0;
  return gfexp[(gflog[a]! + gflog[b]!) % 255]!;
}

/** multiplicative inverse; gfinv[0] = 0 as in mktables.c */
export const gfinv = new Uint8Array(256);
for (let x = 1; x < 256; x++) gfinv[x] = gfexp[(255 - gflog[x]!) % 255]!;

/** gfexi[x] = 1 / (g^x + 1), the P multiplier of 2-data recovery (mktables.c raid6_gfexi) */
export const gfexi = new Uint8Array(256);
for (let x = 0; x < 256; x++) gfexi[x] = gfinv[gfexp[x]! ^ 1]!;

/** the 256-entry product table of constant c: row[x] = c * x (a row of raid6_gfmul) */
export function gfMulTable(c: number): Uint8Array {
  const row = new Uint8Array(256);
  for (let x = 1; x < 256; x++) row[x] = gfMul(c, x);
  return row;
}

/**
 * The two multipliers of lib/raid6/recov.c raid6_2data_recov for failed data members a < b:
 * D_b = pbmul * (P ^ Pxy) ^ qmul * (Q ^ Qxy), D_a = D_b ^ P ^ Pxy.
 */
export function recov2DataConstants(faila: number, failb: number): { pbmul: number; qmul: number } {
  return {
    pbmul: gfexi[failb - faila]!,
    qmul: gfinv[gfexp[faila]! ^ gfexp[failb]!]!,
  };
}

/** The multiplier of raid6_datap_recov for failed data member a: D_a = qmul * (Q ^ Qx). */
export function recovDatapConstant(faila: number): number {
  return gfinv[gfexp[faila]!]!;
}

/**
 * raid6check's verdict for one byte: Px = P ^ P', Qx = Q ^ Q' (stored xor recomputed).
 * Returns Suspect.NONE when neither differs, Suspect.P when only P differs, Suspect.Q when only Q
 * differs, otherwise the data index z = log(Qx) - log(Px) mod 255 that explains both (may be >= the
 * member count).
 */
export function byteVerdict(px: number, qx: number): number {
  if (px === 0) return qx === 0 ? Suspect.NONE : Suspect.Q;
  if (qx === 0) return Suspect.P;
  return (gflog[qx]! - gflog[px]! + 255) % 255;
}
