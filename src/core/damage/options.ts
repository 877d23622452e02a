// The damage options of a run (--map, --sector, --retries, --strict, --map-out) as the core takes
// them, and how maps become members' damage. Maps are read and parsed before any member is read,
// so a malformed map is a usage error with nothing written.

import { readFile } from 'node:fs/promises';
import { UsageError } from '../errors.js';
import type { InputMember } from '../io/members.js';
import { describeError } from '../io/members.js';
import { addDamage, DEFAULT_READ_POLICY, type ReadPolicy } from './damage.js';
import { type Mapfile, parseMapfile, unreadableExtents } from './mapfile.js';

/** A parsed `--map PATH=MAPFILE`. */
export interface MemberMap {
  /** the member's path exactly as given on the command line */
  path: string;
  map: Mapfile;
}

export interface DamageOptions {
  maps: MemberMap[];
  /** how run-time read errors are narrowed down */
  policy: ReadPolicy;
  /** any lost (or, for checks, unchecked) byte fails the run: exit 3, nothing committed */
  strict: boolean;
  /** where the output map goes (a single output, or stdout), or null for `OUTPUT.map` beside each file output */
  mapOut: string | null;
}

export const NO_DAMAGE_OPTIONS: DamageOptions = {
  maps: [],
  policy: DEFAULT_READ_POLICY,
  strict: false,
  mapOut: null,
};

/** Reads and parses every `PATH=MAPFILE`; a second map for one PATH, or an unreadable map, is exit 2. */
export async function readMaps(specs: readonly string[]): Promise<MemberMap[]> {
  const out: MemberMap[] = [];
  for (const spec of specs) {
    const eq = spec.lastIndexOf('=');
    if (eq <= 0 || eq === spec.length - 1)
      throw new UsageError(`--map '${spec}': expected PATH=MAPFILE (PATH as given on the command line)`);
    const path = spec.slice(0, eq);
    const file = spec.slice(eq + 1);
    if (out.some((m) => m.path === path)) throw new UsageError(`--map: two maps for member '${path}'`);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      throw new UsageError(`map '${file}': ${describeError(err)}`);
    }
    out.push({ path, map: parseMapfile(text, file) });
  }
  return out;
}

/** Whether `path` (as given on the command line) names member `m`: its path, or its whole `PATH@OFFSET`. */
function names(m: InputMember, path: string): boolean {
  return m.handle !== null && (m.path === path || m.label === path);
}

/**
 * Makes each map its member's damage (source "map"), in file coordinates: map positions are byte
 * positions of the member's file or device, before its `@OFFSET` and the global `--offset`. Bytes
 * beyond the map's last block are unreadable. A map whose PATH names no member is exit 2.
 */
export function applyMaps(members: readonly InputMember[], maps: readonly MemberMap[]): void {
  for (const { path, map } of maps) {
    const targets = members.filter((m) => names(m, path));
    if (targets.length === 0)
      throw new UsageError(
        `--map: '${path}' is not a member of this command (give PATH as on the command line)`,
      );
    for (const m of targets) {
      const damage = m.damage ?? { extents: [] };
      m.damage = damage;
      for (const e of unreadableExtents(map, m.start + m.available))
        addDamage(damage, { ...e, source: 'map' });
    }
  }
}
