// Block devices as the kernel sees them: sizes from sysfs (never stat's size, which is 0 for a
// device), the set of devices currently mounted or held, and a device's partitions.

import { readdir, readFile } from 'node:fs/promises';

/** major:minor of a Linux dev_t as Node reports it (glibc's encoding, 64-bit). */
export function majorMinor(rdev: bigint | number): { major: number; minor: number } {
  const d = BigInt(rdev);
  const major = Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & ~0xfffn));
  const minor = Number((d & 0xffn) | ((d >> 12n) & ~0xffn));
  return { major, minor };
}

function sysDir(rdev: bigint | number): string {
  const { major, minor } = majorMinor(rdev);
  return `/sys/dev/block/${major}:${minor}`;
}

/** Size in bytes of the block device `rdev`: /sys/dev/block/MAJ:MIN/size counts 512-byte sectors. */
export async function blockDeviceSize(rdev: bigint | number): Promise<number> {
  const text = await readFile(`${sysDir(rdev)}/size`, 'utf8');
  const sectors = Number(text.trim());
  if (!Number.isSafeInteger(sectors)) throw new Error(`unreadable size in ${sysDir(rdev)}/size`);
  return sectors * 512;
}

/** "MAJ:MIN" of the device and of each of its partitions. */
export async function deviceAndPartitions(rdev: bigint | number): Promise<string[]> {
  const { major, minor } = majorMinor(rdev);
  const ids = [`${major}:${minor}`];
  const dir = sysDir(rdev);
  let entries: string[] = [];
  try {
    entries = await readdir(dir);
  } catch {
    return ids;
  }
  for (const name of entries) {
    try {
      await readFile(`${dir}/${name}/partition`, 'utf8');
      ids.push((await readFile(`${dir}/${name}/dev`, 'utf8')).trim());
    } catch {
      // not a partition
    }
  }
  return ids;
}

/** "MAJ:MIN" of every mounted filesystem's source device (field 3 of /proc/self/mountinfo). */
export async function mountedDeviceIds(): Promise<Set<string>> {
  const ids = new Set<string>();
  let text = '';
  try {
    text = await readFile('/proc/self/mountinfo', 'utf8');
  } catch {
    return ids;
  }
  for (const line of text.split('\n')) {
    const field = line.split(' ')[2];
    if (field) ids.add(field);
  }
  return ids;
}

/** True when another block device (md, dm, ...) holds this one: /sys/.../holders is not empty. */
export async function isHeld(rdev: bigint | number): Promise<boolean> {
  try {
    return (await readdir(`${sysDir(rdev)}/holders`)).length > 0;
  } catch {
    return false;
  }
}

/** The file behind a loop device (/sys/.../loop/backing_file), or null for other devices. */
export async function loopBackingFile(rdev: bigint | number): Promise<string | null> {
  try {
    const text = (await readFile(`${sysDir(rdev)}/loop/backing_file`, 'utf8')).trim();
    return text === '' ? null : text.replace(/ \(deleted\)$/, '');
  } catch {
    return null;
  }
}
