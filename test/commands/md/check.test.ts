// raidtx md check (spawned) on arrays the kernel's md driver wrote.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { MdMismatch } from '../../../src/commands/md-check.js';
import { dataChunksPerStripe, stripeMap } from '../../../src/core/md/layout.js';
import { geometry, md, membersOf, registered } from '../../helpers/md-cli.js';
import { loadFixtures } from '../../helpers/md-fixtures.js';

const { fixtures, skip } = loadFixtures();

describe('raidtx md check (spawned) on kernel-made arrays', function () {
  this.timeout(120000);
  const why = skip ?? registered();
  if (why) {
    it.skip(`md CLI: ${why}`);
    return;
  }
  let tmp = '';
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'raidtx-md-check-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  for (const fx of fixtures) {
    describe(fx.name, () => {
      const g = geometry(fx);
      const all = membersOf(fx);
      it('check passes the clean array', async () => {
        const r = await md(['--json', 'md', 'check', ...all]);
        expect(r.code, r.stderr).to.equal(0);
        expect(r.json.ok).to.equal(true);
        expect(r.json.stripes).to.equal(fx.manifest.stripes);
      });

      it('check pins flipped bytes in a data, P and Q chunk to stripe, offsets and member', async () => {
        const C = g.chunk;
        const m = dataChunksPerStripe(g);
        const stripes = fx.manifest.stripes;
        const copies = all.map((p, slot) => {
          const c = join(tmp, `${fx.name}-flip-${slot}.img`);
          copyFileSync(p, c);
          return c;
        });
        const off = (slot: number) =>
          fx.manifest.members.find((x) => x.raid_slot === slot)!.data_offset_bytes;
        const flip = (slot: number, at: number) => {
          const b = readFileSync(copies[slot]!);
          b[at]! ^= 0x5a;
          writeFileSync(copies[slot]!, b);
        };
        const sData = 1 % stripes;
        const sP = 2 % stripes;
        const sQ = 3 % stripes;
        const dmap = stripeMap(g, sData);
        const k = m - 1;
        const dSlot = dmap.dataSlots[k]!;
        flip(dSlot, off(dSlot) + sData * C + 4096 + 17);
        const pSlot = stripeMap(g, sP).pSlot;
        flip(pSlot, off(pSlot) + sP * C + 100);
        const qSlot = stripeMap(g, sQ).qSlot;
        if (qSlot >= 0) flip(qSlot, off(qSlot) + sQ * C + 200);
        const r = await md(['--json', 'md', 'check', ...copies]);
        expect(r.code, r.stderr).to.equal(1);
        const mm = r.json.mismatches as MdMismatch[];
        const d = mm.find((x) => x.stripe === sData)!;
        expect(d, JSON.stringify(mm)).to.not.equal(undefined);
        expect(d.memberOffset).to.equal(off(dSlot) + sData * C + 4096);
        expect(d.length).to.equal(4096);
        if (g.level === 6) {
          expect(d.suspect).to.deep.equal({ role: 'data', slot: dSlot, path: copies[dSlot] });
          expect(d.arrayOffset).to.equal((sData * m + k) * C + 4096);
          expect([d.p, d.q]).to.deep.equal([true, true]);
          const p = mm.find((x) => x.stripe === sP)!;
          expect(p.suspect).to.deep.equal({ role: 'p', slot: pSlot, path: copies[pSlot] });
          expect([p.p, p.q, p.memberOffset]).to.deep.equal([true, false, off(pSlot) + sP * C]);
          const q = mm.find((x) => x.stripe === sQ)!;
          expect(q.suspect).to.deep.equal({ role: 'q', slot: qSlot, path: copies[qSlot] });
          expect([q.p, q.q, q.memberOffset]).to.deep.equal([false, true, off(qSlot) + sQ * C]);
          expect(mm).to.have.length(3);
        } else {
          expect(d.suspect.role).to.equal('unknown');
          expect(mm.map((x) => x.stripe).sort()).to.deep.equal([sData, sP].sort());
        }
      });
    });
  }
});
