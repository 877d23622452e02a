// raidtx md rebuild MEMBER... -o SLOT=PATH...: rebuilds missing members of an md RAID5/6 array as
// whole member images: the data area at its data offset and (unless --data-only) a superblock for
// the slot made from a peer's, that mdadm --examine accepts. A present slot is healed: a copy of
// its member with the unreadable bytes recomputed from parity. Outputs are atomic.

import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import { type RebuildTarget, rebuildMembers } from '../../core/md/rebuild.js';
import { collect, type Invoke, jobOptions } from '../lib/context.js';
import { addDamageOptions, checkMapOut, damageJson, parseDamageOptions } from '../lib/damage.js';
import { generated } from '../lib/render.js';
import { RESUME_HELP, withResume } from '../lib/resume.js';
import { geometryOptions, parseMdInput, reportDamage, withArray } from './options.js';

export function defineMdRebuild(md: Command, invoke: Invoke): void {
  addDamageOptions(
    geometryOptions(
      md
        .command('rebuild')
        .description(
          'rebuild missing members as whole member images (data area and superblock); heal a present one',
        )
        .argument(
          '<members...>',
          'the remaining members (any order with superblocks; else slot order with `missing`)',
        )
        .option(
          '-o, --output <slot=path>',
          'rebuild slot SLOT into PATH (repeatable); a present slot is copied with its unreadable bytes rebuilt',
          collect,
        )
        .option('--data-only', 'write only the data area (no superblock)')
        .option('--resume', RESUME_HELP),
    ),
    true,
  ).action((members: string[], o: Record<string, unknown>, cmd: Command) =>
    invoke(cmd, async (ctx) => {
      const input = parseMdInput(members, cmd.optsWithGlobals());
      const targets = parseTargets((o.output as string[] | undefined) ?? []);
      const damage = await parseDamageOptions(o);
      checkMapOut(
        damage,
        targets.map((t) => t.path),
      );
      return withArray(
        input,
        ctx,
        async (a) => {
          const r = await rebuildMembers(
            a,
            targets,
            Boolean(o.dataOnly),
            input.step,
            withResume(cmd, 'md rebuild', jobOptions(ctx)),
            damage,
          );
          const what = targets
            .map(
              (t, i) =>
                `slot ${t.slot} -> '${t.path}'${r.healed[i] ? ' (healed copy)' : r.withSuperblock[i] ? ' (with superblock)' : ''}`,
            )
            .join(', ');
          // Firmware RAID (IMSM, DDF): the metadata belongs to the controller; only the data area is written.
          const firmware = a.metadata === 'imsm' || a.metadata === 'ddf';
          const note = firmware
            ? ` (data area only: ${String(a.metadata).toUpperCase()} metadata is not written; add the disk to the container with the controller or mdadm)`
            : '';
          const res = generated('md rebuild', 'pq', `rebuilt ${what}${note}`, r, a.geometry.raidDisks);
          if (firmware) Object.assign(res.json, { dataOnly: true });
          Object.assign(res.json, { slots: r.slots, imageBytes: r.imageBytes, dataOffset: r.dataOffset });
          if (r.healed.some(Boolean)) Object.assign(res.json, { healed: r.healed });
          const outs = targets.map((t, i) => ({
            path: t.path,
            report: r.damage[i]!,
            size: r.sizes[i]!,
            base: 0,
          }));
          // several outputs: the unreadable ranges once, each output's recovered and lost ranges apart
          const json =
            outs.length === 1
              ? damageJson(r.damage[0]!, 'output')
              : r.damage.some((d) => d.unreadable.length > 0 || d.lost.length > 0)
                ? {
                    unreadable: r.damage[0]!.unreadable,
                    outputs: outs.map((x, i) => ({
                      slot: targets[i]!.slot,
                      path: x.path,
                      recovered: x.report.recovered,
                      lost: x.report.lost,
                    })),
                  }
                : {};
          return reportDamage(res, outs, damage, json);
        },
        damage,
      );
    }),
  );
}

function parseTargets(outputs: string[]): RebuildTarget[] {
  if (outputs.length === 0) throw new UsageError('md rebuild: give -o SLOT=PATH for each member to rebuild');
  return outputs.map((text) => {
    const m = /^([0-9]+)=(.+)$/.exec(text);
    if (!m) throw new UsageError(`md rebuild: -o '${text}': want SLOT=PATH`);
    if (m[2] === '-')
      throw new UsageError(`md rebuild: -o '${text}': a member image cannot go to stdout; give a file`);
    const slot = Number(m[1]);
    if (!Number.isSafeInteger(slot))
      throw new UsageError(`md rebuild: -o '${text}': slot ${m[1]} is too large`);
    return { slot, path: m[2]!, text };
  });
}
