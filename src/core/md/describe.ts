// Words for superblock facts, shared by validation, assembly and examine: feature bits, a reshape,
// the array-wide fields two members disagree on, and member lists bounded for one line.

import { FEATURE1_ALL, Feature1 } from './super1.js';
import type { MdSuperblock } from './superblock-common.js';

const FEATURE_NAMES: [number, string][] = Object.entries(Feature1).map(([k, v]) => [v, k]);
/** Names of the 1.x feature bits set in `bits` (unknown ones as hex). */
export function featureNames(bits: number): string {
  const names = FEATURE_NAMES.filter(([v]) => bits & v).map(([, k]) => k);
  const unknown = (bits & ~FEATURE1_ALL) >>> 0;
  if (unknown) names.push(`unknown 0x${unknown.toString(16)}`);
  return names.join('|') || 'none';
}

/** Human words for a reshape (old -> new geometry). */
export function describeReshape(sb: MdSuperblock): string {
  const r = sb.reshape!;
  const parts: string[] = [];
  if (r.deltaDisks !== 0) parts.push(`${sb.raidDisks - r.deltaDisks} -> ${sb.raidDisks} disks`);
  if (r.newLevel !== sb.level) parts.push(`RAID${sb.level} -> RAID${r.newLevel}`);
  if (r.newChunk !== sb.chunk) parts.push(`chunk ${sb.chunk} -> ${r.newChunk} bytes`);
  if (r.newLayout !== sb.layout) parts.push(`layout ${sb.layout} -> ${r.newLayout}`);
  return `${parts.join(', ') || 'same geometry'}${r.backwards ? ', backwards' : ''}, at array sector ${r.position}`;
}

/**
 * Array-wide fields: every member of one array records the same values. Returns the first field on
 * which `sb` differs from `ref`, as [name, ref's value, sb's value], or null.
 */
export function disagreement(ref: MdSuperblock, sb: MdSuperblock): [string, string, string] | null {
  const fields: [string, (s: MdSuperblock) => string | number][] = [
    ['array uuid', (s) => s.arrayUuid],
    ['metadata version', (s) => s.metadata],
    ['level', (s) => s.level],
    ['layout', (s) => s.layout],
    [ref.metadata === '0.90' ? 'chunk_size' : 'chunksize', (s) => s.chunk],
    ['raid_disks', (s) => s.raidDisks],
    ['size', (s) => s.dataSize],
    ['ctime', (s) => s.creationTime],
    ['reshape', (s) => (s.reshape ? reshapeText(s) : 'none')],
  ];
  const unit = (name: string, v: string | number): string =>
    name === 'size' || name.startsWith('chunk') ? `${v} bytes` : String(v);
  for (const [name, get] of fields) {
    if (get(ref) !== get(sb)) return [name, unit(name, get(ref)), unit(name, get(sb))];
  }
  return null;
}

const reshapeText = (s: MdSuperblock): string => {
  const r = s.reshape!;
  return `position ${r.position}, delta_disks ${r.deltaDisks}, new_level ${r.newLevel}, new_layout ${r.newLayout}, new_chunk ${r.newChunk}${r.backwards ? ', backwards' : ''}`;
};

/** `'a', 'b', ... (N in all)`: a member list bounded for one line. */
export function boundedList(items: readonly (string | number)[], max = 5): string {
  const shown = items.slice(0, max).join(', ');
  return items.length > max ? `${shown}, ... (${items.length} in all)` : shown;
}
