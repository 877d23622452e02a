// Errors that help: where a likely cause is known, a second stderr line says what to try (and --json
// carries it as error.hint). Exit 2, nothing written.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { cleanupTmp, raidtx, tmp, writeMembers } from '../helpers/cli.js';
import { md, membersOf } from '../helpers/md-cli.js';
import { fixtureNamed } from '../helpers/md-fixtures.js';
import { randomBuffers } from '../helpers/prng.js';

describe('errors that help: a second line says what to try', function () {
  this.timeout(60000);
  after(cleanupTmp);

  const a = fixtureNamed('a-');
  const c = fixtureNamed('c-');
  const e = fixtureNamed('e-');

  if (a && c) {
    const uuidA = a.manifest.array_uuid;
    const uuidC = c.manifest.array_uuid;
    it('members of two arrays: which member belongs to which array, and how many of each are here', async () => {
      const d = tmp();
      const out = join(d, 'out.img');
      const given = [a.memberPath(0), a.memberPath(1), c.memberPath(2)];
      const r = await md(['md', 'export', ...given, '-o', out]);
      expect(r.code).to.equal(2);
      expect(r.stderr).to.equal(
        `raidtx: md: members of different arrays: '${given[0]}', '${given[1]}' (array ${uuidA}) vs '${given[2]}' (array ${uuidC})\n` +
          `raidtx: try: give the members of one array only (here: 2 of the 5 members of array ${uuidA}; 1 of the 6 members of array ${uuidC}); \`raidtx md examine MEMBER\` names a member's array\n`,
      );
      expect(existsSync(out)).to.equal(false);
      const j = await md(['--json', 'md', 'check', ...given]);
      expect(j.code).to.equal(2);
      const err = j.json.error as { exitCode: number; message: string; hint: string };
      expect(err.exitCode).to.equal(2);
      expect(err.hint).to.equal(
        `give the members of one array only (here: 2 of the 5 members of array ${uuidA}; 1 of the 6 members of array ${uuidC}); \`raidtx md examine MEMBER\` names a member's array`,
      );
    });
  }

  if (a) {
    it('a member without a superblock among members with one: leave it out, or read none', async () => {
      const d = tmp();
      const bare = join(d, 'bare.img');
      writeFileSync(bare, Buffer.alloc(4 << 20));
      const r = await md(['md', 'check', a.memberPath(0), a.memberPath(1), bare]);
      expect(r.code).to.equal(2);
      expect(r.stderr.split('\n')[1]).to.equal(
        `raidtx: try: leave out '${bare}', or read no superblock at all: --ignore-superblocks with the geometry, members in slot order`,
      );
    });
    it('a truncated 1.2 member: its size, the size needed, and what to do', async () => {
      const d = tmp();
      const short = join(d, 'short.img');
      writeFileSync(short, readFileSync(a.memberPath(3)).subarray(0, 4000000));
      const out = join(d, 'out.img');
      const r = await md(['md', 'export', ...membersOf(a).slice(0, 3), short, '-o', out]);
      expect(r.code).to.equal(2);
      const [first, second] = r.stderr.split('\n');
      expect(first).to.match(new RegExp(`^raidtx: md: '${short}': 1\\.2 superblock: data_size`));
      // data at 1 MiB, 3 MiB used of 3 MiB available: the member must hold 4194304 bytes
      expect(second).to.equal(
        `raidtx: try: '${short}' holds 4000000 bytes, its data area needs 4194304 (194304 more; a truncated copy?): copy the whole member again, or leave it out (its slot is then read as missing and rebuilt from parity)`,
      );
      expect(existsSync(out)).to.equal(false);
    });
  }

  if (e) {
    it('a truncated 0.90 member lost its superblock: it is smaller than the others', async () => {
      const d = tmp();
      const short = join(d, 'short.img');
      writeFileSync(short, readFileSync(e.memberPath(3)).subarray(0, 3000000));
      const size = readFileSync(e.memberPath(0)).length;
      const r = await md(['md', 'check', e.memberPath(0), e.memberPath(1), short]);
      expect(r.code).to.equal(2);
      expect(r.stderr.split('\n')[1]).to.equal(
        `raidtx: try: '${short}' is smaller than the others (3000000 bytes, not ${size}: a truncated copy loses a 0.90 or 1.0 superblock at its end): copy it whole again, or leave out '${short}', or read no superblock at all: --ignore-superblocks with the geometry, members in slot order`,
      );
    });
  }

  it('explicit geometry: members that end before --data-offset get a hint on where md puts data', async () => {
    const d = tmp();
    writeMembers(d, randomBuffers(3, 1 << 20, 8));
    const geometry = ['--level', '5', '--layout', 'ls', '--chunk', '64K', '--raid-disks', '3'];
    const r = await md(['md', 'check', ...geometry, '--data-offset', '2M', 'd0', 'd1', 'd2'], { cwd: d });
    expect(r.code).to.equal(2);
    expect(r.stderr).to.equal(
      "raidtx: md: 'd0', 'd1', 'd2' end before --data-offset 2097152\n" +
        'raidtx: try: check --data-offset: mdadm puts data at 1 MiB or 2 MiB for metadata 1.2, at 0 for 1.0 and 0.90 (`raidtx md detect` finds it from the content)\n',
    );
  });

  describe('members of the generic commands', () => {
    let d = '';
    before(() => {
      d = tmp();
      writeMembers(d, randomBuffers(2, 8192, 5));
      writeFileSync(join(d, 'short'), randomBuffers(1, 4096, 6)[0]!);
    });
    it('unequal sizes: --pad, or --length with what every member holds', async () => {
      const r = await raidtx(['pq', '-P', 'P', '-Q', 'Q', 'd0', 'd1', 'short'], { cwd: d });
      expect(r.code).to.equal(2);
      expect(r.stderr).to.equal(
        "raidtx: members differ in size ('d0', 'd1': 8192 bytes; 'short': 4096 bytes)\n" +
          'raidtx: try: --pad to read the shorter members as zero-padded, or --length 4096 to read only what every member holds\n',
      );
      expect(existsSync(join(d, 'P'))).to.equal(false);
    });
    it('--length beyond a member: the length every member holds, or --pad', async () => {
      const r = await raidtx(['--json', '--length', '8192', 'xor-val', 'd0', 'short'], { cwd: d });
      expect(r.code).to.equal(2);
      expect(r.stderr).to.equal(
        "raidtx: member 'short': only 4096 bytes from offset 0, --length is 8192\n" +
          "raidtx: try: --length 4096 (what every member holds), or --pad to read 'short' as zero-padded\n",
      );
      expect(JSON.parse(r.stdout).error).to.deep.equal({
        exitCode: 2,
        message: "member 'short': only 4096 bytes from offset 0, --length is 8192",
        hint: "--length 4096 (what every member holds), or --pad to read 'short' as zero-padded",
      });
    });
  });
});
