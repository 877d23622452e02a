// The engine layer: the library reads no environment (it starts in auto), the command line still
// honours RAIDTX_ENGINE, and the plain promise API fails with the failing descriptor's own error.
import { spawnSync } from 'node:child_process';
import { expect } from 'chai';
import { allChannels, registerChannel, unregisterChannels } from '../../src/core/async-tx.js';
import { Channel } from '../../src/core/channel.js';
import { engineMode, setEngine } from '../../src/core/engine.js';
import { ALL_CAPS } from '../../src/core/flags.js';
import { xor } from '../../src/core/simple.js';
import {
  asyncGenSyndrome,
  asyncTxIssuePendingAll,
  DmaStatus,
  dmaWaitForAsyncTx,
  initAsyncSubmit,
  Tx,
} from '../../src/index.js';
import { loadNative } from '../../src/native/loader.js';
import { ROOT, raidtx } from '../helpers/cli.js';

describe('engine: no environment in the core', () => {
  it('the library starts in auto, whatever RAIDTX_ENGINE says', function () {
    this.timeout(30000);
    const r = spawnSync(
      process.execPath,
      ['--import', 'tsx', '-e', "import('./src/core/engine.ts').then((m) => console.log(m.engineMode()))"],
      { cwd: ROOT, encoding: 'utf8', env: { ...process.env, RAIDTX_ENGINE: 'software' } },
    );
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal('auto');
  });

  it('the command line takes RAIDTX_ENGINE as the default engine', async function () {
    this.timeout(60000);
    const r = await raidtx(['--json', 'bench', '--op', 'xor', '--size', '4K', '--seconds', '0.01'], {
      env: { RAIDTX_ENGINE: 'software' },
    });
    expect(r.code, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).results.map((x: { engine: string }) => x.engine)).to.deep.equal(['software']);
  });
});

describe('engine: the one inline policy', () => {
  afterEach(() => setEngine('auto'));

  it("auto runs an op under the addon's inlineMaxBytes inline and a larger one on a channel", async function () {
    const { addon } = loadNative();
    if (!addon) this.skip();
    setEngine('auto');
    const limit = addon!.inlineMaxBytes;
    if (limit < 8) this.skip(); // RAIDTX_INLINE_BYTES turned inline work off
    const len = Math.ceil(limit / 4);
    // pq over 2 data members touches 4 blocks of len bytes
    const pqOf = (len: number) => {
      const blocks = Array.from({ length: 4 }, () => new Uint8Array(len));
      return asyncGenSyndrome(blocks, 0, 4, len, initAsyncSubmit());
    };
    expect(pqOf(len - 1)).to.equal(null);
    const tx = pqOf(len);
    expect(tx).to.be.instanceOf(Tx);
    asyncTxIssuePendingAll();
    expect(await dmaWaitForAsyncTx(tx)).to.equal(DmaStatus.COMPLETE);
  });
});

describe('simple API: a failed chain', () => {
  let mode: ReturnType<typeof engineMode>;
  let saved: Channel[] = [];
  beforeEach(() => {
    mode = engineMode();
    saved = [...allChannels()];
  });
  afterEach(() => {
    unregisterChannels(() => true);
    for (const ch of saved) registerChannel(ch);
    setEngine(mode);
  });

  it("rejects with the descriptor's own error, not a re-worded one", async () => {
    setEngine('software'); // every op goes to a channel when one exists
    unregisterChannels(() => true); // only the failing one below
    const boom = new RangeError('boom');
    registerChannel(
      new Channel('failing', ALL_CAPS, { engine: 'software', run: () => Promise.reject(boom) }),
    );
    const err = await xor([new Uint8Array(16), new Uint8Array(16)]).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.equal(boom);
  });
});
