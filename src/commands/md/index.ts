// raidtx md ...: the md command group (examine, layout, check, rebuild, export, serve, detect).

import type { Command } from 'commander';
import type { Invoke } from '../lib/context.js';
import { defineMdCheck } from './check.js';
import { defineMdDetect } from './detect.js';
import { defineMdExamine } from './examine.js';
import { defineMdExport } from './export.js';
import { defineMdLayout } from './layout.js';
import { defineMdRebuild } from './rebuild.js';
import { defineMdServe } from './serve.js';
import { MD_SUMMARY } from './summary.js';

/** Registers `raidtx md` and its subcommands. */
export function defineMd(program: Command, invoke: Invoke): void {
  const md = program.command('md').description(MD_SUMMARY);
  for (const define of [
    defineMdExamine,
    defineMdLayout,
    defineMdCheck,
    defineMdRebuild,
    defineMdExport,
    defineMdServe,
    defineMdDetect,
  ])
    define(md, invoke);
}
