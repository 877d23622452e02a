#!/usr/bin/env node
// Thin entry: the program lives in dist/bundle/cli.cjs, src/cli.ts bundled with its dependencies by
// scripts/bundle.mjs (built by `npm install` / `npm run build`; shipped in the package), loaded with
// its code cache by load.js: one file for Node to load and little to compile, instead of ~150 ES
// modules, which were most of a short run's time.
// CommonJS on purpose (bin/package.json): libuv sizes its thread pool once, from UV_THREADPOOL_SIZE,
// when the pool is first used, and an ES module entry would itself be read through that pool. Here
// nothing has touched the pool yet, so the size set below holds. Member reads each hold one pool
// thread while a disk works, so 4 threads would serialise a many-member run.
'use strict';

if (!process.env.UV_THREADPOOL_SIZE) {
  // Every operand may be a member (or an output); a few more for writes and the odd stat.
  const operands = process.argv.slice(2).filter((a) => !a.startsWith('-')).length;
  process.env.UV_THREADPOOL_SIZE = String(Math.min(256, Math.max(16, operands + 8)));
}

const args = process.argv.slice(2);
if (args.length === 1 && (args[0] === '--version' || args[0] === '-V')) {
  // The version alone needs none of the program (the same answer commander gives).
  const { version } = require('../package.json');
  process.stdout.write(`${version}\n`);
} else {
  require('./load.js')
    .loadCli()
    .cli.main(process.argv)
    .then((code) => {
      process.exitCode = code;
    });
}
