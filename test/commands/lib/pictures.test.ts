// The pictures as pure functions (src/commands/lib/pictures.ts): their plain-text form pinned, the
// colours only where asked for. The spawned suites check where each picture appears and where not.

import { expect } from 'chai';
import { Chalk } from 'chalk';
import {
  clock,
  drawGrid,
  drawSlots,
  drawStrip,
  progressLine,
  STRIP_CELLS,
  stripCells,
  stripTail,
} from '../../../src/commands/lib/pictures.js';

const plain = new Chalk({ level: 0 });
const colour = new Chalk({ level: 1 });
const ESC = '\x1b[';

describe('pictures: the slot rows of md examine', () => {
  const rows = [
    { slot: 0, path: 'a.img', state: 'active', events: 20 },
    { slot: 1, path: null, state: 'missing', events: null },
    { slot: 2, path: 'c.img', state: 'recovering', events: 7, valid: 0.35 },
    { slot: 3, path: 'd.img', state: 'stale', events: 19 },
    { slot: null, path: 'j.img', state: 'journal', events: 20 },
  ];
  it('draws one row per slot: bar, state, events, member (plain)', () => {
    expect(drawSlots(rows, plain)).to.deep.equal([
      'slots (# in use, . not valid, ~ stale):',
      '  slot 0  [##########]  active      events 20  a.img',
      '  slot 1  [          ]  missing',
      '  slot 2  [###.......]  recovering  events  7  c.img',
      '  slot 3  [~~~~~~~~~~]  stale       events 19  d.img',
      '  slot -  [..........]  journal     events 20  j.img',
    ]);
  });
  it('a reshape shows the moved share on its side, and says what = means', () => {
    const fwd = {
      slot: 0,
      path: 'a',
      state: 'reshape',
      events: 5,
      reshaped: { fraction: 0.63, backwards: false },
    };
    const back = { ...fwd, slot: 1, reshaped: { fraction: 0.25, backwards: true } };
    expect(drawSlots([fwd, back], plain)).to.deep.equal([
      'slots (# in use, . not valid, ~ stale, = new geometry):',
      '  slot 0  [======####]  reshape  events 5  a',
      '  slot 1  [#######===]  reshape  events 5  a',
    ]);
  });
  it('colours the state only when asked, and the text stays the same', () => {
    const lines = drawSlots(rows, colour);
    expect(lines.join('\n')).to.contain(`${ESC}32m`); // active in green
    expect(lines.join('\n')).to.contain(`${ESC}31m`); // missing in red
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour codes
    expect(lines.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''))).to.deep.equal(drawSlots(rows, plain));
    expect(drawSlots(rows, plain).join('\n')).to.not.contain(ESC);
  });
});

