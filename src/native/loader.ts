// Loads the native offload engine (build/Release/raidtx_native.node) and, when it cannot, says why
// and what to do — like sharp's lib/sharp.js. Never throws: callers fall back to the software path.
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
}

export interface NativeLoadResult {
  addon: NativeAddon | null;
  /** why the addon is not loaded, and what to do about it */
  reason: string | null;
  /** the file that was (or would have been) loaded */
  path: string | null;
}

const ADDON = join('build', 'Release', 'raidtx_native.node');
const BUILD_HINT = 'run `npm run build` in the raidtx package (needs python3, make and a C compiler)';

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
  if (override) {
    path = resolve(override);
    if (!existsSync(path))
      return { addon: null, reason: `RAIDTX_NATIVE_PATH=${override}: no such file`, path };
  } else {
    const root = packageRoot();
    if (!root)
      return { addon: null, reason: 'cannot find the raidtx package root (package.json)', path: null };
    path = join(root, ADDON);
    if (!existsSync(path))
      return { addon: null, reason: `not built (${path} is missing): ${BUILD_HINT}`, path };
  }
  try {
    const addon: unknown = createRequire(import.meta.url)(path);
    if (!isAddon(addon)) {
      return {
        addon: null,
        reason: `${path} is not the raidtx engine (exports missing): ${BUILD_HINT}`,
        path,
      };
    }
    return { addon, reason: null, path };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    const hint = /NODE_MODULE_VERSION|undefined symbol|wrong ELF class|invalid ELF header/.test(msg)
      ? `built for another Node.js or platform: ${BUILD_HINT}`
      : BUILD_HINT;
    return { addon: null, reason: `cannot load ${path}: ${msg.split('\n')[0]}; ${hint}`, path };
  }
}

let cached: NativeLoadResult | undefined;

/** Loads the addon once (memoised). Never throws; `reason` explains a null `addon`. */
export function loadNative(): NativeLoadResult {
  cached ??= load();
  return cached;
}
