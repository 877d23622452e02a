import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { formatMapfile, parseMapfile, unreadableExtents } from '../../../src/core/damage/mapfile.js';
import { UsageError } from '../../../src/core/errors.js';

const e = (offset: number, length: number) => ({ offset, length });

function fails(text: string, line: number, why: RegExp): void {
  let err: unknown;
  try {
    parseMapfile(text, 'm.map');
  } catch (x) {
    err = x;
  }
  expect(err).to.be.instanceOf(UsageError);
  expect((err as Error).message).to.match(new RegExp(`^map 'm\\.map' line ${line}: `));
  expect((err as Error).message).to.match(why);
}

describe('ddrescue mapfiles', () => {
  it('parses comments (also indented and trailing), the status line and decimal, hex and octal blocks', () => {
    const text = [
      '# Mapfile. Created by GNU ddrescue version 1.27',
      '   # indented comment',
      '',
      '0x00001000     ?               2',
      '#      pos        size  status',
      '0x00000000  0x00001000  +',
      '4096  010000  -   # octal size',
      '0x2000 512 *',
      '8704  7680 /',
      '16384 4096 ?',
      '20480 0x1000 +',
    ].join('\n');
    const m = parseMapfile(text, 'm.map');
    expect(m.blocks.map((b) => [b.offset, b.length, b.status])).to.deep.equal([
      [0, 4096, '+'],
      [4096, 4096, '-'],
      [8192, 512, '*'],
      [8704, 7680, '/'],
      [16384, 4096, '?'],
      [20480, 4096, '+'],
    ]);
    // every non-+ block is unreadable, merged; beyond the last block too
    expect(unreadableExtents(m, 30000)).to.deep.equal([e(4096, 16384), e(24576, 5424)]);
    expect(unreadableExtents(m, 10000)).to.deep.equal([e(4096, 5904)]);
  });

  it('accepts a status line without a pass (older ddrescue) and a map that starts after 0 (the start is not tried)', () => {
    const m = parseMapfile('100 +\n100 50 +\n', 'x');
    expect(unreadableExtents(m, 200)).to.deep.equal([e(0, 100), e(150, 50)]);
  });

  it('refuses malformed maps naming the file and line', () => {
    fails('', 1, /no status line/);
    fails('# only comments\n', 2, /no status line/);
    fails('0 +\n0 100 +\n50 100 +\n', 3, /overlaps the previous one \(ends at 100\)/);
    fails('0 +\n0 100 +\n150 100 +\n', 3, /leaves a gap/);
    fails('0 +\n0 0 +\n', 2, /block size is 0/);
    fails('0 +\n0 100 x\n', 2, /bad status 'x'/);
    fails('0 +\n0 1e3 +\n', 2, /bad size '1e3'/);
    fails('0 +\n08 100 +\n', 2, /bad position '08'/);
    fails('0 +\n0x10 100\n', 2, /expected 'pos size status', got 2/);
    fails('0 Z 1\n', 1, /bad current status 'Z'/);
    fails('zero +\n', 1, /bad position 'zero'/);
    fails('0 + 1 2\n', 1, /status line/);
  });

  it('formatMapfile writes lost `-` and the rest `+`, which parses back and GNU ddrescuelog accepts', function () {
    const text = formatMapfile([e(4096, 512), e(4608, 100), e(10000, 1000)], 12000, 'raidtx test');
    const m = parseMapfile(text, 'out.map');
    expect(m.blocks.map((b) => [b.offset, b.length, b.status])).to.deep.equal([
      [0, 4096, '+'],
      [4096, 612, '-'],
      [4708, 5292, '+'],
      [10000, 1000, '-'],
      [11000, 1000, '+'],
    ]);
    let version = '';
    try {
      version = execFileSync('ddrescuelog', ['--version'], { encoding: 'utf8' });
    } catch {
      this.skip();
    }
    expect(version).to.match(/ddrescuelog/i);
    const dir = mkdtempSync(join(tmpdir(), 'raidtx-map-'));
    writeFileSync(join(dir, 'out.map'), text);
    // -b1 -l-: list every bad byte position; -t: totals (rescued / bad)
    const bad = execFileSync('ddrescuelog', ['-b1', '-l-', join(dir, 'out.map')], { encoding: 'utf8' })
      .trim()
      .split('\n')
      .map(Number);
    expect(bad.length).to.equal(1612);
    expect(bad[0]).to.equal(4096);
    expect(bad[611]).to.equal(4707);
    expect(bad[612]).to.equal(10000);
    const totals = execFileSync('ddrescuelog', ['-t', join(dir, 'out.map')], { encoding: 'utf8' });
    expect(totals).to.match(/bad-sector:\s+1612 B,\s+in\s+2 area/);
    expect(totals).to.match(/rescued:\s+10388 B/);
  });

  it('an output without losses is one `+` block; an empty output has no blocks', () => {
    expect(parseMapfile(formatMapfile([], 5, 't'), 'a').blocks).to.deep.equal([
      { offset: 0, length: 5, status: '+' },
    ]);
    expect(parseMapfile(formatMapfile([], 0, 't'), 'a').blocks).to.deep.equal([]);
  });
});
