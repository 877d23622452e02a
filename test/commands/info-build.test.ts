// raidtx info: where the native engine came from — built from source in a checkout, a shipped
// prebuild (node-gyp-build's prebuilds/<platform>-<arch>/, here through RAIDTX_PREBUILD=DIR), or
// RAIDTX_NATIVE_PATH — and why it is not loaded when there is none.

import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, ROOT, raidtx, tmp } from '../helpers/cli.js';
import { lacking } from '../helpers/prereq.js';

const BUILT = join(ROOT, 'build/Release/raidtx_native.node');
const native = (stdout: string) =>
  (JSON.parse(stdout) as { engines: { native: Record<string, unknown> } }).engines.native;

describe('info: prebuilt or built from source', () => {
  let dir: string;
  beforeEach(function () {
    if (!existsSync(BUILT)) lacking(this, `the native engine is not built (${BUILT})`);
    dir = tmp();
  });
  after(cleanupTmp);

  it('a checkout loads its build: "built from source"', async () => {
    const r = await raidtx(['--json', 'info']);
    expect(r.code, r.stderr).to.equal(0);
    expect(native(r.stdout)).to.include({ available: true, build: 'source', path: BUILT });
    const human = await raidtx(['info']);
    expect(human.stdout).to.contain(`\n  built from source: ${BUILT}\n`);
  });

  it('a prebuild for this platform, with no build: "prebuilt"', async () => {
    const file = join(dir, 'prebuilds', `${process.platform}-${process.arch}`, 'raidtx.glibc.node');
    mkdirSync(join(file, '..'), { recursive: true });
    copyFileSync(BUILT, file);
    const env = { RAIDTX_PREBUILD: dir };
    const r = await raidtx(['--json', 'info'], { env });
    expect(r.code, r.stderr).to.equal(0);
    expect(native(r.stdout)).to.include({ available: true, build: 'prebuilt', path: file });
    expect((await raidtx(['info'], { env })).stdout).to.contain(
      `\n  prebuilt (shipped in the package): ${file}\n`,
    );
    const pq = await raidtx(['--json', '--engine', 'native', 'bench', '--op', 'pq', '--seconds', '0.01'], {
      env,
    });
    expect(pq.code, pq.stderr).to.equal(0);
  });

  it('neither a build nor a prebuild: the software engine, and why', async () => {
    mkdirSync(join(dir, 'prebuilds', 'linux-sparc'), { recursive: true });
    const r = await raidtx(['--json', 'info'], { env: { RAIDTX_PREBUILD: dir } });
    expect(r.code, r.stderr).to.equal(0);
    const n = native(r.stdout);
    expect(n.available).to.equal(false);
    expect(n.build).to.equal(undefined);
    expect(n.reason).to.equal(
      `not built (no ${join(ROOT, 'build/Release/raidtx_native.node')}) and no prebuilt engine for ${process.platform}-${process.arch}: run \`npm run build\` in the raidtx package (needs python3, make and a C compiler)`,
    );
    const n2 = await raidtx(['--engine', 'native', 'info'], { env: { RAIDTX_PREBUILD: dir } });
    expect(n2.code).to.equal(2);
  });

  it('RAIDTX_NATIVE_PATH: "from RAIDTX_NATIVE_PATH"', async () => {
    const r = await raidtx(['--json', 'info'], { env: { RAIDTX_NATIVE_PATH: BUILT } });
    expect(native(r.stdout)).to.include({ available: true, build: 'override', path: BUILT });
  });
});
