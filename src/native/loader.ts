// Loads the native offload engine and, when it cannot, says why and what to do — like sharp's
// lib/sharp.js. Never throws: callers fall back to the software path. The addon is found as
// node-gyp-build finds it: a from-source build (build/Release/raidtx_native.node) first, else the
// prebuilt binary shipped in the package (prebuilds/<platform>-<arch>/raidtx.<libc>.node).
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { OpName, OpRecord } from './records.js';

/** The addon's src/native/contract.h, as its `contract` export (frozen). */
export interface NativeContract {
  minData: number;
  maxData: number;
  maxDisks: number;
  maxXorSrcs: number;
  maxRunRecords: number;
  /** the compiled default of the inline threshold */
  inlineMaxBytes: number;
  pResult: number;
  qResult: number;
  suspect: { NONE: number; P: number; Q: number; UNKNOWN: number };
  /** op names in the addon's order (raidtx_op_names) */
  ops: readonly string[];
}

export interface NativeAddon {
  /** Validates every record on the JS thread, then runs the batch in order on a worker thread. */
  run(records: OpRecord[]): Promise<Int32Array>;
  /** Validates and runs one record on the calling thread; returns the op's result. */
  runSync(record: OpRecord): number;
  cpuFeatures(): string[];
  kernels(): Record<OpName, { selected: string; valid: string[] }>;
  /** Forces a kernel valid on this CPU for `op`; 'auto' restores the priority choice. */
  selectKernel(op: OpName, name: string): void;
  readonly contract: NativeContract;
  /** Batches (and, in the auto engine, operations) touching fewer bytes run on the calling thread. */
  readonly inlineMaxBytes: number;
  /** A zeroed buffer starting at a multiple of `align` (for O_DIRECT); absent in older builds. */
  alignedBuffer?(size: number, align: number): Buffer;
  /** posix_fadvise; returns 0 or an errno (advice only); absent in older builds. */
  fadvise?(fd: number, offset: number, length: number, advice: 'sequential' | 'dontneed'): number;
  /** Raises a pipe's capacity (F_SETPIPE_SZ); returns it, or -errno; absent in older builds. */
  pipeSize?(fd: number, bytes: number): number;
  /**
   * Writes `parts` to the pipe `fd` in order, off the JS thread: a Buffer is written, a
   * [fd, offset, length] is spliced from that file. Resolves null, or the failure (errno, the part
   * and its bytes done); absent in older builds.
   */
  pipeOut?(
    fd: number,
    parts: readonly OutPart[],
  ): Promise<null | { errno: number; part: number; done: number }>;
}

/** A piece of output for pipeOut: bytes in memory, or [fd, offset, length] of a file. */
export type OutPart = Buffer | readonly [fd: number, offset: number, length: number];

/** Where the addon came from: shipped prebuilt, compiled on this machine, or RAIDTX_NATIVE_PATH. */
export type NativeBuild = 'prebuilt' | 'source' | 'override';

export interface NativeLoadResult {
  addon: NativeAddon | null;
  /** why the addon is not loaded, and what to do about it */
  reason: string | null;
  /** the file that was (or would have been) loaded */
  path: string | null;
  /** how `path` was made (null when no file was found) */
  build: NativeBuild | null;
}

const ADDON = join('build', 'Release', 'raidtx_native.node');
const BUILD_HINT = 'run `npm run build` in the raidtx package (needs python3, make and a C compiler)';

/**
 * node-gyp-build's choice in `root` (build/Release, else a matching prebuild), or null; env
 * RAIDTX_PREBUILD=DIR makes it look in DIR instead.
 */
function findAddon(root: string): { path: string; build: NativeBuild } | null {
  // node-gyp-build's first choice, without loading it (3 ms of every start in a checkout)
  const built = join(root, ADDON);
  if (!process.env.RAIDTX_PREBUILD && !process.env.PREBUILDS_ONLY && existsSync(built))
    return { path: built, build: 'source' };
  let gypBuild: { path(dir: string): string };
  try {
    gypBuild = createRequire(import.meta.url)('node-gyp-build') as typeof gypBuild;
  } catch {
    // a tree installed before node-gyp-build was a dependency: its own build only
    return existsSync(built) ? { path: built, build: 'source' } : null;
  }
  try {
    const path = gypBuild.path(root);
    // prebuilds/<platform>-<arch>/<name>.node, in `root` or where RAIDTX_PREBUILD points
    return {
      path,
      build: /[/\\]prebuilds[/\\][^/\\]+[/\\][^/\\]+\.node$/.test(path) ? 'prebuilt' : 'source',
    };
  } catch {
    return null; // "No native build was found": neither a build nor a prebuild for this platform
  }
}

/** The raidtx package root: the nearest directory upwards whose package.json is named raidtx. */
export function packageRoot(from: string = dirname(fileURLToPath(import.meta.url))): string | null {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg)) {
      try {
        if ((JSON.parse(readFileSync(pkg, 'utf8')) as { name?: unknown }).name === 'raidtx') return dir;
      } catch {
        // an unreadable package.json is not ours; keep walking up
      }
    }
    if (dirname(dir) === dir) return null;
  }
}

function isAddon(x: unknown): x is NativeAddon {
  const a = x as Record<string, unknown> | null;
  return (
    !!a &&
    typeof a.run === 'function' &&
    typeof a.runSync === 'function' &&
    typeof a.cpuFeatures === 'function' &&
    typeof a.kernels === 'function' &&
    typeof a.selectKernel === 'function' &&
    typeof a.contract === 'object' &&
    typeof a.inlineMaxBytes === 'number'
  );
}

function load(): NativeLoadResult {
  const override = process.env.RAIDTX_NATIVE_PATH;
  let path: string;
  let build: NativeBuild;
  if (override) {
    path = resolve(override);
    build = 'override';
    if (!existsSync(path))
      return { addon: null, reason: `RAIDTX_NATIVE_PATH=${override}: no such file`, path, build: null };
  } else {
    const root = packageRoot();
    if (!root)
      return {
        addon: null,
        reason: 'cannot find the raidtx package root (package.json)',
        path: null,
        build: null,
      };
    const found = findAddon(root);
    if (!found) {
      const where = `${process.platform}-${process.arch}`;
      return {
        addon: null,
        reason: `not built (no ${join(root, ADDON)}) and no prebuilt engine for ${where}: ${BUILD_HINT}`,
        path: join(root, ADDON),
        build: null,
      };
    }
    ({ path, build } = found);
  }
  try {
    const addon: unknown = createRequire(import.meta.url)(path);
    if (!isAddon(addon)) {
      return {
        addon: null,
        reason: `${path} is not the raidtx engine (exports missing): ${BUILD_HINT}`,
        path,
        build,
      };
    }
    return { addon, reason: null, path, build };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const hint = /NODE_MODULE_VERSION|undefined symbol|wrong ELF class|invalid ELF header/.test(msg)
      ? `built for another Node.js or platform: ${BUILD_HINT}`
      : BUILD_HINT;
    return { addon: null, reason: `cannot load ${path}: ${msg.split('\n')[0]}; ${hint}`, path, build };
  }
}

let cached: NativeLoadResult | undefined;

/** Loads the addon once (memoised). Never throws; `reason` explains a null `addon`. */
export function loadNative(): NativeLoadResult {
  cached ??= load();
  return cached;
}
