// Every command against ../shared/vectors, byte for byte, on both engines.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import {
  cleanupTmp,
  loadVector,
  nativeStatus,
  raidtx,
  tmp,
  type Vector,
  vectorNames,
  writeMembers,
} from '../helpers/cli.js';
import { lacking } from '../helpers/prereq.js';

for (const engine of ['software', 'native'] as const) {
  describe(`vectors, --engine ${engine}`, () => {
    before(async function () {
      if (engine !== 'native') return;
      const st = await nativeStatus();
      if (!st.available) lacking(this, `native engine unavailable (${st.reason})`);
    });
    after(cleanupTmp);

    for (const name of vectorNames()) {
      describe(name, () => {
        let v: Vector;
        let dir: string;
        let members: string[];
        const run = (args: string[]) => raidtx(['--engine', engine, '--quiet', ...args], { cwd: dir });
        before(() => {
          v = loadVector(name);
          dir = tmp();
          members = writeMembers(dir, v.data).map((p) => p.slice(dir.length + 1));
        });

        it('pq writes P and Q equal to p.bin and q.bin', async () => {
          const r = await run(['pq', '-P', 'P', '-Q', 'Q', ...members, '--step', '1000']);
          expect(r.code, r.stderr).to.equal(0);
          expect(readFileSync(join(dir, 'P')).equals(v.p)).to.equal(true);
          expect(readFileSync(join(dir, 'Q')).equals(v.q)).to.equal(true);
        });

        it('pq --verify writes the same', async () => {
          const r = await run(['pq', '--verify', '-P', 'Pv', '-Q', 'Qv', ...members]);
          expect(r.code, r.stderr).to.equal(0);
          expect(readFileSync(join(dir, 'Pv')).equals(v.p)).to.equal(true);
          expect(readFileSync(join(dir, 'Qv')).equals(v.q)).to.equal(true);
        });

        it('xor writes xor.bin', async () => {
          const r = await run(['xor', '-o', 'X', '--verify', ...members]);
          expect(r.code, r.stderr).to.equal(0);
          expect(readFileSync(join(dir, 'X')).equals(v.xor)).to.equal(true);
        });

        it('xor-val of the members and xor.bin is consistent', async () => {
          const r = await run(['--json', 'xor-val', ...members, 'P']);
          expect(r.code, r.stderr).to.equal(0);
          expect(JSON.parse(r.stdout)).to.include({ command: 'xor-val', ok: true, mismatchCount: 0 });
        });

        it('pq-val accepts p.bin and q.bin', async () => {
          const r = await run(['--json', 'pq-val', '-P', 'P', '-Q', 'Q', ...members]);
          expect(r.code, r.stderr).to.equal(0);
          expect(JSON.parse(r.stdout)).to.include({ ok: true, mismatchCount: 0 });
        });

        it('recover-2data rebuilds the first and last members', async () => {
          const a = 0;
          const b = v.members - 1;
          const list = members.map((m, i) => (i === a || i === b ? 'missing' : m));
          const r = await run([
            'recover-2data',
            '--verify',
            '-P',
            'P',
            '-Q',
            'Q',
            ...list,
            '-o',
            'RA',
            '-o',
            'RB',
          ]);
          expect(r.code, r.stderr).to.equal(0);
          expect(readFileSync(join(dir, 'RA')).equals(v.data[a]!)).to.equal(true);
          expect(readFileSync(join(dir, 'RB')).equals(v.data[b]!)).to.equal(true);
        });

        it('recover-datap rebuilds a middle member and P', async () => {
          const a = v.members >> 1;
          const list = members.map((m, i) => (i === a ? 'missing' : m));
          const r = await run(['recover-datap', '--verify', '-Q', 'Q', ...list, '-o', 'RD', '--out-p', 'RP']);
          expect(r.code, r.stderr).to.equal(0);
          expect(readFileSync(join(dir, 'RD')).equals(v.data[a]!)).to.equal(true);
          expect(readFileSync(join(dir, 'RP')).equals(v.p)).to.equal(true);
        });

        it('memcpy copies a member and memset fills a range', async () => {
          let r = await run(['memcpy', members[0]!, 'C']);
          expect(r.code, r.stderr).to.equal(0);
          expect(readFileSync(join(dir, 'C')).equals(v.data[0]!)).to.equal(true);
          const len = Math.min(100, v.bytes);
          r = await run(['memset', 'C', '--value', '0xa5', '--offset', '1', '--length', String(len - 1)]);
          expect(r.code, r.stderr).to.equal(0);
          const want = Buffer.from(v.data[0]!);
          want.fill(0xa5, 1, len);
          expect(readFileSync(join(dir, 'C')).equals(want)).to.equal(true);
        });
      });
    }
  });
}
