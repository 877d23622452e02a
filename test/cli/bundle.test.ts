// The CLI bundle (scripts/bundle.mjs, dist/bundle/) that bin/raidtx.js runs, on its own: a copy of
// the package holding only bin/, dist/bundle/, package.json and the engine — no node_modules, no
// src/, no tsc output — must still run every part: commander and chalk bundled in, the version read
// from this copy's package.json, the native engine found in this copy, md's code, and the bench
// worker (a file beside the bundle). The code cache shipped beside it is one V8 takes, and one it
// does not take (another Node, a damaged file) only costs the compile.

import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, ensureBuilt, nativeStatus, ROOT, raidtx, tmp, writeMembers } from '../helpers/cli.js';
import { fixtureNamed } from '../helpers/md-fixtures.js';
import { randomBuffers } from '../helpers/prng.js';
import { refPQ } from '../helpers/reference.js';

const ADDON = join('build', 'Release', 'raidtx_native.node');

describe('the CLI bundle on its own (dist/bundle/, no node_modules, no src, no tsc output)', function () {
  this.timeout(60000);
  let pkg: string;
  let version: string;
  const run = (args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    delete env.RAIDTX_ENGINE;
    const r = spawnSync(process.execPath, [join(pkg, 'bin', 'raidtx.js'), ...args], {
      cwd: pkg,
      encoding: 'utf8',
      env,
    });
    return { code: r.status, stdout: r.stdout, stderr: r.stderr };
  };

  before(() => {
    ensureBuilt();
    pkg = join(tmp('raidtx-bundle-'), 'raidtx');
    mkdirSync(pkg);
    cpSync(join(ROOT, 'bin'), join(pkg, 'bin'), { recursive: true });
    cpSync(join(ROOT, 'dist', 'bundle'), join(pkg, 'dist', 'bundle'), { recursive: true });
    if (existsSync(join(ROOT, ADDON))) cpSync(join(ROOT, ADDON), join(pkg, ADDON));
    // a version no other package.json has: it can only come from this copy's
    const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    version = `${manifest.version}-bundle.7`;
    writeFileSync(join(pkg, 'package.json'), JSON.stringify({ ...manifest, version }));
  });
  after(cleanupTmp);

  it("the version is this copy's package.json's, from commander (a command line the entry does not answer itself)", () => {
    const r = run(['pq', '--version']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(`${version}\n`);
  });

  it('info: the native engine is found in this copy, as in the checkout', async () => {
    const r = run(['--json', 'info']);
    expect(r.code, r.stderr).to.equal(0);
    const info = JSON.parse(r.stdout) as {
      version: string;
      engines: { native: { available: boolean; build?: string; path?: string } };
    };
    expect(info.version).to.equal(version);
    const native = info.engines.native;
    expect(native.available).to.equal((await nativeStatus()).available);
    if (native.available) expect(native).to.include({ build: 'source', path: join(pkg, ADDON) });
  });

  for (const engine of ['native', 'software']) {
    it(`pq on the ${engine} engine writes the reference P and Q`, async function () {
      if (engine === 'native' && !(await nativeStatus()).available) this.skip();
      const dir = tmp();
      const data = randomBuffers(4, 12288, 77);
      const members = writeMembers(dir, data);
      const r = run(['-q', '--engine', engine, 'pq', ...members, '-P', join(dir, 'P'), '-Q', join(dir, 'Q')]);
      expect(r.code, r.stderr).to.equal(0);
      const ref = refPQ(data, 12288);
      expect(readFileSync(join(dir, 'P')).equals(ref.p)).to.equal(true);
      expect(readFileSync(join(dir, 'Q')).equals(ref.q)).to.equal(true);
    });
  }

  it('bench --threads 2: the workers start from the bundle and each reports', () => {
    const r = run([
      '--json',
      '-q',
      'bench',
      '--op',
      'xor',
      '--engine',
      'software',
      '--threads',
      '2',
      '--seconds',
      '0.05',
    ]);
    expect(r.code, r.stderr).to.equal(0);
    const { results } = JSON.parse(r.stdout) as { results: { op: string; threads: number; GBps: number }[] };
    expect(results).to.have.length(1);
    expect(results[0]).to.include({ op: 'xor', threads: 2 });
    expect(results[0]!.GBps).to.be.greaterThan(0);
  });

  const fx = fixtureNamed('a-r6-5d-64k-ls');
  if (fx)
    it("md examine prints what the checkout's CLI prints", async () => {
      const args = ['--json', 'md', 'examine', fx.memberPath(0), fx.memberPath(3)];
      const r = run(args);
      expect(r.code, r.stderr).to.equal(0);
      const want = await raidtx(args);
      expect(want.code, want.stderr).to.equal(0);
      expect(r.stdout).to.equal(want.stdout);
    });

  it('the code cache beside the bundle is one this Node accepts', () => {
    const r = spawnSync(
      process.execPath,
      ['-e', "process.stdout.write(String(require('./bin/load.js').loadCli().script.cachedDataRejected))"],
      { cwd: pkg, encoding: 'utf8' },
    );
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.equal('false');
  });

  it('a code cache V8 refuses (damaged) is ignored: the CLI runs as before', () => {
    const cache = join(pkg, 'dist', 'bundle', 'cli.cache');
    const good = readFileSync(cache);
    try {
      writeFileSync(cache, Buffer.alloc(good.length, 0x5a));
      const dir = tmp();
      const data = randomBuffers(3, 4096, 78);
      const members = writeMembers(dir, data);
      const r = run(['-q', 'pq', ...members, '-P', join(dir, 'P'), '-Q', join(dir, 'Q')]);
      expect(r.code, r.stderr).to.equal(0);
      expect(readFileSync(join(dir, 'Q')).equals(refPQ(data, 4096).q)).to.equal(true);
    } finally {
      writeFileSync(cache, good);
    }
  });

  it('a copy never built (no bundle) says what to run: exit 2, no stack trace', () => {
    const bundle = join(pkg, 'dist', 'bundle', 'cli.cjs');
    const moved = `${bundle}.away`;
    renameSync(bundle, moved);
    try {
      const r = run(['pq', 'a', 'b']);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.equal(
        `raidtx: cannot read the program (${bundle}): ENOENT; run \`npm install\` or \`npm run build\`\n`,
      );
    } finally {
      renameSync(moved, bundle);
    }
  });
});
