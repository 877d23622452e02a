// Member specifications: `PATH`, `PATH@OFFSET`, and the placeholders `missing` and `zero`.

import { existsSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { parseSize } from './size.js';

export type MemberSpec =
  | { kind: 'path'; spec: string; path: string; offset: number }
  | { kind: 'missing'; spec: string }
  | { kind: 'zero'; spec: string };

export interface SpecRules {
  /** `missing` is allowed (recover commands' data members) */
  missing?: boolean;
  /** `zero` is allowed (an all-zero data member that keeps its index) */
  zero?: boolean;
  /** `@OFFSET` is allowed */
  offset?: boolean;
}

/**
 * Parses one member. `PATH@OFFSET` splits at the last `@` unless the whole text names an existing
 * file (a path that really contains `@`); the literals `missing` and `zero` win over files of that
 * name (write `./missing` for such a file).
 */
export function parseMemberSpec(spec: string, rules: SpecRules = {}): MemberSpec {
  if (spec === '') throw new UsageError(`empty member name`);
  if (spec === 'missing') {
    if (!rules.missing) throw new UsageError(`member 'missing': placeholder not allowed here`);
    return { kind: 'missing', spec };
  }
  if (spec === 'zero') {
    if (!rules.zero) throw new UsageError(`member 'zero': placeholder not allowed here`);
    return { kind: 'zero', spec };
  }
  const at = spec.lastIndexOf('@');
  if (rules.offset !== false && at > 0 && !existsSync(spec)) {
    const offset = parseSize(spec.slice(at + 1), `member '${spec}' offset`);
    return { kind: 'path', spec, path: spec.slice(0, at), offset };
  }
  return { kind: 'path', spec, path: spec, offset: 0 };
}
