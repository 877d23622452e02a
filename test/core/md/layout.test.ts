import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  arraySize,
  dataChunksPerStripe,
  LAYOUT_NAMES,
  layoutName,
  layoutNumber,
  type MdGeometry,
  mapArrayOffset,
  stripeBlocks,
  stripeMap,
} from '../../../src/core/md/layout.js';
import {
  AsyncTxFlags,
  asyncGenSyndrome,
  asyncXor,
  dmaWaitForAsyncTx,
  initAsyncSubmit,
} from '../../../src/index.js';
import { loadFixtures } from '../../helpers/md-fixtures.js';

/**
 * The oracle: drivers/md/raid5.c raid5_compute_sector (the level 4/5/6 switch) and
 * set_syndrome_sources / raid6_d0 / raid6_idx_to_slot, transliterated case by case.
 */
function kernelStripe(level: 5 | 6, algo: number, n: number, stripe: number, dd: number) {
  const dataDisks = n - (level === 6 ? 2 : 1);
  let pd = -1;
  let qd = -1;
  let ddf = false;
  const s = stripe;
  if (level === 5) {
    switch (algo) {
      case 0:
        pd = dataDisks - (s % n);
        if (dd >= pd) dd++;
        break;
      case 1:
        pd = s % n;
        if (dd >= pd) dd++;
        break;
      case 2:
        pd = dataDisks - (s % n);
        dd = (pd + 1 + dd) % n;
        break;
      case 3:
        pd = s % n;
        dd = (pd + 1 + dd) % n;
        break;
      case 4:
        pd = 0;
        dd++;
        break;
      case 5:
        pd = dataDisks;
        break;
      default:
        throw new Error('bad algo');
    }
  } else {
    const asym = (p: number) => {
      pd = p;
      qd = pd + 1;
      if (pd === n - 1) {
        dd++;
        qd = 0;
      } else if (dd >= pd) dd += 2;
    };
    switch (algo) {
      case 0:
        asym(n - 1 - (s % n));
        break;
      case 1:
        asym(s % n);
        break;
      case 2:
        pd = n - 1 - (s % n);
        qd = (pd + 1) % n;
        dd = (pd + 2 + dd) % n;
        break;
      case 3:
        pd = s % n;
        qd = (pd + 1) % n;
        dd = (pd + 2 + dd) % n;
        break;
      case 4:
        pd = 0;
        qd = 1;
        dd += 2;
        break;
      case 5:
        pd = dataDisks;
        qd = dataDisks + 1;
        break;
      case 8:
        asym(s % n);
        ddf = true;
        break;
      case 9:
        asym(n - 1 - ((s + 1) % n));
        ddf = true;
        break;
      case 10:
        pd = n - 1 - (s % n);
        qd = (pd + n - 1) % n;
        dd = (pd + 1 + dd) % n;
        ddf = true;
        break;
      case 16:
        pd = dataDisks - (s % (n - 1));
        if (dd >= pd) dd++;
        qd = n - 1;
        break;
      case 17:
        pd = s % (n - 1);
        if (dd >= pd) dd++;
        qd = n - 1;
        break;
      case 18:
        pd = dataDisks - (s % (n - 1));
        dd = (pd + 1 + dd) % (n - 1);
        qd = n - 1;
        break;
      case 19:
        pd = s % (n - 1);
        dd = (pd + 1 + dd) % (n - 1);
        qd = n - 1;
        break;
      case 20:
        pd = 0;
        dd++;
        qd = n - 1;
        break;
      default:
        throw new Error('bad algo');
    }
  }
  return { pd, qd, dd, ddf };
}

/** set_syndrome_sources: the Q position of member `idx`. */
function kernelQSlot(n: number, pd: number, qd: number, ddf: boolean, idx: number): number {
  const syndromeDisks = ddf ? n : n - 2;
  const d0 = ddf ? 0 : qd === n - 1 ? 0 : qd + 1;
  let count = 0;
  let i = d0;
  do {
    let slot = count;
    if (ddf) count++;
    if (i === pd) slot = syndromeDisks;
    else if (i === qd) slot = syndromeDisks + 1;
    else if (!ddf) count++;
    if (i === idx) return slot;
    i = (i + 1) % n;
  } while (i !== d0);
  throw new Error('unreachable');
}

const RAID5 = [0, 1, 2, 3, 4, 5];
const RAID6 = [0, 1, 2, 3, 4, 5, 8, 9, 10, 16, 17, 18, 19, 20];

