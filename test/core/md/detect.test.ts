// md detect on kernel-made arrays whose superblocks were zeroed and whose members were renamed and
// shuffled: RAID6 level, chunk, layout, order and data offsets exact, also with one member missing
// and with one member's data area moved; RAID5 holding ext4; random images find nothing.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { parseMemberSpec } from '../../../src/core/io/member.js';
import { DEFAULT_SAMPLE, type DetectResult, detectGeometry } from '../../../src/core/md/detect/detect.js';
import { eachFixture, loadFixtures } from '../../helpers/md-fixtures.js';
import { type WipedCase, wipedCopy } from '../../helpers/md-wiped.js';
import { Prng } from '../../helpers/prng.js';

async function detect(args: string[], extra: Record<string, unknown> = {}): Promise<DetectResult> {
  return detectGeometry(
    {
      members: args.map((a) => parseMemberSpec(a, { missing: true })),
      sample: DEFAULT_SAMPLE,
      top: 5,
      ignoreSuperblocks: false,
      ...extra,
    },
    { offset: 0 },
  );
}

function expectTruth(
  r: DetectResult,
  c: WipedCase,
  fx: { manifest: { level: number; layout: string; chunk_bytes: number; raid_disks: number } },
): void {
  expect(r.candidates.length, r.reason ?? '').to.be.greaterThan(0);
  expect(
    r.ambiguous,
    JSON.stringify(r.candidates.slice(0, 2).map((x) => [x.layout, x.chunk, x.score, x.evidence])),
  ).to.equal(false);
  const best = r.candidates[0]!;
  const m = fx.manifest;
  expect({ level: best.level, chunk: best.chunk, raidDisks: best.raidDisks }).to.deep.equal({
    level: m.level,
    chunk: m.chunk_bytes,
    raidDisks: m.raid_disks,
  });
  // Layouts that are relabelings of each other (parity never moving) are reported as equivalent.
  const slots =
    best.layout === m.layout
      ? best.members.map((x) => x.slot)
      : best.equivalent.find((e) => e.layout === m.layout)?.slots;
  expect(slots, `${best.layout} (equivalent: ${best.equivalent.map((e) => e.layout)})`).to.not.equal(
    undefined,
  );
  c.truth.forEach((t, i) => {
    if (!t) return;
    expect(best.members[i]!.path).to.equal(c.args[i]);
    expect(slots![i], c.args[i]).to.equal(t.slot);
    expect(best.members[i]!.dataOffset, c.args[i]).to.equal(t.dataOffset);
  });
  // whole chunks through the val operations agree with the sampled bytes
  const conf = best.evidence.confirmed;
  if (conf) expect(conf.consistent).to.equal(conf.stripes);
  const missing = c.truth.indexOf(null);
  if (missing >= 0) expect(best.members[missing]!.dataOffset).to.equal(null);
}

describe('md detect (core)', () => {
  eachFixture((fx) => {
    const m = fx.manifest;
    if (m.level !== 6) return;
    it(`${fx.name}: superblocks zeroed, members shuffled -> the exact geometry`, async () => {
      const c = wipedCopy(fx, { seed: 7 + m.raid_disks });
      try {
        expectTruth(await detect(c.args), c, fx);
      } finally {
        rmSync(c.dir, { recursive: true, force: true });
      }
    });
    it(`${fx.name}: one member missing -> the exact geometry`, async () => {
      const c = wipedCopy(fx, { seed: 11, missingSlot: 2 });
      try {
        expectTruth(await detect(c.args), c, fx);
      } finally {
        rmSync(c.dir, { recursive: true, force: true });
      }
    });
  });

  eachFixture((fx) => {
    if (fx.manifest.level !== 5) return;
    const ext4 = fx.name.includes('ext4');
    const how = ext4 ? 'ext4 landmarks' : 'continuity of the labelled blocks';
    it(`${fx.name}: RAID5, superblocks zeroed, members shuffled -> the exact geometry (${how})`, async () => {
      const c = wipedCopy(fx, { seed: 5 });
      try {
        const r = await detect(c.args);
        expectTruth(r, c, fx);
        if (ext4) expect(r.candidates[0]!.evidence.signature).to.equal('ext4');
      } finally {
        rmSync(c.dir, { recursive: true, force: true });
      }
    });
  });

  eachFixture((fx) => {
    if (!['a-', 'e-', 'w-'].some((p) => fx.name.startsWith(p))) return;
    it(`${fx.name}: one member's data area moved by 256K -> every member's own data offset`, async () => {
      const c = wipedCopy(fx, { seed: 3, move: { slot: 1, by: 256 * 1024 } });
      try {
        expectTruth(await detect(c.args), c, fx);
      } finally {
        rmSync(c.dir, { recursive: true, force: true });
      }
    });
  });

  it('valid superblocks are used (and checked by parity) unless --ignore-superblocks', async function () {
    const fx = loadFixtures().fixtures.find((f) => f.name.startsWith('c-r6'));
    if (!fx) return this.skip();
    const args = [3, 0, 5, 1, 4, 2].map((s) => fx.memberPath(s));
    const withSb = await detect(args);
    expect(withSb.candidates[0]!.evidence.source).to.equal('superblocks');
    const ignored = await detect(args, { ignoreSuperblocks: true });
    expect(ignored.candidates[0]!.evidence.source).to.equal('parity');
    for (const r of [withSb, ignored]) {
      const best = r.candidates[0]!;
      expect([best.layout, best.chunk]).to.deep.equal(['right-asymmetric', 32768]);
      expect(best.members.map((m) => m.slot)).to.deep.equal([3, 0, 5, 1, 4, 2]);
    }
  });

  it('random images are no array: nothing consistent', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'raidtx-detect-'));
    try {
      const rnd = new Prng(99);
      const args = [0, 1, 2, 3, 4].map((i) => {
        const p = join(dir, `r${i}.img`);
        writeFileSync(p, rnd.bytes(3 * 1024 * 1024));
        return p;
      });
      const r = await detect(args);
      expect(r.candidates).to.deep.equal([]);
      expect(r.reason).to.match(/no parity/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
