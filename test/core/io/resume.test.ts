// Unit tests of src/core/io/resume.ts: the checkpoint rule (data made durable before the state says
// so, at least every interval of output, 64 MiB by default), the fingerprint check, damaged and
// foreign states, and the cleaning of stale states without --resume.

import { execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { addDamage, emptyReport } from '../../../src/core/damage/damage.js';
import { appendDamaged, carriedReport } from '../../../src/core/damage/report.js';
import { IoError, UsageError } from '../../../src/core/errors.js';
import type { MemberSpec } from '../../../src/core/io/member.js';
import { closeAll, openMembers } from '../../../src/core/io/members.js';
import { openResume, type ResumeRequest, removeStaleState } from '../../../src/core/io/resume.js';
import { DamageLog } from '../../../src/core/md/damage.js';

describe('io: --resume state and checkpoints', () => {
  let dir = '';
  let notes: string[] = [];
  const saved = process.env.RAIDTX_RESUME_INTERVAL;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'raidtx-resume-unit-'));
    writeFileSync(join(dir, 'm0'), Buffer.alloc(8192, 1));
    writeFileSync(join(dir, 'm1'), Buffer.alloc(8192, 2));
    notes = [];
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    if (saved === undefined) delete process.env.RAIDTX_RESUME_INTERVAL;
    else process.env.RAIDTX_RESUME_INTERVAL = saved;
  });
  const request = (argv = ['x', 'm0', 'm1']): ResumeRequest => ({
    command: 'x',
    argv,
    cwd: dir,
    maps: [],
    note: (m) => notes.push(m),
  });
  const inputs = () =>
    openMembers(
      ['m0', 'm1'].map((n): MemberSpec => ({ kind: 'path', spec: n, path: join(dir, n), offset: 0 })),
      { offset: 0, length: null, pad: false },
    );
  const statePath = () => join(dir, '.out.raidtx-state');
  const state = () => JSON.parse(readFileSync(statePath(), 'utf8'));

  it('the first step saves a state; later ones only once an interval of output is written, data synced first', async () => {
    process.env.RAIDTX_RESUME_INTERVAL = '1000';
    const { members } = await inputs();
    try {
      const s = (await openResume(request(), [join(dir, 'out')], members, { level: 6 }))!;
      expect(notes[0]).to.match(/no state of an interrupted run .* starting from scratch/);
      expect(s.start).to.deep.equal({ part: 0, pos: 0 });
      const seenAtSync: (number | null)[] = [];
      s.adopt(join(dir, 'out'), join(dir, '.out.raidtx-tmp-1-00000000'), async () => {
        seenAtSync.push(existsSync(statePath()) ? state().pos : null);
      });
      await s.step(0, 0);
      expect(state().pos).to.equal(0);
      s.wrote(999);
      await s.step(0, 4096);
      expect(state().pos, 'not yet an interval of output').to.equal(0);
      s.wrote(1);
      await s.step(0, 8192);
      expect(state().pos).to.equal(8192);
      // Each save synced the data while the state still said the previous position.
      expect(seenAtSync).to.deep.equal([null, 0]);
      expect(state().temporaries).to.deep.equal({ [join(dir, 'out')]: '.out.raidtx-tmp-1-00000000' });
      await s.committed();
      expect(existsSync(statePath()), 'the state goes with the last commit').to.equal(false);
    } finally {
      await closeAll(members);
    }
  });

  it('checkpoints every 64 MiB of output by default', async () => {
    delete process.env.RAIDTX_RESUME_INTERVAL;
    const { members } = await inputs();
    try {
      const s = (await openResume(request(), [join(dir, 'out')], members, null))!;
      s.adopt(join(dir, 'out'), join(dir, 'tmp'), async () => undefined);
      await s.step(0, 0);
      s.wrote((64 << 20) - 1);
      await s.step(0, 1);
      expect(state().pos).to.equal(0);
      s.wrote(1);
      await s.step(0, 2);
      expect(state().pos).to.equal(2);
    } finally {
      await closeAll(members);
    }
  });

  it('carries the damage reports and read errors as they were at the step boundary, merged; --strict refuses lost', async () => {
    writeFileSync(join(dir, '.out.raidtx-tmp-1-00000000'), 'kept');
    const out = join(dir, 'out');
    const first = await inputs();
    const log = new DamageLog('md x', false);
    const report = emptyReport();
    try {
      const s = (await openResume(request(), [out], first.members, null))!;
      s.adopt(out, join(dir, '.out.raidtx-tmp-1-00000000'), async () => undefined);
      s.carry('log', log.carried());
      s.carry('report', carriedReport(report, 'y', false));
      log.add(true, 1024, 512, ['m0']);
      log.add(true, 0, 512, ['m0']);
      log.add(false, 4096, 512, ['m1']);
      appendDamaged(report.lost, 0, 512, ['m0']);
      addDamage(first.members[0]!.damage!, { offset: 4096, length: 512, source: 'eio' });
      addDamage(first.members[0]!.damage!, { offset: 4608, length: 512, source: 'eio' });
      addDamage(first.members[0]!.damage!, { offset: 0, length: 512, source: 'map' });
      await s.step(0, 2048);
      // What the step at 2048 meets before the interrupt is not in the state kept for it.
      log.add(true, 512, 512, ['m0']);
      appendDamaged(report.lost, 512, 512, ['m0']);
      await s.keep();
      const lost = [{ offset: 0, length: 512, members: ['m0'] }];
      expect(state().pos).to.equal(2048);
      expect(state().carried).to.deep.equal({
        log: {
          recovered: [{ offset: 4096, length: 512, members: ['m1'] }],
          lost: [...lost, { offset: 1024, length: 512, members: ['m0'] }],
        },
        report: { recovered: [], lost },
      });
      // read errors merged, per member; a map's extents are the map's (reloaded from it)
      expect(state().eio).to.deep.equal([[{ offset: 4096, length: 1024 }], []]);
    } finally {
      await closeAll(first.members);
    }
    const again = await inputs();
    try {
      const s = (await openResume(request(), [out], again.members, null))!;
      expect(again.members[0]!.damage!.extents).to.deep.equal([
        { offset: 4096, length: 1024, source: 'eio' },
      ]);
      const log2 = new DamageLog('md x', false);
      s.carry('log', log2.carried());
      // met again by the resumed run (md rebuild copies a healed member's metadata again): once
      log2.add(true, 0, 512, ['m0']);
      log2.add(true, 512, 512, ['m0']);
      expect(log2.ranges().lost).to.deep.equal([{ offset: 0, length: 1536, members: ['m0'] }]);
      const report2 = emptyReport();
      s.carry('report', carriedReport(report2, 'y', false));
      expect(report2.lost).to.deep.equal([{ offset: 0, length: 512, members: ['m0'] }]);
      // A state with lost bytes never comes from a --strict run; restored under --strict, it fails.
      expect(() => s.carry('log', new DamageLog('md x', true).carried())).to.throw(IoError, /--strict/);
      expect(() => s.carry('report', carriedReport(emptyReport(), 'y', true))).to.throw(IoError, /--strict/);
    } finally {
      await closeAll(again.members);
    }
  });

  it('resumes from a saved state, and refuses a changed member, command line or geometry', async () => {
    writeFileSync(join(dir, '.out.raidtx-tmp-1-00000000'), 'kept');
    const { members } = await inputs();
    try {
      const first = (await openResume(request(), [join(dir, 'out')], members, { level: 6 }))!;
      first.adopt(join(dir, 'out'), join(dir, '.out.raidtx-tmp-1-00000000'), async () => undefined);
      expect(first.constant('uuid', () => 'abc')).to.equal('abc');
      await first.step(1, 4096);
      const again = (await openResume(request(), [join(dir, 'out')], members, { level: 6 }))!;
      expect(again.start).to.deep.equal({ part: 1, pos: 4096 });
      expect(again.keptTemporary(join(dir, 'out'))).to.equal(join(dir, '.out.raidtx-tmp-1-00000000'));
      expect(again.constant('uuid', () => 'other')).to.equal('abc');
      expect(again.startOf(0, 100)).to.equal(100);
      expect(again.startOf(1, 100)).to.equal(4096);
      expect(again.startOf(2, 100)).to.equal(0);

      const refused = async (p: Promise<unknown>, re: RegExp) => {
        const err = await p.then(
          () => null,
          (e: unknown) => e,
        );
        expect(err).to.be.instanceOf(UsageError);
        expect((err as UsageError).exitCode).to.equal(2);
        expect((err as Error).message).to.match(re);
      };
      await refused(
        openResume(request(['x', 'm1', 'm0']), [join(dir, 'out')], members, { level: 6 }),
        /the interrupted run was 'raidtx x m0 m1'/,
      );
      await refused(
        openResume(request(), [join(dir, 'out')], members, { level: 5 }),
        /the array geometry changed since the interrupted run \(\{"level":6\} -> \{"level":5\}\)/,
      );
      const later = new Date(Date.now() + 10_000);
      utimesSync(join(dir, 'm1'), later, later);
      await refused(
        openResume(request(), [join(dir, 'out')], members, { level: 6 }),
        /member 'm1' changed since the interrupted run \(mtime /,
      );
      // The same size and mtime, another file (copied over with cp -p).
      execFileSync('cp', ['-p', join(dir, 'm0'), join(dir, 'm0.new')]);
      renameSync(join(dir, 'm0.new'), join(dir, 'm0'));
      await refused(
        openResume(request(), [join(dir, 'out')], members, { level: 6 }),
        /member 'm0' is another file than in the interrupted run/,
      );
    } finally {
      await closeAll(members);
    }
  });

  it('a damaged state is refused by name; the state of a live run is refused and not cleaned', async () => {
    const { members } = await inputs();
    try {
      writeFileSync(statePath(), '{"version":1,"po');
      const err = await openResume(request(), [join(dir, 'out')], members, null).catch((e: unknown) => e);
      expect((err as Error).message).to.equal(
        `--resume: state file '${statePath()}' is damaged; run without --resume to start over`,
      );
      await removeStaleState(dir, 'out');
      expect(existsSync(statePath()), 'a damaged state goes without --resume').to.equal(false);
      const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
      try {
        writeFileSync(
          statePath(),
          JSON.stringify({ version: 1, pid: child.pid, part: 0, pos: 0, fingerprint: {}, temporaries: {} }),
        );
        const busy = await openResume(request(), [join(dir, 'out')], members, null).catch((e: unknown) => e);
        expect((busy as Error).message).to.match(/belongs to a run still going \(process \d+\)/);
        await removeStaleState(dir, 'out');
        expect(existsSync(statePath()), "a live run's state stays").to.equal(true);
      } finally {
        child.kill('SIGKILL');
        await new Promise((r) => child.on('exit', r));
      }
      await removeStaleState(dir, 'out');
      expect(existsSync(statePath()), "a dead run's state goes").to.equal(false);
    } finally {
      await closeAll(members);
    }
  });
});
