// raidtx bench's harness: it chooses kernels through the engine and puts back whatever choice was in
// force before, whether the case ran or was refused.
import { expect } from 'chai';
import { type BenchCase, benchCase } from '../../src/core/bench.js';
import { FieldError } from '../../src/core/field-error.js';
import { SOFTWARE_KERNEL } from '../../src/core/soft/index.js';
import { requireAddon } from '../native/helpers.js';

const tiny = (kernel: string | null): BenchCase => ({
  op: 'pq',
  engine: 'native',
  disks: 4,
  bytes: 4096,
  seconds: 0.01,
  kernel,
});

describe('bench: kernel choice', () => {
  it('runs with the forced kernel and restores the automatic choice afterwards', async function () {
    const addon = requireAddon(this);
    const before = addon.kernels().pq.selected;
    const r = await benchCase(tiny('base'), 1);
    expect(r).to.include({ op: 'pq', engine: 'native', kernel: 'base', disks: 4, bytes: 4096, threads: 1 });
    expect(addon.kernels().pq.selected).to.equal(before);
  });

  it('restores a kernel that was forced before it ran, not the automatic one', async function () {
    const addon = requireAddon(this);
    const valid = addon.kernels().pq.valid;
    if (valid.length < 2) this.skip();
    const other = valid.find((k) => k !== 'base')!;
    addon.selectKernel('pq', other);
    try {
      expect((await benchCase(tiny('base'), 1)).kernel).to.equal('base');
      expect(addon.kernels().pq.selected).to.equal(other);
      expect((await benchCase(tiny(null), 1)).kernel).to.equal(other);
    } finally {
      addon.selectKernel('pq', 'auto');
    }
  });

  it('refuses an unknown kernel with a FieldError on "kernel" and changes nothing', async function () {
    const addon = requireAddon(this);
    const before = addon.kernels().pq.selected;
    const err = await benchCase(tiny('warp'), 1).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(FieldError);
    expect((err as FieldError).field).to.equal('kernel');
    expect((err as FieldError).render((f) => `--${f}`)).to.match(
      /^--kernel: 'warp' is not available for pq here/,
    );
    expect(addon.kernels().pq.selected).to.equal(before);
  });

  it('the software engine has only its TypeScript kernel', async () => {
    const r = await benchCase({ ...tiny(null), engine: 'software' }, 1);
    expect(r.kernel).to.equal(SOFTWARE_KERNEL);
    const err = await benchCase({ ...tiny('avx2'), engine: 'software' }, 1).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).to.be.instanceOf(FieldError);
  });
});
