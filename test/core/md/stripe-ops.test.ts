// md stripe rebuild (core/md/stripe-ops): every single and double failure of every kernel-made array.

import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import type { MdGeometry } from '../../../src/core/md/layout.js';
import { submitStripeRebuild } from '../../../src/core/md/stripe-ops.js';
import { asyncTxIssuePendingAll, dmaWaitForAsyncTx } from '../../../src/index.js';
import { type Fixture, loadFixtures } from '../../helpers/md-fixtures.js';

function geometry(fx: Fixture): MdGeometry {
  const m = fx.manifest;
  return { level: m.level, layout: m.layout_md_number, chunk: m.chunk_bytes, raidDisks: m.raid_disks };
}

function pairs(n: number): number[][] {
  const out: number[][] = [];
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) out.push([a, b]);
  return out;
}

const { fixtures, skip } = loadFixtures();

describe('md rebuild math: every single and double failure of every kernel-made array', () => {
  if (skip) {
    it.skip(`kernel-made fixtures: ${skip}`);
    return;
  }
  for (const fx of fixtures) {
    it(`${fx.name}: rebuilt data areas equal the originals`, async () => {
      const g = geometry(fx);
      const n = g.raidDisks;
      const C = g.chunk;
      const stripes = fx.manifest.stripes;
      const area = Array.from({ length: n }, (_, slot) => {
        const off = fx.manifest.members.find((m) => m.raid_slot === slot)!.data_offset_bytes;
        return readFileSync(fx.memberPath(slot)).subarray(off, off + stripes * C);
      });
      const failures = [...Array.from({ length: n }, (_, i) => [i]), ...(g.level === 6 ? pairs(n) : [])];
      for (const lost of failures) {
        const work = area.map((b, slot) => (lost.includes(slot) ? Buffer.alloc(b.length) : b));
        const txs = [];
        for (let s = 0; s < stripes; s++) {
          const chunks = work.map((b) => b.subarray(s * C, (s + 1) * C));
          txs.push(submitStripeRebuild(g, s, chunks, lost, C, true).tx);
        }
        asyncTxIssuePendingAll();
        await Promise.all(txs.map((t) => dmaWaitForAsyncTx(t)));
        for (const slot of lost) {
          expect(work[slot]!.equals(area[slot]!), `${fx.name}: slot ${slot} of lost ${lost}`).to.equal(true);
        }
      }
    });
  }
});
