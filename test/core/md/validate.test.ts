// md superblock validation (src/core/md/validate.ts), in process: every kernel-made superblock passes;
// each hostile edit is refused naming the field; the cross-member rules; and assembly's choices
// (several superblocks, --metadata, explicit geometry errors worded per field).

import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { UsageError } from '../../../src/core/errors.js';
import { FieldError } from '../../../src/core/field-error.js';
import { parseMemberSpec } from '../../../src/core/io/member.js';
import { type AssembleOptions, assembleArray, closeArray } from '../../../src/core/md/array.js';
import { boundedList, disagreement, featureNames } from '../../../src/core/md/describe.js';
import { parseSuperblock0, parseSuperblock1 } from '../../../src/core/md/superblock.js';
import { checkSuperblock } from '../../../src/core/md/validate.js';
import { loadFixtures } from '../../helpers/md-fixtures.js';
import {
  type Edits,
  editBytes,
  readSuperblockBytes,
  type SbKind,
  superOffset,
  writeSuperblockBytes,
} from '../../helpers/md-superblock-editor.js';
import { lackingTest } from '../../helpers/prereq.js';

const { fixtures, reason } = loadFixtures();
const skip = fixtures.length === 0 ? reason : null;
const kebab = (f: string): string => `--${f.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

function parsed(path: string, kind: SbKind, size: number, edits: Edits = {}) {
  const raw = editBytes(kind, readSuperblockBytes(path, kind), edits);
  const at = superOffset(kind, size);
  return kind === '0.90' ? parseSuperblock0(raw, at)! : parseSuperblock1(raw, at)!;
}

describe('md superblock validation', () => {
  if (skip) {
    lackingTest('kernel-made md fixtures', skip);
    return;
  }
  it('accepts every superblock the kernel wrote (but a write-journal array, refused on purpose)', () => {
    for (const fx of fixtures) {
      const extras = (fx.manifest as { requested?: { extras?: string } }).requested?.extras ?? '';
      if (extras.split(',').includes('journal')) continue;
      for (const m of fx.manifest.members) {
        const sb = parsed(join(fx.dir, m.file), fx.manifest.metadata as SbKind, m.image_bytes);
        expect(checkSuperblock(sb, m.image_bytes), `${fx.name} ${m.file}`).to.equal(null);
      }
    }
  });

  const cases: [string, SbKind, Edits, string][] = [
    ['b-', '1.2', { chunksize: 3000 }, 'chunksize'],
    ['b-', '1.2', { chunksize: 0 }, 'chunksize'],
    ['b-', '1.2', { raid_disks: 0xffffffff }, 'raid_disks'],
    ['b-', '1.2', { level: 10 }, 'level'],
    ['b-', '1.2', { layout: 11 }, 'layout'],
    ['b-', '1.2', { size: 0n }, 'size'],
    ['b-', '1.2', { data_offset: 4n }, 'data_offset'],
    ['b-', '1.2', { max_dev: 5000 }, 'max_dev'],
    ['b-', '1.2', { feature_map: 4 }, 'feature_map'],
    ['b-', '1.2', { feature_map: 1 << 20 }, 'feature_map'],
    ['b-', '1.2', { bblog_offset: -16 }, 'bblog_offset'],
    ['b-', '1.2', { super_offset: 16n }, 'super_offset'],
    ['b-', '1.2', { sb_csum: 0 }, 'sb_csum'],
    ['u-', '1.0', { data_size: 5000n }, 'data_size'],
    ['u-', '1.0', { size: 4070n }, 'size'],
    ['s-', '1.1', { data_offset: 0n }, 'data_offset'],
    ['q-', '0.90', { minor_version: 91 }, 'minor_version'],
    ['q-', '0.90', { size: 4000 }, 'size'],
    ['q-', '0.90', { chunk_size: 100 }, 'chunk_size'],
    ['q-', '0.90', { state: 1 << 4 }, 'state'],
    ['q-', '0.90', { 'this_disk.number': 27 }, 'this_disk.number'],
  ];
  for (const [prefix, kind, edits, field] of cases) {
    it(`${kind} ${JSON.stringify(edits, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))}: refused naming ${field}`, function () {
      const fx = fixtures.find((f) => f.name.startsWith(prefix));
      if (!fx) this.skip();
      const m = fx!.manifest.members[1]!;
      const p = checkSuperblock(parsed(join(fx!.dir, m.file), kind, m.image_bytes, edits), m.image_bytes);
      expect(p?.field).to.equal(field);
    });
  }

  it('names feature bits, bounds lists, and finds the first array-wide disagreement', () => {
    expect(featureNames(4 | 8)).to.equal('RESHAPE_ACTIVE|BAD_BLOCKS');
    expect(featureNames(0x10000)).to.equal('unknown 0x10000');
    expect(boundedList(Array.from({ length: 1000 }, (_, i) => i))).to.equal(
      '0, 1, 2, 3, 4, ... (1000 in all)',
    );
    const fx = fixtures.find((f) => f.name.startsWith('b-'))!;
    const m = fx.manifest.members[0]!;
    const a = parsed(join(fx.dir, m.file), '1.2', m.image_bytes);
    const b = parsed(join(fx.dir, m.file), '1.2', m.image_bytes, { size: 6000n });
    expect(disagreement(a, b)).to.deep.equal(['size', '3145728 bytes', '3072000 bytes']);
    expect(disagreement(a, a)).to.equal(null);
  });
});

describe('md assembly: choices and errors', () => {
  if (skip) {
    lackingTest('kernel-made md fixtures', skip);
    return;
  }
  const opts = (o: Partial<AssembleOptions> = {}): AssembleOptions => ({
    explicit: {},
    includeStale: false,
    offset: 0,
    ...o,
  });
  const spec = (path: string) => parseMemberSpec(path);
  let tmp = '';
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'raidtx-md-validate-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('reports the other superblocks of a member and where a rebuilt member keeps its data', async () => {
    const d = fixtures.find((f) => f.name.startsWith('d-'))!;
    const e = fixtures.find((f) => f.name.startsWith('e-'))!;
    const paths = Array.from({ length: 6 }, (_, s) => {
      const p = join(tmp, `d${s}.img`);
      copyFileSync(d.memberPath(s), p);
      if (s < 5) writeSuperblockBytes(p, '0.90', readSuperblockBytes(e.memberPath(s), '0.90'));
      return p;
    });
    const a = await assembleArray(paths.map(spec), opts());
    try {
      expect(a.metadata).to.equal('1.0');
      expect(a.members[0]!.otherSuperblocks.map((o) => [o.metadata, o.problem])).to.deep.equal([
        ['0.90', null],
      ]);
      expect(a.members[5]!.otherSuperblocks).to.deep.equal([]);
      expect(a.peerMember?.sb).to.equal(a.peer);
      expect(a.rebuildDataOffset).to.equal(0);
    } finally {
      await closeArray(a);
    }
    const only = await assembleArray(paths.slice(0, 5).map(spec), opts({ metadata: '0.90' }));
    try {
      expect(only.metadata).to.equal('0.90');
      expect(only.members[0]!.otherSuperblocks[0]!.metadata).to.equal('1.0');
    } finally {
      await closeArray(only);
    }
  });

  it('explicit geometry errors are FieldErrors that the command line words with its options', async () => {
    const b = fixtures.find((f) => f.name.startsWith('b-'))!;
    const members = Array.from({ length: 4 }, (_, s) => spec(b.memberPath(s)));
    const fails = async (o: Partial<AssembleOptions>, field: string, text: RegExp) => {
      const err = await assembleArray(members, opts(o)).then(
        () => null,
        (x: unknown) => x,
      );
      expect(err).to.be.instanceOf(FieldError);
      expect((err as FieldError).field).to.equal(field);
      expect((err as FieldError).render(kebab)).to.match(text);
    };
    await fails(
      { explicit: { layout: 'right-symmetric' } },
      'layout',
      /^md: --layout right-symmetric contradicts/,
    );
    await fails({ explicit: { raidDisks: 5 } }, 'raidDisks', /^md: --raid-disks 5 contradicts/);
    await fails({ explicit: { chunk: 4096 } }, 'chunk', /^md: --chunk 4096 contradicts/);
    await fails({ metadata: '1.3' }, 'metadata', /--metadata '1.3' is not an md metadata version/);
    await fails({ metadata: '0.90' }, 'metadata', /holds no md superblock of --metadata 0.90 \(found: 1.2\)/);
  });

  it('without superblocks: each missing or bad geometry option is named', async () => {
    const b = fixtures.find((f) => f.name.startsWith('b-'))!;
    const raw = [
      spec(join(b.dir, 'truth.img')),
      spec(join(b.dir, 'truth.img')),
      spec(join(b.dir, 'truth.img')),
      spec(join(b.dir, 'truth.img')),
    ];
    const field = async (explicit: AssembleOptions['explicit']) =>
      assembleArray(raw, opts({ explicit })).then(
        () => null,
        (x: FieldError) => [x.field, x.render(kebab)],
      );
    expect((await field({}))![1]).to.match(/--level is missing, and 3 more/);
    const g = { level: 6, layout: 'left-symmetric', chunk: 65536, raidDisks: 4 };
    expect((await field({ ...g, chunk: 3000 }))![0]).to.equal('chunk');
    expect((await field({ ...g, chunk: 0 }))![0]).to.equal('chunk');
    expect((await field({ ...g, raidDisks: 0xffffffff }))![0]).to.equal('raidDisks');
    expect((await field({ ...g, level: 1 }))![0]).to.equal('level');
    expect((await field({ ...g, raidDisks: 5 }))![1]).to.match(/--raid-disks 5 but 4 members given/);
  });

  it('an unclean shutdown recorded by the freshest superblock makes the array dirty', async () => {
    const b = fixtures.find((f) => f.name.startsWith('b-'))!;
    const paths = Array.from({ length: 4 }, (_, s) => {
      const p = join(tmp, `dirty${s}.img`);
      copyFileSync(b.memberPath(s), p);
      writeSuperblockBytes(p, '1.2', editBytes('1.2', readSuperblockBytes(p, '1.2'), { resync_offset: 0n }));
      return p;
    });
    const clean = await assembleArray(
      Array.from({ length: 4 }, (_, s) => spec(b.memberPath(s))),
      opts(),
    );
    const dirty = await assembleArray(paths.map(spec), opts());
    try {
      expect([clean.dirty, dirty.dirty]).to.deep.equal([false, true]);
    } finally {
      await closeArray(clean);
      await closeArray(dirty);
    }
  });

  it('a member whose only superblock is invalid is refused naming member, field and value', async () => {
    const b = fixtures.find((f) => f.name.startsWith('b-'))!;
    const bad = join(tmp, 'bad.img');
    copyFileSync(b.memberPath(1), bad);
    writeSuperblockBytes(bad, '1.2', editBytes('1.2', readSuperblockBytes(bad, '1.2'), { chunksize: 3000 }));
    const err = await assembleArray([spec(b.memberPath(0)), spec(bad)], opts()).then(
      () => null,
      (x: unknown) => x,
    );
    expect(err).to.be.instanceOf(UsageError);
    expect((err as Error).message).to.equal(
      `md: '${bad}': 1.2 superblock: chunksize 3000 sectors: not a power of two`,
    );
  });
});
