// Fixed newstyle negotiation (proto.md "Fixed newstyle negotiation", nbdkit's
// protocol-handshake-newstyle.c): the greeting, the client flags, then option haggling until
// NBD_OPT_GO or NBD_OPT_EXPORT_NAME enters transmission. Every option gets its reply; options we do
// not know are answered NBD_REP_ERR_UNSUP and haggling goes on.

import {
  FLAG_C_FIXED_NEWSTYLE,
  FLAG_C_NO_ZEROES,
  greeting,
  IHAVEOPT,
  Info,
  infoBlockSize,
  infoExport,
  infoText,
  MAX_OPTION_DATA,
  MAX_PAYLOAD,
  Opt,
  optionReply,
  Rep,
} from './protocol.js';
import type { Wire } from './wire.js';

/** What the server says about its one export. */
export interface ExportInfo {
  /** bytes */
  size: number;
  /** the canonical export name (any name the client asks for selects this export) */
  name: string;
  description: string;
  /** transmission flags */
  flags: number;
  /** NBD_INFO_BLOCK_SIZE: preferred block size (minimum is 1, maximum MAX_PAYLOAD) */
  preferredBlock: number;
}

/** What negotiation decided. */
export interface Negotiated {
  structuredReplies: boolean;
  exportName: string;
}

/** Refuses after this many options: a client that never chooses is shown the door. */
const MAX_OPTIONS = 256;

/**
 * Runs the negotiation. Resolves with the outcome when transmission starts, or null when the
 * client aborted (NBD_OPT_ABORT) or broke the protocol (the caller then closes the connection).
 * Rejects with ConnectionClosed when the client goes away.
 */
export async function negotiate(wire: Wire, exp: ExportInfo): Promise<Negotiated | null> {
  wire.send(greeting());
  const clientFlags = (await wire.read(4)).readUInt32BE(0);
  // Unknown client flags: the protocol says drop the connection.
  if (clientFlags & ~(FLAG_C_FIXED_NEWSTYLE | FLAG_C_NO_ZEROES)) return null;
  const noZeroes = (clientFlags & FLAG_C_NO_ZEROES) !== 0;
  let structuredReplies = false;

  for (let count = 0; count < MAX_OPTIONS; count++) {
    const head = await wire.read(16);
    if (head.readBigUInt64BE(0) !== IHAVEOPT) return null;
    const option = head.readUInt32BE(8);
    const length = head.readUInt32BE(12);
    if (length > MAX_OPTION_DATA) {
      await wire.skip(length);
      if (option === Opt.EXPORT_NAME) return null; // cannot answer it with an error
      wire.send(optionReply(option, Rep.ERR_TOO_BIG, message('option data too large')));
      continue;
    }
    const data = await wire.read(length);
    const reply = (type: number, payload?: Buffer): void => wire.send(optionReply(option, type, payload));

    switch (option) {
      case Opt.EXPORT_NAME: {
        // The old way in: no error reply is possible, any name selects the export.
        const b = Buffer.alloc(noZeroes ? 10 : 134);
        b.writeBigUInt64BE(BigInt(exp.size), 0);
        b.writeUInt16BE(exp.flags, 8);
        wire.send(b);
        return { structuredReplies, exportName: data.toString('utf8') };
      }
      case Opt.ABORT:
        reply(Rep.ACK);
        return null;
      case Opt.LIST:
        if (length !== 0) {
          reply(Rep.ERR_INVALID, message('NBD_OPT_LIST takes no data'));
          break;
        }
        reply(Rep.SERVER, serverEntry(exp));
        reply(Rep.ACK);
        break;
      case Opt.STRUCTURED_REPLY:
        if (length !== 0) reply(Rep.ERR_INVALID, message('NBD_OPT_STRUCTURED_REPLY takes no data'));
        else if (structuredReplies) reply(Rep.ERR_INVALID, message('structured replies already negotiated'));
        else {
          structuredReplies = true;
          reply(Rep.ACK);
        }
        break;
      case Opt.INFO:
      case Opt.GO: {
        const req = parseInfoRequest(data);
        if (!req) {
          reply(Rep.ERR_INVALID, message('malformed NBD_OPT_INFO/NBD_OPT_GO data'));
          break;
        }
        reply(Rep.INFO, infoExport(exp.size, exp.flags));
        // Block sizes are sent unasked (allowed) since reads above MAX_PAYLOAD are refused.
        reply(Rep.INFO, infoBlockSize(1, exp.preferredBlock, MAX_PAYLOAD));
        if (req.infos.includes(Info.NAME)) reply(Rep.INFO, infoText(Info.NAME, exp.name));
        if (req.infos.includes(Info.DESCRIPTION))
          reply(Rep.INFO, infoText(Info.DESCRIPTION, exp.description));
        reply(Rep.ACK);
        if (option === Opt.GO) return { structuredReplies, exportName: req.name };
        break;
      }
      case Opt.STARTTLS:
        reply(Rep.ERR_POLICY, message('TLS is not offered by this server'));
        break;
      default:
        reply(Rep.ERR_UNSUP, message(`option ${option} is not supported`));
    }
  }
  return null;
}

function message(text: string): Buffer {
  return Buffer.from(text, 'utf8');
}

function serverEntry(exp: ExportInfo): Buffer {
  const name = Buffer.from(exp.name, 'utf8');
  const desc = Buffer.from(exp.description, 'utf8');
  const b = Buffer.alloc(4 + name.length + desc.length);
  b.writeUInt32BE(name.length, 0);
  name.copy(b, 4);
  desc.copy(b, 4 + name.length);
  return b;
}

/** NBD_OPT_INFO/GO data: name length, name, count of info requests, the requests. Null if malformed. */
function parseInfoRequest(d: Buffer): { name: string; infos: number[] } | null {
  if (d.length < 6) return null;
  const nameLen = d.readUInt32BE(0);
  if (nameLen > d.length - 6) return null;
  const name = d.subarray(4, 4 + nameLen).toString('utf8');
  const count = d.readUInt16BE(4 + nameLen);
  if (d.length !== 6 + nameLen + 2 * count) return null;
  const infos: number[] = [];
  for (let i = 0; i < count; i++) infos.push(d.readUInt16BE(6 + nameLen + 2 * i));
  return { name, infos };
}
