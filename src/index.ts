// raidtx: the Linux kernel's async_tx operations for Node (see DESIGN.md, "Library API").
export {
  type AsyncSubmitCtl,
  asyncTxAck,
  asyncTxIssuePendingAll,
  dmaWaitForAsyncTx,
  initAsyncSubmit,
  registerChannel,
} from './core/async-tx.js';
export { Channel, type ChannelExecutor } from './core/channel.js';
export {
  INLINE_MAX_BYTES,
  MAX_DATA,
  MAX_DISKS,
  MAX_RUN_RECORDS,
  MAX_XOR_SRCS,
  MIN_DATA,
  MIN_DISKS,
  Suspect,
} from './core/contract.js';
export { type AsyncTxCallback, Tx } from './core/descriptor.js';
export { releaseChannel, requestChannel } from './core/dma-channel.js';
export {
  activeEngine,
  createSoftwareChannel,
  type EngineInfo,
  type EngineMode,
  engineInfo,
  engineMode,
  kernelName,
  setEngine,
} from './core/engine.js';
export * from './core/errors.js';
export { AsyncTxFlags, DmaCap, DmaStatus, SumCheckFlags } from './core/flags.js';
export * from './core/gf.js';
export { OP_NAMES, type OpName, type OpRecord } from './core/op-record.js';
export { asyncMemcpy } from './core/ops/memcpy.js';
export { asyncMemset } from './core/ops/memset.js';
export { asyncGenSyndrome } from './core/ops/pq.js';
export { asyncSyndromeVal } from './core/ops/pq-val.js';
export { asyncRaid62DataRecov } from './core/ops/raid6-2data-recov.js';
export { asyncRaid6DatapRecov } from './core/ops/raid6-datap-recov.js';
export { asyncTriggerCallback } from './core/ops/trigger-callback.js';
export { asyncXor } from './core/ops/xor.js';
export { asyncXorVal } from './core/ops/xor-val.js';
export * from './core/simple.js';
export { runSoftware } from './core/soft/index.js';
export type { ValDetail } from './core/validate.js';
