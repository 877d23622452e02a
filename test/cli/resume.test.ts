// --resume (src/core/io/resume.ts, through the CLI): runs of md export (degraded, and across the
// regions of a reshape), md rebuild and recover-2data/recover-datap are SIGKILLed at random points,
// rerun with --resume (killed again, then finished), and must end byte-identical to an uninterrupted
// run. A changed input or command line is refused (exit 2) with the kept files untouched; SIGINT keeps
// them with --resume and removes them without; no state means a fresh start.
// RAIDTX_RESUME_INTERVAL=1 makes every step a checkpoint, so that short runs have many.

import { type ChildProcess, execFileSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  truncateSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  cleanupTmp,
  nativeStatus,
  type RunResult,
  raidtx,
  snapshot,
  tmp,
  writeMembers,
} from '../helpers/cli.js';
import { eioRules, useFaultFs, writeMap } from '../helpers/faulty.js';
import { fixtureNamed } from '../helpers/md-fixtures.js';
import { lacking } from '../helpers/prereq.js';
import { prng, randomBuffers } from '../helpers/prng.js';

const ENV = { RAIDTX_RESUME_INTERVAL: '1' };
const SEED = 0x5e5e;
const rnd = prng(SEED);

/** Temporaries and state files of raidtx outputs in `dir`. */
const leftovers = (dir: string): string[] =>
  readdirSync(dir)
    .filter((n) => /\.raidtx-(tmp-|state)/.test(n))
    .sort();

interface State {
  pid: number;
  part: number;
  pos: number;
  constants: Record<string, unknown>;
  /** the damage reports so far (lost and recovered ranges), by name */
  carried?: Record<string, { lost: unknown[]; recovered: unknown[] }>;
  /** run-time read errors met, per member with a path */
  eio?: { offset: number; length: number }[][];
}

/** The state beside output `name` in `dir`, or null. */
function stateOf(dir: string, name: string): State | null {
  try {
    return JSON.parse(readFileSync(join(dir, `.${name}.raidtx-state`), 'utf8'));
  } catch {
    return null;
  }
}

/**
 * Runs `args` in `dir`; once the run has written its own first checkpoint (beside output `first`)
 * that passes `when`, `act` is called `delay` ms later with the child (unless it ended before).
 */
function runActing(
  args: string[],
  dir: string,
  first: string,
  delay: number,
  act: (child: ChildProcess) => void,
  seen?: { at: number },
  when: (st: State) => boolean = () => true,
): Promise<RunResult> {
  return raidtx(args, {
    cwd: dir,
    env: ENV,
    onSpawn(child) {
      let done = false;
      let timer: NodeJS.Timeout | undefined;
      child.on('exit', () => {
        done = true;
        clearTimeout(timer);
      });
      const poll = setInterval(() => {
        if (done) return clearInterval(poll);
        const st = stateOf(dir, first);
        if (!st || st.pid !== child.pid || !when(st)) return;
        clearInterval(poll);
        if (seen) seen.at = performance.now();
        timer = setTimeout(() => {
          if (!done) act(child);
        }, delay);
      }, 2);
    },
  });
}

interface Scenario {
  /** arguments, in the scenario's folder */
  args: string[];
  /** output file names; the state goes beside the first */
  outputs: string[];
  /** compare allocated blocks too (sparse images) */
  holes?: boolean;
  /** blanks what differs between any two runs (md rebuild: the random device UUID, the checksum) */
  mask?: (name: string, b: Buffer) => Buffer;
  /** the exit code of every finished run (damaged members: 4, something lost) */
  code?: number;
}

/** A ddrescue map of a `size`-byte member whose `bad` [offset, length] ranges (sorted) are unreadable. */
function mapOf(path: string, size: number, bad: [number, number][]): string {
  const blocks: [number, number, string][] = [];
  let at = 0;
  for (const [offset, length] of bad) {
    if (offset > at) blocks.push([at, offset - at, '+']);
    blocks.push([offset, length, '-']);
    at = offset + length;
  }
  if (at < size) blocks.push([at, size - at, '+']);
  return writeMap(path, blocks);
}

