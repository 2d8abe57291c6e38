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
key=$( { echo "$srcver"; cat "$here/debug.config" "$0"; } | sha256sum | cut -c1-16)
src=$cache/src-$srcver
out=$cache/debug-$key

if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache"
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

echo "debug-kernel: building in $out (about 6 minutes on 2 cores)" >&2
rm -rf "$out"
mkdir -p "$out"
make -s -C "$src" O="$out" tinyconfig >&2
"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$here/debug.config" >&2
make -s -C "$src" O="$out" olddefconfig >&2
# Every option of the fragment must have survived olddefconfig.
missing=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=n|'#'*|'') continue ;; esac
	grep -qx "$line" "$out/.config" || { echo "debug-kernel: not set: $line" >&2; missing=1; }
done < "$here/debug.config"
[ "$missing" = 0 ] || exit 1
make -s -C "$src" O="$out" -j"$(nproc)" bzImage modules >&2
make -s -C "$src" O="$out" modules_prepare >&2
touch "$out/.done"
echo "$out"
