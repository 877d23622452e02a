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
disk "$w/parity"; disk "$w/parity2"; disk "$w/out" 2
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
timed() { # NAME CMD...: sets t_NAME (seconds) and rss_NAME (peak RSS, KiB)
  local name=$1; shift
  /usr/bin/time -f '%e %M' -o "$w/time" "$@" > "$w/log" 2>&1 || { echo "failed: $*"; cat "$w/log"; exit 1; }
  read -r "t_$name" "rss_$name" < "$w/time"
}
timed dd bash -c "cat ${files[*]} > /dev/null; dd if=/dev/zero of=$w/out/ddP bs=1M count=$mib conv=fsync status=none; dd if=/dev/zero of=$w/out/ddQ bs=1M count=$mib conv=fsync status=none"
rm -f "$w/out/ddP" "$w/out/ddQ"
timed snap snapraid -c "$conf" sync
timed pq node bin/raidtx.js pq -P "$w/out/P" -Q "$w/out/Q" "${files[@]}"
cmp "$w/out/P" "$w/parity/snapraid.parity" && echo "P equals snapraid's parity" || echo "P differs from snapraid's parity"
cmp "$w/out/Q" "$w/parity2/snapraid.2-parity" && echo "Q equals snapraid's 2-parity" || echo "Q differs from snapraid's 2-parity"
echo "members: $n x $mib MiB"
echo "dd bound (read members, write P and Q): ${t_dd}s  $(gbps "$t_dd") GB/s"
echo "snapraid sync:                          ${t_snap}s  $(gbps "$t_snap") GB/s  peak RSS $((rss_snap / 1024)) MB"
echo "raidtx pq:                              ${t_pq}s  $(gbps "$t_pq") GB/s  peak RSS $((rss_pq / 1024)) MB"
python3 -c "print(f'raidtx pq is {$t_snap / $t_pq:.2f}x snapraid sync, at {$t_dd / $t_pq * 100:.0f}% of the dd bound')"
