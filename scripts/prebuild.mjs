#!/usr/bin/env node
// Builds the prebuilt native engines shipped in the package (prebuilds/<platform>-<arch>/), with
// prebuildify: one Node-API binary per platform and architecture (Node-API is ABI-stable, so it
// loads on every Node >= 20). linux-x64 is built with the host compiler; linux-arm64 with Debian's
// aarch64 cross compiler (gcc-aarch64-linux-gnu, as scripts/check-neon.sh uses). Both build against
// the Node headers installed beside node (--nodedir): nothing is downloaded.
//
//   node scripts/prebuild.mjs [x64] [arm64]     (default: both; npm pack runs it as prepack)
//
// The build runs in a temporary copy of binding.gyp and src/native, so build/ (the from-source
// engine of a checkout) is left alone.
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeGyp, localNodedir } from './native-tools.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const prebuildify = createRequire(import.meta.url)('prebuildify');

/** Per target architecture: the tools that build for it (null: the host's). */
const TOOLCHAINS = {
  x64: null,
  arm64: { prefix: 'aarch64-linux-gnu-', apt: 'gcc-aarch64-linux-gnu' },
};

function fail(message) {
  console.error(`prebuild: ${message}`);
  process.exit(1);
}

function has(cmd) {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const arches = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(TOOLCHAINS);
for (const a of arches) if (!(a in TOOLCHAINS)) fail(`unknown architecture '${a}' (x64 or arm64)`);
if (process.platform !== 'linux' || process.arch !== 'x64')
  fail(`builds on linux-x64 only (this is ${process.platform}-${process.arch})`);
const gyp = findNodeGyp();
if (!gyp) fail('node-gyp not found (it comes with npm)');
const nodedir = process.env.npm_config_nodedir ?? localNodedir();
if (!nodedir) fail(`no Node headers beside ${process.execPath} (include/node/node_api.h)`);

const work = mkdtempSync(join(tmpdir(), 'raidtx-prebuild-'));
try {
  cpSync(join(root, 'binding.gyp'), join(work, 'binding.gyp'));
  cpSync(join(root, 'src/native'), join(work, 'src/native'), { recursive: true });
  mkdirSync(join(root, 'prebuilds'), { recursive: true });
  for (const arch of arches) {
    const tc = TOOLCHAINS[arch];
    const env = { npm_config_nodedir: nodedir };
    if (tc) {
      const cc = `${tc.prefix}gcc`;
      if (!has(cc)) fail(`${cc} not found (apt-get install ${tc.apt})`);
      // C only: gcc also links (node-gyp links with $CXX by default).
      Object.assign(env, { CC: cc, CXX: cc, LINK: cc, AR: `${tc.prefix}ar` });
    }
    const saved = { ...process.env };
    Object.assign(process.env, env);
    rmSync(join(work, 'build'), { recursive: true, force: true });
    await new Promise((done, reject) =>
      prebuildify(
        {
          cwd: work,
          out: root,
          name: 'raidtx',
          arch,
          napi: true,
          targets: [`node@${process.versions.node}`],
          tagLibc: true,
          strip: true,
          stripBin: tc ? `${tc.prefix}strip` : 'strip',
          nodeGyp: gyp.endsWith('.js') ? `${process.execPath} ${gyp}` : gyp,
          shell: '/bin/sh',
          quiet: !process.env.PREBUILD_VERBOSE,
        },
        (err) => (err ? reject(err) : done()),
      ),
    ).catch((err) => fail(`linux-${arch}: ${err.message} (PREBUILD_VERBOSE=1 shows the build)`));
    process.env = saved;
    const file = join(root, 'prebuilds', `linux-${arch}`, 'raidtx.glibc.node');
    if (!existsSync(file)) fail(`linux-${arch}: prebuildify left no ${file}`);
    console.log(`prebuild: ${file.slice(root.length + 1)}`);
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
