// The RAID6 stretch decoder on every engine: every erasure set within the redundancy rebuilds the
// wanted blocks byte-exact (with raid5.c's op for it); beyond it, `lost`. Checks use what is left.
import { expect } from 'chai';
import { submitRaid6Check, submitRaid6Rebuild } from '../../../src/core/damage/raid6.js';
import { awaitChain } from '../../../src/core/jobs/chain.js';
import { randomBuffers } from '../../helpers/prng.js';
import { refPQ } from '../../helpers/reference.js';
import { forEachEngine } from '../fixtures.js';

const N = 5;
const LEN = 4096 + 100;

function stripe(zeroAt = -1): (Buffer | null)[] {
  const data: (Buffer | null)[] = randomBuffers(N, LEN, 77);
  if (zeroAt >= 0) data[zeroAt] = null;
  const { p, q } = refPQ(data, LEN);
  return [...data, p, q];
}

/** Every set of 1 or 2 blocks out of N data + P + Q, and a few of 3. */
function erasureSets(): number[][] {
  const sets: number[][] = [];
  for (let a = 0; a < N + 2; a++) {
    sets.push([a]);
    for (let b = a + 1; b < N + 2; b++) sets.push([a, b]);
  }
  sets.push([0, 1, 2], [0, N, N + 1], [1, 3, N + 1]);
  return sets;
}

forEachEngine(() => {
  describe('RAID6 stretch decoder', () => {
    for (const zeroAt of [-1, 2]) {
      it(`rebuilds every erasure set within the redundancy${zeroAt >= 0 ? ' (a zero member at 2)' : ''}`, async () => {
        for (const erased of erasureSets()) {
          if (erased.includes(zeroAt)) continue;
          const truth = stripe(zeroAt);
          const blocks = truth.map((b) => (b ? Buffer.alloc(LEN, 0xa5) : null));
          truth.forEach((b, i) => {
            if (b && !erased.includes(i)) blocks[i]!.set(b);
          });
          const { tx, lost } = submitRaid6Rebuild(blocks, new Set(erased), erased, LEN);
          const dataLost = erased.filter((s) => s < N).length;
          expect(lost, `erased ${erased}`).to.equal(erased.length > 2 && dataLost > 0);
          if (lost) continue;
          await awaitChain(tx, 'decode');
          for (const s of erased)
            expect(blocks[s]!.equals(truth[s]!), `erased ${erased}: block ${s}`).to.equal(true);
        }
      });
    }

    it('checks with what is left: a wrong byte is found unless nothing is left to check', async () => {
      for (const erased of erasureSets()) {
        const truth = stripe();
        const blocks = truth.map((b) => Buffer.from(b!));
        for (const s of erased) blocks[s]!.fill(0);
        const victim = [0, 1, 2, 3, 4, N, N + 1].find((s) => !erased.includes(s))!;
        blocks[victim]![4150]! ^= 0x11;
        const res = { value: 0 };
        const detail = { granularity: 4096, flags: new Uint8Array(2), suspect: new Int32Array(2) };
        const chk = submitRaid6Check(blocks, new Set(erased), LEN, res, detail);
        const one = erased.length === 1 ? erased[0]! : -1;
        // one data block: rebuilt from P, Q checked; one parity: the other one checked; else nothing
        expect([chk.p, chk.q], `erased ${erased}`).to.deep.equal(
          one < 0
            ? [false, false]
            : one === N
              ? [false, true]
              : one === N + 1
                ? [true, false]
                : [false, true],
        );
        expect(chk.rebuilt).to.equal(one >= 0 && one < N);
        if (!chk.p && !chk.q) continue;
        await awaitChain(chk.tx, 'check');
        const unseen = (victim === N && !chk.p) || (victim === N + 1 && !chk.q);
        expect(res.value !== 0, `erased ${erased}, victim ${victim}`).to.equal(!unseen);
        if (!unseen) expect(detail.flags[0], 'granule 0 clean').to.equal(0);
        if (!unseen) expect(detail.flags[1], 'granule 1 flagged').to.not.equal(0);
      }
    });
  });
});
