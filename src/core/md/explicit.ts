// Geometry given by hand (members without superblocks, or read with --ignore-superblocks): checked
// as strictly as a superblock's, and checked against the superblocks when both are there.

import { FieldError } from '../field-error.js';
import { boundedList } from './describe.js';
import { chunkProblem, layoutName, layoutNumber, type MdGeometry, validateGeometry } from './layout.js';
import { MAX_RAID_DISKS } from './validate.js';

/** Geometry options of the command line; each may be absent. */
export interface ExplicitGeometry {
  level?: number;
  /** layout name (as mdadm spells it) */
  layout?: string;
  chunk?: number;
  raidDisks?: number;
  dataOffset?: number;
}

const names = (ms: { label: string }[]): string => boundedList(ms.map((m) => `'${m.label}'`));

/** Explicit options that contradict the superblocks are refused, naming the members. */
export function checkContradictions(
  e: ExplicitGeometry,
  g: MdGeometry,
  real: { label: string; sb: { dataOffset: number } | null }[],
): void {
  const say = (field: string, given: string | number, theirs: string | number): never => {
    throw new FieldError(
      field,
      (f) =>
        `md: ${f} ${given} contradicts the superblocks of ${names(real)} (${theirs}); leave the option out`,
    );
  };
  if (e.level !== undefined && e.level !== g.level) say('level', e.level, g.level);
  if (e.layout !== undefined) {
    const n = layoutNumber(g.level, e.layout);
    if (n === null)
      throw new FieldError('layout', (f) => `md: ${f}: unknown layout '${e.layout}' for RAID${g.level}`);
    if (n !== g.layout) say('layout', e.layout, layoutName(g.level, g.layout)!);
  }
  if (e.chunk !== undefined && e.chunk !== g.chunk) say('chunk', e.chunk, g.chunk);
  if (e.raidDisks !== undefined && e.raidDisks !== g.raidDisks) say('raidDisks', e.raidDisks, g.raidDisks);
  if (e.dataOffset !== undefined) {
    const other = real.filter((m) => m.sb!.dataOffset !== e.dataOffset);
    if (other.length > 0)
      say('dataOffset', e.dataOffset, `${other[0]!.sb!.dataOffset} on '${other[0]!.label}'`);
  }
}

/** The geometry of `e` for `count` members given in slot order; every rule broken is a FieldError. */
export function explicitGeometry(e: ExplicitGeometry, count: number): MdGeometry {
  const lacking = (['level', 'layout', 'chunk', 'raidDisks'] as const).filter((k) => e[k] === undefined);
  if (lacking.length > 0) {
    const [first, ...rest] = lacking;
    throw new FieldError(
      first!,
      (f) =>
        `md: no member carries an md superblock; give the geometry (level, layout, chunk, raid disks) and the members in slot order: ${f} is missing${rest.length ? `, and ${rest.length} more` : ''}`,
    );
  }
  if (e.level !== 5 && e.level !== 6)
    throw new FieldError('level', (f) => `md: ${f} must be 5 or 6, got ${e.level}`);
  const layout = layoutNumber(e.level, e.layout!);
  if (layout === null) {
    throw new FieldError(
      'layout',
      (f) =>
        `md: ${f}: unknown layout '${e.layout}' for RAID${e.level} (known: ${layoutList(e.level as 5 | 6)})`,
    );
  }
  const chunkBad = chunkProblem(e.chunk!);
  if (chunkBad) throw new FieldError('chunk', (f) => `md: ${f} ${e.chunk}: ${chunkBad}`);
  const min = e.level === 6 ? 4 : 3;
  if (!Number.isSafeInteger(e.raidDisks) || e.raidDisks! < min || e.raidDisks! > MAX_RAID_DISKS) {
    throw new FieldError(
      'raidDisks',
      (f) => `md: ${f} ${e.raidDisks}: RAID${e.level} needs ${min}..${MAX_RAID_DISKS} members`,
    );
  }
  const geometry: MdGeometry = { level: e.level, layout, chunk: e.chunk!, raidDisks: e.raidDisks! };
  validateGeometry(geometry);
  if (count !== geometry.raidDisks) {
    throw new FieldError(
      'raidDisks',
      (f) =>
        `md: ${f} ${geometry.raidDisks} but ${count} members given (use \`missing\` for absent slots, in slot order)`,
    );
  }
  return geometry;
}

function layoutList(level: 5 | 6): string {
  return [0, 1, 2, 3, 4, 5, 8, 9, 10, 16, 17, 18, 19, 20]
    .map((n) => layoutName(level, n))
    .filter(Boolean)
    .join(', ');
}
