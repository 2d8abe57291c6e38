#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the library tests (built by `make -C tests/lib` into build/lib/), each
# under a timeout, from the repository root, as root, with the module loaded.
# One line per program: `ok - NAME`, `ok - NAME # SKIP why` or
# `not ok - NAME`; a failing program's output follows as "# " lines. Exits 1
# if any failed.
set -u
cd "$(dirname "$0")/../.."

O=build/lib
timeout=${LIB_TEST_TIMEOUT:-120}
failed=0

# NAME COMMAND...
run() {
	local name=$1 out rc why
	shift
	out=$(timeout -k 5 "$timeout" "$@" 2>&1 </dev/null)
	rc=$?
	case $rc in
	0)
		echo "ok - $name"
		;;
	77)
		why=$(printf '%s\n' "$out" | sed -n 's/^# SKIP //p' | head -n1)
		echo "ok - $name # SKIP ${why:-skipped}"
		;;
	*)
		[ "$rc" = 124 ] && out="$out
timed out after ${timeout}s"
		echo "not ok - $name"
		printf '%s\n' "$out" | sed 's/^/# /'
		failed=1
		;;
	esac
}

# Whether this kernel runs 32-bit programs at all (IA32_EMULATION): a plain
# exec, since the shell would retry an ENOEXEC program as a script.
run32=$(python3 -c '
import errno, os, sys
try:
    os.execv(sys.argv[1], sys.argv[1:])
except OSError as e:
    print("no" if e.errno == errno.ENOEXEC else "yes")
' "$O/abi_32" 2>/dev/null)
[ -n "$run32" ] || run32=yes

for t in utf16 abi abi_32 native_basic native_threads clusapi_v2 clusapi_v1 \
	 consumers clusapi_v2_32 clusapi_v1_32 consumers_32 win_regress feed_api \
	 clusapi_enum clusapi_enum_32; do
	if [ ! -x "$O/$t" ]; then
		echo "not ok - $t # not built: make -C tests/lib"
		failed=1
	elif [ "${t%_32}" != "$t" ] && [ "$run32" = no ]; then
		echo "ok - $t # SKIP this kernel runs no 32-bit programs (IA32_EMULATION)"
	else
		run "$t" "$O/$t"
	fi
done
if [ -x "$O/windows_consumer" ]; then
	run windows_consumer tests/lib/windows_consumer.sh "$O/windows_consumer"
else
	echo "not ok - windows_consumer # not built: make -C tests/lib"
	failed=1
fi
run header_test tests/lib/header_test.sh
if [ -x build/examples/feed-example ]; then
	run feed_example build/examples/feed-example --cluster "feed-example-$$" --pools 300
else
	echo "not ok - feed_example # not built: make examples"
	failed=1
fi
run cli_e2e python3 tests/lib/cli_e2e.py
exit $failed
