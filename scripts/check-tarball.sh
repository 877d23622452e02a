#!/usr/bin/env bash
# The package as a new user gets it: `npm pack` (prepack builds the prebuilt engines), then the
# tarball installed into a fresh project on a PATH with no compiler and no make — once with install
# scripts disabled, once with them — and each time `raidtx info` must report the native engine,
# prebuilt, and a pq on the native engine must match the software engine byte for byte.
# Then the arm64 prebuild: the same installed package run by an arm64 node under qemu-user
# (scripts/arm64-node.sh) must load prebuilds/linux-arm64 with its NEON kernels, and its pq,
# pq-val and recover-2data on the native engine must match the x64 software engine's results.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/raidtx-tarball.XXXXXX)
trap 'rm -rf "$work"' EXIT

echo "check-tarball: npm pack"
(cd "$root" && npm pack --silent --pack-destination "$work" >/dev/null)
tarball=$(ls "$work"/raidtx-*.tgz)
for f in prebuilds/linux-x64/raidtx.glibc.node prebuilds/linux-arm64/raidtx.glibc.node dist/bundle/cli.cjs dist/bundle/cli.cache dist/bundle/bench-worker.js raidtx.1; do
  tar -tzf "$tarball" "package/$f" >/dev/null || { echo "check-tarball: $f not in the tarball" >&2; exit 1; }
done

# A PATH with everything but compilers and make.
nocc=$work/bin
mkdir -p "$nocc"
IFS=: read -r -a dirs <<<"$PATH"
for d in "${dirs[@]}"; do
  [ -d "$d" ] || continue
  for f in "$d"/*; do
    n=$(basename "$f")
    case "$n" in
      cc | c++ | gcc | g++ | make | gmake | clang | clang++ | cpp | *-gcc | *-gcc-* | *-g++ | *-g++-* | gcc-* | g++-* | clang-*) continue ;;
    esac
    [ -x "$f" ] && [ ! -e "$nocc/$n" ] && ln -s "$f" "$nocc/$n"
  done
done
if PATH=$nocc command -v gcc cc make >/dev/null 2>&1; then
  echo "check-tarball: the stripped PATH still has a compiler" >&2
  exit 1
fi

head -c 262144 /dev/urandom >"$work/d0"
head -c 262144 /dev/urandom >"$work/d1"
head -c 262144 /dev/urandom >"$work/d2"

for mode in --ignore-scripts --foreground-scripts; do
  app=$work/app${mode}
  mkdir -p "$app"
  (
    cd "$app"
    export PATH=$nocc
    npm init -y >/dev/null
    npm install --no-audit --no-fund --prefer-offline $mode "$tarball" >/dev/null
    info=$(./node_modules/.bin/raidtx --json info)
    node -e '
      const n = JSON.parse(process.argv[1]).engines.native;
      if (!n.available || n.build !== "prebuilt") {
        console.error(`check-tarball: native engine not prebuilt-loaded: ${JSON.stringify(n)}`);
        process.exit(1);
      }' "$info"
    [ ! -e node_modules/raidtx/build ] || { echo "check-tarball: install compiled something ($mode)" >&2; exit 1; }
    for e in native software; do
      ./node_modules/.bin/raidtx -q --engine "$e" pq "$work/d0" "$work/d1" "$work/d2" -P "$work/P.$e" -Q "$work/Q.$e" >/dev/null
    done
    cmp "$work/P.native" "$work/P.software" && cmp "$work/Q.native" "$work/Q.software"
    rm -f "$work"/[PQ].*
    echo "check-tarball: npm install $mode, no compiler on PATH: $(./node_modules/.bin/raidtx info | sed -n 4p | sed 's/^ *//')"
  )
done
echo "check-tarball: arm64: the installed package under qemu-aarch64 with Debian's arm64 node"
qemu=$(command -v qemu-aarch64 || command -v qemu-aarch64-static) || {
  echo "check-tarball: qemu-aarch64 not installed (apt-get install qemu-user)" >&2
  exit 1
}
root64=$("$root/scripts/arm64-node.sh")
cd "$work/app--ignore-scripts"
x64() { ./node_modules/.bin/raidtx -q --engine software "$@" >/dev/null; }
arm64() { "$qemu" -L "$root64" "$root64/usr/bin/node" node_modules/raidtx/bin/raidtx.js "$@"; }
info=$(arm64 --json info)
node -e '
  const n = JSON.parse(process.argv[1]).engines.native;
  const ok = n.available && n.build === "prebuilt" && /prebuilds\/linux-arm64\//.test(n.path) &&
    n.cpu.includes("neon") && ["pq", "pq-val", "recover-2data", "xor"].every((k) => n.kernels[k] === "neon");
  if (!ok) {
    console.error(`check-tarball: arm64 native engine not loaded with NEON kernels: ${JSON.stringify(n)}`);
    process.exit(1);
  }' "$info"
x64 pq "$work/d0" "$work/d1" "$work/d2" -P "$work/P" -Q "$work/Q"
arm64 -q --engine native pq "$work/d0" "$work/d1" "$work/d2" -P "$work/P.arm64" -Q "$work/Q.arm64" >/dev/null
cmp "$work/P" "$work/P.arm64" && cmp "$work/Q" "$work/Q.arm64"
arm64 -q --engine native recover-2data -P "$work/P" -Q "$work/Q" missing "$work/d1" missing \
  -o "$work/r0" -o "$work/r2" >/dev/null
cmp "$work/d0" "$work/r0" && cmp "$work/d2" "$work/r2"
# one flipped byte in d1 at 100000: pq-val must say which 4K range and exit 1, as on x64
printf '\x5a' | dd of="$work/d1" bs=1 seek=100000 conv=notrunc status=none
set +e
want=$(./node_modules/.bin/raidtx --json --engine software pq-val -P "$work/P" -Q "$work/Q" "$work/d0" "$work/d1" "$work/d2")
wc=$?
got=$(arm64 --json --engine native pq-val -P "$work/P" -Q "$work/Q" "$work/d0" "$work/d1" "$work/d2")
gc=$?
set -e
strip() { node -e 'const j = JSON.parse(process.argv[1]); for (const k of ["seconds", "engine", "kernel"]) delete j[k]; console.log(JSON.stringify(j))' "$1"; }
if [ "$wc" != 1 ] || [ "$gc" != 1 ] || [ "$(strip "$want")" != "$(strip "$got")" ]; then
  echo "check-tarball: arm64 pq-val differs from x64 (exit $gc vs $wc): $got vs $want" >&2
  exit 1
fi
echo "check-tarball: arm64: $(node -e 'const n = JSON.parse(process.argv[1]).engines.native; console.log(`prebuilt ${n.path.replace(/.*node_modules./, "")}, kernels ${n.kernels.pq} (cpu ${n.cpu.join(" ")}); pq, recover-2data, pq-val match x64`)' "$info")"
echo "check-tarball: ok"
