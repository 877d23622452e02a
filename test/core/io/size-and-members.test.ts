// Unit tests of src/core/io: size strings, member specs, range and size checks.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import { UsageError } from '../../../src/core/errors.js';
import { majorMinor } from '../../../src/core/io/device.js';
import { parseMemberSpec } from '../../../src/core/io/member.js';
import { closeAll, openMembers, readMember } from '../../../src/core/io/members.js';
import { parseSize } from '../../../src/core/io/size.js';

describe('io: size strings', () => {
  it('parses bytes and K M G T s suffixes exactly', () => {
    expect(parseSize('0', 'x')).to.equal(0);
    expect(parseSize('4096', 'x')).to.equal(4096);
    expect(parseSize('2048s', 'x')).to.equal(2048 * 512);
    expect(parseSize('512K', 'x')).to.equal(512 * 1024);
    expect(parseSize('3M', 'x')).to.equal(3 * 1024 ** 2);
    expect(parseSize('5G', 'x')).to.equal(5 * 1024 ** 3);
    expect(parseSize('2T', 'x')).to.equal(2 * 1024 ** 4);
  });
  for (const bad of ['4.5G', '-1', '1X', '', ' 1', '1 ', 'K', '0x10', '1e3', '99999999999999999T']) {
    it(`refuses '${bad}', naming the option`, () => {
      expect(() => parseSize(bad, '--step')).to.throw(UsageError, /--step/);
    });
  }
});

describe('io: member specs', () => {
  it('splits PATH@OFFSET at the last @', () => {
    expect(parseMemberSpec('a@b@4K')).to.deep.include({ kind: 'path', path: 'a@b', offset: 4096 });
    expect(parseMemberSpec('/dev/sdb')).to.deep.include({ kind: 'path', path: '/dev/sdb', offset: 0 });
  });
  it('accepts placeholders only where allowed', () => {
    expect(parseMemberSpec('missing', { missing: true }).kind).to.equal('missing');
    expect(parseMemberSpec('zero', { zero: true }).kind).to.equal('zero');
    expect(() => parseMemberSpec('missing')).to.throw(UsageError, /missing/);
    expect(() => parseMemberSpec('zero')).to.throw(UsageError, /zero/);
  });
  it('refuses a bad offset naming the member', () => {
    expect(() => parseMemberSpec('disk@1.5K')).to.throw(UsageError, /disk@1.5K/);
  });
  it('decodes major:minor of a dev_t', () => {
    expect(majorMinor(0x0703)).to.deep.equal({ major: 7, minor: 3 });
    expect(majorMinor((259 << 8) | 1)).to.deep.equal({ major: 259, minor: 1 });
  });
});

describe('io: opening members', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'raidtx-io-'));
    writeFileSync(join(dir, 'a'), Buffer.alloc(100, 1));
    writeFileSync(join(dir, 'b'), Buffer.alloc(60, 2));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  const spec = (s: string) => parseMemberSpec(join(dir, s), { zero: true });

  it('refuses unequal sizes, naming members and sizes', async () => {
    try {
      await openMembers([spec('a'), spec('b')], { offset: 0, length: null, pad: false });
      expect.fail('should throw');
    } catch (e) {
      expect((e as Error).message).to.match(/differ in size.*100 bytes.*60 bytes/);
    }
  });

  it('pads shorter members with zeros when asked', async () => {
    const { members, length } = await openMembers([spec('a'), spec('b')], {
      offset: 0,
      length: null,
      pad: true,
    });
    expect(length).to.equal(100);
    const buf = Buffer.alloc(50, 0xff);
    await readMember(members[1]!, buf, 50, 40);
    expect([...buf.subarray(0, 20)].every((x) => x === 2)).to.equal(true);
    expect([...buf.subarray(20)].every((x) => x === 0)).to.equal(true);
    await closeAll(members);
  });

  it('counts the range from PATH@OFFSET plus --offset', async () => {
    const { members, length } = await openMembers([parseMemberSpec(`${join(dir, 'a')}@40`), spec('b')], {
      offset: 10,
      length: null,
      pad: false,
    });
    expect(length).to.equal(50);
    await closeAll(members);
  });
});
