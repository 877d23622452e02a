// raidtx md on firmware RAID members (Intel IMSM, SNIA DDF) the kernel and mdadm wrote: examine,
// export, check and rebuild with the slot order from the metadata, and corrupt metadata refused.

import { copyFileSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { MdMismatch } from '../../../src/core/md/check.js';
import { ddfCrc } from '../../../src/core/md/ddf.js';
import { imsmChecksum } from '../../../src/core/md/imsm.js';
import { stripeMap } from '../../../src/core/md/layout.js';
import { geometry, md, sha } from '../../helpers/md-cli.js';
import { type Fixture, fixtureNamed } from '../../helpers/md-fixtures.js';

interface FwMember {
  file: string;
  raid_slot: number;
  data_offset_bytes: number;
  guest_dev?: string;
}

const membersOf = (fx: Fixture): FwMember[] => fx.manifest.members as unknown as FwMember[];

/** Members in a scrambled order (never slot order), so that the slots must come from the metadata. */
function scrambled(fx: Fixture, paths: (m: FwMember) => string): string[] {
  const ms = [...membersOf(fx)].sort((a, b) => b.raid_slot - a.raid_slot);
  return ms.map(paths);
}

describe('raidtx md on firmware RAID members (IMSM, DDF)', function () {
  this.timeout(120000);
  let tmp = '';
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'raidtx-md-fw-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  /** Whole-array checks every firmware fixture gets; `links` gives each member's path. */
  function arraySuite(fx: Fixture, links: () => Map<number, string>, extra: string[] = []): void {
    const g = geometry(fx);
    const truth = () => sha(readFileSync(join(fx.dir, 'truth.img')));
    const bySlot = (skip: number[] = []) =>
      [...links().entries()].filter(([s]) => !skip.includes(s)).map(([, p]) => p);

    it('examine reports level, layout, chunk, slots and data starts as the manifest says', async () => {
      const r = await md(['--json', 'md', 'examine', ...bySlot().reverse(), ...extra]);
      expect(r.code, r.stderr).to.equal(0);
      const a = r.json.array as Record<string, unknown>;
      expect([a.level, a.layout, a.chunk, a.raidDisks]).to.deep.equal([
        fx.manifest.level,
        fx.manifest.layout,
        fx.manifest.chunk_bytes,
        fx.manifest.raid_disks,
      ]);
      expect(a.metadata).to.equal(fx.manifest.name.endsWith('-imsm') ? 'imsm' : 'ddf');
      expect(a.arrayBytes).to.equal(fx.manifest.array_bytes);
      const ms = r.json.members as { path: string; slot: number; dataOffset: number; metadata: string }[];
      for (const [slot, path] of links()) {
        const m = ms.find((x) => x.path === path)!;
        const want = membersOf(fx).find((x) => x.raid_slot === slot)!;
        expect([m.slot, m.dataOffset, m.metadata]).to.deep.equal([slot, want.data_offset_bytes, a.metadata]);
      }
    });

    it('export equals truth.img, complete and with members absent', async () => {
      const lose = g.level === 6 ? [[], [0, 2], [1, g.raidDisks - 1]] : [[], [0], [g.raidDisks - 1]];
      for (const skip of lose) {
        const out = join(tmp, `${fx.name}-export.img`);
        const r = await md(['md', 'export', ...bySlot(skip).reverse(), ...extra, '-o', out, '--force']);
        expect(r.code, r.stderr).to.equal(0);
        expect(sha(readFileSync(out)), `without slots ${skip}`).to.equal(truth());
        rmSync(out);
      }
    });

    it('check passes, and pins a flipped byte', async () => {
      const r = await md(['--json', 'md', 'check', ...bySlot(), ...extra]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.json.stripes).to.equal(fx.manifest.stripes);
      const s = 3 % fx.manifest.stripes;
      const slot = stripeMap(g, s).dataSlots[0]!;
      const copy = join(tmp, `${fx.name}-flip.img`);
      copyFileSync(links().get(slot)!, copy);
      const at = membersOf(fx).find((x) => x.raid_slot === slot)!.data_offset_bytes + s * g.chunk + 777;
      const b = readFileSync(copy);
      b[at]! ^= 0x40;
      writeFileSync(copy, b);
      const members = [...links().entries()].map(([x, p]) => (x === slot ? copy : p));
      const c = await md(['--json', 'md', 'check', ...members, ...serialFor(copy, slot)]);
      expect(c.code, c.stderr).to.equal(1);
      const mm = c.json.mismatches as MdMismatch[];
      expect(mm.map((x) => x.stripe)).to.deep.equal([s]);
      expect(mm[0]!.memberOffset).to.equal(at - 777);
      rmSync(copy);
    });

    it('rebuild of a missing member writes its data area as the original holds it', async () => {
      const lost = g.level === 6 ? [1, 3] : [1];
      const outs = lost.map((s) => join(tmp, `${fx.name}-rebuilt-${s}.img`));
      const r = await md([
        '--json',
        'md',
        'rebuild',
        ...bySlot(lost),
        ...extra,
        ...lost.flatMap((s, i) => ['-o', `${s}=${outs[i]}`]),
      ]);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.json.dataOnly).to.equal(true);
      for (const [i, s] of lost.entries()) {
        const off = membersOf(fx).find((x) => x.raid_slot === s)!.data_offset_bytes;
        const end = off + fx.manifest.stripes * g.chunk;
        const orig = readFileSync(links().get(s)!).subarray(off, end);
        expect(readFileSync(outs[i]!).subarray(off, end).equals(orig), `slot ${s}`).to.equal(true);
        rmSync(outs[i]!);
      }
    });

    /** IMSM copies named by path need their serial named too. */
    function serialFor(copy: string, slot: number): string[] {
      if (!fx.name.endsWith('-imsm')) return [];
      const dev = membersOf(fx).find((x) => x.raid_slot === slot)!.guest_dev!;
      return ['--serial', `${copy}=${dev.replace('/dev/', '')}`];
    }
  }

  describe('IMSM RAID5 (fw1)', () => {
    const found = fixtureNamed('fw1-');
    if (!found) return;
    const fx: Fixture = found;
    // Images named after their drive serial (mdadm without Intel hardware records device names).
    const links = new Map<number, string>();
    const linked = () => {
      if (links.size === 0) {
        for (const m of membersOf(fx).sort((a, b) => a.raid_slot - b.raid_slot)) {
          const p = join(tmp, `disk-${m.guest_dev!.replace('/dev/', '')}.img`);
          symlinkSync(join(fx.dir, m.file), p);
          links.set(m.raid_slot, p);
        }
      }
      return links;
    };
    arraySuite(fx, linked);

    it('takes serials from --serial; without them, refuses (exit 2) and names the option', async () => {
      const files = scrambled(fx, (m) => join(fx.dir, m.file));
      const no = await md(['md', 'examine', ...files]);
      expect(no.code).to.equal(2);
      expect(no.stderr).to.contain('--serial').and.contain('drive serial');
      const serials = membersOf(fx).flatMap((m) => [
        '--serial',
        `${m.file}=${m.guest_dev!.replace('/dev/', '')}`,
      ]);
      const r = await md(['--json', 'md', 'examine', ...files, ...serials]);
      expect(r.code, r.stderr).to.equal(0);
      const ms = r.json.members as { path: string; slot: number }[];
      for (const m of membersOf(fx))
        expect(ms.find((x) => x.path.endsWith(m.file))!.slot).to.equal(m.raid_slot);
    });

    /** A copy of slot 0's member with its MPB edited by `edit` (checksum fixed unless `keepSum`). */
    function editedMpb(edit: (mpb: Buffer, mpbSize: number) => void, keepSum = false): string[] {
      const m0 = linked().get(0)!;
      const copy = join(tmp, 'disk-edited-vdx.img');
      const b = readFileSync(m0);
      const size = b.readUInt32LE(b.length - 1024 + 36);
      const sectors = Math.ceil(size / 512);
      // reassemble the MPB: first sector two sectors before the end, the rest before it
      const mpb = Buffer.concat([
        b.subarray(b.length - 1024, b.length - 512),
        b.subarray(b.length - (sectors + 1) * 512, b.length - 1024),
      ]);
      edit(mpb, size);
      if (!keepSum) mpb.writeUInt32LE(imsmChecksum(mpb, size), 32);
      mpb.copy(b, b.length - 1024, 0, 512);
      mpb.copy(b, b.length - (sectors + 1) * 512, 512);
      writeFileSync(copy, b);
      const dev = membersOf(fx)
        .find((x) => x.raid_slot === 0)!
        .guest_dev!.replace('/dev/', '');
      return [copy, ...[...linked().values()].slice(1), '--serial', `${copy}=${dev}`];
    }
    const devOff = (mpb: Buffer) => 216 + 48 * mpb.readUInt8(56);

    it('refuses (exit 2) an MPB with a bad checksum', async () => {
      const r = await md(['md', 'examine', ...editedMpb((mpb) => (mpb[100]! ^= 1), true)]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('checksum');
    });

    it('refuses (exit 2) a disk order table naming one disk twice', async () => {
      const r = await md([
        'md',
        'examine',
        ...editedMpb((mpb) => {
          const ord = devOff(mpb) + 112 + 48;
          mpb.writeUInt32LE(mpb.readUInt32LE(ord), ord + 4);
        }),
      ]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('inconsistent disk table');
    });

    it('a container with two volumes: refused without --volume (listing them), chosen by index or name', async () => {
      // A second volume record, named 'second', with the first one's geometry and extents: mdadm's
      // fixtures hold one volume each, so the container is extended in place (MPB grown, checksum fixed).
      const paths = [...linked().entries()].map(([slot, p]) => {
        const copy = join(
          tmp,
          `two-${membersOf(fx)
            .find((x) => x.raid_slot === slot)!
            .guest_dev!.replace('/dev/', '')}.img`,
        );
        const b = readFileSync(p);
        const size = b.readUInt32LE(b.length - 1024 + 36);
        const sectors = Math.ceil(size / 512);
        const mpb = Buffer.concat([
          b.subarray(b.length - 1024, b.length - 512),
          b.subarray(b.length - (sectors + 1) * 512, b.length - 1024),
        ]).subarray(0, size);
        const dev0 = 216 + 48 * mpb.readUInt8(56);
        const devLen = 164 + 4 * (mpb.readUInt8(dev0 + 112 + 16) - 1);
        const dev1 = Buffer.from(mpb.subarray(dev0, dev0 + devLen));
        dev1.fill(0, 0, 16);
        dev1.write('second', 0, 'latin1');
        const grown = Buffer.concat([mpb.subarray(0, dev0 + devLen), dev1, mpb.subarray(dev0 + devLen)]);
        const nsize = size + devLen;
        grown.writeUInt32LE(nsize, 36);
        grown.writeUInt8(2, 57);
        grown.writeUInt32LE(imsmChecksum(grown, nsize), 32);
        const nsec = Math.ceil(nsize / 512);
        const padded = Buffer.alloc(nsec * 512);
        grown.copy(padded);
        padded.copy(b, b.length - 1024, 0, 512);
        padded.copy(b, b.length - (nsec + 1) * 512, 512);
        writeFileSync(copy, b);
        return copy;
      });
      const none = await md(['md', 'examine', ...paths]);
      expect(none.code).to.equal(2);
      expect(none.stderr).to.contain('2 volumes').and.contain("'second'").and.contain('--volume');
      const truth = sha(readFileSync(join(fx.dir, 'truth.img')));
      for (const v of ['0', 'second']) {
        const out = join(tmp, `two-${v}.out`);
        const r = await md(['md', 'export', ...paths, '--volume', v, '-o', out]);
        expect(r.code, r.stderr).to.equal(0);
        expect(sha(readFileSync(out))).to.equal(truth);
      }
      const bad = await md(['md', 'examine', ...paths, '--volume', 'third']);
      expect(bad.code).to.equal(2);
      expect(bad.stderr).to.contain('--volume third');
      for (const p of paths) rmSync(p);
    });

    /** Copies of every member, named after their serials, each MPB edited by `edit` (checksum fixed). */
    function mpbCopies(edit: (mpb: Buffer, slot: number) => void): string[] {
      return [...linked().entries()].map(([slot, p]) => {
        const dev = membersOf(fx)
          .find((x) => x.raid_slot === slot)!
          .guest_dev!.replace('/dev/', '');
        const b = readFileSync(p);
        const size = b.readUInt32LE(b.length - 1024 + 36);
        const sectors = Math.ceil(size / 512);
        const mpb = Buffer.concat([
          b.subarray(b.length - 1024, b.length - 512),
          b.subarray(b.length - (sectors + 1) * 512, b.length - 1024),
        ]);
        edit(mpb, slot);
        mpb.writeUInt32LE(imsmChecksum(mpb, size), 32);
        mpb.copy(b, b.length - 1024, 0, 512);
        mpb.copy(b, b.length - (sectors + 1) * 512, 512);
        const copy = join(tmp, `e-${dev}.img`);
        writeFileSync(copy, b);
        return copy;
      });
    }
    const truthSha = () => sha(readFileSync(join(fx.dir, 'truth.img')));

    it('a disk the MPB marks failed is left out and rebuilt from parity', async () => {
      const copies = mpbCopies((mpb) => {
        const ord = devOff(mpb) + 112 + 48 + 4 * 2; // slot 2's disk
        const disk = 216 + 48 * (mpb.readUInt32LE(ord) & 0xffffff);
        mpb.writeUInt32LE(mpb.readUInt32LE(disk + 24) | 0x04, disk + 24);
      });
      const e = await md(['--json', 'md', 'examine', ...copies]);
      expect(e.code, e.stderr).to.equal(0);
      expect(e.json.missingSlots).to.deep.equal([2]);
      const ms = e.json.members as { slot: number; state: string }[];
      expect(ms.find((m) => m.slot === 2)!.state).to.contain('failed');
      const out = join(tmp, 'failed.out');
      const r = await md(['md', 'export', ...copies, '-o', out]);
      expect(r.code, r.stderr).to.equal(0);
      expect(sha(readFileSync(out))).to.equal(truthSha());
      rmSync(out);
    });

    it('a member with an older MPB (lower generation) is stale: left out unless --include-stale', async () => {
      const copies = mpbCopies((mpb, slot) => {
        if (slot === 1) mpb.writeUInt32LE(mpb.readUInt32LE(44) - 3, 44);
      });
      const e = await md(['--json', 'md', 'examine', ...copies]);
      expect(e.code, e.stderr).to.equal(0);
      expect(e.json.missingSlots).to.deep.equal([1]);
      expect((e.json.stale as { slot: number }[]).map((s) => s.slot)).to.deep.equal([1]);
      const i = await md(['--json', 'md', 'examine', ...copies, '--include-stale']);
      expect(i.json.missingSlots).to.deep.equal([]);
    });

    it('--metadata none reads no metadata (explicit geometry, slot order); --metadata ddf finds none', async () => {
      const out = join(tmp, 'none.out');
      const r = await md([
        'md',
        'export',
        ...['--metadata', 'none', '--level', '5', '--layout', 'left-asymmetric', '--chunk', '128K'],
        ...['--raid-disks', '4', ...linked().values(), '-o', out],
      ]);
      expect(r.code, r.stderr).to.equal(0);
      const truth = readFileSync(join(fx.dir, 'truth.img'));
      expect(readFileSync(out).subarray(0, truth.length).equals(truth)).to.equal(true);
      rmSync(out);
      const imsm = await md(['--json', 'md', 'examine', '--metadata', 'imsm', ...linked().values()]);
      expect(imsm.code, imsm.stderr).to.equal(0);
      const ddf = await md(['md', 'examine', '--metadata', 'ddf', ...linked().values()]);
      expect(ddf.code).to.equal(2);
      expect(ddf.stderr).to.contain('no member carries DDF metadata');
    });

    it('explicit geometry that contradicts the metadata is refused (exit 2)', async () => {
      const r = await md(['md', 'examine', ...linked().values(), '--chunk', '64K']);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('--chunk').and.contain('contradicts');
    });

    it('refuses (exit 2) a volume caught migrating (a rebuild: two maps), naming it', async () => {
      // migr_state 1, migr_type rebuild, and the second map the migration needs (a copy of the first)
      const paths = [...linked().entries()].map(([slot, p]) => {
        const dev = membersOf(fx)
          .find((x) => x.raid_slot === slot)!
          .guest_dev!.replace('/dev/', '');
        const b = readFileSync(p);
        const size = b.readUInt32LE(b.length - 1024 + 36);
        const sectors = Math.ceil(size / 512);
        const mpb = Buffer.concat([
          b.subarray(b.length - 1024, b.length - 512),
          b.subarray(b.length - (sectors + 1) * 512, b.length - 1024),
        ]).subarray(0, size);
        const dev0 = devOff(mpb);
        const mapLen = 52 + 4 * (mpb.readUInt8(dev0 + 112 + 16) - 1);
        const end = dev0 + 112 + mapLen;
        const grown = Buffer.concat([mpb.subarray(0, end), mpb.subarray(dev0 + 112, end), mpb.subarray(end)]);
        grown[dev0 + 80 + 8] = 1;
        grown[dev0 + 80 + 9] = 1;
        const nsize = size + mapLen;
        grown.writeUInt32LE(nsize, 36);
        grown.writeUInt32LE(imsmChecksum(grown, nsize), 32);
        const nsec = Math.ceil(nsize / 512);
        const padded = Buffer.alloc(nsec * 512);
        grown.copy(padded);
        padded.copy(b, b.length - 1024, 0, 512);
        padded.copy(b, b.length - (nsec + 1) * 512, 512);
        const copy = join(tmp, `migr-${dev}.img`);
        writeFileSync(copy, b);
        return copy;
      });
      const r = await md(['md', 'export', ...paths, '-o', join(tmp, 'x')]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('IMSM migration in progress (rebuild)');
      for (const p of paths) rmSync(p);
    });
  });

  const DDF = ['fw2-', 'fw3-', 'fw4-', 'fw5-'];
  for (const prefix of DDF) {
    describe(`DDF (${prefix.slice(0, -1)})`, () => {
      const found = fixtureNamed(prefix);
      if (!found) return;
      const fx: Fixture = found;
      const links = () =>
        new Map(
          [...membersOf(fx)]
            .sort((a, b) => a.raid_slot - b.raid_slot)
            .map((m) => [m.raid_slot, join(fx.dir, m.file)]),
        );
      arraySuite(fx, links);
    });
  }

  describe('DDF corrupt metadata', () => {
    const found = fixtureNamed('fw2-');
    if (!found) return;
    const fx: Fixture = found;
    /** Slot 0's member with its first configuration record edited (CRC fixed unless `keepCrc`). */
    function editedConfig(edit: (vd: Buffer) => void, keepCrc = false): string[] {
      const files = membersOf(fx)
        .sort((a, b) => a.raid_slot - b.raid_slot)
        .map((m) => join(fx.dir, m.file));
      const b = readFileSync(files[0]!);
      const anchor = b.subarray(b.length - 512);
      const primary = Number(anchor.readBigUInt64BE(96));
      const h = b.subarray(primary * 512, primary * 512 + 512);
      const recLen = h.readUInt16BE(134) * 512;
      const at = (primary + h.readUInt32BE(216)) * 512;
      const vd = b.subarray(at, at + recLen);
      expect(vd.readUInt32BE(0)).to.equal(0xeeeeeeee);
      edit(vd);
      if (!keepCrc) vd.writeUInt32BE(ddfCrc(vd), 4);
      const copy = join(tmp, 'ddf-edited.img');
      writeFileSync(copy, b);
      return [copy, ...files.slice(1)];
    }

    it('refuses (exit 2) a configuration record with a bad CRC', async () => {
      const r = await md(['md', 'examine', ...editedConfig((vd) => (vd[300]! ^= 1), true)]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('CRC mismatch');
    });

    it('refuses (exit 2) a configuration record naming one disk twice', async () => {
      const r = await md([
        'md',
        'examine',
        ...editedConfig((vd) => vd.writeUInt32BE(vd.readUInt32BE(512), 516)),
      ]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('inconsistent disk table');
    });

    it('a container with two virtual disks: refused without --volume, chosen by name or index', async () => {
      // A second virtual disk record and configuration record ('second', the first one's geometry
      // and extents) in both headers' sections of every member, CRCs fixed.
      const files = membersOf(fx).map((m) => join(fx.dir, m.file));
      const copies = files.map((f, i) => {
        const b = readFileSync(f);
        const anchor = b.subarray(b.length - 512);
        for (const lbaAt of [96, 104]) {
          if (anchor.readBigUInt64BE(lbaAt) === 0xffffffffffffffffn) continue;
          const lba = Number(anchor.readBigUInt64BE(lbaAt));
          const h = b.subarray(lba * 512, lba * 512 + 512);
          const vat = (lba + h.readUInt32BE(208)) * 512;
          const virt = b.subarray(vat, vat + h.readUInt32BE(212) * 512);
          const e1 = virt.subarray(128, 192);
          virt.subarray(64, 128).copy(e1);
          e1[23] = e1[23]! ^ 0xff;
          e1.fill(0x20, 48, 64);
          e1.write('second', 48, 'latin1');
          virt.writeUInt16BE(virt.readUInt16BE(8) + 1, 8);
          virt.writeUInt32BE(ddfCrc(virt), 4);
          const recLen = h.readUInt16BE(134) * 512;
          const cat = (lba + h.readUInt32BE(216)) * 512;
          const rec1 = b.subarray(cat + recLen, cat + 2 * recLen);
          b.subarray(cat, cat + recLen).copy(rec1);
          rec1[31] = rec1[31]! ^ 0xff;
          rec1.writeUInt32BE(ddfCrc(rec1), 4);
        }
        const c = join(tmp, `ddf-two-${i}.img`);
        writeFileSync(c, b);
        return c;
      });
      const none = await md(['md', 'examine', ...copies]);
      expect(none.code).to.equal(2);
      expect(none.stderr).to.contain('2 volumes').and.contain("1 'second'").and.contain('--volume');
      const truth = sha(readFileSync(join(fx.dir, 'truth.img')));
      for (const v of ['0', 'second']) {
        const out = join(tmp, `ddf-two-${v}.out`);
        const r = await md(['md', 'export', ...copies, '--volume', v, '-o', out]);
        expect(r.code, r.stderr).to.equal(0);
        expect(sha(readFileSync(out))).to.equal(truth);
        rmSync(out);
      }
      for (const c of copies) rmSync(c);
    });

    it('a disk the records mark Failed (and Transition, as mdadm does) is left out and rebuilt from parity', async () => {
      const files = membersOf(fx).map((m) => join(fx.dir, m.file));
      let refnum = '';
      const copies = files.map((f, i) => {
        const b = readFileSync(f);
        const anchor = b.subarray(b.length - 512);
        for (const lbaAt of [96, 104]) {
          if (anchor.readBigUInt64BE(lbaAt) === 0xffffffffffffffffn) continue;
          const lba = Number(anchor.readBigUInt64BE(lbaAt));
          const h = b.subarray(lba * 512, lba * 512 + 512);
          const vd = b.subarray((lba + h.readUInt32BE(216)) * 512);
          const ref = vd.readUInt32BE(512 + 4); // slot 1's disk
          refnum = ref.toString(16).padStart(8, '0');
          const pat = (lba + h.readUInt32BE(200)) * 512;
          const phys = b.subarray(pat, pat + h.readUInt32BE(204) * 512);
          for (let e = 64; e + 64 <= phys.length; e += 64)
            if (phys.readUInt32BE(e + 24) === ref) phys.writeUInt16BE(0x0a, e + 30);
          phys.writeUInt32BE(ddfCrc(phys), 4);
        }
        const c = join(tmp, `ddf-failed-${i}.img`);
        writeFileSync(c, b);
        return c;
      });
      const e = await md(['--json', 'md', 'examine', ...copies]);
      expect(e.code, e.stderr).to.equal(0);
      expect(e.json.missingSlots).to.deep.equal([1]);
      const ms = e.json.members as { slot: number; state: string; disk: string }[];
      expect(ms.find((m) => m.slot === 1)).to.deep.include({ disk: refnum });
      expect(ms.find((m) => m.slot === 1)!.state).to.contain('failed');
      const out = join(tmp, 'ddf-failed.out');
      const r = await md(['md', 'export', ...copies, '-o', out]);
      expect(r.code, r.stderr).to.equal(0);
      expect(sha(readFileSync(out))).to.equal(sha(readFileSync(join(fx.dir, 'truth.img'))));
      rmSync(out);
      for (const c of copies) rmSync(c);
    });

    it('refuses (exit 2) a primary RAID level raidtx does not read, naming it', async () => {
      const r = await md(['md', 'examine', ...editedConfig((vd) => (vd[67] = 0x11))]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('DDF primary RAID level 0x11 (RAID1E)');
    });

    it('refuses (exit 2) an anchor with a bad CRC', async () => {
      const files = membersOf(fx).map((m) => join(fx.dir, m.file));
      const b = readFileSync(files[0]!);
      b[b.length - 512 + 60]! ^= 1;
      const copy = join(tmp, 'ddf-anchor.img');
      writeFileSync(copy, b);
      const r = await md(['md', 'examine', copy, ...files.slice(1)]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('anchor header CRC');
    });

    it('refuses (exit 2) a virtual disk caught morphing, naming the state', async () => {
      const files = membersOf(fx).map((m) => join(fx.dir, m.file));
      const copies = files.map((f, i) => {
        const b = readFileSync(f);
        const anchor = b.subarray(b.length - 512);
        for (const lbaAt of [96, 104]) {
          if (anchor.readBigUInt64BE(lbaAt) === 0xffffffffffffffffn) continue;
          const lba = Number(anchor.readBigUInt64BE(lbaAt));
          const h = b.subarray(lba * 512, lba * 512 + 512);
          const at = (lba + h.readUInt32BE(208)) * 512;
          const virt = b.subarray(at, at + h.readUInt32BE(212) * 512);
          virt[64 + 32]! |= 0x08;
          virt.writeUInt32BE(ddfCrc(virt), 4);
        }
        const c = join(tmp, `ddf-morph-${i}.img`);
        writeFileSync(c, b);
        return c;
      });
      const r = await md(['md', 'export', ...copies, '-o', join(tmp, 'morph.out')]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.contain('morphing');
    });
  });

  describe('md superblock members', () => {
    const found = fixtureNamed('i-');
    if (!found) return;
    const fx: Fixture = found;
    it('refuse --volume and --serial (exit 2): they are for firmware RAID members', async () => {
      const files = membersOf(fx).map((m) => join(fx.dir, m.file));
      for (const extra of [
        ['--volume', '0'],
        ['--serial', 'member0.img=X'],
      ]) {
        const r = await md(['md', 'examine', ...files, ...extra]);
        expect(r.code).to.equal(2);
        expect(r.stderr).to.contain(`${extra[0]} is for firmware RAID`);
      }
    });
  });
});
