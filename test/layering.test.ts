// The layering rule of biome.json holds, and fails a deliberate violation: no command imports
// another command, and the core never imports the command line.

import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, ROOT, tmp } from './helpers/cli.js';

const BIOME = join(ROOT, 'node_modules/.bin/biome');

/** Lints `source` as the file at `path` of a scratch tree under the project's biome.json. */
function lint(path: string, source: string): { code: number | null; out: string } {
  const dir = tmp('raidtx-layering-');
  const config = JSON.parse(readFileSync(join(ROOT, 'biome.json'), 'utf8'));
  config.vcs = { enabled: false };
  writeFileSync(join(dir, 'biome.json'), JSON.stringify(config));
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), source);
  const r = spawnSync(BIOME, ['lint', path], { cwd: dir });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('layering (biome noRestrictedImports)', function () {
  this.timeout(30000);
  after(cleanupTmp);
  const cases: [string, string, string][] = [
    ['a command importing another command', 'src/commands/pq.ts', "import { defineXor } from './xor.js';"],
    [
      'an md command importing another',
      'src/commands/md/check.ts',
      "import { defineMdExport } from './export.js';",
    ],
    [
      'an md command importing a top-level command',
      'src/commands/md/check.ts',
      "import { definePq } from '../pq.js';",
    ],
    [
      'command helpers importing a command',
      'src/commands/lib/render.ts',
      "import { definePq } from '../pq.js';",
    ],
    [
      'the core importing the command line',
      'src/core/jobs/pq.ts',
      "import { generated } from '../../commands/lib/render.js';",
    ],
    ['the core importing commander', 'src/core/md/check.ts', "import { Command } from 'commander';"],
    [
      'the native loader importing the core',
      'src/native/loader.ts',
      "import { Suspect } from '../core/op-record.js';",
    ],
  ];
  for (const [what, path, line] of cases) {
    it(`refuses ${what}`, () => {
      const r = lint(path, `${line}\nexport const used = [${line.match(/\{ (\w+) \}/)![1]}];\n`);
      expect(r.code, r.out).to.not.equal(0);
      expect(r.out).to.match(/noRestrictedImports/);
    });
  }
  it('allows what the layering allows', () => {
    const ok = [
      ['src/commands/md/check.ts', "import { withArray } from './options.js';"],
      ['src/commands/pq.ts', "import { generated } from './lib/render.js';"],
      ['src/commands/md/index.ts', "import { defineMdCheck } from './check.js';"],
    ];
    for (const [path, line] of ok) {
      const r = lint(path!, `${line}\nexport const used = [${line!.match(/\{ (\w+) \}/)![1]}];\n`);
      expect(r.code, r.out).to.equal(0);
    }
  });
});
