// Firmware RAID readers (imsm.ts, ddf.ts) on buffers: checksums as mdadm computes them, members
// without such metadata left alone, and a torn MPB refused. Kernel-made members: test/commands/md/firmware.test.ts.

import { expect } from 'chai';
import { ddfCrc, readDdf } from '../../../src/core/md/ddf.js';
import { crc32 } from '../../../src/core/md/firmware-common.js';
import { IMSM_SIGNATURE, imsmChecksum, readImsm } from '../../../src/core/md/imsm.js';
import type { ByteReader } from '../../../src/core/md/superblock-common.js';

const reader = (b: Buffer): ByteReader => ({
  size: b.length,
  read: async (buf, pos) => b.copy(buf, 0, pos, Math.min(b.length, pos + buf.length)),
});

describe('firmware RAID metadata readers', () => {
  it("crc32 is mdadm's (zlib's table, no pre- or post-inversion)", () => {
    expect(crc32(Buffer.from('123456789'))).to.equal(0x2dfd2d88);
    const block = Buffer.alloc(512, 7);
    block.writeUInt32BE(0xde11de11, 0);
    const copy = Buffer.from(block);
    copy.writeUInt32BE(0xffffffff, 4);
    expect(ddfCrc(block)).to.equal(crc32(copy));
  });

  it('the IMSM checksum is the word sum without the check_sum word', () => {
    const mpb = Buffer.alloc(512);
    mpb.writeUInt32LE(0xffffffff, 0);
    mpb.writeUInt32LE(5, 32);
    mpb.writeUInt32LE(3, 40);
    expect(imsmChecksum(mpb, 512)).to.equal(2);
  });

  it('members without IMSM or DDF metadata read as null', async () => {
    const b = Buffer.alloc(1 << 20);
    expect(await readImsm(reader(b))).to.equal(null);
    expect(await readDdf(reader(b))).to.equal(null);
  });

  it('an IMSM signature with a bad checksum or an impossible size is a problem, not a volume', async () => {
    const b = Buffer.alloc(1 << 20);
    const at = b.length - 1024;
    b.write(`${IMSM_SIGNATURE}1.3.00`, at, 'latin1');
    b.writeUInt32LE(264, at + 36);
    b.writeUInt8(1, at + 56);
    expect(await readImsm(reader(b))).to.deep.include({ format: 'imsm' });
    expect(JSON.stringify(await readImsm(reader(b)))).to.contain('checksum');
    b.writeUInt32LE(1 << 30, at + 36);
    expect(JSON.stringify(await readImsm(reader(b)))).to.contain('mpb_size');
  });

  it('a DDF anchor with a bad CRC is a problem', async () => {
    const b = Buffer.alloc(1 << 20);
    b.writeUInt32BE(0xde11de11, b.length - 512);
    expect(JSON.stringify(await readDdf(reader(b)))).to.contain('anchor header CRC');
  });
});
