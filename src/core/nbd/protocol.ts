// The NBD wire protocol (NetworkBlockDevice/nbd doc/proto.md): magic numbers, option, command,
// reply and error values, and the encoders of the messages raidtx's server sends. Big-endian
// throughout. Only what a read-only, fixed-newstyle server needs.

export const NBDMAGIC = 0x4e42444d41474943n; // "NBDMAGIC"
export const IHAVEOPT = 0x49484156454f5054n; // "IHAVEOPT"
export const OPT_REPLY_MAGIC = 0x3e889045565a9n;
export const REQUEST_MAGIC = 0x25609513;
export const SIMPLE_REPLY_MAGIC = 0x67446698;
export const STRUCTURED_REPLY_MAGIC = 0x668e33ef;

/** Handshake flags (server) and client flags. */
export const FLAG_FIXED_NEWSTYLE = 1 << 0;
export const FLAG_NO_ZEROES = 1 << 1;
export const FLAG_C_FIXED_NEWSTYLE = 1 << 0;
export const FLAG_C_NO_ZEROES = 1 << 1;

/** Transmission flags. */
export const FLAG_HAS_FLAGS = 1 << 0;
export const FLAG_READ_ONLY = 1 << 1;
export const FLAG_SEND_FLUSH = 1 << 2;
export const FLAG_SEND_DF = 1 << 7;
export const FLAG_CAN_MULTI_CONN = 1 << 8;

export const Opt = {
  EXPORT_NAME: 1,
  ABORT: 2,
  LIST: 3,
  STARTTLS: 5,
  INFO: 6,
  GO: 7,
  STRUCTURED_REPLY: 8,
} as const;

export const Rep = {
  ACK: 1,
  SERVER: 2,
  INFO: 3,
  ERR_UNSUP: 0x80000001,
  ERR_POLICY: 0x80000002,
  ERR_INVALID: 0x80000003,
  ERR_PLATFORM: 0x80000004,
  ERR_UNKNOWN: 0x80000006,
  ERR_SHUTDOWN: 0x80000007,
  ERR_TOO_BIG: 0x80000009,
} as const;

export const Info = { EXPORT: 0, NAME: 1, DESCRIPTION: 2, BLOCK_SIZE: 3 } as const;

export const Cmd = {
  READ: 0,
  WRITE: 1,
  DISC: 2,
  FLUSH: 3,
  TRIM: 4,
  CACHE: 5,
  WRITE_ZEROES: 6,
  BLOCK_STATUS: 7,
} as const;

export const CMD_FLAG_FUA = 1 << 0;
export const CMD_FLAG_DF = 1 << 2;

export const ReplyType = { NONE: 0, OFFSET_DATA: 1, ERROR: 32769, ERROR_OFFSET: 32770 } as const;
export const REPLY_FLAG_DONE = 1 << 0;

export const Err = {
  EPERM: 1,
  EIO: 5,
  ENOMEM: 12,
  EINVAL: 22,
  ENOSPC: 28,
  EOVERFLOW: 75,
  ENOTSUP: 95,
  ESHUTDOWN: 108,
} as const;

/** Largest request payload served: 32 MiB, what the protocol document recommends clients expect. */
export const MAX_PAYLOAD = 32 * 1024 * 1024;
/** Largest option data read during negotiation (more is skipped and refused). */
export const MAX_OPTION_DATA = 64 * 1024;

/** S: NBDMAGIC, IHAVEOPT, handshake flags. */
export function greeting(): Buffer {
  const b = Buffer.alloc(18);
  b.writeBigUInt64BE(NBDMAGIC, 0);
  b.writeBigUInt64BE(IHAVEOPT, 8);
  b.writeUInt16BE(FLAG_FIXED_NEWSTYLE | FLAG_NO_ZEROES, 16);
  return b;
}

/** An option reply: magic, the option, the reply type, the data. */
export function optionReply(option: number, type: number, data: Buffer = Buffer.alloc(0)): Buffer {
  const b = Buffer.alloc(20 + data.length);
  b.writeBigUInt64BE(OPT_REPLY_MAGIC, 0);
  b.writeUInt32BE(option >>> 0, 8);
  b.writeUInt32BE(type >>> 0, 12);
  b.writeUInt32BE(data.length, 16);
  data.copy(b, 20);
  return b;
}

