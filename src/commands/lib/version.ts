import { readFileSync } from 'node:fs';

/** The package version (package.json sits three folders above dist/commands/lib and src/commands/lib). */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      version?: string;
    };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
