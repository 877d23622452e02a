// raidtx md layout (spawned): the first stripes' placement grid, pinned in plain text for layouts
// worked out by hand from DESIGN.md's placement rules, and checked against the content of arrays the
// kernel's md driver wrote (each D cell holds that array chunk, each P cell the XOR of its stripe).

import { closeSync, openSync, readSync } from 'node:fs';
import { expect } from 'chai';
import { md, membersOf } from '../../helpers/md-cli.js';
import { eachFixture, type Fixture, fixtureNamed } from '../../helpers/md-fixtures.js';

const none = (n: number): string[] => Array.from({ length: n }, () => 'missing');
const geo = (level: number, layout: string, n: number): string[] => [
  '--level',
  String(level),
  '--layout',
  layout,
  '--chunk',
  '64K',
  '--raid-disks',
  String(n),
  ...none(n),
];
const missingSlots = (n: number): string[] => Array.from({ length: n }, (_, s) => `  slot ${s}: missing`);

function read(path: string, offset: number, length: number): Buffer {
  const b = Buffer.alloc(length);
  const fd = openSync(path, 'r');
  try {
    readSync(fd, b, 0, length, offset);
  } finally {
    closeSync(fd);
  }
  return b;
}

describe('raidtx md layout (spawned): the placement grid from explicit geometry', function () {
  this.timeout(60000);

  const pinned: [string, string[], string[]][] = [
    [
      // DESIGN: P = n-1-(s mod n), Q = P+1, data k on (P+2+k) mod n; stripe 0: P on 4, Q on 0
      'RAID6 left-symmetric, 5 members: one full rotation',
      geo(6, 'left-symmetric', 5),
      [
        'md layout: RAID6 left-symmetric, chunk 64 KiB, 5 members; the placement repeats every 5 stripes',
        'stripe  member offset  slot 0  slot 1  slot 2  slot 3  slot 4',
        '     0              0  Q       D0      D1      D2      P',
        '     1          65536  D3      D4      D5      P       Q',
        '     2         131072  D7      D8      P       Q       D6',
        '     3         196608  D11     P       Q       D9      D10',
        '     4         262144  P       Q       D12     D13     D14',
        ...missingSlots(5),
      ],
    ],
    [
      // DESIGN: P = n-1-(s mod n), data k on k (k < P) or k+1
      'RAID5 left-asymmetric, 4 members',
      geo(5, 'left-asymmetric', 4),
      [
        'md layout: RAID5 left-asymmetric, chunk 64 KiB, 4 members; the placement repeats every 4 stripes',
        'stripe  member offset  slot 0  slot 1  slot 2  slot 3',
        '     0              0  D0      D1      D2      P',
        '     1          65536  D3      D4      P       D5',
        '     2         131072  D6      P       D7      D8',
        '     3         196608  P       D9      D10     D11',
        ...missingSlots(4),
      ],
    ],
    [
      // DESIGN "-6": P = n-2-(s mod (n-1)), data k on (P+1+k) mod (n-1), Q always on n-1
      'RAID6 left-symmetric-6, 5 members',
      geo(6, 'left-symmetric-6', 5),
      [
        'md layout: RAID6 left-symmetric-6, chunk 64 KiB, 5 members; the placement repeats every 4 stripes',
        'stripe  member offset  slot 0  slot 1  slot 2  slot 3  slot 4',
        '     0              0  D0      D1      D2      P       Q',
        '     1          65536  D4      D5      P       D3      Q',
        '     2         131072  D8      P       D6      D7      Q',
        '     3         196608  P       D9      D10     D11     Q',
        ...missingSlots(5),
      ],
    ],
    [
      // DESIGN: ddf-N-continue P = n-1-(s mod n), Q = P-1, data k on (P+1+k) mod n
      'RAID6 ddf-N-continue, 5 members, --stripes 2',
      [...geo(6, 'ddf-N-continue', 5), '--stripes', '2'],
      [
        'md layout: RAID6 ddf-N-continue, chunk 64 KiB, 5 members; the placement repeats every 5 stripes',
        'stripe  member offset  slot 0  slot 1  slot 2  slot 3  slot 4',
        '     0              0  D0      D1      D2      Q       P',
        '     1          65536  D4      D5      Q       P       D3',
        ...missingSlots(5),
      ],
    ],
    [
      // DESIGN: parity-first P = 0, Q = 1, data k on k+2; nothing rotates (4 stripes by default)
      'RAID6 parity-first, 4 members',
      geo(6, 'parity-first', 4),
      [
        'md layout: RAID6 parity-first, chunk 64 KiB, 4 members; parity does not rotate',
        'stripe  member offset  slot 0  slot 1  slot 2  slot 3',
        '     0              0  P       Q       D0      D1',
        '     1          65536  P       Q       D2      D3',
        '     2         131072  P       Q       D4      D5',
        '     3         196608  P       Q       D6      D7',
        ...missingSlots(4),
      ],
    ],
  ];
  for (const [name, args, lines] of pinned) {
    it(`${name}: the plain grid, piped (no colour codes even without NO_COLOR)`, async () => {
      const r = await md(['md', 'layout', ...args], { env: { NO_COLOR: undefined } });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal(`${lines.join('\n')}\n`);
      expect(r.stderr).to.equal('');
    });
  }

  it('--json gives the grid as data, one object and no drawing', async () => {
    const r = await md(['--json', 'md', 'layout', ...geo(6, 'left-symmetric', 5), '--stripes', '2']);
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.equal(`${JSON.stringify(r.json)}\n`);
    expect(r.json).to.deep.equal({
      command: 'md layout',
      ok: true,
      level: 6,
      layout: 'left-symmetric',
      chunk: 65536,
      raidDisks: 5,
      period: 5,
      slots: Array.from({ length: 5 }, (_, slot) => ({ slot, path: null, dataOffset: null })),
      stripes: [
        { stripe: 0, memberOffset: 0, cells: ['Q', 'D0', 'D1', 'D2', 'P'] },
        { stripe: 1, memberOffset: 65536, cells: ['D3', 'D4', 'D5', 'P', 'Q'] },
      ],
    });
  });

  it('wide arrays show 16 stripes by default; --stripes asks for more', async () => {
    const wide = [
      '--level',
      '6',
      '--layout',
      'left-symmetric',
      '--chunk',
      '4K',
      '--raid-disks',
      '20',
      ...none(20),
    ];
    const r = await md(['--json', 'md', 'layout', ...wide]);
    expect(r.json.period).to.equal(20);
    expect((r.json.stripes as unknown[]).length).to.equal(16);
    const more = await md(['--json', 'md', 'layout', ...wide, '--stripes', '20']);
    expect((more.json.stripes as unknown[]).length).to.equal(20);
  });

  const refused: [string, string[], RegExp][] = [
    [
      '--stripes 0',
      [...geo(6, 'left-symmetric', 5), '--stripes', '0'],
      /--stripes: want a count of stripes 1\.\.1024, got '0'/,
    ],
    ['--stripes 2x', [...geo(6, 'left-symmetric', 5), '--stripes', '2x'], /--stripes: want a count.*'2x'/],
    ['no geometry for members without superblocks', none(5), /give the geometry.*--level is missing/],
    ['an unknown layout', geo(6, 'left-symetric', 5), /--layout: unknown layout 'left-symetric'/],
    [
      'a member count that is not --raid-disks',
      ['--level', '5', '--layout', 'left-symmetric', '--chunk', '64K', '--raid-disks', '4', ...none(3)],
      /--raid-disks 4 but 3 members given/,
    ],
  ];
  for (const [name, args, message] of refused) {
    it(`refuses ${name} (exit 2, nothing on stdout)`, async () => {
      const r = await md(['md', 'layout', ...args]);
      expect(r.code, r.stderr).to.equal(2);
      expect(r.stderr).to.match(message);
      expect(r.stdout).to.equal('');
    });
  }
});

