// What `md examine` reports about an assembled array: the array the members agree on, each member's
// superblock and part in it, missing slots and stale members.

import type { MdArray } from './array.js';
import { layoutName } from './layout.js';

export function examineArray(a: MdArray) {
  const g = a.geometry;
  const members = a.members
    .filter((m) => m.input.handle)
    .map((m) => ({
      path: m.label,
      slot: m.slot,
      state: m.excluded ?? (m.sb ? m.sb.memberState : 'active'),
      dataOffset: m.dataOffset,
      dataSize: m.sb ? m.sb.dataSize : a.memberDataSize,
      events: m.sb ? m.sb.events : (m.firmware?.generation ?? null),
      metadata: m.sb ? m.sb.metadata : (m.firmware?.format ?? null),
      /** firmware RAID: the disk the metadata names (IMSM serial, DDF refnum) */
      ...(m.firmware ? { disk: m.firmware.disk } : {}),
      checksumOk: m.sb ? m.sb.checksumOk : m.firmware ? true : null, // firmware metadata with a bad checksum or CRC is refused
      updateTime: m.sb ? new Date(m.sb.updateTime * 1000).toISOString() : null,
      arrayState: m.sb ? m.sb.arrayState : null,
      deviceUuid: m.sb ? m.sb.deviceUuid : null,
      /** superblocks of other (older) arrays, or broken ones, found beside the one used */
      otherSuperblocks: m.otherSuperblocks,
    }));
  return {
    array: {
      uuid: a.uuid,
      name: a.name,
      level: g.level,
      layout: layoutName(g.level, g.layout),
      layoutNumber: g.layout,
      chunk: g.chunk,
      raidDisks: g.raidDisks,
      metadata: a.metadata,
      memberDataSize: a.memberDataSize,
      arrayBytes: a.arrayBytes,
      stripes: a.stripes,
      /** the freshest superblock records an unclean shutdown (parity may lag the data) */
      dirty: a.dirty,
    },
    members,
    missingSlots: a.missingSlots,
    stale: a.stale.map((m) => ({ path: m.label, slot: m.slot, events: m.events })),
  };
}

export type MdExamineReport = ReturnType<typeof examineArray>;
