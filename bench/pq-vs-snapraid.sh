#!/usr/bin/env bash
# raidtx pq against `snapraid sync` (2-parity) on the same files, warm page cache, in one run;
# plus the machine's bound: reading the members and writing P and Q sequentially with dd.
#   bench/pq-vs-snapraid.sh [MEMBERS=8] [MIB=256]
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-8} mib=${2:-256}
command -v snapraid >/dev/null || { apt-get update -qq && apt-get install -y -qq snapraid >/dev/null; }
w=$(mktemp -d /tmp/raidtx-pqbench.XXXXXX)
trap 'rm -rf "$w"' EXIT
mkdir -p "$w/parity" "$w/content"
conf=$w/snapraid.conf
{ echo "parity $w/parity/snapraid.parity"; echo "2-parity $w/parity/snapraid.2-parity"
  echo "content $w/content/snapraid.content"; } > "$conf"
files=()
for i in $(seq 0 $((n - 1))); do
  mkdir -p "$w/d$i"
  head -c $((mib << 20)) /dev/urandom > "$w/d$i/member.bin"
  echo "data d$i $w/d$i/" >> "$conf"
  files+=("$w/d$i/member.bin")
done
cat "${files[@]}" > /dev/null   # warm the page cache
bytes=$((n * mib << 20))
gbps() { python3 -c "print(f'{$bytes / $1 / 1e9:.2f}')"; }
timed() { # prints seconds and peak RSS (KiB) of a command
  /usr/bin/time -f '%e %M' -o "$w/time" "$@" > /dev/null 2> "$w/err" || { cat "$w/err"; exit 1; }
  cat "$w/time"
}
read -r t_dd _ < <(timed bash -c "cat ${files[*]} > /dev/null; dd if=/dev/zero of=$w/ddP bs=1M count=$mib status=none; dd if=/dev/zero of=$w/ddQ bs=1M count=$mib status=none")
rm -f "$w/ddP" "$w/ddQ"
read -r t_snap rss_snap < <(timed snapraid -c "$conf" sync)
read -r t_pq rss_pq < <(timed node bin/raidtx.js pq -P "$w/P" -Q "$w/Q" "${files[@]}")
cmp "$w/P" "$w/parity/snapraid.parity" && echo "P equals snapraid's parity" || echo "P differs from snapraid's parity"
cmp "$w/Q" "$w/parity/snapraid.2-parity" && echo "Q equals snapraid's 2-parity" || echo "Q differs from snapraid's 2-parity"
echo "members: $n x $mib MiB"
echo "dd bound (read members, write P and Q): ${t_dd}s  $(gbps "$t_dd") GB/s"
echo "snapraid sync:                          ${t_snap}s  $(gbps "$t_snap") GB/s  peak RSS $((rss_snap / 1024)) MB"
echo "raidtx pq:                              ${t_pq}s  $(gbps "$t_pq") GB/s  peak RSS $((rss_pq / 1024)) MB"
python3 -c "print(f'raidtx pq is {$t_snap / $t_pq:.2f}x snapraid sync, at {$t_dd / $t_pq * 100:.0f}% of the dd bound')"