describe('pictures: the stripe grid of md layout', () => {
  const rows = [
    { stripe: 0, memberOffset: 0, cells: ['Q', 'D0', 'D1', 'D2', 'P'] },
    { stripe: 1, memberOffset: 65536, cells: ['D3', 'D4', 'D5', 'P', 'Q'] },
  ];
  it('a header of slots, then stripe, member offset and one cell per slot', () => {
    expect(drawGrid(rows, new Set([1]), plain)).to.deep.equal([
      'stripe  member offset  slot 0  slot 1  slot 2  slot 3  slot 4',
      '     0              0  Q       D0      D1      D2      P',
      '     1          65536  D3      D4      D5      P       Q',
    ]);
  });
  it('colours P and Q and dims missing slots on a terminal only', () => {
    const text = drawGrid(rows, new Set([1]), colour).join('\n');
    expect(text).to.contain(`${ESC}33mP`);
    expect(text).to.contain(`${ESC}36mQ`);
    expect(text).to.contain(`${ESC}2mD0`);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping ANSI colour codes
    expect(text.replace(/\x1b\[[0-9;]*m/g, '')).to.equal(drawGrid(rows, new Set([1]), plain).join('\n'));
  });
});

describe('pictures: the strip of the val commands', () => {
  it('clean everywhere: 60 dots', () => {
    expect(stripCells(0, 1 << 20, [], [])).to.equal('.'.repeat(STRIP_CELLS));
  });
  it('a mismatch marks the cells it touches, an unreadable range too, and X wins where both are', () => {
    // 6000 bytes over 60 cells: 100 bytes a cell
    const cells = stripCells(
      0,
      6000,
      [{ offset: 150, length: 100 }],
      [
        { offset: 5900, length: 100 },
        { offset: 200, length: 10 },
      ],
    );
    expect(cells).to.equal(`.XX${'.'.repeat(56)}?`);
  });
  it('ranges are clipped to the strip; coordinates need not start at 0', () => {
    const cells = stripCells(
      1000,
      600,
      [
        { offset: 0, length: 1001 },
        { offset: 1599, length: 50 },
      ],
      [],
      6,
    );
    expect(cells).to.equal('X....X');
    expect(stripCells(1000, 600, [{ offset: 1600, length: 10 }], [{ offset: 0, length: 1000 }], 6)).to.equal(
      '......',
    );
  });
  it('a range shorter than 60 bytes gets one cell a byte', () => {
    expect(stripCells(0, 4, [{ offset: 3, length: 1 }], [])).to.equal('...X');
  });
  it('the line says what it covers and explains the marks used', () => {
    expect(drawStrip('array bytes', 0, 6000, [{ offset: 0, length: 1 }], [], plain)).to.equal(
      `map of array bytes 0..5.9 KiB: [X${'.'.repeat(59)}] X mismatch, . clean`,
    );
    expect(
      drawStrip('member bytes', 4096, 6000, [], [{ offset: 4096, length: 6000 }], plain, 'not checked'),
    ).to.equal(`map of member bytes 4 KiB..9.9 KiB: [${'?'.repeat(60)}] ? not checked, . clean`);
  });
  it('stripTail is empty when pictures are off or nothing was checked', () => {
    expect(stripTail(null, 'x', 0, 100, [], [])).to.equal('');
    expect(stripTail(plain, 'x', 0, 0, [], [])).to.equal('');
    expect(stripTail(plain, 'x', 0, 60, [], [])).to.equal(`\nmap of x 0..60 B: [${'.'.repeat(60)}] . clean`);
  });
});

describe('pictures: the progress bar', () => {
  const MiB = 1048576;
  it('bar, percentage, amount, throughput and ETA', () => {
    expect(
      progressLine({
        label: 'pq-val',
        done: 512 * MiB,
        total: 1024 * MiB,
        seconds: 2,
        columns: 80,
        bytes: true,
      }),
    ).to.equal('pq-val [###############...............]  50%  512 MiB/1 GiB  268 MB/s  ETA 0:02');
  });
  it('counts of items: no throughput; the bar grows to 40 cells at most', () => {
    expect(
      progressLine({ label: 'bench', done: 3, total: 12, seconds: 2, columns: 200, bytes: false }),
    ).to.equal(`bench [${'#'.repeat(10)}${'.'.repeat(30)}]  25%  3/12  ETA 0:06`);
  });
  it('done: 100%, no ETA; the line never exceeds the width', () => {
    const line = progressLine({
      label: 'md check',
      done: 10,
      total: 10,
      seconds: 4,
      columns: 100,
      bytes: true,
    });
    expect(line).to.equal(`md check [${'#'.repeat(40)}] 100%  10 B/10 B  0 MB/s`);
    for (const columns of [20, 40, 60, 80]) {
      const l = progressLine({
        label: 'md check',
        done: 5 * MiB,
        total: 9 * MiB,
        seconds: 1,
        columns,
        bytes: true,
      });
      expect(l.length, `columns ${columns}`).to.be.below(columns);
    }
    expect(
      progressLine({ label: 'md check', done: MiB, total: 2 * MiB, seconds: 1, columns: 40, bytes: true }),
    ).to.equal('md check  50%  1 MiB/2 MiB  1 MB/s  ETA');
  });
  it('a total of zero is complete, not a division by zero', () => {
    expect(progressLine({ label: 'x', done: 0, total: 0, seconds: 0, columns: 80, bytes: true })).to.equal(
      `x [${'#'.repeat(40)}] 100%  0 B/0 B`,
    );
  });
  it('clock: m:ss, and h:mm:ss from an hour', () => {
    expect([clock(0), clock(59.6), clock(61), clock(3600), clock(3 * 3600 + 62)]).to.deep.equal([
      '0:00',
      '1:00',
      '1:01',
      '1:00:00',
      '3:01:02',
    ]);
  });
});
