#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Prints a space-free path that is this checkout: a bind mount of it under
# /var/cache/clusnotify/alias/, made once and kept (Kbuild and make cannot
# build from a path with a space). Run from the checkout; needs root the
# first time. Prints nothing, with a reason on stderr, if it cannot.
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=${CLUSNOTIFY_CACHE:-/var/cache/clusnotify}
alias=$cache/alias/$(printf '%s' "$repo" | sha256sum | cut -c1-16)

if [ "$(stat -c %d:%i "$alias" 2>/dev/null)" = "$(stat -c %d:%i "$repo")" ]; then
	echo "$alias"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "alias: \"$repo\" has a space, which Kbuild cannot build from: run as root once (to bind-mount it at $alias), or use a path without spaces" >&2
	exit 0
fi
mkdir -p "$alias"
if ! mount --bind "$repo" "$alias"; then
	echo "alias: cannot bind-mount \"$repo\" at $alias" >&2
	exit 0
fi
echo "alias: \"$repo\" is built as $alias (a bind mount; umount it when done with the checkout)" >&2
echo "$alias"
