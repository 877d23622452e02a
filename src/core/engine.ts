// Engine selection: which executor backs the channels the async_tx core hands out.
//   native   - the addon's kernels on worker threads (channels), required to be loaded
//   software - no channels: every operation takes the synchronous TypeScript path
//   auto     - native when loaded; small operations run inline (the native kernel called on the JS
//              thread), where the round trip to a worker costs more than the work itself
import { availableParallelism } from 'node:os';
import { loadNative, type NativeAddon } from '../native/loader.js';
import { registerChannel, setChannelPolicy, setInlineRunner, unregisterChannels } from './async-tx.js';
import { Channel, type ChannelExecutor } from './channel.js';
import { EngineError } from './errors.js';
import { ALL_CAPS } from './flags.js';
import { OP_COMMAND, OP_NAMES, type OpName, type OpRecord } from './op-record.js';
import { runSoftware, SOFTWARE_KERNEL } from './soft/index.js';

export type EngineMode = 'auto' | 'native' | 'software';
export const ENGINE_MODES: readonly EngineMode[] = ['auto', 'native', 'software'];

/**
 * In auto mode, operations touching fewer bytes than this (all blocks together) run inline.
 * Measured with bench/auto-threshold.mjs: inline wins below about 320 KiB, channels above.
 */
export const AUTO_INLINE_MAX_BYTES = 256 * 1024;

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

/** Parses an engine name (from --engine or RAIDTX_ENGINE). */
export function parseEngineMode(value: string, source = '--engine'): EngineMode {
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
  setChannelPolicy(mode === 'auto' ? (_cap, bytes) => bytes >= AUTO_INLINE_MAX_BYTES : () => true);
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
    native: { available: boolean; reason?: string; kernels?: Record<string, string>; cpu?: string[] };
    software: { available: true; kernels: Record<string, string> };
  };
  default: 'native' | 'software';
}

/** What `raidtx info` reports: engines, why native is unavailable, kernels per op (by command name), CPU features. */
export function engineInfo(): EngineInfo {
  const { addon, reason } = loadNative();
  const softKernels = Object.fromEntries(OP_NAMES.map((op) => [OP_COMMAND[op], SOFTWARE_KERNEL]));
  if (!addon) {
    return {
      engines: {
        native: { available: false, reason: reason ?? 'not loaded' },
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
        kernels: Object.fromEntries(OP_NAMES.map((op) => [OP_COMMAND[op], k[op].selected])),
        cpu: addon.cpuFeatures(),
      },
      software: { available: true, kernels: softKernels },
    },
    default: 'native',
  };
}

// The environment's choice applies from the start; an invalid RAIDTX_ENGINE falls back to auto here
// and is reported by the CLI, which parses it again.
{
  const env = process.env.RAIDTX_ENGINE;
  const initial: EngineMode =
    env && (ENGINE_MODES as readonly string[]).includes(env) ? (env as EngineMode) : 'auto';
  try {
    setEngine(initial);
  } catch {
    setEngine('software');
  }
}