/**
 * What a finished run reported of damage: the JSON `lost`, `recovered` and `unreadable` (when run
 * with --json) and the stderr lines, without the notes of --resume.
 */
function reportOf(r: RunResult, json: boolean): { json: unknown; stderr: string[] } {
  const j = json ? (JSON.parse(r.stdout) as Record<string, unknown>) : {};
  return {
    // md rebuild: per output, under `outputs`
    json: { lost: j.lost, recovered: j.recovered, unreadable: j.unreadable, outputs: j.outputs },
    stderr: r.stderr.split('\n').filter((l) => l && !l.includes('--resume:')),
  };
}

/** Byte-compares the outputs of `dir` with those of `ref`; with `holes`, allocation too. */
function expectSame(s: Scenario, dir: string, ref: string): void {
  const mask = s.mask ?? ((_: string, b: Buffer) => b);
  for (const o of s.outputs) {
    const a = mask(o, readFileSync(join(dir, o)));
    const b = mask(o, readFileSync(join(ref, o)));
    expect(a.length, `${o}: size`).to.equal(b.length);
    expect(a.equals(b), `${o} differs from the uninterrupted run's`).to.equal(true);
    // Holes stay holes: zeros written into the 1 MiB before the data area would add 2048 sectors.
    // A few sectors of difference are the filesystem's own (ext4 gives a file written in more
    // pieces an extent-tree block), not data.
    if (s.holes)
      expect(
        Math.abs(statSync(join(dir, o)).blocks - statSync(join(ref, o)).blocks),
        `${o}: allocated blocks`,
      ).to.be.at.most(64);
  }
  expect(leftovers(dir), 'temporaries or state left').to.deep.equal([]);
}

let kills = 0;
let nativeMissing = false;

/**
 * The scenario run uninterrupted (in `ref`), then killed `count` times at random points and resumed
 * each time (in `dir`): the outputs must be byte-identical. A run that ends before its kill is
 * checked too, and the chain starts over with shorter delays.
 */
async function killAndResume(s: Scenario, ref: string, dir: string, count: number): Promise<State | null> {
  const args = [...s.args, '-q'];
  const seen = { at: 0 };
  const code = s.code ?? 0;
  const r0 = await runActing([...args, '--resume'], ref, s.outputs[0]!, 60_000, () => undefined, seen);
  expect(r0.code, r0.stderr).to.equal(code);
  const json = s.args.includes('--json');
  const report = reportOf(r0, json);
  // Every finished run, resumed or not, says what the uninterrupted one said.
  const finished = (r: RunResult, what: string): void => {
    expect(r.code, r.stderr).to.equal(code);
    expect(reportOf(r, json), `${what}: damage reported`).to.deep.equal(report);
  };
  const streamMs = Math.max(20, performance.now() - seen.at);
  const plain = await raidtx(args, { cwd: dir });
  finished(plain, 'without --resume');
  expectSame(s, dir, ref);
  for (const o of s.outputs) rmSync(join(dir, o));

  let done = 0;
  let scale = 0.6;
  for (let attempt = 0; done < count && attempt < 4 * count; attempt++) {
    const delay = rnd.int(1000) * 0.001 * scale * streamMs;
    const r = await runActing([...args, '--resume'], dir, s.outputs[0]!, delay, (c) => c.kill('SIGKILL'));
    // Killed with work left, it keeps its temporaries (a kill after the last commit leaves none).
    if (r.signal === 'SIGKILL' && leftovers(dir).length > 0) {
      done++;
      kills++;
      continue;
    }
    // It finished first: what it wrote must still be right; start over, killing sooner. (Killed
    // after its commits, it may not have written its maps of lost ranges yet.)
    if (r.signal !== 'SIGKILL') finished(r, 'a run that ended before its kill');
    const written = s.outputs.filter((o) => r.signal !== 'SIGKILL' || existsSync(join(dir, o)));
    expectSame({ ...s, outputs: written }, dir, ref);
    for (const o of s.outputs) rmSync(join(dir, o), { force: true });
    scale /= 2;
  }
  expect(done, `runs killed (of ${count})`).to.equal(count);
  const state = stateOf(dir, s.outputs[0]!);
  const last = await raidtx([...args, '--resume'], { cwd: dir, env: ENV });
  finished(last, 'the resumed run');
  expect(last.stderr).to.match(/--resume: going on from the checkpoint|starting from scratch/);
  expectSame(s, dir, ref);
  // The state the last run went on from (null: it started from scratch).
  return /going on from/.test(last.stderr) ? state : null;
}

