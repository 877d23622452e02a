#!/usr/bin/env node
// Builds the native offload engine (build/Release/raidtx_native.node) with node-gyp.
// A failed build is not fatal: raidtx then runs on its software path, and this script says so in
// one line and exits 0 — unless RAIDTX_REQUIRE_NATIVE=1, then it exits 1.
// As the package's install script (`--if-no-prebuild`) it compiles nothing when the package ships
// a prebuilt engine that loads here (prebuilds/, see scripts/prebuild.mjs): building from source is
// the fallback for other platforms. A git checkout always builds from source.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { findNodeGyp, localNodedir } from './native-tools.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const required = process.env.RAIDTX_REQUIRE_NATIVE === '1';

/** Local Node headers (offline builds): npm's nodedir, else the ones installed beside node. */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const dir = localNodedir();
  return dir ? [`--nodedir=${dir}`] : [];
}

/** True when a shipped prebuild for this platform loads in a fresh node (node-gyp-build's choice). */
function prebuildLoads() {
  if (!existsSync(join(root, 'prebuilds')) || existsSync(join(root, '.git'))) return false;
  const probe = `require(require.resolve('node-gyp-build', { paths: [${JSON.stringify(root)}] }))(${JSON.stringify(root)})`;
  const r = spawnSync(process.execPath, ['-e', probe], {
    env: { ...process.env, PREBUILDS_ONLY: '1' },
    stdio: 'ignore',
  });
  return r.status === 0;
}

if (process.argv.includes('--if-no-prebuild') && prebuildLoads()) process.exit(0);

function giveUp(reason) {
  const line = `raidtx: native engine not built (${reason}); using the software path`;
  console.warn(line);
  process.exit(required ? 1 : 0);
}

const gyp = findNodeGyp();
if (!gyp) giveUp('node-gyp not found: install it or build with npm');
const viaNode = gyp.endsWith('.js');
const args = [...(viaNode ? [gyp] : []), 'rebuild', ...nodedirArgs()];
const r = spawnSync(viaNode ? process.execPath : gyp, args, {
  cwd: root,
  stdio: required ? 'inherit' : ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (r.error) giveUp(`cannot run node-gyp: ${r.error.message}`);
if (r.status !== 0) {
  const err = (r.stderr ?? '')
    .split('\n')
    .find(
      (l) =>
        /error|not found|ERR!/i.test(l) &&
        !/gyp ERR! (stack|System|command|cwd|node -v|node-gyp -v|not ok)/.test(l),
    );
  giveUp(
    `node-gyp exited with ${r.status ?? r.signal}${err ? `: ${err.trim().slice(0, 200)}` : ''}; needs python3, make and a C compiler`,
  );
}
if (!existsSync(join(root, 'build/Release/raidtx_native.node')))
  giveUp('node-gyp produced no build/Release/raidtx_native.node');
