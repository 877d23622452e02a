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
// Jobs over members (files and block devices): what each command runs, as plain results.
export { FieldError } from './core/field-error.js';
export { AsyncTxFlags, DmaCap, DmaStatus, SumCheckFlags } from './core/flags.js';
export * from './core/gf.js';
export { type MemberSpec, parseMemberSpec } from './core/io/member.js';
export type { OutputSink } from './core/io/output.js';
export { formatSize } from './core/io/size.js';
export { memcpyMembers } from './core/jobs/memcpy.js';
export { memsetMember } from './core/jobs/memset.js';
export { pqMembers } from './core/jobs/pq.js';
export { pqValMembers } from './core/jobs/pq-val.js';
export type { PqMismatch, Range, SuspectReport } from './core/jobs/ranges.js';
export { recover2DataMembers, recoverDatapMembers } from './core/jobs/recover.js';
export type { JobOptions, JobProgress, JobResult } from './core/jobs/run.js';
export { xorAccumulate, xorMembers } from './core/jobs/xor.js';
export { xorValMembers } from './core/jobs/xor-val.js';
// md RAID5/6 arrays: assemble from members, then examine, check, export or rebuild.
export {
  type ArrayMember,
  type AssembleOptions,
  assembleArray,
  closeArray,
  type ExplicitGeometry,
  type MdArray,
} from './core/md/array.js';
export { checkArray, type MdCheckResult, type MdMismatch } from './core/md/check.js';
export { examineArray, type MdExamineReport } from './core/md/examine.js';
export { exportArray, type MdExportResult } from './core/md/export.js';
export { type ArrayRange, arrayRange } from './core/md/range.js';
export { type MdRebuildResult, type RebuildTarget, rebuildMembers } from './core/md/rebuild.js';
export { arrayRegions, type MdRegion, type MdReshape, type ReshapeKind } from './core/md/reshape.js';
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