/** NBD_INFO_EXPORT payload: size and transmission flags. */
export function infoExport(size: number, flags: number): Buffer {
  const b = Buffer.alloc(12);
  b.writeUInt16BE(Info.EXPORT, 0);
  b.writeBigUInt64BE(BigInt(size), 2);
  b.writeUInt16BE(flags, 10);
  return b;
}

/** NBD_INFO_BLOCK_SIZE payload: minimum, preferred, maximum payload. */
export function infoBlockSize(min: number, preferred: number, max: number): Buffer {
  const b = Buffer.alloc(14);
  b.writeUInt16BE(Info.BLOCK_SIZE, 0);
  b.writeUInt32BE(min, 2);
  b.writeUInt32BE(preferred, 6);
  b.writeUInt32BE(max, 10);
  return b;
}

/** NBD_INFO_NAME / NBD_INFO_DESCRIPTION payload. */
export function infoText(type: number, text: string): Buffer {
  const t = Buffer.from(text, 'utf8');
  const b = Buffer.alloc(2 + t.length);
  b.writeUInt16BE(type, 0);
  t.copy(b, 2);
  return b;
}

/** A request as it arrived (28 bytes). */
export interface Request {
  flags: number;
  type: number;
  /** opaque, echoed in the reply */
  cookie: Buffer;
  /** bigint: a client may send any 64-bit value */
  offset: bigint;
  length: number;
}

export const REQUEST_BYTES = 28;

/** Decodes a request header, or null when the magic is wrong (the stream cannot be trusted). */
export function parseRequest(b: Buffer): Request | null {
  if (b.readUInt32BE(0) !== REQUEST_MAGIC) return null;
  return {
    flags: b.readUInt16BE(4),
    type: b.readUInt16BE(6),
    cookie: Buffer.from(b.subarray(8, 16)),
    offset: b.readBigUInt64BE(16),
    length: b.readUInt32BE(24),
  };
}

/** Simple reply header: magic, error, cookie (read data follows on success). */
export function simpleReply(cookie: Buffer, error: number): Buffer {
  const b = Buffer.alloc(16);
  b.writeUInt32BE(SIMPLE_REPLY_MAGIC, 0);
  b.writeUInt32BE(error, 4);
  cookie.copy(b, 8);
  return b;
}

/** Structured reply chunk header (payload of `length` bytes follows). */
export function chunkHeader(cookie: Buffer, flags: number, type: number, length: number): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt32BE(STRUCTURED_REPLY_MAGIC, 0);
  b.writeUInt16BE(flags, 4);
  b.writeUInt16BE(type, 6);
  cookie.copy(b, 8);
  b.writeUInt32BE(length, 16);
  return b;
}

/** NBD_REPLY_TYPE_OFFSET_DATA: header and the 8-byte offset (the data follows). */
export function offsetDataHeader(cookie: Buffer, done: boolean, offset: number, dataLength: number): Buffer {
  const h = chunkHeader(cookie, done ? REPLY_FLAG_DONE : 0, ReplyType.OFFSET_DATA, 8 + dataLength);
  const o = Buffer.alloc(8);
  o.writeBigUInt64BE(BigInt(offset), 0);
  return Buffer.concat([h, o]);
}

/** NBD_REPLY_TYPE_ERROR (whole request) or ERROR_OFFSET (from `offset` on) with a message. */
export function errorChunk(
  cookie: Buffer,
  done: boolean,
  error: number,
  message: string,
  offset: number | null,
): Buffer {
  const msg = Buffer.from(message.slice(0, 4096), 'utf8');
  const body = Buffer.alloc(6 + msg.length + (offset === null ? 0 : 8));
  body.writeUInt32BE(error, 0);
  body.writeUInt16BE(msg.length, 4);
  msg.copy(body, 6);
  if (offset !== null) body.writeBigUInt64BE(BigInt(offset), 6 + msg.length);
  const type = offset === null ? ReplyType.ERROR : ReplyType.ERROR_OFFSET;
  return Buffer.concat([chunkHeader(cookie, done ? REPLY_FLAG_DONE : 0, type, body.length), body]);
}

/** NBD_REPLY_TYPE_NONE with the done flag: ends a structured reply. */
export function doneChunk(cookie: Buffer): Buffer {
  return chunkHeader(cookie, REPLY_FLAG_DONE, ReplyType.NONE, 0);
}
