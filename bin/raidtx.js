#!/usr/bin/env node
// Thin entry: the program lives in dist/cli.js (built by `npm install` / `npm run build`).
import { main } from '../dist/cli.js';

main(process.argv).then((code) => {
  process.exitCode = code;
});
