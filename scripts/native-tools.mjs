// What scripts/build-native.mjs and scripts/prebuild.mjs share: finding node-gyp and the local
// Node headers, so that neither ever downloads anything (this machine and CI reach no nodejs.org).
import { existsSync, realpathSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** node-gyp: from npm's environment or PATH, else the copy bundled with npm itself. */
export function findNodeGyp() {
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

/** The install prefix whose include/node holds this node's headers, or null. */
export function localNodedir() {
  const prefix = resolve(dirname(process.execPath), '..');
  return existsSync(join(prefix, 'include/node/node_api.h')) ? prefix : null;
}
