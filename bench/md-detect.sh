#!/usr/bin/env bash
# md detect on 8 members x 4 GiB (sparse) with the default sample: time and bytes read.
# The members are the kernel-made fixture k-r6-8d-512k-ls-1.2 (RAID6, 8 disks, 512K chunk, data at
# 2 MiB), superblocks zeroed, grown to 4 GiB with holes, given in shuffled order.
#   bench/md-detect.sh [FIXTURES=/tmp/md-fixtures]
set -euo pipefail
cd "$(dirname "$0")/.."
fx=${1:-${RAIDTX_MD_FIXTURES:-/tmp/md-fixtures}}/k-r6-8d-512k-ls-1.2
[ -f "$fx/manifest.json" ] || { echo "md-detect bench: $fx missing (scripts/md-fixtures.sh makes it)" >&2; exit 2; }
w=$(mktemp -d /tmp/raidtx-detectbench.XXXXXX)
trap 'rm -rf "$w"' EXIT
for i in 0 1 2 3 4 5 6 7; do
  cp --sparse=always "$fx/member$i.img" "$w/d$i.img"
  dd if=/dev/zero of="$w/d$i.img" bs=4096 seek=1 count=1 conv=notrunc status=none   # the 1.2 superblock
  truncate -s 4G "$w/d$i.img"
done
sync
members=("$w/d5.img" "$w/d2.img" "$w/d7.img" "$w/d0.img" "$w/d3.img" "$w/d6.img" "$w/d1.img" "$w/d4.img")
/usr/bin/time -f 'wall %e s, max RSS %M KiB' node bin/raidtx.js md detect "${members[@]}"
node bin/raidtx.js md detect --json "${members[@]}" |
  node -e 'const j=JSON.parse(require("fs").readFileSync(0));const c=j.candidates[0];console.log(`json: ${c.level} ${c.layout} ${c.chunk} ok=${j.ok} bytesRead=${j.bytesRead} (${(j.bytesRead/1048576).toFixed(1)} MiB) seconds=${j.seconds}`)'