describe('raidtx md layout (spawned) on kernel-made arrays', function () {
  this.timeout(120000);

  const contentCheck = (fx: Fixture): void => {
    it(`${fx.name}: every D cell holds that array chunk, every P cell its stripe's XOR`, async () => {
      const m = fx.manifest;
      const r = await md(['--json', 'md', 'layout', ...[...membersOf(fx)].reverse()]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.json).to.include({
        level: m.level,
        layout: m.layout,
        chunk: m.chunk_bytes,
        raidDisks: m.raid_disks,
      });
      const slots = r.json.slots as { slot: number; path: string; dataOffset: number }[];
      for (const s of slots) {
        const mine = m.members.find((x) => x.raid_slot === s.slot)!;
        expect(s.path).to.equal(fx.memberPath(s.slot));
        expect(s.dataOffset, `slot ${s.slot}`).to.equal(mine.data_offset_bytes);
      }
      const stripes = r.json.stripes as { stripe: number; memberOffset: number; cells: string[] }[];
      expect(stripes.length).to.be.at.least(Math.min(4, m.stripes));
      const truth = `${fx.dir}/truth.img`;
      const c = m.chunk_bytes;
      const seen = new Set<string>();
      for (const row of stripes) {
        const chunks = row.cells.map((_, slot) =>
          read(fx.memberPath(slot), slots[slot]!.dataOffset + row.memberOffset, c),
        );
        const p = Buffer.alloc(c);
        row.cells.forEach((cell, slot) => {
          if (!cell.startsWith('D')) return;
          const want = read(truth, Number(cell.slice(1)) * c, c);
          seen.add(want.toString('hex', 0, 64));
          expect(chunks[slot]!.equals(want), `stripe ${row.stripe} slot ${slot} ${cell}`).to.equal(true);
          for (let i = 0; i < c; i++) p[i]! ^= want[i]!;
        });
        const pSlot = row.cells.indexOf('P');
        expect(chunks[pSlot]!.equals(p), `stripe ${row.stripe} P on slot ${pSlot}`).to.equal(true);
        expect(row.cells.filter((x) => x === 'Q').length).to.equal(m.level === 6 ? 1 : 0);
      }
      // the array content differs chunk by chunk, so that the equalities above mean something
      expect(seen.size).to.be.above(1);
    });
  };
  eachFixture(contentCheck);
  // firmware RAID (DDF) members: slots and data starts from the DDF records
  for (const prefix of ['fw2-', 'fw3-', 'fw4-', 'fw5-']) {
    const fx = fixtureNamed(prefix);
    if (fx) contentCheck(fx);
  }

  const a = fixtureNamed('a-');
  if (a) {
    it("a missing member: its slot says so, the grid is the array's; piped output carries no colour", async () => {
      const given = [a.memberPath(0), a.memberPath(1), a.memberPath(3)];
      const r = await md(['md', 'layout', ...given, '--stripes', '2'], { env: { NO_COLOR: undefined } });
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout).to.equal(
        [
          'md layout: RAID6 left-symmetric, chunk 64 KiB, 5 members; the placement repeats every 5 stripes',
          'stripe  member offset  slot 0  slot 1  slot 2  slot 3  slot 4',
          '     0              0  Q       D0      D1      D2      P',
          '     1          65536  D3      D4      D5      P       Q',
          `  slot 0: '${a.memberPath(0)}', data at 1048576`,
          `  slot 1: '${a.memberPath(1)}', data at 1048576`,
          '  slot 2: missing',
          `  slot 3: '${a.memberPath(3)}', data at 1048576`,
          '  slot 4: missing',
          '',
        ].join('\n'),
      );
    });
    it('FORCE_COLOR colours P and Q (the terminal form)', async () => {
      const r = await md(['md', 'layout', ...membersOf(a), '--stripes', '1'], {
        env: { NO_COLOR: undefined, FORCE_COLOR: '1' },
      });
      expect(r.stdout).to.contain('\x1b[33mP\x1b[39m');
      expect(r.stdout).to.contain('\x1b[36mQ\x1b[39m');
    });
  }
});
