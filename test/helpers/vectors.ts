// The reference vectors of ../shared/vectors (see its README), shared by every test suite.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const VECTORS_DIR = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../../shared/vectors');

export interface Vector {
  name: string;
  members: number;
  bytes: number;
  /** data member i: bytes [i*bytes, (i+1)*bytes) of data.bin, copied (tests may modify them) */
  data: Buffer[];
  p: Buffer;
  q: Buffer;
  xor: Buffer;
}

export function vectorNames(): string[] {
  return readdirSync(VECTORS_DIR)
    .filter((n) => existsSync(join(VECTORS_DIR, n, 'case.json')))
    .sort();
}

export function loadVector(name: string): Vector {
  const dir = join(VECTORS_DIR, name);
  const c = JSON.parse(readFileSync(join(dir, 'case.json'), 'utf8')) as { members: number; bytes: number };
  const all = readFileSync(join(dir, 'data.bin'));
  return {
    name,
    members: c.members,
    bytes: c.bytes,
    data: Array.from({ length: c.members }, (_, i) =>
      Buffer.from(all.subarray(i * c.bytes, (i + 1) * c.bytes)),
    ),
    p: readFileSync(join(dir, 'p.bin')),
    q: readFileSync(join(dir, 'q.bin')),
    xor: readFileSync(join(dir, 'xor.bin')),
  };
}

export function loadVectors(): Vector[] {
  return vectorNames().map(loadVector);
}
