import { allChannels } from './async-tx.js';
import type { Channel } from './channel.js';
import { ArgumentError } from './errors.js';

/**
 * dma_request_channel - takes a channel with every capability in capMask for the caller alone
 * (the general allocator skips it until releaseChannel). Operations reach it through
 * `submit.channel`. Null when no free channel fits (e.g. the software engine has none).
 */
export function requestChannel(capMask: number, filter?: (ch: Channel) => boolean): Channel | null {
  if (!Number.isInteger(capMask) || capMask <= 0)
    throw new ArgumentError('capMask', `must be a positive integer, got ${capMask}`);
  for (const ch of allChannels()) {
    if (!ch.isPrivate && ch.hasCap(capMask) && (!filter || filter(ch))) {
      ch.isPrivate = true;
      return ch;
    }
  }
  return null;
}

/** dma_release_channel - gives a requested channel back to the general allocator. */
export function releaseChannel(ch: Channel): void {
  if (!ch.isPrivate) throw new ArgumentError('ch', `channel ${ch.name} is not held (released twice?)`);
  ch.isPrivate = false;
}
