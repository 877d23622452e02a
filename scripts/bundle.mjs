#!/usr/bin/env node
// Bundles the command line (src/cli.ts, with chalk and commander) into dist/bundle/, which
// bin/raidtx.js loads: a handful of files instead of ~150 tsc outputs plus node_modules, so that
// Node's module loader (resolve, stat, read, compile per file) no longer dominates a short run.
// ES modules with code splitting: md's code (imported on demand by src/cli.ts) stays a chunk of its
// own that an ordinary command never reads. The bench worker is an entry of its own: the harness
// starts it as `new URL('./bench-worker.js', import.meta.url)`, which lands beside the chunk that
// holds the harness, here as in dist/core/. The library (dist/index.js, tsc) is not bundled.
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

// stale chunks of an earlier build have other hashes: start empty
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root,
  entryPoints: { cli: 'src/cli.ts', 'bench-worker': 'src/core/bench-worker.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  entryNames: '[name]',
  chunkNames: 'chunk-[hash]',
  // commander is CommonJS: its require() calls of node builtins need a real require in an ES module
  banner: {
    js: "import { createRequire as __raidtxRequire } from 'node:module';\nconst require = __raidtxRequire(import.meta.url);",
  },
  plugins: [lazyChildProcess],
  legalComments: 'none',
  logLevel: 'warning',
});
