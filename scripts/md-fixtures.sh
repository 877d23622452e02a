#!/usr/bin/env bash
# Real Linux md member images for test/md: wraps ../shared/tools/md-fixtures/make-fixtures.sh with
# extra configs so that every layout and metadata version of DESIGN.md ("md arrays") is covered by
# arrays the kernel's own md driver wrote.
#   usage: scripts/md-fixtures.sh [OUT_DIR] [CONFIG...]   (OUT_DIR default: $RAIDTX_MD_FIXTURES or /tmp/md-fixtures)
#   env:   MD_FIXTURES_TOOL=path/to/make-fixtures.sh   FORCE=1 (regenerate configs that already exist)
# Configs whose OUT_DIR/<name>/manifest.json already exists are kept (CI reruns cost nothing).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=${1:-${RAIDTX_MD_FIXTURES:-/tmp/md-fixtures}}
shift || true
TOOL=${MD_FIXTURES_TOOL:-$HERE/../../shared/tools/md-fixtures/make-fixtures.sh}
[ -x "$TOOL" ] || [ -f "$TOOL" ] || { echo "md-fixtures: $TOOL not found (set MD_FIXTURES_TOOL)" >&2; exit 2; }

# name level members chunk layout metadata member_MiB [extras] (same columns as make-fixtures.sh)
# The built-in configs a..k cover left/right-symmetric, left/right-asymmetric, parity-first,
# ddf-zero-restart, left-symmetric-6 (RAID6) and left-symmetric, right-asymmetric (RAID5).
export CONFIGS_EXTRA="
l-r6-6d-32k-pl-1.1      6 6 32K  parity-last        1.1  3
m-r6-5d-16k-ddfnr-1.2   6 5 16K  ddf-N-restart      1.2  3
n-r6-6d-64k-ddfnc-1.0   6 6 64K  ddf-N-continue     1.0  3
o-r6-5d-32k-la6-1.2     6 5 32K  left-asymmetric-6  1.2  3
p-r6-6d-16k-ra6-1.1     6 6 16K  right-asymmetric-6 1.1  2
q-r6-4d-64k-rs6-0.90    6 4 64K  right-symmetric-6  0.90 2
r-r6-5d-32k-pf6-1.0     6 5 32K  parity-first-6     1.0  2
s-r5-4d-16k-la-1.1      5 4 16K  left-asymmetric    1.1  2
t-r5-5d-64k-rs-0.90     5 5 64K  right-symmetric    0.90 2
u-r5-4d-32k-pf-1.0      5 4 32K  parity-first       1.0  2
v-r5-6d-16k-pl-1.2      5 6 16K  parity-last        1.2  3
w-r5-4d-64k-ls-ext4-1.2 5 4 64K  left-symmetric     1.2  24 fs=ext4
x-r5-5d-32k-ra-ext4-1.2 5 5 32K  right-asymmetric   1.2  16 fs=ext4
y-r6-5d-64k-ls-ext4-1.2 6 5 64K  left-symmetric     1.2  16 fs=ext4
"
# Arrays caught in a state (reshape, recovery, firmware metadata...): made like the others, but the
# per-fixture md suites (test/helpers/md-fixtures.ts eachFixture) leave them out; the tests of each
# state ask for them by name (fixtureNamed). One line each, same columns.
STATES="
fw1-r5-4d-128k-imsm     5 4 128K -                  imsm 32
fw2-r5-4d-64k-ddf       5 4 64K  -                  ddf  48
fw3-r6-5d-32k-ddf       6 5 32K  -                  ddf  48
fw4-r6-5d-64k-ddfzr-ddf 6 5 64K  ddf-zero-restart   ddf  48
fw5-r5-4d-32k-la-ddf    5 4 32K  left-asymmetric    ddf  48
rs1-r5-5d-64k-grow-1.2    5 5 64K left-symmetric 1.2 16 reshape=grow
rs2-r6-6d-64k-grow-1.2    6 6 64K left-symmetric 1.2 16 reshape=grow
rs3-r5-5d-64k-level6-1.2  5 5 64K left-symmetric 1.2 16 reshape=level6
rs4-r5-4d-64k-chunk-1.2   5 4 64K left-symmetric 1.2 16 reshape=chunk=32K
rs5-r5-4d-64k-layout-1.2  5 4 64K left-symmetric 1.2 16 reshape=layout=right-asymmetric
rc1-r5-4d-64k-recov-1.2   5 4 64K left-symmetric 1.2 16 state=recovering
rc2-r6-5d-64k-recov-1.2   6 5 64K left-symmetric 1.2 16 state=recovering
rs6-r6-5d-64k-chunk-1.2   6 5 64K left-symmetric 1.2 16 reshape=chunk=128K
rs7-r5-5d-32k-grow-1.1    5 5 32K right-asymmetric 1.1 16 reshape=grow
st1-r6-5d-64k-bitmap-1.2  6 5 64K left-symmetric 1.2 8 bitmap=internal
st2-r5-4d-64k-ppl-1.2     5 4 64K left-symmetric 1.2 8 ppl
st3-r5-4d-64k-journal-1.2 5 4 64K left-symmetric 1.2 8 journal
"
CONFIGS_EXTRA="$CONFIGS_EXTRA$STATES"
ALL="a-r6-5d-64k-ls-1.2 b-r6-4d-16k-ls-1.2 c-r6-6d-32k-ra-1.2 d-r6-6d-64k-la-1.0 e-r6-5d-64k-rs-0.90
f-r6-7d-128k-pf-1.2 g-r6-6d-64k-ddfzr-1.2 h-r6-5d-64k-ls6-1.2 i-r5-4d-64k-ls-1.2 j-r5-5d-32k-ra-1.2
k-r6-8d-512k-ls-1.2 $(awk 'NF {print $1}' <<< "$CONFIGS_EXTRA")"
# One generator at a time: runs that overlap (parallel test suites, CI) would overwrite each other's
# images. The second waits, then finds the configs made and has nothing left to do.
mkdir -p "$OUT"
exec 9>"$OUT/.lock"
flock 9
want=("$@")
[ ${#want[@]} -gt 0 ] || read -r -a want <<< "$(echo $ALL)"
todo=()
for name in "${want[@]}"; do
  if [ -z "${FORCE:-}" ] && [ -f "$OUT/$name/manifest.json" ]; then continue; fi
  todo+=("$name")
done
if [ ${#todo[@]} -eq 0 ]; then
  echo "md-fixtures: all ${#want[@]} configs present in $OUT"
  exit 0
fi
echo "md-fixtures: generating ${#todo[@]} configs into $OUT: ${todo[*]}"
exec bash "$TOOL" "$OUT" "${todo[@]}"