for (const engine of ['software', 'native'] as const) {
  describe(`--resume after SIGKILL at random points (seed ${SEED}), --engine ${engine}`, function () {
    this.timeout(300_000);
    before(async function () {
      if (engine !== 'native') return;
      const st = await nativeStatus();
      nativeMissing = !st.available;
      if (!st.available) lacking(this, `native engine unavailable (${st.reason})`);
    });
    after(cleanupTmp);
    const e = ['--engine', engine];

    const a = fixtureNamed('a-');
    if (a) {
      const m = (s: number) => a.memberPath(s);
      it(`md export of ${a.name} with slots 0 and 4 missing`, async () => {
        const s = {
          args: [
            ...e,
            'md',
            'export',
            'missing',
            m(1),
            m(2),
            m(3),
            'missing',
            '--step',
            '64K',
            '-o',
            'a.img',
          ],
          outputs: ['a.img'],
        };
        await killAndResume(s, tmp(), tmp(), 3);
      });
      it(`md export of ${a.name} with slot 0 missing, bad sectors on slots 1 and 2: recovered and lost kept`, async () => {
        // data areas are member bytes 1 MiB .. 4 MiB: damage in the first and the last 64K step; where
        // slots 1 and 2 are both unreadable it is lost, where only slot 1 is it is recovered
        const dir = tmp();
        const first = (1 << 20) + 4096;
        const last = (4 << 20) - 61440;
        const m1 = mapOf(join(dir, 'm1.map'), 4 << 20, [
          [first, 8192],
          [last, 8192],
        ]);
        const m2 = mapOf(join(dir, 'm2.map'), 4 << 20, [
          [first + 4096, 4096],
          [last + 4096, 4096],
        ]);
        const maps = ['--map', `${m(1)}=${m1}`, '--map', `${m(2)}=${m2}`];
        const s: Scenario = {
          args: ['--json', ...e, 'md', 'export', 'missing', m(1), m(2), m(3), m(4), ...maps],
          outputs: ['a.img', 'a.img.map'],
          code: 4,
        };
        s.args.push('--step', '64K', '-o', 'a.img');
        const ref = tmp();
        await killAndResume(s, ref, tmp(), 4);
        const j = JSON.parse((await raidtx(s.args, { cwd: tmp() })).stdout);
        expect(j.recovered, 'recovered ranges').to.have.length.above(1);
        expect(j.lost, 'lost ranges').to.have.length.above(1);
      });
      it(`md rebuild of ${a.name} slots 0 and 4 (two images with holes and superblocks)`, async () => {
        // md 1.x superblock: device_uuid at 168..184, sb_csum at 216..220; uuids differ run to run.
        const sb = (slot: number) =>
          a.manifest.members.find((x) => x.raid_slot === slot)!.super_offset_sectors! * 512;
        const slotOf = (name: string) => (name === 'r0.img' ? 0 : 4);
        const s: Scenario = {
          args: [
            ...e,
            'md',
            'rebuild',
            m(1),
            m(2),
            m(3),
            '--step',
            '64K',
            '-o',
            '0=r0.img',
            '-o',
            '4=r4.img',
          ],
          outputs: ['r0.img', 'r4.img'],
          holes: true,
          mask(name, b) {
            const c = Buffer.from(b);
            const at = sb(slotOf(name));
            c.fill(0, at + 168, at + 184);
            c.fill(0, at + 216, at + 220);
            return c;
          },
        };
        const dir = tmp();
        const from = await killAndResume(s, tmp(), dir, 3);
        // The resumed images keep the device UUIDs the interrupted run chose, with good checksums.
        const uuids = from?.constants.deviceUuids as string[] | undefined;
        for (const [i, name] of s.outputs.entries()) {
          const at = sb(slotOf(name));
          const uuid = readFileSync(join(dir, name))
            .subarray(at + 168, at + 184)
            .toString('hex');
          if (uuids) expect(uuid).to.equal(uuids[i]);
          const x = await raidtx(['md', 'examine', '--json', join(dir, name)]);
          expect(x.code, x.stderr).to.equal(0);
          const j = JSON.parse(x.stdout) as { members: { checksumOk: boolean }[] };
          expect(j.members.map((mm) => mm.checksumOk)).to.deep.equal([true]);
        }
      });
    }
    const rs = fixtureNamed('rs1-');
    if (rs) {
      it(`md export of ${rs.name} (mid-reshape: resumes across its regions) with slot 1 missing`, async () => {
        const m = (s: number) => rs.memberPath(s);
        const s = {
          args: [...e, 'md', 'export', m(0), 'missing', m(2), m(3), m(4), '--step', '64K', '-o', 'rs.img'],
          outputs: ['rs.img'],
        };
        const ref = tmp();
        await killAndResume(s, ref, tmp(), 3);
        // And a kill once the second region has begun: the rerun goes on inside that region.
        const dir = tmp();
        const args = [...s.args, '-q', '--resume'];
        const kill = (c: ChildProcess) => c.kill('SIGKILL');
        const r = await runActing(args, dir, 'rs.img', 0, kill, undefined, (st) => st.part >= 1);
        expect(r.signal, r.stderr).to.equal('SIGKILL');
        kills++;
        const st = stateOf(dir, 'rs.img')!;
        expect(st.part).to.equal(1);
        const last = await raidtx(args, { cwd: dir, env: ENV });
        expect(last.code, last.stderr).to.equal(0);
        expect(last.stderr).to.include(`(part 2, member offset ${st.pos})`);
        expectSame(s, dir, ref);
      });
    }

    // Damaged members (DESIGN "Damaged members"): the lost ranges met before the checkpoint a run
    // resumes from are still reported (JSON, stderr, exit 4, the output maps) after it.
    const i5 = fixtureNamed('i-r5-');
    if (i5) {
      describe(`damage given by --map: ${i5.name} with slot 0 missing, bad sectors on slot 2`, () => {
        const m = (s: number) => i5.memberPath(s);
        let map = '';
        before(() => {
          // member bytes: one sector in the metadata (a healed copy loses it), then bad sectors in
          // the first, a middle and the last step of the data area (1 MiB .. 4 MiB; 48 steps of 64K)
          map = mapOf(join(tmp(), 'm2.map'), 4 << 20, [
            [512 << 10, 4096],
            [(1 << 20) + 8192, 8192],
            [2637824, 4096],
            [4190208, 4096],
          ]);
        });
        /** `md SUB` over m1..m3 (after `first`) with slot 2's bad sectors from `mapfile`, 64K steps. */
        const damaged = (sub: string, first: string[], mapfile: string, ...more: string[]): string[] => [
          ...['--json', ...e, 'md', sub, ...first, m(1), m(2), m(3)],
          ...['--map', `${m(2)}=${mapfile}`, '--step', '64K', ...more],
        ];
        it('md export: every resumed run reports the lost ranges of the interrupted one', async () => {
          const s: Scenario = {
            args: damaged('export', ['missing'], map, '-o', 'a.img'),
            outputs: ['a.img', 'a.img.map'],
            code: 4,
          };
          const ref = tmp();
          await killAndResume(s, ref, tmp(), 2);
          // And a kill between the lost ranges of the first step and those of the last: the state
          // carries the first ones only, and the resumed run reports them with the rest.
          const dir = tmp();
          const args = [...s.args, '-q', '--resume'];
          const kill = (c: ChildProcess) => c.kill('SIGKILL');
          const r = await runActing(args, dir, 'a.img', 0, kill, undefined, (st) => st.pos >= 256 << 10);
          expect(r.signal, r.stderr).to.equal('SIGKILL');
          kills++;
          const st = stateOf(dir, 'a.img')!;
          const early = { offset: 8192, length: 8192, members: [m(2)] };
          const late = { offset: 9367552, length: 4096, members: [m(2)] };
          expect(st.carried?.damage?.lost).to.deep.include(early).and.not.deep.include(late);
          const last = await raidtx(args, { cwd: dir, env: ENV });
          expect(last.code, last.stderr).to.equal(4);
          expect(JSON.parse(last.stdout).lost).to.deep.include(early).and.deep.include(late);
          expectSame(s, dir, ref);
        });
        it('md rebuild of slot 0 and a healed copy of slot 2: both reports and maps survive', async () => {
          const sb = i5.manifest.members.find((x) => x.raid_slot === 0)!.super_offset_sectors! * 512;
          const s: Scenario = {
            args: damaged('rebuild', [], map, '-o', '0=r0.img', '-o', '2=h2.img'),
            outputs: ['r0.img', 'h2.img', 'r0.img.map', 'h2.img.map'],
            holes: true,
            code: 4,
            // md 1.x superblock of the rebuilt slot: device_uuid at 168..184, sb_csum at 216..220
            mask(name, b) {
              if (name !== 'r0.img') return b;
              const c = Buffer.from(b);
              c.fill(0, sb + 168, sb + 184);
              c.fill(0, sb + 216, sb + 220);
              return c;
            },
          };
          await killAndResume(s, tmp(), tmp(), 2);
        });
        it('--strict: a lost byte fails the run, resumed or not (exit 3, nothing committed, no state kept)', async () => {
          const late = mapOf(join(tmp(), 'late.map'), 4 << 20, [[4190208, 4096]]);
          const args = (mapfile: string) =>
            damaged('export', ['missing'], mapfile, '--strict', '-o', 'a.img', '--resume');
          const failed = (r: RunResult, dir: string): void => {
            expect(r.code, r.stderr).to.equal(3);
            expect(r.stderr).to.match(/--strict: nothing committed/);
            expect(readdirSync(dir), 'nothing committed, no state or temporary kept').to.deep.equal([]);
          };
          // lost in the first step: the run stops there, before any checkpoint could carry it
          const early = tmp();
          failed(await raidtx(args(map), { cwd: early, env: ENV }), early);
          // lost in the last step only: killed before it, the resumed run meets it and fails
          const dir = tmp();
          const kill = (c: ChildProcess) => c.kill('SIGKILL');
          const r = await runActing(args(late), dir, 'a.img', 0, kill);
          if (r.signal !== 'SIGKILL') failed(r, dir);
          else {
            kills++;
            expect(stateOf(dir, 'a.img')?.pos ?? 0, 'killed before the last step').to.be.below(3 << 20);
            failed(await raidtx(args(late), { cwd: dir, env: ENV }), dir);
          }
        });
      });
    }

    describe('recover-*', () => {
      let src = '';
      before(async () => {
        src = tmp();
        writeMembers(src, randomBuffers(4, 16 << 20, 7));
        const r = await raidtx(['pq', '-P', 'P', '-Q', 'Q', 'd0', 'd1', 'd2', 'd3', '-q'], { cwd: src });
        expect(r.code, r.stderr).to.equal(0);
      });
      const at = (n: string) => join(src, n);
      /** recover-2data of data members 1 and 3 (the files named by `on`) into o1 and o3. */
      const recover2 = (on: (n: string) => string, ...more: string[]): string[] => [
        ...e,
        'recover-2data',
        on('d0'),
        'missing',
        on('d2'),
        'missing',
        '-P',
        on('P'),
        '-Q',
        on('Q'),
        ...more,
        '-o',
        'o1',
        '-o',
        'o3',
      ];
      it('recover-2data of data members 1 and 3', async () => {
        const s = { args: recover2(at), outputs: ['o1', 'o3'] };
        const dir = tmp();
        await killAndResume(s, tmp(), dir, 3);
        expect(readFileSync(join(dir, 'o1')).equals(readFileSync(at('d1')))).to.equal(true);
        expect(readFileSync(join(dir, 'o3')).equals(readFileSync(at('d3')))).to.equal(true);
      });
      it('recover-2data with bad sectors on d0 (lost bytes early and late): reported after resume', async () => {
        const mib = 1 << 20;
        const map = mapOf(join(tmp(), 'd0.map'), 16 * mib, [
          [65536, 4096],
          [15 * mib, 8192],
        ]);
        const s: Scenario = {
          args: ['--json', ...recover2(at, '--map', `${at('d0')}=${map}`, '--step', '256K')],
          outputs: ['o1', 'o3', 'o1.map', 'o3.map'],
          code: 4,
        };
        await killAndResume(s, tmp(), tmp(), 2);
      });
      describe('read errors at run time (faultfs)', () => {
        const fs = useFaultFs();
        const mib = 1 << 20;
        it('recover-2data: an eio extent met before the kill is still listed after resume', async () => {
          const dir = join(fs().backing, engine);
          mkdirSync(dir, { recursive: true });
          for (const n of ['d0', 'd2', 'P', 'Q']) writeFileSync(join(dir, n), readFileSync(at(n)));
          const on = (n: string) => join(fs().mnt, engine, n);
          // read errors on d0: in the first step, and in the last (lost: two members are missing)
          fs().faults(
            eioRules([
              { name: `${engine}/d0`, offset: 65536, length: 4096 },
              { name: `${engine}/d0`, offset: 15 * mib, length: 8192 },
            ]),
          );
          const s: Scenario = {
            args: ['--json', ...recover2(on, '--step', '256K')],
            outputs: ['o1', 'o3', 'o1.map', 'o3.map'],
            code: 4,
          };
          const from = await killAndResume(s, tmp(), tmp(), 2);
          // The run it went on from had met the first read error already (it kept it).
          if (from) expect(from.eio?.[0]).to.deep.include({ offset: 65536, length: 4096 });
        });
      });
      it('recover-datap of data member 2 with --out-p', async () => {
        const s = {
          args: [...e, 'recover-datap', at('d0'), at('d1'), 'missing', at('d3'), '-Q', at('Q')],
          outputs: ['o2', 'p'],
        };
        s.args.push('-o', 'o2', '--out-p', 'p');
        const dir = tmp();
        await killAndResume(s, tmp(), dir, 3);
        expect(readFileSync(join(dir, 'o2')).equals(readFileSync(at('d2')))).to.equal(true);
        expect(readFileSync(join(dir, 'p')).equals(readFileSync(at('P')))).to.equal(true);
      });
    });
  });
}

