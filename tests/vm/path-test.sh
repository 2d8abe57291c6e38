#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The rig works from any checkout path: runs on the host from tests/vm/check.sh
# (tier "rig"). The tree as it is (tracked and untracked files, no build
# products) is copied to
#   - a directory under /tmp, which the guest replaces with a tmpfs of its own:
#     it is built there and the port selftests run in a guest from there;
#   - a directory under /tmp whose path has a space, which Kbuild cannot build
#     from: the module is built (through tests/vm/alias.sh) and a guest loads
#     it, from there, and makes a user namespace (which needs switch_root).
# Prints `ok - rig/NAME` or `not ok - rig/NAME` per case; exits non-zero if
# any failed.
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo" || exit 1

top=$(mktemp -d /tmp/clusnotify-path-test.XXXXXX)
plain=$top/clusnotify
spaced="$top/a checkout with spaces"
fail=0

cleanup() {
	local a
	for a in /var/cache/clusnotify/alias/*; do
		[ -d "$a" ] || continue
		[ "$(stat -c %d:%i "$a")" = "$(stat -c %d:%i "$spaced" 2>/dev/null)" ] &&
			{ umount "$a" && rmdir "$a"; }
	done
	rm -rf "$top"
}
trap cleanup EXIT

copy_tree() {
	mkdir -p "$1"
	git -C "$repo" ls-files -z -co --exclude-standard | rsync -a --from0 --files-from=- "$repo/" "$1/"
}

result() {
	if [ "$1" = 0 ]; then
		echo "ok - rig/$2"
	else
		echo "not ok - rig/$2"
		fail=1
	fi
}

echo "# rig: building and testing a copy in $plain (about 3 minutes)"
copy_tree "$plain"
rc=0
{
	make -C "$plain" all >"$top/plain-build.log" 2>&1 ||
		{ echo "# make all failed in $plain:"; tail -n 20 "$top/plain-build.log" | sed 's/^/#   /'; false; }
} && {
	(cd "$plain" && CHECK_DEBUG=0 CHECK_RIG=0 TIERS=tests/selftests SELFTESTS="port_test netns_test" \
		tests/vm/check.sh) >"$top/plain-check.log" 2>&1
	r=$?
	sed 's/^/#   /' "$top/plain-check.log" | grep -E 'ok - |passed|FAIL|vm:'
	[ "$r" = 0 ] && grep -q ' passed, 0 failed$' "$top/plain-check.log"
} || rc=1
result $rc "checkout-under-tmp"

echo "# rig: building the module and booting a guest in \"$spaced\""
copy_tree "$spaced"
rc=0
{
	make -C "$spaced" module >"$top/spaced-build.log" 2>&1 && [ -f "$spaced/kernel/clusnotify.ko" ] ||
		{ echo "# make module failed in \"$spaced\":"; tail -n 20 "$top/spaced-build.log" | sed 's/^/#   /'; false; }
} && {
	out=$(cd "$spaced" && tests/vm/vm.sh -q -t 300 -- sh -c \
		'pwd; insmod kernel/clusnotify.ko && test -c /dev/clusnotify && echo loaded; unshare -Urn true && echo userns; echo x >file && echo writable' 2>&1)
	echo "$out" | sed 's/^/#   /'
	echo "$out" | grep -qx "$spaced" && echo "$out" | grep -qx loaded &&
		echo "$out" | grep -qx userns && echo "$out" | grep -qx writable
} || rc=1
result $rc "checkout-with-spaces"
exit $fail
