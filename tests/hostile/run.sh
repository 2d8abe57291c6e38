#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the hostile-user tier inside the guest (tests/vm/guest-check.sh calls
# it from the repository root, as root, with the module loaded): every
# build/hostile/*_test, one `ok - hostile/NAME` or `not ok - hostile/NAME`
# line each, the harness's own output behind "# ". Exits non-zero if any
# failed or none was built.
#   HOSTILE_TIMEOUT  seconds per program (300)
set -uo pipefail
cd "$(dirname "$0")/../.."

bin=build/hostile
per=${HOSTILE_TIMEOUT:-300}
fail=0 n=0
for src in tests/hostile/*_test.c; do
	[ -e "$src" ] || continue
	t=$(basename "$src" .c)
	n=$((n + 1))
	if [ ! -x "$bin/$t" ]; then
		echo "not ok - hostile/$t # $bin/$t not built (make tests)"
		fail=1
		continue
	fi
	start=$SECONDS
	timeout -k 5 "$per" "$bin/$t" 2>&1 | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	took="$((SECONDS - start))s"
	case $rc in
	0) echo "ok - hostile/$t # $took" ;;
	124 | 137) echo "not ok - hostile/$t # timed out after ${per}s"; fail=1 ;;
	*) echo "not ok - hostile/$t # exit $rc after $took"; fail=1 ;;
	esac
done
if [ "$n" = 0 ]; then
	echo "not ok - hostile # no test in tests/hostile"
	fail=1
fi
exit $fail
