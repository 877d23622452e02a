#!/usr/bin/env node
// Builds the native offload engine (build/Release/raidtx_native.node) with node-gyp.
// A failed build is not fatal: raidtx then runs on its software path, and this script says so in
// one line and exits 0 — unless RAIDTX_REQUIRE_NATIVE=1, then it exits 1.
import { spawnSync } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const required = process.env.RAIDTX_REQUIRE_NATIVE === '1';

/** node-gyp: from npm's environment or PATH, else the copy bundled with npm itself. */
function findNodeGyp() {
  const candidates = [];
  if (process.env.npm_config_node_gyp) candidates.push(process.env.npm_config_node_gyp);
  for (const dir of (process.env.PATH ?? '').split(':')) {
    if (dir) candidates.push(join(dir, 'node-gyp'));
  }
  const npmCli = process.env.npm_execpath;
  if (npmCli) candidates.push(join(dirname(npmCli), '../node_modules/node-gyp/bin/node-gyp.js'));
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const npm = join(dir || '.', 'npm');
    if (!existsSync(npm)) continue;
    try {
      candidates.push(join(dirname(realpathSync(npm)), '../node_modules/node-gyp/bin/node-gyp.js'));
    } catch {}
  }
  candidates.push(
    join(dirname(process.execPath), '../lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js'),
  );
  return candidates.find((c) => existsSync(c)) ?? null;
}

/** Local Node headers (offline builds): npm's nodedir, else the ones installed beside node. */
function nodedirArgs() {
  if (process.env.npm_config_nodedir) return [];
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include/node/node_api.h')) ? [`--nodedir=${prefix}`] : [];
}

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