describe('--resume: refusals, SIGINT, fresh starts', function () {
  this.timeout(120_000);
  after(cleanupTmp);
  let src = '';
  const args = (o = 'o1') => [
    'recover-2data',
    'd0',
    'missing',
    'd2',
    'missing',
    '-P',
    'P',
    '-Q',
    'Q',
    '-o',
    o,
    '-o',
    'o3',
  ];
  before(async () => {
    src = tmp();
    const data = randomBuffers(4, 16 << 20, 9);
    writeMembers(src, data);
    const r = await raidtx(['pq', '-P', 'P', '-Q', 'Q', 'd0', 'd1', 'd2', 'd3', '-q'], { cwd: src });
    expect(r.code, r.stderr).to.equal(0);
  });
  const clean = () => {
    for (const n of readdirSync(src)) if (!/^(d\d|P|Q)$/.test(n)) rmSync(join(src, n));
  };
  const expectRecovered = () => {
    expect(readFileSync(join(src, 'o1')).equals(readFileSync(join(src, 'd1')))).to.equal(true);
    expect(readFileSync(join(src, 'o3')).equals(readFileSync(join(src, 'd3')))).to.equal(true);
    expect(leftovers(src)).to.deep.equal([]);
  };
  const interrupt = (signal: NodeJS.Signals, resume: boolean) =>
    runActing([...args(), '-q', ...(resume ? ['--resume'] : [])], src, 'o1', 5, (c) => c.kill(signal));

  it('SIGINT with --resume: exit 130, temporaries and state kept; --resume then finishes', async () => {
    clean();
    const r = await interrupt('SIGINT', true);
    expect(r.code, r.stderr).to.equal(130);
    expect(r.stderr).to.match(/interrupted by SIGINT/);
    const kept = leftovers(src);
    expect(kept.filter((n) => n.endsWith('.raidtx-state'))).to.deep.equal(['.o1.raidtx-state']);
    expect(kept.filter((n) => n.includes('.raidtx-tmp-'))).to.have.length(2);
    expect(existsSync(join(src, 'o1'))).to.equal(false);
    const s = stateOf(src, 'o1')!;
    const tmpO1 = kept.find((n) => n.startsWith('.o1.raidtx-tmp-'))!;
    expect(statSync(join(src, tmpO1)).size).to.be.at.least(s.pos);
    const again = await raidtx([...args(), '--resume'], { cwd: src, env: ENV });
    expect(again.code, again.stderr).to.equal(0);
    expect(again.stderr).to.include(
      `going on from the checkpoint of the interrupted run (member offset ${s.pos})`,
    );
    expectRecovered();
  });

  it('SIGTERM without --resume: exit 130, nothing kept (as before)', async () => {
    clean();
    // The run writes no state without --resume: interrupt it once its temporary has grown.
    const r = await raidtx([...args(), '-q'], {
      cwd: src,
      onSpawn(child) {
        const poll = setInterval(() => {
          const t = readdirSync(src).find((n) => n.startsWith('.o1.raidtx-tmp-'));
          if (t && statSync(join(src, t), { throwIfNoEntry: false })?.size) {
            clearInterval(poll);
            child.kill('SIGTERM');
          }
        }, 2);
        child.on('exit', () => clearInterval(poll));
      },
    });
    expect(r.code, r.stderr).to.equal(130);
    expect(leftovers(src)).to.deep.equal([]);
  });

  it('a member touched since the interrupted run: exit 2 naming it, kept files untouched', async () => {
    clean();
    const r = await interrupt('SIGKILL', true);
    expect(r.signal).to.equal('SIGKILL');
    const before = snapshot(src);
    const when = new Date(Date.now() + 5000);
    utimesSync(join(src, 'd2'), when, when);
    const refused = await raidtx([...args(), '--resume'], { cwd: src, env: ENV });
    expect(refused.code, refused.stderr).to.equal(2);
    expect(refused.stderr).to.match(/--resume: member 'd2' changed since the interrupted run \(mtime /);
    expect(refused.stderr).to.include('run without --resume to start over');
    expect(refused.stderr).not.to.match(/^\s+at /m);
    expect(snapshot(src)).to.deep.equal(before);
    // Without --resume: the stale temporaries and state are cleaned, the result is right.
    const plain = await raidtx([...args(), '-q'], { cwd: src });
    expect(plain.code, plain.stderr).to.equal(0);
    expectRecovered();
  });

  it('members whose size changed: exit 2 naming the first and both sizes', async () => {
    clean();
    const r = await interrupt('SIGKILL', true);
    expect(r.signal).to.equal('SIGKILL');
    const inputs = ['d0', 'd2', 'P', 'Q'].map((n) => join(src, n));
    const size = statSync(inputs[0]!).size;
    try {
      // All grown alike (zeros appended), so that only --resume has something to refuse.
      for (const p of inputs) truncateSync(p, size + 4096);
      const before = snapshot(src);
      const refused = await raidtx([...args(), '--resume'], { cwd: src, env: ENV });
      expect(refused.code, refused.stderr).to.equal(2);
      expect(refused.stderr).to.include(
        `--resume: member 'd0' changed since the interrupted run (size ${size} -> ${size + 4096})`,
      );
      expect(snapshot(src)).to.deep.equal(before);
    } finally {
      for (const p of inputs) truncateSync(p, size);
    }
  });

  it('a different command line: exit 2 quoting the interrupted one', async () => {
    clean();
    const r = await interrupt('SIGKILL', true);
    expect(r.signal).to.equal('SIGKILL');
    const before = snapshot(src);
    const refused = await raidtx([...args(), '--verify', '--resume'], { cwd: src, env: ENV });
    expect(refused.code, refused.stderr).to.equal(2);
    expect(refused.stderr).to.match(
      /--resume: the interrupted run was 'raidtx recover-2data d0 missing d2 missing -P P -Q Q -o o1 -o o3' in '/,
    );
    expect(snapshot(src)).to.deep.equal(before);
  });

  it('--resume with no state: a fresh start, said on stderr', async () => {
    clean();
    const r = await raidtx([...args(), '--resume'], { cwd: src, env: ENV });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stderr).to.match(
      /--resume: no state of an interrupted run at '.*\/\.o1\.raidtx-state'; starting from scratch/,
    );
    expectRecovered();
  });

  it('md export -o - --resume: exit 2 naming the options', async function () {
    const fx = fixtureNamed('a-');
    if (!fx) return this.skip();
    const r = await raidtx([
      'md',
      'export',
      fx.memberPath(0),
      fx.memberPath(1),
      fx.memberPath(2),
      fx.memberPath(3),
      fx.memberPath(4),
      '-o',
      '-',
      '--resume',
    ]);
    expect(r.code, r.stderr).to.equal(2);
    expect(r.stderr).to.include('md export: --resume needs a file output; -o - (stdout) cannot be resumed');
    expect(r.stdout).to.equal('');
  });

  it('a block-device output with --resume: exit 2 naming it, nothing created', async function () {
    clean();
    let dev = '';
    try {
      writeFileSync(join(src, 'disk'), Buffer.alloc(16 << 20));
      dev = execFileSync('losetup', ['-f', '--show', join(src, 'disk')], { stdio: 'pipe' })
        .toString()
        .trim();
    } catch (err) {
      lacking(this, `losetup unavailable here (${(err as Error).message.split('\n')[0]})`);
    }
    try {
      const before = snapshot(src);
      const r = await raidtx(['--force', ...args(dev), '--resume'], { cwd: src, env: ENV });
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.include(`output '${dev}' is a block device: --resume needs file outputs`);
      expect(snapshot(src)).to.deep.equal(before);
    } finally {
      execFileSync('losetup', ['-d', dev]);
    }
  });

  it('kills across all the suites: at least 20', function () {
    // Only a run of the whole file on both engines makes them all (not one filtered with --grep).
    if (kills === 0 || nativeMissing) this.skip();
    expect(kills).to.be.at.least(20);
  });
});
