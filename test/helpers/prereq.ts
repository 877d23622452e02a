// The one prerequisite policy of the suite. A test that needs something this machine lacks (the md
// fixtures, mdadm, losetup or root, FUSE, a tmpfs, the native engine, ...) FAILS when CI=true — CI
// must provide everything, so a skip there would hide an untested path — and is otherwise skipped
// with the reason printed. Every suite goes through these helpers; there is no other variable.

/** CI=true: every prerequisite must be present. */
export const STRICT = process.env.CI === 'true';

function failure(reason: string): Error {
  return new Error(`missing prerequisite (CI=true requires it): ${reason}`);
}

/** Inside a test or hook: fails under CI=true, else prints `reason` and skips (the rest of) it. */
export function lacking(ctx: Mocha.Context, reason: string): never {
  if (STRICT) throw failure(reason);
  console.log(`      skipped: ${reason}`);
  return ctx.skip();
}

/** At declaration time: a test named `title` that fails under CI=true and is otherwise pending with the reason. */
export function lackingTest(title: string, reason: string): void {
  it(`${title} — missing prerequisite`, function () {
    lacking(this, reason);
  });
}

/** Outside mocha's context (a helper choosing what to test): throws under CI=true, else prints the reason. */
export function note(reason: string): void {
  if (STRICT) throw failure(reason);
  console.log(`      skipped: ${reason}`);
}
