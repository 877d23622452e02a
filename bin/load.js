// Loads the bundled program (dist/bundle/cli.cjs) with V8's code cache beside it (cli.cache, made
// by scripts/bundle.mjs from a run of a few commands): the functions a run needs come compiled
// instead of parsed and compiled on every start. A cache V8 does not accept (another Node, other
// flags) is ignored and the source compiled as usual.
'use strict';

const { readFileSync } = require('node:fs');
const Module = require('node:module');
const { dirname, join } = require('node:path');
const vm = require('node:vm');

const BUNDLE = join(__dirname, '..', 'dist', 'bundle', 'cli.cjs');
const CACHE = join(__dirname, '..', 'dist', 'bundle', 'cli.cache');

/** The bundle's exports ({ main }), and its compiled script (for createCachedData). */
function loadCli() {
  let cachedData;
  try {
    cachedData = readFileSync(CACHE);
  } catch {
    // no cache: compile
  }
  let source;
  try {
    source = readFileSync(BUNDLE, 'utf8');
  } catch (err) {
    // a checkout that was never built: say what to do, not where it failed
    process.stderr.write(
      `raidtx: cannot read the program (${BUNDLE}): ${err.code}; run \`npm install\` or \`npm run build\`\n`,
    );
    process.exit(2);
  }
  const script = new vm.Script(Module.wrap(source), {
    filename: BUNDLE,
    cachedData,
  });
  const mod = { exports: {} };
  script.runInThisContext()(mod.exports, Module.createRequire(BUNDLE), mod, BUNDLE, dirname(BUNDLE));
  return { cli: mod.exports, script };
}

module.exports = { loadCli, CACHE };
