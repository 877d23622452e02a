import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../native/loader.js';

let version: string | undefined;

/**
 * The package version, from the package root's package.json: found by walking up (this file sits
 * at different depths in src/, dist/ and the CLI bundle, dist/bundle/).
 */
export function packageVersion(): string {
  if (version !== undefined) return version;
  try {
    const root = packageRoot();
    const pkg = root
      ? (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version?: string })
      : {};
    version = pkg.version ?? 'unknown';
  } catch {
    version = 'unknown';
  }
  return version;
}
