// What `md examine` reports about an assembled array: the array the members agree on, each member's
// superblock and part in it, missing slots and stale members.

import type { MdArray } from './array.js';
import { featureNames } from './describe.js';
import { layoutName, type MdGeometry } from './layout.js';
import { describeMdReshape } from './reshape.js';

const shape = (g: MdGeometry) => ({
  level: g.level,
  layout: layoutName(g.level, g.layout),
  layoutNumber: g.layout,
  chunk: g.chunk,
  raidDisks: g.raidDisks,
});

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
      /** mid-reshape: where the new geometry's data starts on this member (bytes), else null */
      newDataOffset: m.sb?.reshape ? m.sb.reshape.newDataOffset : null,
      /** a recovering member: bytes of its data area that are valid (below this), else null */
      recoveryOffset: m.sb?.memberState === 'recovering' ? m.sb.recoveryOffset : null,
      /** 1.x feature bits by md_p.h name ('none' for 0.90): what examine found, including harmless ones */
      features: m.sb ? featureNames(m.sb.featureMap) : null,
      /** write-intent bitmap (offset in sectors from the superblock, signed), or null: does not move data */
      bitmapOffset: m.sb ? m.sb.bitmapOffset : null,
      /** partial parity log (offset and size in sectors from the superblock), or null: does not move data */
      ppl: m.sb ? m.sb.ppl : null,
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
      /**
       * an interrupted reshape: which changes, where (array bytes; below it the new geometry when
       * forwards, the previous one when backwards), the two geometries; null at rest
       */
      reshape: a.reshape
        ? {
            kinds: a.reshape.kinds,
            direction: a.reshape.backwards ? 'backwards' : 'forwards',
            position: a.reshape.position,
            previous: shape(a.reshape.previous),
            next: shape(a.reshape.next),
            text: describeMdReshape(a.reshape, a.arrayBytes),
          }
        : null,
    },
    members,
    missingSlots: a.missingSlots,
    stale: a.stale.map((m) => ({ path: m.label, slot: m.slot, events: m.events })),
  };
}

export type MdExamineReport = ReturnType<typeof examineArray>;
