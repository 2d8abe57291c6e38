#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the fault-injection tier (the debug kernel): the failslab
# sweep (build/fault/fault_sweep, from tests/fault/Makefile), the same sweep
# over the module's load (build/fault/load_sweep), then a kmemleak scan that
# fails on anything leaked that mentions clusnotify.
#
# failslab is set up so that nothing fails but what the sweep asks for: it
# fails the Nth allocation of its own thread through fail-nth, which works
# whatever failslab's random path says; that path stays shut by the task
# filter (task-filter=Y, and no task has make-it-fail set). ignore-gfp-wait=N
# makes sleeping allocations, which are all of the module's, eligible. The
# module's max_queued_events is lowered for the sweep so that a port's ring
# comes from the slab too. Every setting is restored afterwards.
#
#   CLUSNOTIFY_KO   the module, loaded (and unloaded) here if it is not loaded
#   FAULT_OPS       operations to sweep (default: all)
#   FAULT_LOAD      1 (default): then sweep the module's load (load_sweep), 0: not
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

dbg=/sys/kernel/debug
fs=$dbg/failslab
kml=$dbg/kmemleak
bin=build/fault/fault_sweep
param=/sys/module/clusnotify/parameters/max_queued_events

mountpoint -q "$dbg" || mount -t debugfs none "$dbg" 2>/dev/null
if [ ! -d "$fs" ]; then
	echo "ok - fault # SKIP this kernel has no failslab (the debug kernel runs this tier)"
	exit 0
fi
if [ ! -x "$bin" ]; then
	echo "not ok - fault/build # $bin is missing: make -C tests/fault"
	exit 1
fi

ko=${CLUSNOTIFY_KO:-$PWD/kernel/clusnotify.ko}
loaded_here=0
if [ ! -d /sys/module/clusnotify ]; then
	if ! insmod "$ko"; then
		echo "not ok - fault/insmod # insmod $ko failed"
		exit 1
	fi
	loaded_here=1
fi

declare -A saved
knobs=(task-filter probability interval times space verbose ignore-gfp-wait cache-filter)
for k in "${knobs[@]}"; do
	saved[$k]=$(cat "$fs/$k")
done
saved_qe=$(cat "$param")
restore() {
	local k
	for k in "${knobs[@]}"; do
		echo "${saved[$k]}" >"$fs/$k"
	done
	echo "$saved_qe" >"$param"
}
trap restore EXIT

echo Y >"$fs/task-filter"
echo 100 >"$fs/probability"
echo 1 >"$fs/interval"
echo 1 >"$fs/times"
echo 0 >"$fs/space"
echo 0 >"$fs/verbose"
echo N >"$fs/ignore-gfp-wait"
echo N >"$fs/cache-filter"
echo 0 >/proc/self/make-it-fail
echo 64 >"$param"

rc=0
# shellcheck disable=SC2086
timeout -k 10 "${FAULT_TIMEOUT:-200}" "$bin" ${FAULT_OPS:-} 2>&1 | grep --line-buffered -v "^# nl_recvmsgs: "
src=${PIPESTATUS[0]}
if [ "$src" = 124 ] || [ "$src" = 137 ]; then
	echo "not ok - fault/sweep # timed out"
	rc=1
elif [ "$src" != 0 ]; then
	rc=1
fi
# The module's own load, each slab allocation of it failed in turn
# (build/fault/load_sweep): cn_init()'s unwind ladder. It unloads the module
# and leaves it loaded again, with its default parameters. FAULT_LOAD=0
# leaves it out.
if [ "${FAULT_LOAD:-1}" = 1 ]; then
	lbin=build/fault/load_sweep
	if [ ! -x "$lbin" ]; then
		echo "not ok - fault/module_load # $lbin is missing: make -C tests/fault"
		rc=1
	else
		timeout -k 10 "${FAULT_LOAD_TIMEOUT:-300}" "$lbin" "$ko"
		lrc=$?
		if [ "$lrc" = 124 ] || [ "$lrc" = 137 ]; then
			echo "not ok - fault/module_load # timed out"
			rc=1
		elif [ "$lrc" != 0 ]; then
			rc=1
		fi
		if [ ! -d /sys/module/clusnotify ] && ! insmod "$ko"; then
			echo "not ok - fault/module_load # the module could not be loaded again after the sweep"
			rc=1
		fi
	fi
fi
restore
trap - EXIT

# Leaks: objects unreferenced for a while are suspects; scan twice.
if [ -e "$kml" ]; then
	sleep 5
	echo scan >"$kml"
	sleep 6
	echo scan >"$kml"
	report=$(cat "$kml")
	ours=$(printf '%s\n' "$report" | awk '
		/^unreferenced object/ { if (blk ~ /clusnotify/) print blk; blk = $0; next }
		{ blk = blk "\n" $0 }
		END { if (blk ~ /clusnotify/) print blk }')
	if [ -n "$ours" ]; then
		echo "not ok - fault/kmemleak # leaks from clusnotify:"
		printf '%s\n' "$ours" | head -n 80 | sed 's/^/# /'
		rc=1
	else
		echo "ok - fault/kmemleak"
		[ -z "$report" ] || echo "# kmemleak lists objects, none of them clusnotify's"
	fi
else
	echo "ok - fault/kmemleak # SKIP no kmemleak"
fi

if [ "$loaded_here" = 1 ] && ! rmmod clusnotify; then
	echo "not ok - fault/rmmod # rmmod clusnotify failed"
	rc=1
fi
exit $rc
