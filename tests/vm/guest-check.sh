#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the guest that tests/vm/check.sh boots: loads the module, runs
# each test tier's run.sh, unloads the module. A tier's run.sh runs from the
# repository root with the module loaded, stdin /dev/null, CLUSNOTIFY_KO set to
# the loaded module's path; it prints `ok - NAME`, `ok - NAME # SKIP why` or
# `not ok - NAME` once per test program (other lines are free, best begun with
# "# "), leaves the module loaded, and exits non-zero if any test failed. The
# "# vm-tier" lines tell check.sh which tier a line belongs to.
# No -e: every failure here is reported as a test line instead.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

ko=${CLUSNOTIFY_KO:-kernel/clusnotify.ko}
tier_timeout=${TIER_TIMEOUT:-900}
# tests/pkg (the Debian packages, installed with dpkg and DKMS) runs on the
# stock kernel only: check.sh names the debug kernel's tiers, without it.
tiers=(tests/selftests tests/hostile tests/kapi tests/lib tests/e2e tests/port tests/pkg)
# check.sh names more tiers for the debug kernel.
[ -z "${TIERS:-}" ] || read -ra tiers <<<"$TIERS"

echo "# vm-tier: module"
echo "# kernel $(uname -r)"
if [ ! -f "$ko" ]; then
	echo "not ok - insmod $ko # no such file: is the module built?"
	exit 1
fi
if ! insmod "$ko"; then
	echo "not ok - insmod $ko # the module does not load in $(uname -r): was it built for this kernel (make module / make module-debug)? The kernel said:"
	dmesg | tail -n 5 | sed 's/^/#   /'
	exit 1
fi
echo "ok - insmod $ko"
case $ko in /*) ;; *) ko=$PWD/$ko ;; esac
export CLUSNOTIFY_KO=$ko

# A module built with gcov (make module-debug, on the debug kernel) has its
# counters in debugfs. The kernel itself has none (no GCOV_PROFILE_ALL):
# every .gcda there is the module's, under the path it was built at (an
# alias's, from a path with spaces). gcov_copy DIR copies them to DIR in the
# results share, for check.sh to add to build/debug/coverage; prints how many.
gcov_copy() {
	local n=0 f
	mkdir -p "$1" || return
	while IFS= read -r -d '' f; do
		# debugfs says size 0: read to the end rather than trust it.
		cat "$f" >"$1/${f##*/}" && n=$((n + 1))
	done < <(find /sys/kernel/debug/gcov -name '*.gcda' -print0)
	echo "$n"
}
gcov=0
[ -z "${VM_OUT:-}" ] || [ ! -d /sys/kernel/debug/gcov ] || gcov=1

rc=0
tn=0
for tier in "${tiers[@]}"; do
	if [ ! -x "$tier/run.sh" ]; then
		echo "# vm-tier: $tier none"
		continue
	fi
	echo "# vm-tier: $tier"
	trc=0 start=$SECONDS
	timeout -k 10 "$tier_timeout" "$tier/run.sh" </dev/null || trc=$?
	if [ "$trc" = 124 ] || [ "$trc" = 137 ]; then
		echo "not ok - $tier/run.sh # timed out after ${tier_timeout}s"
	fi
	echo "# vm-tier-exit: $tier $trc $((SECONDS - start))"
	[ "$trc" = 0 ] || rc=1
	# The counters so far: what each tier adds (check.sh prints it).
	tn=$((tn + 1))
	[ "$gcov" = 0 ] || gcov_copy "$VM_OUT/gcov-after/$tn-${tier##*/}" >/dev/null
done

echo "# vm-tier: module"
if rmmod clusnotify; then
	echo "ok - rmmod clusnotify"
else
	echo "not ok - rmmod clusnotify"
	rc=1
fi

# The module's counters outlive rmmod (gcov_persist, the default), so its
# exit path counts too, and a tier that loads it again adds to them.
[ "$gcov" = 0 ] || echo "# coverage: $(gcov_copy "$VM_OUT/gcov") gcov counter files handed to the host"

# A kernel with kmemleak (the debug kernel) gets an explicit scan once every
# tier has run and the module is gone: anything it still finds leaked. Two
# scans, because an object becomes a suspect only after it has been seen
# unreferenced for a while.
kml=/sys/kernel/debug/kmemleak
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug 2>/dev/null
if [ -e "$kml" ]; then
	echo scan >"$kml"
	sleep 6
	echo scan >"$kml"
	leaks=$(cat "$kml")
	if [ -z "$leaks" ]; then
		echo "ok - kmemleak scan"
	else
		echo "not ok - kmemleak scan"
		printf '%s\n' "$leaks" | sed 's/^/# /'
		rc=1
	fi
fi
exit $rc
