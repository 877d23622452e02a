// Argument rules several commands share: member lists and their counts.

import { MAX_DATA, MIN_DATA } from '../../core/contract.js';
import { UsageError } from '../../core/errors.js';
import { type MemberSpec, parseMemberSpec, type SpecRules } from '../../core/io/member.js';

export function parseSpecs(specs: string[], rules: SpecRules): MemberSpec[] {
  return specs.map((s) => parseMemberSpec(s, rules));
}

/** MIN_DATA <= n <= MAX_DATA data members (disks = n + 2 <= 255). */
export function checkDataCount(command: string, n: number): void {
  if (n < MIN_DATA || n > MAX_DATA)
    throw new UsageError(`${command}: needs ${MIN_DATA} to ${MAX_DATA} DATA members, got ${n}`);
}

/** The data list of a recover command: exactly `want` members are `missing`. */
export function parseRecoverData(command: string, data: string[], want: 1 | 2): MemberSpec[] {
  checkDataCount(command, data.length);
  const specs = parseSpecs(data, { missing: true, zero: true });
  const missing = specs.filter((s) => s.kind === 'missing').length;
  if (missing !== want) {
    const other =
      want === 2 && missing === 1
        ? ' (use recover-datap for one)'
        : want === 1 && missing === 2
          ? ' (use recover-2data for two)'
          : '';
    throw new UsageError(
      `${command}: exactly ${want === 1 ? 'one DATA member' : 'two DATA members'} must be \`missing\`, got ${missing}${other}`,
    );
  }
  return specs;
}

/** Exactly one parity member, a file or device. */
export function parityMember(command: string, flag: string, path: string | null): MemberSpec {
  if (path === null) throw new UsageError(`${command}: missing ${flag}`);
  return parseMemberSpec(path, {});
}
