#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the selftests inside the guest (tests/vm/guest-check.sh calls it from
# the repository root, as root, with the module loaded). One line per
# program: `ok - selftests/NAME` or `not ok - selftests/NAME`; the harness's
# own TAP output is shown above it behind "# ". Exits non-zero if any failed.
#   SELFTEST_TIMEOUT  seconds per program (120)
set -uo pipefail
cd "$(dirname "$0")/../.."

bin=build/selftests
per=${SELFTEST_TIMEOUT:-120}
# rmmod_test last: if the module wrongly lets itself be removed, nothing after
# it depends on it.
tests=(port_test netlink_test lifecycle_test limits_test netns_test stress_test enum_test monitor_test resume_test compat32_test rmmod_test)
# SELFTESTS="NAME..." runs only those (the rig's own path test, say).
[ -z "${SELFTESTS:-}" ] || read -ra tests <<<"$SELFTESTS"

fail=0
for t in "${tests[@]}"; do
	if [ ! -x "$bin/$t" ]; then
		echo "not ok - selftests/$t # $bin/$t not built (make tests)"
		fail=1
		continue
	fi
	# abi/vsyscall32 exists when the kernel runs 32-bit programs
	# (IA32_EMULATION); the tiny debug kernel does not.
	if [ "$t" = compat32_test ] && [ ! -e /proc/sys/abi/vsyscall32 ]; then
		echo "ok - selftests/$t # SKIP this kernel runs no 32-bit programs"
		continue
	fi
	start=$SECONDS
	timeout -k 5 "$per" "$bin/$t" 2>&1 | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	took="$((SECONDS - start))s"
	case $rc in
	0)
		echo "ok - selftests/$t # $took" ;;
	4)
		echo "ok - selftests/$t # SKIP" ;;
	124 | 137)
		echo "not ok - selftests/$t # timed out after ${per}s"
		fail=1 ;;
	*)
		echo "not ok - selftests/$t # exit $rc after $took"
		fail=1 ;;
	esac
done
exit $fail
