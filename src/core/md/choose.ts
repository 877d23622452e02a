// Choosing each member's superblock when it carries several (or invalid ones): only valid
// superblocks count; of the arrays that every member holds, the most recently created wins (mdadm's
// guess_super compares ctime), unless a metadata version is asked for. What is not chosen is kept on
// the member (otherSuperblocks) so that examine can report it.

import { UsageError } from '../errors.js';
import { FieldError } from '../field-error.js';
import type { ArrayMember } from './array.js';
import { boundedList } from './describe.js';
import type { MdSuperblock, MetadataVersion } from './superblock.js';
import { SuperblockError, type SuperblockProblem } from './validate.js';

/** A superblock found on a member besides the one used (another array, or one that is not valid). */
export interface OtherSuperblock {
  metadata: MetadataVersion;
  uuid: string;
  /** creation time, seconds since the epoch */
  ctime: number;
  events: number;
  /** why it cannot be used (the validation's message), or null when valid but not chosen */
  problem: string | null;
}

export interface Candidate {
  sb: MdSuperblock;
  problem: SuperblockProblem | null;
}

const names = (ms: { label: string }[]): string => boundedList(ms.map((m) => `'${m.label}'`));

/** The metadata versions `--metadata` accepts, as a predicate (null: any). */
export function metadataFilter(v: string | undefined): ((m: MetadataVersion) => boolean) | null {
  if (v === undefined) return null;
  const norm = v === '0' || v === '0.9' || v === '0.90.0' ? '0.90' : v;
  if (norm === '1') return (m) => m !== '0.90';
  if (['0.90', '1.0', '1.1', '1.2'].includes(norm)) return (m) => m === norm;
  throw new FieldError(
    'metadata',
    (f) => `md: ${f} '${v}' is not an md metadata version (0.90, 1.0, 1.1, 1.2), imsm, ddf or none`,
  );
}

/**
 * Sets each member's superblock. The array is the one every member holds a superblock of (valid or
 * not: a member whose copy is broken must not turn the choice to an older array); with several, the
 * most recently created (mdadm's guess_super picks by ctime). A member whose superblock of that array
 * is invalid is refused with its problem (exit 2 naming member, field and value).
 */
export function chooseSuperblocks(
  real: ArrayMember[],
  found: Map<ArrayMember, Candidate[]>,
  wanted: ((m: MetadataVersion) => boolean) | null,
  asked: string | undefined,
): void {
  const bare = real.filter((m) => found.get(m)!.length === 0);
  if (bare.length > 0) {
    throw new FieldError(
      'ignoreSuperblocks',
      () =>
        `md: ${names(bare)} ${bare.length > 1 ? 'carry' : 'carries'} no md superblock while ${names(real.filter((m) => found.get(m)!.length))} do; give members of one array`,
    ).withFieldHint((f) => {
      // 0.90 and 1.0 superblocks sit at the end: a truncated copy loses its superblock first.
      const least = Math.min(...real.filter((m) => found.get(m)!.length).map((m) => m.input.available));
      const small = bare.filter((m) => m.input.available < least);
      const cut = small.length
        ? `${names(small)} ${small.length > 1 ? 'are' : 'is'} smaller than the others (${small[0]!.input.available} bytes, not ${least}: a truncated copy loses a 0.90 or 1.0 superblock at its end): copy ${small.length > 1 ? 'them' : 'it'} whole again, or `
        : '';
      return `${cut}leave out ${names(bare)}, or read no superblock at all: ${f} with the geometry, members in slot order`;
    });
  }
  const cands = new Map<ArrayMember, Candidate[]>();
  for (const m of real) {
    const all = found.get(m)!;
    const mine = wanted ? all.filter((c) => wanted(c.sb.metadata)) : all;
    if (mine.length === 0) {
      throw new FieldError(
        'metadata',
        (f) =>
          `md: '${m.label}' holds no md superblock of ${f} ${asked} (found: ${all.map((c) => c.sb.metadata).join(', ')})`,
      );
    }
    cands.set(m, mine);
  }
  const refuse = (m: ArrayMember, c: Candidate): never => {
    throw new SuperblockError(m.label, c.sb, c.problem!);
  };
  const uuidSets = real.map((m) => new Set(cands.get(m)!.map((c) => c.sb.arrayUuid)));
  const common = [...uuidSets[0]!].filter((u) => uuidSets.every((s) => s.has(u)));
  if (common.length === 0) {
    // A member with nothing valid explains the disagreement better than "different arrays".
    for (const m of real) if (cands.get(m)!.every((c) => c.problem)) refuse(m, cands.get(m)![0]!);
    const byUuid = new Map<string, ArrayMember[]>();
    const disks = new Map<string, number>();
    for (const m of real) {
      const { sb } = cands.get(m)!.find((c) => !c.problem)!;
      byUuid.set(sb.arrayUuid, [...(byUuid.get(sb.arrayUuid) ?? []), m]);
      disks.set(sb.arrayUuid, sb.raidDisks);
    }
    const parts = [...byUuid].slice(0, 4).map(([u, ms]) => `${names(ms)} (array ${u})`);
    const counts = [...byUuid]
      .slice(0, 4)
      .map(([u, ms]) => `${ms.length} of the ${disks.get(u)} members of array ${u}`);
    throw new UsageError(
      `md: members of different arrays: ${parts.join(' vs ')}${byUuid.size > 4 ? ' ...' : ''}`,
    ).withHint(
      `give the members of one array only (here: ${counts.join('; ')}${byUuid.size > 4 ? ' ...' : ''}); \`raidtx md examine MEMBER\` names a member's array`,
    );
  }
  const ctimeOf = (u: string): number =>
    Math.max(
      ...real.flatMap((m) =>
        cands
          .get(m)!
          .filter((c) => c.sb.arrayUuid === u && !c.problem)
          .map((c) => c.sb.creationTime),
      ),
      -1,
    );
  const ranked = common.map((u) => [u, ctimeOf(u)] as const).sort((a, b) => b[1] - a[1]);
  if (ranked.length > 1 && ranked[0]![1] === ranked[1]![1]) {
    throw new FieldError(
      'metadata',
      (f) =>
        `md: every member holds superblocks of arrays ${ranked.map(([u]) => u).join(' and ')}, created at the same time; choose one with ${f}`,
    );
  }
  const uuid = ranked[0]![0];
  for (const m of real) {
    const mine = cands.get(m)!.filter((c) => c.sb.arrayUuid === uuid);
    const ok = mine.filter((c) => !c.problem).map((c) => c.sb);
    if (ok.length === 0) refuse(m, mine[0]!);
    const sb = ok.reduce((a, b) => (b.events > a.events ? b : a));
    m.sb = sb;
    m.events = sb.events;
    m.otherSuperblocks = found
      .get(m)!
      .filter((c) => c.sb !== sb)
      .map((c) => ({
        metadata: c.sb.metadata,
        uuid: c.sb.arrayUuid,
        ctime: c.sb.creationTime,
        events: c.sb.events,
        problem: c.problem ? `${c.problem.field} ${c.problem.value}: ${c.problem.rule}` : null,
      }));
  }
}
