#!/usr/bin/env node
// Writes raidtx.1 (the man page) from the command definitions in dist/ (run `npm run build:ts`
// first): the same options, descriptions and examples as --help. `--check` only compares.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { commandDefinitions } from '../dist/cli.js';
import { manPage } from '../dist/commands/lib/man.js';
import { packageVersion } from '../dist/commands/lib/version.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const file = join(root, 'raidtx.1');
const page = manPage(await commandDefinitions(), packageVersion());
if (process.argv.includes('--check')) {
  if (readFileSync(file, 'utf8') !== page) {
    console.error('man: raidtx.1 is not what the command definitions give: run npm run man');
    process.exit(1);
  }
} else {
  writeFileSync(file, page);
}
