// Property (fast-check): a random single-field edit of one member's superblock (random field, random
// or nearby value, checksum fixed) never makes `raidtx md export` exit 0 with a wrong image. Every run
// ends either refused (exit 2, no stack trace, no output) or with an image equal to truth.img.
// RAIDTX_MD_PROPERTY_RUNS sets the number of samples (default 48), RAIDTX_MD_PROPERTY_SEED the seed.

import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import fc from 'fast-check';
import { md, type Run, sha } from '../../helpers/md-cli.js';
import { type Fixture, loadFixtures } from '../../helpers/md-fixtures.js';
import {
  detect,
  editSuperblock,
  FIELDS_1,
  getField,
  readSuperblockBytes,
  type SbKind,
  WORDS_0,
} from '../../helpers/md-superblock-editor.js';
import { lackingTest } from '../../helpers/prereq.js';

const { fixtures, reason } = loadFixtures();
const skip = fixtures.length === 0 ? reason : null;
const RUNS = Number(process.env.RAIDTX_MD_PROPERTY_RUNS ?? 48);
const SEED = Number(process.env.RAIDTX_MD_PROPERTY_SEED ?? 20261129);

interface Sample {
  fx: number;
  slot: number;
  field: number;
  value: bigint;
  how: 'random' | 'near' | 'edge';
}

const EDGES = [0n, 1n, 2n, 0x7fffffffn, 0x80000000n, 0xffffffffn, 2n ** 63n, 2n ** 64n - 1n];

describe('raidtx md export (spawned), property: random single-field superblock edits', function () {
  this.timeout(240000);
  const why = skip;
  const pool = ['b-', 'u-', 's-', 'q-', 'i-']
    .map((p) => fixtures.find((f) => f.name.startsWith(p)))
    .filter((f): f is Fixture => f !== undefined);
  if (why || pool.length === 0) {
    lackingTest('kernel-made md fixtures', `${why ?? 'no small fixtures'}`);
    return;
  }
  // sb_csum and magic are left out: a broken checksum or magic is a plain "not a superblock" case.
  const fieldsOf = (kind: SbKind): string[] =>
    kind === '0.90'
      ? Object.keys(WORDS_0).filter((f) => f !== 'sb_csum' && f !== 'md_magic')
      : [...Object.keys(FIELDS_1).filter((f) => f !== 'sb_csum' && f !== 'magic'), 'dev_roles[self]'];

  const samples = fc.sample(
    fc.record<Sample>({
      fx: fc.nat(pool.length - 1),
      slot: fc.nat(3),
      field: fc.nat(200),
      value: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }),
      how: fc.constantFrom('random', 'near', 'edge'),
    }),
    { numRuns: RUNS, seed: SEED },
  );
  let root = '';
  const results: { s: Sample; what: string; dir: string; fx: Fixture; r?: Run }[] = [];
  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'raidtx-md-property-'));
    samples.forEach((s, i) => {
      const fx = pool[s.fx]!;
      const kind = fx.manifest.metadata as SbKind;
      const names = fieldsOf(kind);
      const field = names[s.field % names.length]!;
      const dir = join(root, `s${i}`);
      mkdirSync(dir);
      const target = join(dir, `member${s.slot}.img`);
      copyFileSync(fx.memberPath(s.slot), target);
      const old = getField(kind, readSuperblockBytes(target, kind), field);
      const delta = (s.value % 17n) - 8n;
      const value =
        s.how === 'random'
          ? s.value
          : s.how === 'near'
            ? old + (delta === 0n ? 1n : delta)
            : EDGES[Number(s.value % BigInt(EDGES.length))]!;
      editSuperblock(target, { [field]: value }, detect(target) ?? kind);
      results.push({ s, what: `${fx.name} slot ${s.slot}: ${field} ${old} -> ${value}`, dir, fx });
    });
    let next = 0;
    await Promise.all(
      Array.from({ length: 3 }, async () => {
        while (next < results.length) {
          const x = results[next++]!;
          const members = Array.from({ length: x.fx.manifest.raid_disks }, (_, slot) =>
            slot === x.s.slot ? join(x.dir, `member${slot}.img`) : x.fx.memberPath(slot),
          );
          x.r = await md(['md', 'export', ...members, '-o', join(x.dir, 'out.img')]);
        }
      }),
    );
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it(`${RUNS} samples (seed ${SEED}): exit 0 only with the right image, else exit 2 cleanly`, () => {
    const truths = new Map<string, string>();
    const wrong: string[] = [];
    let refused = 0;
    for (const x of results) {
      const r = x.r!;
      const out = join(x.dir, 'out.img');
      if (r.code === 0) {
        const truth = truths.get(x.fx.name) ?? sha(readFileSync(join(x.fx.dir, 'truth.img')));
        truths.set(x.fx.name, truth);
        if (sha(readFileSync(out)) !== truth) wrong.push(`${x.what}: exit 0 with a wrong image`);
      } else {
        refused++;
        if (r.code !== 2) wrong.push(`${x.what}: exit ${r.code}: ${r.stderr.slice(0, 300)}`);
        if (/\n\s+at /.test(r.stderr)) wrong.push(`${x.what}: stack trace`);
        if (existsSync(out) || readdirSync(x.dir).some((n) => n.includes('raidtx-tmp')))
          wrong.push(`${x.what}: output or temporary left`);
      }
    }
    expect(wrong, wrong.join('\n')).to.deep.equal([]);
    console.log(`      (${refused} refused, ${results.length - refused} right)`);
  });
});
