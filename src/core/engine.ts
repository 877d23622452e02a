// Engine selection: which executor backs the channels the async_tx core hands out.
//   native   - the addon's kernels on worker threads (channels), required to be loaded
//   software - no channels: every operation takes the synchronous TypeScript path
//   auto     - native when loaded; small operations run inline (the native kernel called on the JS
//              thread), where the round trip to a worker costs more than the work itself
//              (the policy and its threshold: INLINE_MAX_BYTES in contract.ts)
// The library starts in auto and reads no environment; callers (the command line among them)
// choose with setEngine.
import { availableParallelism } from 'node:os';
import { loadNative, type NativeAddon, type NativeBuild } from '../native/loader.js';
import { registerChannel, setChannelPolicy, setInlineRunner, unregisterChannels } from './async-tx.js';
import { Channel, type ChannelExecutor } from './channel.js';
import { INLINE_MAX_BYTES } from './contract.js';
import { EngineError } from './errors.js';
import { FieldError } from './field-error.js';
import { ALL_CAPS } from './flags.js';
import { OP_NAMES, type OpName, type OpRecord } from './op-record.js';
import { runSoftware, SOFTWARE_KERNEL } from './soft/index.js';

export type EngineMode = 'auto' | 'native' | 'software';
export const ENGINE_MODES: readonly EngineMode[] = ['auto', 'native', 'software'];

let mode: EngineMode = 'software';
let active: 'native' | 'software' = 'software';

function nativeExecutor(addon: NativeAddon): ChannelExecutor {
  return { engine: 'native', run: (records: OpRecord[]) => addon.run(records) };
}

/** An executor that runs the software kernels off the submitting call stack (for software channels). */
export const softwareExecutor: ChannelExecutor = {
  engine: 'software',
  run: (records: OpRecord[]) =>
    new Promise((resolve, reject) => {
      setImmediate(() => {
        try {
          resolve(records.map(runSoftware));
        } catch (e) {
          reject(e);
        }
      });
    }),
};

/** Registers a channel that runs the software kernels asynchronously (tests, or callers who want it). */
export function createSoftwareChannel(name = 'soft', capMask = ALL_CAPS): Channel {
  const ch = new Channel(name, capMask, softwareExecutor);
  registerChannel(ch);
  return ch;
}

/** Parses an engine name; `source` names where it came from in the message (the caller's word). */
export function parseEngineMode(value: string, source = 'engine'): EngineMode {
  if ((ENGINE_MODES as readonly string[]).includes(value)) return value as EngineMode;
  throw new EngineError(`${source}: unknown engine '${value}' (use auto, native or software)`);
}

/**
 * Chooses the engine. `native` throws EngineError when the addon is not loaded, naming why.
 * Native channels: one per core, each with every capability, so independent chains run in parallel.
 */
export function setEngine(next: EngineMode): void {
  const { addon, reason } = loadNative();
  if (next === 'native' && !addon) throw new EngineError(`native engine unavailable: ${reason}`);
  unregisterChannels((ch) => ch.executor.engine === 'native');
  mode = next;
  active = next !== 'software' && addon ? 'native' : 'software';
  if (active === 'native' && addon) {
    const exec = nativeExecutor(addon);
    const n = Math.max(2, availableParallelism());
    for (let i = 0; i < n; i++) registerChannel(new Channel(`native${i}`, ALL_CAPS, exec));
  }
  // the one inline policy (contract.ts INLINE_MAX_BYTES), at the addon's effective value
  const inlineMax = addon?.inlineMaxBytes ?? INLINE_MAX_BYTES;
  setChannelPolicy(mode === 'auto' ? (_cap, bytes) => bytes >= inlineMax : () => true);
  setInlineRunner(active === 'native' && addon ? (r) => addon.runSync(r) : runSoftware);
}

export function engineMode(): EngineMode {
  return mode;
}

/** The engine that runs channel work now. */
export function activeEngine(): 'native' | 'software' {
  return active;
}

/** The kernel the active engine uses for `op`. */
export function kernelName(op: OpName): string {
  if (active === 'native') {
    const { addon } = loadNative();
    if (addon) return addon.kernels()[op].selected;
  }
  return SOFTWARE_KERNEL;
}

export interface EngineInfo {
  engines: {
    native: {
      available: boolean;
      /** how the addon was made: shipped prebuilt, compiled on this machine, or RAIDTX_NATIVE_PATH */
      build?: NativeBuild;
      /** the addon file loaded (or that failed to load) */
      path?: string;
      reason?: string;
      kernels?: Record<OpName, string>;
      cpu?: string[];
    };
    software: { available: true; kernels: Record<OpName, string> };
  };
  default: 'native' | 'software';
}

/** The engines: whether native loaded (and why not), the kernel per op, CPU features. */
export function engineInfo(): EngineInfo {
  const { addon, reason, build, path } = loadNative();
  const file = { ...(build ? { build } : {}), ...(path ? { path } : {}) };
  const softKernels = Object.fromEntries(OP_NAMES.map((op) => [op, SOFTWARE_KERNEL])) as Record<
    OpName,
    string
  >;
  if (!addon) {
    return {
      engines: {
        native: { available: false, ...file, reason: reason ?? 'not loaded' },
        software: { available: true, kernels: softKernels },
      },
      default: 'software',
    };
  }
  const k = addon.kernels();
  return {
    engines: {
      native: {
        available: true,
        ...file,
        kernels: Object.fromEntries(OP_NAMES.map((op) => [op, k[op].selected])) as Record<OpName, string>,
        cpu: addon.cpuFeatures(),
      },
      software: { available: true, kernels: softKernels },
    },
    default: 'native',
  };
}

export interface KernelChoice {
  /** runs one record on the calling thread with the chosen kernel */
  run: (r: OpRecord) => number;
  /** the kernel's name */
  kernel: string;
  /** puts back the choice that was in force before (call it in a finally) */
  restore: () => void;
}

/**
 * Chooses `kernel` of `engine` for `op` (null: keep the current choice) whatever the active engine,
 * for timing it (`raidtx bench`). The native choice is process-wide, so callers must restore it.
 * An unknown kernel is a FieldError on 'kernel'; a missing native engine an EngineError.
 */
export function chooseKernel(engine: 'native' | 'software', op: OpName, kernel: string | null): KernelChoice {
  if (engine === 'software') {
    if (kernel !== null && kernel !== SOFTWARE_KERNEL)
      throw new FieldError('kernel', (f) => `${f}: the software engine has only '${SOFTWARE_KERNEL}'`);
    return { run: runSoftware, kernel: SOFTWARE_KERNEL, restore: () => {} };
  }
  const { addon, reason } = loadNative();
  if (!addon) throw new EngineError(`native engine unavailable: ${reason}`);
  const before = addon.kernels()[op];
  if (kernel !== null && !before.valid.includes(kernel)) {
    throw new FieldError(
      'kernel',
      (f) => `${f}: '${kernel}' is not available for ${op} here (available: ${before.valid.join(', ')})`,
    );
  }
  if (kernel !== null) addon.selectKernel(op, kernel);
  return {
    run: (r) => addon.runSync(r),
    kernel: addon.kernels()[op].selected,
    restore: () => addon.selectKernel(op, before.selected),
  };
}

setEngine('auto');
