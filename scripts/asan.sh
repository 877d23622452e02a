#!/usr/bin/env bash
# Native memory safety: builds the addon with AddressSanitizer and UndefinedBehaviorSanitizer into
# build/asan (build/Release is left alone) and runs the native tests, the core tests and the
# native argument fuzzer against that build (RAIDTX_NATIVE_PATH), with the ASan runtime preloaded
# into node. Any sanitizer report aborts the process, so it fails the run.
#   npm run test:asan            [extra mocha spec globs replace the default set]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=$root/build/asan
sanitize='-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined -g'

gyp=''
for c in "${npm_config_node_gyp:-}" "$(command -v node-gyp || true)" \
  "$(dirname "$(realpath "$(command -v npm)")")/../node_modules/node-gyp/bin/node-gyp.js"; do
  if [ -n "$c" ] && [ -e "$c" ]; then gyp=$c; break; fi
done
[ -n "$gyp" ] || { echo "asan: node-gyp not found" >&2; exit 2; }
nodedir=()
prefix=$(dirname "$(dirname "$(realpath "$(command -v node)")")")
[ -e "$prefix/include/node/node_api.h" ] && nodedir=("--nodedir=$prefix")

echo "== building the addon with ASan + UBSan into $out"
mkdir -p "$out"
cp binding.gyp "$out/binding.gyp"
ln -sfn "$root/src" "$out/src" # binding.gyp names its sources relative to itself
(cd "$out" && CFLAGS="$sanitize" LDFLAGS="-fsanitize=address,undefined" \
  node "$gyp" rebuild "${nodedir[@]}" >"$out/build.log" 2>&1) || {
  tail -20 "$out/build.log" >&2
  exit 2
}
addon=$out/build/Release/raidtx_native.node
ldd "$addon" | grep -q libasan || { echo "asan: $addon is not instrumented" >&2; exit 2; }

asan_rt=$(gcc -print-file-name=libasan.so)
ubsan_rt=$(gcc -print-file-name=libubsan.so)
echo "== tests against $addon (preloading $asan_rt)"
specs=("$@")
[ ${#specs[@]} -gt 0 ] || specs=('test/native/**/*.test.ts' 'test/core/**/*.test.ts' 'test/reliability/native-fuzz.test.ts')
# node itself is not instrumented: its allocations at exit are not leaks we can fix (detect_leaks=0);
# a failed huge malloc returns NULL as it does without ASan, and the addon must handle that
LD_PRELOAD="$asan_rt $ubsan_rt" \
  ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1:abort_on_error=1:halt_on_error=1:detect_stack_use_after_return=0 \
  UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
  RAIDTX_NATIVE_PATH=$addon CI=true \
  npx mocha --no-config --node-option import=tsx --node-option expose-gc --timeout 600000 "${specs[@]}"
