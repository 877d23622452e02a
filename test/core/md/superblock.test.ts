import { spawnSync } from 'node:child_process';
import { closeSync, copyFileSync, mkdtempSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  type ByteReader,
  fileReader,
  findSuperblocks,
  parseSuperblock1,
  readSuperblock,
  rebuildSuperblock,
  superOffset1,
} from '../../../src/core/md/superblock.js';
import { type Fixture, hasMdadm, loadFixtures } from '../../helpers/md-fixtures.js';

function bufferReader(buf: Buffer): ByteReader {
  return {
    size: buf.length,
    read: async (dst, pos) => {
      const n = Math.max(0, Math.min(dst.length, buf.length - pos));
      buf.copy(dst, 0, pos, pos + n);
      return n;
    },
  };
}

async function superblockOf(path: string) {
  const h = await open(path, 'r');
  try {
    return await readSuperblock(fileReader(h, (await h.stat()).size));
  } finally {
    await h.close();
  }
}

const { fixtures, skip } = loadFixtures();

describe('md superblock', () => {
  it('finds no superblock on a member without one', async () => {
    expect(await findSuperblocks(bufferReader(Buffer.alloc(1 << 20)))).to.deep.equal([]);
  });

  it('places 1.0 at (sectors - 16) & ~7 sectors, 1.1 at 0 and 1.2 at 4 KiB', () => {
    expect(superOffset1(0, 4 * 1048576)).to.equal((8192 - 16) * 512);
    expect(superOffset1(0, 4 * 1048576 + 3 * 512)).to.equal((8192 - 16) * 512);
    expect(superOffset1(0, 4 * 1048576 + 9 * 512)).to.equal((8192 - 8) * 512);
    expect(superOffset1(1, 12345678)).to.equal(0);
    expect(superOffset1(2, 12345678)).to.equal(4096);
  });

  if (skip) {
    it.skip(`kernel-made fixtures: ${skip}`);
    return;
  }

  for (const fx of fixtures) {
    describe(fx.name, () => {
      it('parses every member as manifest.json and mdadm --examine describe it', async () => {
        const m = fx.manifest;
        for (const mm of m.members) {
          const sb = (await superblockOf(join(fx.dir, mm.file)))!;
          expect(sb, mm.file).to.not.equal(null);
          expect(sb.checksumOk, `${mm.file} checksum`).to.equal(true);
          expect(sb.metadata).to.equal(m.metadata === '0.90' ? '0.90' : m.metadata);
          expect(sb.level).to.equal(m.level);
          expect(sb.layout).to.equal(m.layout_md_number);
          expect(sb.layoutName).to.equal(m.layout);
          expect(sb.chunk).to.equal(m.chunk_bytes);
          expect(sb.raidDisks).to.equal(m.raid_disks);
          expect(sb.slot).to.equal(mm.raid_slot);
          expect(sb.memberState).to.equal('active');
          expect(sb.dataOffset).to.equal(mm.data_offset_bytes);
          expect(sb.dataSize).to.equal(mm.used_data_bytes);
          expect(sb.superOffset).to.equal(mm.super_offset_sectors! * 512);
          expect(sb.arrayUuid).to.equal(m.array_uuid);
          const exam = m.mdadm_examine[mm.index]!;
          const events = /^\s*Events : (\d+)/m.exec(exam)?.[1];
          expect(sb.events, 'events').to.equal(Number(events));
          const csum = /^\s*Checksum : ([0-9a-f]+)/m.exec(exam)?.[1];
          expect(sb.storedChecksum).to.equal(Number.parseInt(csum ?? '', 16));
          if (m.metadata !== '0.90') {
            expect(sb.name).to.equal(`mdfix:${fx.name}`);
            expect(sb.deviceUuid).to.equal(/Device UUID : (\S+)/.exec(exam)?.[1]);
          }
        }
      });

      it('reports a corrupted superblock as a bad checksum', async () => {
        const mm = fx.manifest.members[0]!;
        const img = readFileSync(join(fx.dir, mm.file));
        const sbOff = mm.super_offset_sectors! * 512;
        img[sbOff + 200]! ^= 0x01; // 1.x events; 0.90 a generic-state word
        const sb = (await readSuperblock(bufferReader(img)))!;
        expect(sb.checksumOk).to.equal(false);
        expect(sb.storedChecksum).to.not.equal(sb.computedChecksum);
      });

      rebuiltSuperblockCase(fx);
    });
  }
});

function rebuiltSuperblockCase(fx: Fixture): void {
  const m = fx.manifest;
  const slot = m.raid_disks - 1;
  it(`writes a superblock for slot ${slot} from a peer's that mdadm --examine accepts`, async function () {
    const peer = (await superblockOf(fx.memberPath(0)))!;
    const rebuilt = rebuildSuperblock(peer, slot);
    expect(rebuilt.parsed.checksumOk).to.equal(true);
    expect(rebuilt.parsed.slot).to.equal(slot);
    expect(rebuilt.parsed.arrayUuid).to.equal(peer.arrayUuid);
    expect(rebuilt.parsed.events).to.equal(peer.events);
    if (peer.metadata !== '0.90') {
      const original = (await superblockOf(fx.memberPath(slot)))!;
      expect(rebuilt.parsed.devNumber).to.equal(original.devNumber);
      expect(rebuilt.parsed.deviceUuid).to.not.equal(peer.deviceUuid);
      // the parsed-back superblock agrees with the original member's on everything but the device
      expect(parseSuperblock1(rebuilt.bytes, rebuilt.offset)!.dataOffset).to.equal(original.dataOffset);
    }
    if (!hasMdadm()) this.skip();
    const dir = mkdtempSync(join(tmpdir(), 'raidtx-md-sb-'));
    try {
      // an image of the member's size: zeros, then the new superblock and its metadata regions
      const img = join(dir, 'rebuilt.img');
      copyFileSync(fx.memberPath(slot), img);
      const fd = openSync(img, 'r+');
      const zero = Buffer.alloc(m.members[0]!.image_bytes);
      writeSync(fd, zero, 0, zero.length, 0);
      for (const f of rebuilt.fills) writeSync(fd, Buffer.alloc(f.length, f.value), 0, f.length, f.offset);
      writeSync(fd, rebuilt.bytes, 0, rebuilt.bytes.length, rebuilt.offset);
      closeSync(fd);
      const r = spawnSync('mdadm', ['--examine', img], { encoding: 'utf8' });
      expect(r.status, r.stderr + r.stdout).to.equal(0);
      if (peer.metadata === '0.90') {
        expect(r.stdout).to.match(/Checksum : [0-9a-f]+ - correct/);
        expect(r.stdout).to.match(new RegExp(`^this\\s+\\d+\\s+\\d+\\s+\\d+\\s+${slot}\\s+active sync`, 'm'));
      } else {
        expect(r.stdout).to.match(/Checksum : [0-9a-f]+ - correct/);
        expect(r.stdout).to.match(new RegExp(`Device Role : Active device ${slot}\\b`));
        expect(r.stdout).to.contain(`Array UUID : ${m.array_uuid}`);
      }
      const again = (await superblockOf(img))!;
      expect(again.slot).to.equal(slot);
      expect(again.checksumOk).to.equal(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}
