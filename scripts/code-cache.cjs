// Makes dist/bundle/cli.cache: loads the bundle as bin/raidtx.js does, runs a few commands on small
// members of its own (pq, the val commands, xor, md export and check), then saves V8's code cache
// of the bundle, which now holds the functions those runs compiled. Run by scripts/bundle.mjs.
'use strict';

const { mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const { CACHE, loadCli } = require('../bin/load.js');

async function main() {
  const { cli, script } = loadCli();
  const dir = mkdtempSync(join(tmpdir(), 'raidtx-code-cache-'));
  try {
    const d = [0, 1, 2, 3].map((i) => join(dir, `d${i}`));
    for (const [i, p] of d.entries()) writeFileSync(p, Buffer.alloc(256 * 1024, i * 37 + 1));
    const [P, Q, X] = ['P', 'Q', 'X'].map((n) => join(dir, n));
    const geo = ['--metadata', 'none', '--level', '6', '--layout', 'left-symmetric', '--chunk', '64K'];
    geo.push('--raid-disks', '6', '--data-offset', '0');
    const runs = [
      ['pq', ...d, '-P', P, '-Q', Q],
      ['pq-val', ...d, '-P', P, '-Q', Q],
      ['xor', ...d, '-o', X],
      ['xor-val', ...d, X],
      ['md', 'export', ...geo, 'missing', 'missing', ...d, '-o', '-'],
      ['md', 'check', ...geo, P, Q, ...d],
    ];
    for (const args of runs) {
      const code = await cli.main([process.execPath, 'raidtx', '--quiet', ...args]);
      if (code !== 0 && code !== 1) throw new Error(`raidtx ${args.join(' ')}: exit ${code}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeFileSync(CACHE, script.createCachedData());
}

main().catch((err) => {
  console.error(`code-cache: ${err.message}`);
  process.exitCode = 1;
});
