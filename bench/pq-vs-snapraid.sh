#!/usr/bin/env bash
# raidtx pq against `snapraid sync` (2-parity) on the same files, warm page cache, in one run;
# plus the machine's bound: reading the members and writing P and Q sequentially with dd.
#   bench/pq-vs-snapraid.sh [MEMBERS=8] [MIB=256]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-8} mib=${2:-256}
command -v snapraid >/dev/null || { apt-get update -qq && apt-get install -y -qq snapraid >/dev/null; }
w=$(mktemp -d /tmp/raidtx-pqbench.XXXXXX)
# snapraid wants every disk on its own device: one tmpfs each (files stay in memory, as a warm
# page cache would hold them); needs root
mounts=()
cleanup() { for m in "${mounts[@]}"; do umount "$m" 2>/dev/null || true; done; rm -rf "$w"; }
trap cleanup EXIT
disk() { mkdir -p "$1"; mount -t tmpfs -o size=$((((${2:-1} * mib) + 64) << 20)) tmpfs "$1"; mounts+=("$1"); }
disk "$w/parity"; disk "$w/parity2"; disk "$w/out" 4   # old P and Q stay until the new ones are renamed over them
conf=$w/snapraid.conf
{ echo "parity $w/parity/snapraid.parity"; echo "2-parity $w/parity2/snapraid.2-parity"
  for i in 0 1 2; do echo "content $w/d$i/snapraid.content"; done; } > "$conf"
files=()
for i in $(seq 0 $((n - 1))); do
  disk "$w/d$i"
  head -c $((mib << 20)) /dev/urandom > "$w/d$i/member.bin"
  echo "data d$i $w/d$i/" >> "$conf"
  files+=("$w/d$i/member.bin")
done
cat "${files[@]}" > /dev/null   # warm the page cache
bytes=$((n * mib << 20))
gbps() { python3 -c "print(f'{$bytes / $1 / 1e9:.2f}')"; }
timed() { # NAME CMD...: best of 3 runs (a shared VM is noisy): sets t_NAME (s) and rss_NAME (peak KiB)
  local name=$1 best="" rss t m; shift
  for _ in 1 2 3; do
    /usr/bin/time -f '%e %M' -o "$w/time" "$@" > "$w/log" 2>&1 || { echo "failed: $*"; cat "$w/log"; exit 1; }
    read -r t m < "$w/time"
    if [ -z "$best" ] || python3 -c "import sys; sys.exit(not $t < $best)"; then best=$t rss=$m; fi
  done
  printf -v "t_$name" '%s' "$best"; printf -v "rss_$name" '%s' "$rss"
}
timed dd bash -c "cat ${files[*]} > /dev/null; dd if=/dev/zero of=$w/out/ddP bs=1M count=$mib conv=fsync status=none; dd if=/dev/zero of=$w/out/ddQ bs=1M count=$mib conv=fsync status=none"
rm -f "$w/out/ddP" "$w/out/ddQ"
# -F: a full parity computation every time (later runs would otherwise find nothing to do)
timed snap snapraid -c "$conf" -F sync
timed pq node bin/raidtx.js pq -P "$w/out/P" -Q "$w/out/Q" "${files[@]}"
cmp "$w/out/P" "$w/parity/snapraid.parity" && echo "P equals snapraid's parity" || echo "P differs from snapraid's parity"
cmp "$w/out/Q" "$w/parity2/snapraid.2-parity" && echo "Q equals snapraid's 2-parity" || echo "Q differs from snapraid's 2-parity"
echo "members: $n x $mib MiB"
echo "dd bound (read members, write P and Q): ${t_dd}s  $(gbps "$t_dd") GB/s"
echo "snapraid sync:                          ${t_snap}s  $(gbps "$t_snap") GB/s  peak RSS $((rss_snap / 1024)) MB"
echo "raidtx pq:                              ${t_pq}s  $(gbps "$t_pq") GB/s  peak RSS $((rss_pq / 1024)) MB"
python3 -c "print(f'raidtx pq is {$t_snap / $t_pq:.2f}x snapraid sync, at {$t_dd / $t_pq * 100:.0f}% of the dd bound')"
