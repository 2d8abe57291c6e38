#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Build (once) the debug kernel from Debian's linux-source-6.1: tinyconfig
# plus tests/vm/debug.config. The build is cached outside the repository,
# keyed by the source package's version, the fragment and this script, so
# later runs reuse it. Prints the build directory (bzImage at
# arch/x86/boot/bzImage; ready for `make M=...` of out-of-tree modules).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${CLUSNOTIFY_CACHE:-/var/cache/clusnotify}
tarball=/usr/src/linux-source-6.1.tar.xz
[ -f "$tarball" ] || { echo "debug-kernel: $tarball missing (apt-get install linux-source-6.1)" >&2; exit 1; }

srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
# What the kernel is built from: bump recipe when the commands that build it
# change (how this script reports progress does not count).
recipe=2
key=$( { echo "$srcver $recipe"; cat "$here/debug.config"; } | sha256sum | cut -c1-16)
src=$cache/src-$srcver
out=$cache/debug-$key

if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache"
avail=$(df -Pk "$cache" | awk 'NR == 2 { print $4 }')
if [ ! -f "$src/.done" ] || [ ! -f "$out/.done" ]; then
	[ -z "$avail" ] || [ "$avail" -ge $((6 * 1024 * 1024)) ] || {
		echo "debug-kernel: building the debug kernel needs about 6 GiB under $cache, which has $((avail / 1024)) MiB free" >&2
		exit 1
	}
fi
exec 9>"$cache/.lock"
flock 9
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi

if [ ! -f "$src/.done" ]; then
	echo "debug-kernel: unpacking $tarball" >&2
	rm -rf "$src"
	mkdir -p "$src"
	tar -xf "$tarball" -C "$src" --strip-components=1
	touch "$src/.done"
fi

log=$cache/debug-$key.log
echo "debug-kernel: building the debug kernel in $out, once (about 6 to 12 minutes on 2 cores); log: $log" >&2
rm -rf "$out"
mkdir -p "$out"
: >"$log"

# The kernel's build prints thousands of warning lines: they go to the log,
# and the user sees a progress line every 30 s.
build() {
	make -s -C "$src" O="$out" tinyconfig &&
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$here/debug.config" &&
	make -s -C "$src" O="$out" olddefconfig || return 1
	# Every option of the fragment must have survived olddefconfig.
	local missing=0 line
	while IFS= read -r line; do
		case "$line" in CONFIG_*=n|'#'*|'') continue ;; esac
		grep -qx "$line" "$out/.config" || { echo "debug-kernel: not set: $line"; missing=1; }
	done < "$here/debug.config"
	[ "$missing" = 0 ] || return 1
	make -s -C "$src" O="$out" -j"$(nproc)" bzImage modules &&
	make -s -C "$src" O="$out" modules_prepare
}
start=$SECONDS
build >>"$log" 2>&1 &
pid=$!
while kill -0 "$pid" 2>/dev/null; do
	for _ in $(seq 30); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 1
	done
	kill -0 "$pid" 2>/dev/null || break
	echo "debug-kernel: $((SECONDS - start)) s, $(find "$out" -name '*.o' 2>/dev/null | wc -l) objects built (about 2,900 in all)" >&2
done
if ! wait "$pid"; then
	echo "debug-kernel: the build failed after $((SECONDS - start)) s; the end of $log:" >&2
	grep -E 'error|Error|not set' "$log" | tail -n 20 | sed 's/^/  /' >&2
	echo "debug-kernel: the whole log is $log" >&2
	exit 1
fi
echo "debug-kernel: built in $((SECONDS - start)) s" >&2
touch "$out/.done"
echo "$out"
