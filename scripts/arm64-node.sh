#!/usr/bin/env bash
# Prints the root of an arm64 Node.js (Debian's nodejs:arm64 and its libraries, unpacked, not
# installed) that qemu-aarch64 runs as `qemu-aarch64 -L ROOT ROOT/usr/bin/node`: it lets the
# arm64 prebuilt engine be loaded and used on this x64 machine. Cached in $RAIDTX_ARM64_ROOT
# (default /tmp/raidtx-arm64-node). Needs root the first time (dpkg --add-architecture arm64).
set -euo pipefail
dest=${RAIDTX_ARM64_ROOT:-/tmp/raidtx-arm64-node}
if [ -x "$dest/usr/bin/node" ]; then echo "$dest"; exit 0; fi
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
  dpkg --add-architecture arm64
fi
if ! apt-cache show nodejs:arm64 >/dev/null 2>&1; then apt-get update -qq >&2; fi
debs=$(mktemp -d)
trap 'rm -rf "$debs"' EXIT
chmod 777 "$debs"
# nodejs and what it needs at run time (apt-cache depends, bookworm); the node-* ones are its
# externalised builtins (architecture all).
(cd "$debs" && apt-get download -qq nodejs:arm64 libnode108:arm64 libbrotli1:arm64 libc-ares2:arm64 \
  libc6:arm64 libicu72:arm64 libnghttp2-14:arm64 libssl3:arm64 libstdc++6:arm64 libgcc-s1:arm64 \
  libuv1:arm64 zlib1g:arm64 node-acorn node-cjs-module-lexer node-undici >&2)
mkdir -p "$dest.tmp"
for d in "$debs"/*.deb; do dpkg-deb -x "$d" "$dest.tmp"; done
mv "$dest.tmp" "$dest"
echo "$dest"
