#!/usr/bin/env bash
# Proves that the arm64 (NEON) kernels and the portable engine compile, by cross-compiling them
# with Debian's aarch64 toolchain (apt-get install -y gcc-aarch64-linux-gnu) and linking a small
# self-test (no arm64 machine or emulator needed; with qemu-aarch64 it also runs it).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cc=${CC_AARCH64:-aarch64-linux-gnu-gcc}
if ! command -v "$cc" >/dev/null; then
  echo "check-neon: $cc not found (apt-get update && apt-get install -y gcc-aarch64-linux-gnu)" >&2
  exit 2
fi
src=$root/src/native
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
flags=(-std=gnu11 -O3 -Wall -Wextra -Wno-unused-parameter -Werror -I"$src" -I/usr/include/node)
files=(dispatch.c cpu.c ops.c gf.c
  xor_base.c xor_val_base.c pq_base.c pq_val_base.c recov_base.c memcpy_base.c memset_base.c
  xor_neon.c xor_val_neon.c pq_neon.c pq_val_neon.c recov_neon.c memcpy_neon.c memset_neon.c)
for f in "${files[@]}" binding.c args.c record.c job.c pool.c io.c; do
  "$cc" "${flags[@]}" -fPIC -c "$src/$f" -o "$out/${f%.c}.o"
done
# every neon kernel must be in the objects, and dispatch must reference it
syms=$(aarch64-linux-gnu-nm "$out"/*_neon.o)
for k in xor_gen xor_val pq_gen pq_val recov_2data recov_datap memcpy memset; do
  grep -q " T ${k}_neon$" <<<"$syms" || { echo "check-neon: ${k}_neon missing" >&2; exit 1; }
done
# a self-test: every neon kernel against base on random data (linked statically, runs under qemu)
cat > "$out/selftest.c" <<'C'
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "raidtx.h"
int main(void)
{
	gf_init();
	dispatch_init();
	enum { N = 7, L = 4099 };
	static uint8_t d[N][L], p1[L], q1[L], p2[L], q2[L];
	const uint8_t *ptr[N];
	srand(1);
	for (int i = 0; i < N; i++) {
		for (int j = 0; j < L; j++) d[i][j] = (uint8_t)rand();
		ptr[i] = d[i];
	}
	pq_gen_base(L, N, ptr, p1, q1, 0);
	pq_gen_neon(L, N, ptr, p2, q2, 0);
	int bad = memcmp(p1, p2, L) || memcmp(q1, q2, L);
	uint8_t fl[2];
	bad |= pq_val_neon(L, N, ptr, p1, q1, 4096, fl) != 0;
	xor_gen_neon(L, N, ptr, p2);
	bad |= memcmp(p1, p2, L) != 0;
	static uint8_t da[L], db[L];
	const uint8_t *z[N];
	static const uint8_t zero[L];
	memcpy(z, ptr, sizeof z);
	z[1] = z[4] = zero;
	recov_2data_neon(L, N, z, 1, 4, p1, q1, da, db);
	bad |= memcmp(da, d[1], L) || memcmp(db, d[4], L);
	z[4] = d[4];
	static uint8_t pr[L];
	recov_datap_neon(L, N, z, 1, pr, q1, da);
	bad |= memcmp(da, d[1], L) || memcmp(pr, p1, L);
	const uint8_t *x[N + 1];
	memcpy(x, ptr, sizeof ptr);
	x[N] = p1;
	uint8_t m[2];
	bad |= xor_val_neon(L, N + 1, x, 4096, m) != 0;
	d[3][4098] ^= 1;
	bad |= xor_val_neon(L, N + 1, x, 4096, m) != 1 || m[0] || !m[1];
	bad |= pq_val_neon(L, N, ptr, p1, q1, 4096, fl) != 3 || fl[0] || fl[1] != 3;
	printf("neon selftest: %s (pq kernel chosen: %s)\n", bad ? "FAIL" : "ok", dispatch_selected(OP_PQ)->name);
	return bad;
}
C
"$cc" "${flags[@]}" -c "$out/selftest.c" -o "$out/selftest.o"
"$cc" -static -o "$out/selftest" "$out/selftest.o" $(for f in "${files[@]}"; do echo "$out/${f%.c}.o"; done)
echo "check-neon: ${#files[@]} portable and NEON files + the Node-API glue compile for aarch64 with $("$cc" -dumpfullversion)"
if command -v qemu-aarch64 >/dev/null || command -v qemu-aarch64-static >/dev/null; then
  "$(command -v qemu-aarch64 || command -v qemu-aarch64-static)" "$out/selftest"
else
  echo "check-neon: qemu-aarch64 not installed, self-test linked but not run"
fi
