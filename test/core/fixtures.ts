// Shared fixtures of the core tests: reference vectors, unaligned views, the engine matrix.
import { unregisterChannels } from '../../src/core/async-tx.js';
import { createSoftwareChannel, setEngine } from '../../src/core/engine.js';
import { loadNative } from '../../src/native/loader.js';
import { lacking } from '../helpers/prereq.js';

export { loadVectors, VECTORS_DIR, type Vector as VectorCase } from '../helpers/vectors.js';

/** A view of `len` bytes at byte offset `at` inside a larger buffer (unaligned views). */
export function viewAt(content: Uint8Array, at: number, slack = 7): Uint8Array {
  const big = new Uint8Array(at + content.length + slack);
  big.set(content, at);
  return big.subarray(at, at + content.length);
}

export interface EngineConfig {
  name: string;
  /** why this configuration cannot run here (null = it can) */
  unavailable: string | null;
  setup(): void;
  teardown(): void;
}

/**
 * Every way an operation can run: the synchronous software path, software channels (the async
 * machinery without native code), native channels, and auto. Without the addon, the native ones are a
 * missing prerequisite (prereq.ts).
 */
export function engineConfigs(): EngineConfig[] {
  const { addon, reason } = loadNative();
  return [
    { name: 'software', unavailable: null, setup: () => setEngine('software'), teardown: () => {} },
    {
      name: 'software-channels',
      unavailable: null,
      setup: () => {
        setEngine('software');
        createSoftwareChannel('soft0');
        createSoftwareChannel('soft1');
      },
      teardown: () => unregisterChannels((ch) => ch.executor.engine === 'software'),
    },
    {
      name: 'native',
      unavailable: addon ? null : `native addon not loaded: ${reason}`,
      setup: () => setEngine('native'),
      teardown: () => setEngine('software'),
    },
    {
      // small operations inline on the native kernel, large ones on native channels
      name: 'auto',
      unavailable: addon ? null : `native addon not loaded: ${reason}`,
      setup: () => setEngine('auto'),
      teardown: () => setEngine('software'),
    },
  ];
}

/**
 * Declares `fn`'s tests once per engine configuration (those `only` keeps); an unavailable one is a
 * missing prerequisite: it fails under CI=true, else its tests are skipped with the reason.
 */
export function forEachEngine(fn: (cfg: EngineConfig) => void, only?: (cfg: EngineConfig) => boolean): void {
  for (const cfg of engineConfigs().filter(only ?? (() => true))) {
    describe(`engine: ${cfg.name}`, () => {
      before(function () {
        if (cfg.unavailable) lacking(this, cfg.unavailable);
        cfg.setup();
      });
      after(() => cfg.teardown());
      fn(cfg);
    });
  }
}
