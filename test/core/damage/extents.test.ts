import { expect } from 'chai';
import { addDamage, type MemberDamage } from '../../../src/core/damage/damage.js';
import {
  clip,
  clipDisjoint,
  gaps,
  normalize,
  segments,
  unitPieces,
} from '../../../src/core/damage/extents.js';
import { damageIn } from '../../../src/core/damage/read.js';
import type { InputMember } from '../../../src/core/io/members.js';
import { prng } from '../../helpers/prng.js';

const e = (offset: number, length: number) => ({ offset, length });

describe('damage extents', () => {
  it('normalize sorts, merges overlapping and touching extents, drops empty ones', () => {
    expect(normalize([e(10, 5), e(0, 4), e(4, 2), e(12, 10), e(30, 0)])).to.deep.equal([e(0, 6), e(10, 12)]);
  });

  it('clip keeps the parts inside a window, window-relative', () => {
    expect(clip([e(0, 10), e(20, 10), e(40, 5)], 5, 25)).to.deep.equal([e(0, 5), e(15, 5)]);
    expect(clip([e(0, 10)], 10, 20)).to.deep.equal([]);
  });

  it('gaps are the complement within the window', () => {
    expect(gaps([e(2, 3), e(8, 10)], 12)).to.deep.equal([e(0, 2), e(5, 3)]);
    expect(gaps([], 7)).to.deep.equal([e(0, 7)]);
    expect(gaps([e(0, 7)], 7)).to.deep.equal([]);
  });

  it('segments split a window where the damaged-slot set changes', () => {
    const bad = [[e(0, 4096)], null, [e(2048, 4096)], []];
    expect(segments(bad, 8192)).to.deep.equal([
      { lo: 0, hi: 2048, slots: [0] },
      { lo: 2048, hi: 4096, slots: [0, 2] },
      { lo: 4096, hi: 6144, slots: [2] },
      { lo: 6144, hi: 8192, slots: [] },
    ]);
    expect(segments([[], null], 100)).to.deep.equal([{ lo: 0, hi: 100, slots: [] }]);
    expect(segments([[e(0, 100)]], 100)).to.deep.equal([{ lo: 0, hi: 100, slots: [0] }]);
    expect(segments([], 0)).to.deep.equal([]);
  });

  it('clipDisjoint (binary search) equals clip on disjoint lists, at every window', () => {
    const g = prng(5);
    const list: { offset: number; length: number }[] = [];
    for (let at = g.int(50); list.length < 300; at += g.int(40) + 1) {
      const length = g.int(30) + 1;
      list.push(e(at, length));
      at += length;
    }
    for (let k = 0; k < 500; k++) {
      const lo = g.int(20000);
      const hi = lo + g.int(500);
      expect(clipDisjoint(list, lo, hi), `[${lo}, ${hi})`).to.deep.equal(clip(list, lo, hi));
    }
  });

  it('damageIn merges overlapping sources and sees extents added since its last call', () => {
    const m = { start: 1000, damage: { extents: [] } } as unknown as InputMember;
    addDamage(m.damage!, { offset: 1100, length: 100, source: 'map' });
    addDamage(m.damage!, { offset: 1150, length: 100, source: 'badblocks' });
    expect(damageIn(m, 0, 1000)).to.deep.equal([e(100, 150)]);
    addDamage(m.damage!, { offset: 1300, length: 10, source: 'eio' });
    expect(damageIn(m, 120, 200)).to.deep.equal([e(0, 130), e(180, 10)]);
  });

  it('unitPieces cuts a stretch at unit multiples: head, whole units, tail', () => {
    expect(unitPieces(100, 9000, 4096)).to.deep.equal([e(100, 3996), e(4096, 4096), e(8192, 808)]);
    expect(unitPieces(0, 8192, 4096)).to.deep.equal([e(0, 8192)]);
    expect(unitPieces(100, 200, 4096)).to.deep.equal([e(100, 100)]);
    expect(unitPieces(4000, 4196, 4096)).to.deep.equal([e(4000, 96), e(4096, 100)]);
  });

  it('addDamage keeps extents sorted by offset', () => {
    const d: MemberDamage = { extents: [] };
    addDamage(d, { offset: 100, length: 10, source: 'map' });
    addDamage(d, { offset: 0, length: 10, source: 'eio' });
    addDamage(d, { offset: 50, length: 0, source: 'eio' });
    addDamage(d, { offset: 100, length: 5, source: 'eio' });
    expect(d.extents.map((x) => x.offset)).to.deep.equal([0, 100, 100]);
  });
});