describe('md layout: the table against the kernel', () => {
  it('names every md layout number and back, at its levels', () => {
    for (const a of RAID6) expect(layoutNumber(6, layoutName(6, a)!)).to.equal(a);
    for (const a of RAID5) expect(layoutNumber(5, layoutName(5, a)!)).to.equal(a);
    expect(LAYOUT_NAMES).to.have.length(14);
    expect(layoutName(5, 16)).to.equal(null);
    expect(layoutName(6, 7)).to.equal(null);
    expect(layoutNumber(5, 'ddf-N-continue')).to.equal(2); // mdadm's RAID5 alias
    expect(layoutNumber(6, 'ls')).to.equal(2);
    expect(layoutNumber(6, 'left-symetric')).to.equal(null);
  });

  for (const level of [5, 6] as const) {
    for (const algo of level === 5 ? RAID5 : RAID6) {
      it(`RAID${level} ${layoutName(level, algo)}: P, Q, data members and Q coefficients, 3..12 members`, () => {
        for (let n = level === 6 ? 4 : 3; n <= 12; n++) {
          const g: MdGeometry = { level, layout: algo, chunk: 4096, raidDisks: n };
          for (let s = 0; s < 3 * n; s++) {
            const map = stripeMap(g, s);
            const m = dataChunksPerStripe(g);
            const k0 = kernelStripe(level, algo, n, s, 0);
            expect(map.pSlot, `n=${n} s=${s} P`).to.equal(k0.pd);
            expect(map.qSlot, `n=${n} s=${s} Q`).to.equal(k0.qd);
            for (let k = 0; k < m; k++) {
              const kk = kernelStripe(level, algo, n, s, k);
              expect(map.dataSlots[k], `n=${n} s=${s} data ${k}`).to.equal(kk.dd);
              if (level === 6) {
                expect(map.qCoef[k], `n=${n} s=${s} coef ${k}`).to.equal(
                  kernelQSlot(n, kk.pd, kk.qd, kk.ddf, kk.dd),
                );
              }
            }
            expect(map.disks).to.equal(level === 6 && k0.ddf ? n + 2 : n);
          }
        }
      });
    }
  }

  it('maps array offsets to stripe, chunk, member and member offset', () => {
    const g: MdGeometry = { level: 6, layout: 2, chunk: 65536, raidDisks: 5 };
    // stripe 1 of left-symmetric n=5: P on 3, Q on 4, data 0 on member 0
    const a = mapArrayOffset(g, 3 * 65536 + 100, 1 << 20);
    expect(a).to.deep.equal({
      stripe: 1,
      k: 0,
      slot: 0,
      memberOffset: (1 << 20) + 65536 + 100,
      remainingInChunk: 65436,
    });
    expect(arraySize(g, 3 * 65536 + 5)).to.equal(9 * 65536);
  });

  it('places blocks at their Q exponents, P and Q last, nulls at DDF parity positions', () => {
    const g: MdGeometry = { level: 6, layout: 10, chunk: 512, raidDisks: 5 };
    const chunks = ['m0', 'm1', 'm2', 'm3', 'm4'];
    const { blocks, disks, indexOfMember, map } = stripeBlocks(g, 0, chunks);
    expect(disks).to.equal(7);
    expect(blocks[disks - 2]).to.equal(chunks[map.pSlot]);
    expect(blocks[disks - 1]).to.equal(chunks[map.qSlot]);
    expect(blocks[map.pSlot]).to.equal(null);
    expect(blocks[map.qSlot]).to.equal(null);
    for (const slot of map.dataSlots) expect(blocks[indexOfMember[slot]!]).to.equal(chunks[slot]);
  });
});

const { fixtures, skip } = loadFixtures();

describe('md layout: kernel-made arrays', () => {
  if (skip) {
    it.skip(`kernel-made fixtures: ${skip}`);
    return;
  }
  for (const fx of fixtures) {
    it(`${fx.name}: data chunks rebuild truth.img and P/Q recomputed with the core equal the members'`, async () => {
      const man = fx.manifest;
      const g: MdGeometry = {
        level: man.level,
        layout: man.layout_md_number,
        chunk: man.chunk_bytes,
        raidDisks: man.raid_disks,
      };
      const C = g.chunk;
      const members = Array.from({ length: g.raidDisks }, (_, slot) => readFileSync(fx.memberPath(slot)));
      const offsets = Array.from(
        { length: g.raidDisks },
        (_, slot) => man.members.find((m) => m.raid_slot === slot)!.data_offset_bytes,
      );
      const truth = readFileSync(join(fx.dir, 'truth.img'));
      expect(arraySize(g, man.members[0]!.used_data_bytes)).to.equal(truth.length);
      const m = dataChunksPerStripe(g);
      const assembled = Buffer.alloc(truth.length);
      for (let s = 0; s < man.stripes; s++) {
        const chunks = members.map((b, slot) =>
          b.subarray(offsets[slot]! + s * C, offsets[slot]! + (s + 1) * C),
        );
        const map = stripeMap(g, s);
        map.dataSlots.forEach((slot, k) => chunks[slot]!.copy(assembled, (s * m + k) * C));
        const { blocks, disks, map: mp } = stripeBlocks(g, s, chunks);
        const p = Buffer.alloc(C);
        if (g.level === 6) {
          const q = Buffer.alloc(C);
          const work = [...blocks.slice(0, disks - 2), p, q];
          await dmaWaitForAsyncTx(asyncGenSyndrome(work, 0, disks, C, initAsyncSubmit()));
          expect(q.equals(chunks[mp.qSlot]!), `${fx.name} stripe ${s}: Q on member ${mp.qSlot}`).to.equal(
            true,
          );
        } else {
          const data = blocks.slice(0, disks - 1) as Buffer[];
          await dmaWaitForAsyncTx(
            asyncXor(p, data, 0, data.length, C, initAsyncSubmit(AsyncTxFlags.XOR_ZERO_DST)),
          );
        }
        expect(p.equals(chunks[mp.pSlot]!), `${fx.name} stripe ${s}: P on member ${mp.pSlot}`).to.equal(true);
      }
      expect(assembled.equals(truth), 'assembled data chunks equal truth.img').to.equal(true);
      // a sample of single bytes through mapArrayOffset
      for (let x = 0; x < truth.length; x += 7919 * 13) {
        const a = mapArrayOffset(g, x, offsets[0]);
        expect(members[a.slot]![a.memberOffset - offsets[0]! + offsets[a.slot]!], `array byte ${x}`).to.equal(
          truth[x],
        );
      }
    });
  }
});
