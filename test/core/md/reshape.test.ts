// reshape.ts: what a superblock's reshape fields mean (super_1_validate, raid5.c setup_conf) and the
// array size md shows mid-reshape (raid5_size). The kernel-made arrays are in test/commands/md/reshape.test.ts.

import { expect } from 'chai';
import { reshapeArrayBytes, reshapeOf, stripeSpan } from '../../../src/core/md/reshape.js';
import type { MdSuperblock } from '../../../src/core/md/superblock.js';
import type { ReshapeInfo } from '../../../src/core/md/superblock-common.js';

const KiB = 1024;

function sb(base: Partial<MdSuperblock>, reshape: Partial<ReshapeInfo>): MdSuperblock {
  return {
    level: 5,
    layout: 2,
    chunk: 64 * KiB,
    raidDisks: 5,
    dataOffset: 4 << 20,
    ...base,
    reshape: {
      position: 0,
      newLevel: base.level ?? 5,
      deltaDisks: 0,
      newLayout: base.layout ?? 2,
      newChunk: base.chunk ?? 64 * KiB,
      backwards: false,
      newDataOffset: 3 << 20,
      ...reshape,
    },
  } as MdSuperblock;
}

describe('md reshape fields', () => {
  it('raid_disks is the new count; level, layout and chunk are the previous geometry', () => {
    const r = reshapeOf(sb({ raidDisks: 5 }, { deltaDisks: 1, position: 46592 }));
    expect(r.previous).to.deep.equal({ level: 5, layout: 2, chunk: 64 * KiB, raidDisks: 4 });
    expect(r.next).to.deep.equal({ level: 5, layout: 2, chunk: 64 * KiB, raidDisks: 5 });
    expect(r.position).to.equal(46592 * 512);
    expect(r.kinds).to.deep.equal(['grow']);
    expect(r.backwards).to.equal(false);
  });

  it('a shrink runs backwards whatever the flag; otherwise the flag says', () => {
    expect(reshapeOf(sb({ raidDisks: 4 }, { deltaDisks: -1 })).backwards).to.equal(true);
    expect(reshapeOf(sb({}, { newChunk: 32 * KiB, backwards: true })).backwards).to.equal(true);
    expect(reshapeOf(sb({}, { newChunk: 32 * KiB })).backwards).to.equal(false);
  });

  it('names every change: level, chunk, layout, several at once', () => {
    expect(reshapeOf(sb({ level: 6, layout: 18 }, { newLayout: 2 })).kinds).to.deep.equal(['layout']);
    expect(
      reshapeOf(sb({ raidDisks: 6 }, { deltaDisks: 1, newLevel: 6, newChunk: 128 * KiB })).kinds,
    ).to.deep.equal(['grow', 'level', 'chunk']);
  });

  it('array size mid-reshape: the smaller member count at the new level, member size cut to both chunks', () => {
    const size = 12 << 20;
    // grow RAID5 4 -> 5: the old size (3 data members)
    expect(reshapeArrayBytes(reshapeOf(sb({ raidDisks: 5 }, { deltaDisks: 1 })), size)).to.equal(3 * size);
    // RAID5 4 -> RAID6 5 in one step: min(4, 5) - 2 data members
    expect(reshapeArrayBytes(reshapeOf(sb({ raidDisks: 5 }, { deltaDisks: 1, newLevel: 6 })), size)).to.equal(
      2 * size,
    );
    // chunk 64K -> 128K on a member of 12 MiB + 64 KiB: cut to 128 KiB
    expect(
      reshapeArrayBytes(reshapeOf(sb({ raidDisks: 4 }, { newChunk: 128 * KiB })), size + 64 * KiB),
    ).to.equal(3 * size);
  });

  it('stripeSpan: the stripes of a geometry holding an array range (a straddled stripe included)', () => {
    const g = { level: 5 as const, layout: 2, chunk: 64 * KiB, raidDisks: 4 };
    // 3 data chunks per stripe = 192 KiB; [256 KiB, 576 KiB) starts inside stripe 1
    expect(stripeSpan(g, 256 * KiB, 576 * KiB)).to.deep.equal({ s0: 1, s1: 3 });
    expect(stripeSpan(g, 256 * KiB, 256 * KiB)).to.deep.equal({ s0: 1, s1: 1 });
  });
});
