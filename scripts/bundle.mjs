#!/usr/bin/env node
// Bundles the command line (src/cli.ts, with chalk and commander) into dist/bundle/cli.cjs, which
// bin/raidtx.js loads with V8's code cache (cli.cache, made here by scripts/code-cache.cjs): one
// file, mostly compiled already, instead of ~150 ES modules that Node resolved, read and compiled
// on every start (most of a short run's time). One CommonJS file measured as fast as ES chunks that
// keep md's code apart, and only a script (not an ES module) can take a code cache on Node 20. The
// bench worker is a file of its own beside it. The library (dist/index.js, tsc) is not bundled.
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bundle');

/**
 * commander requires node:child_process at its top (3 ms of every start) for spawn alone, which it
 * calls only for executable subcommands; raidtx has none. Its copy loads the module on first call.
 */
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^(node:)?child_process$/ }, (args) =>
      /[/\\]commander[/\\]/.test(args.importer) ? { path: 'child_process', namespace: 'lazy' } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "module.exports = { spawn: (...a) => require('node:child_process').spawn(...a) };",
      loader: 'js',
    }));
  },
};

// a stale cache or chunk of an earlier build must not outlive it
rmSync(outdir, { recursive: true, force: true });
const common = {
  absWorkingDir: root,
  bundle: true,
  platform: 'node',
  target: 'node20',
  legalComments: 'none',
  logLevel: 'warning',
};
// The program: one CommonJS file, loaded by bin/load.js with its code cache.
await build({
  ...common,
  entryPoints: ['src/cli.ts'],
  outfile: join(outdir, 'cli.cjs'),
  format: 'cjs',
  // the sources find files beside themselves through import.meta.url: here, beside the bundle
  define: { 'import.meta.url': '__raidtxUrl' },
  // import() of a builtin becomes require(): run from bin/load.js's vm.Script with its code cache,
  // import() failed on Node 20 ('A dynamic import callback was not specified')
  supported: { 'dynamic-import': false },
  banner: { js: "const __raidtxUrl = require('node:url').pathToFileURL(__filename).href;" },
  plugins: [lazyChildProcess],
});
// The bench worker, which the program starts as `new URL('./bench-worker.js', import.meta.url)`.
await build({
  ...common,
  entryPoints: ['src/core/bench-worker.ts'],
  outfile: join(outdir, 'bench-worker.js'),
  format: 'esm',
  // commander is not in it, but keep any CommonJS dependency's require() working in an ES module
  banner: {
    js: "import { createRequire as __raidtxRequire } from 'node:module';\nconst require = __raidtxRequire(import.meta.url);",
  },
});
// The code cache: without it the bundle still runs, compiled on each start.
const cache = spawnSync(process.execPath, [join(root, 'scripts', 'code-cache.cjs')], {
  stdio: ['ignore', 'ignore', 'pipe'],
  encoding: 'utf8',
});
if (cache.status !== 0)
  console.warn(`bundle: no code cache (${cache.stderr.trim() || `exit ${cache.status}`})`);
