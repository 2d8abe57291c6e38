#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Guest side of the KUnit tier (the debug kernel): loads clusnotify.ko if it
# is not loaded yet, loads clusnotify_kunit.ko (its suites run while insmod
# waits), turns the KTAP output into one line per case, and unloads what it
# loaded:
#
#   ok - kunit/<suite>/<case>
#   ok - kunit/<suite>/<case> # SKIP <why>
#   not ok - kunit/<suite>/<case>        (the failed expectations follow as "# ")
#
# Fails on a `not ok`, a suite missing from the output, a kernel splat while
# the suites ran, or an insmod that fails or does not return.
#
#   CLUSNOTIFY_KO  the module (default kernel/clusnotify.ko); the test module
#                  is the one built next to it: <tree>/tests/kunit/clusnotify_kunit.ko
#   KUNIT_KO       the test module, to override that
#   KUNIT_TIMEOUT  seconds insmod may take (default 240)
#
# The results come from the kernel log (between a marker this script writes
# and the end): debugfs keeps only 512 bytes of log per case, too little for
# parameterised cases, so it is used only to cross-check each suite's verdict.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1

# Every suite clusnotify_kunit.ko must report.
SUITES=(
	clusnotify_validation
	clusnotify_filter_index
	clusnotify_record
	clusnotify_queue
	clusnotify_read
	clusnotify_registry
	clusnotify_cluster
	clusnotify_kapi
	clusnotify_journal
)

ko=${CLUSNOTIFY_KO:-$PWD/kernel/clusnotify.ko}
case $ko in /*) ;; *) ko=$PWD/$ko ;; esac
kunit_ko=${KUNIT_KO:-${ko%/kernel/clusnotify.ko}/tests/kunit/clusnotify_kunit.ko}
timeout_s=${KUNIT_TIMEOUT:-240}
debugfs=/sys/kernel/debug

mountpoint -q "$debugfs" || mount -t debugfs none "$debugfs" 2>/dev/null
if [ ! -d /sys/kernel/debug/kunit ] && ! grep -qs kunit /proc/kallsyms; then
	echo "ok - kunit # SKIP this kernel has no KUnit (the debug kernel runs this tier)"
	exit 0
fi
if [ ! -f "$kunit_ko" ]; then
	echo "not ok - kunit/build # $kunit_ko is missing: build it against the debug kernel"
	exit 1
fi

loaded_here=0
if [ ! -d /sys/module/clusnotify ]; then
	if ! insmod "$ko"; then
		echo "not ok - kunit/insmod_clusnotify # insmod $ko failed"
		exit 1
	fi
	loaded_here=1
fi
[ ! -d /sys/module/clusnotify_kunit ] || rmmod clusnotify_kunit

marker="clusnotify-kunit-start-$$-$(date +%s%N)"
echo "$marker" >/dev/kmsg

rc=0
timeout -k 10 "$timeout_s" insmod "$kunit_ko"
irc=$?
if [ "$irc" = 124 ] || [ "$irc" = 137 ]; then
	echo "not ok - kunit/insmod # the suites did not finish within ${timeout_s}s"
	rc=1
elif [ "$irc" != 0 ]; then
	echo "not ok - kunit/insmod # insmod $kunit_ko exited $irc"
	rc=1
fi

log=$(mktemp)
# Everything after the marker, without the timestamps.
dmesg | awk -v m="$marker" 'found { sub(/^\[[ 0-9.]+\] /, ""); print } index($0, m) { found = 1 }' >"$log"

# Suite verdicts as debugfs reports them (while the module is loaded).
verdicts=$(for s in "${SUITES[@]}"; do
	f=$debugfs/kunit/$s/results
	[ -r "$f" ] && echo "$s $(tail -n1 "$f")"
done)

# One line per case; "suite <name> <ok|not ok>" per suite end, "seen <name>" per start.
parsed=$(awk '
	function flush_diag(   i) { for (i = 0; i < nd; i++) print "# " diag[i]; nd = 0 }
	/^    # Subtest: / && !suite { suite = $3; nd = 0; print "seen " suite; next }
	suite && /^(not ok|ok) [0-9]+ / {
		status = ($1 == "not") ? "not ok" : "ok"
		print "suite " suite " " status
		suite = ""; next
	}
	suite && /^    (not ok|ok) [0-9]+ / {
		line = $0; sub(/^    /, "", line)
		bad = line ~ /^not ok/
		sub(/^(not ok|ok) [0-9]+ /, "", line)
		name = line; skip = ""
		if (match(line, / # SKIP/)) {
			name = substr(line, 1, RSTART - 1)
			skip = substr(line, RSTART)
		}
		if (bad) {
			print "not ok - kunit/" suite "/" name
			flush_diag()
		} else {
			print "ok - kunit/" suite "/" name skip
		}
		nd = 0; next
	}
	suite && /^        not ok [0-9]+ / {
		p = $0; sub(/^        not ok [0-9]+ /, "", p)
		diag[nd++] = "param failed: " p; next
	}
	suite && /^        ok [0-9]+ / { next }
	suite && /# Subtest: |KTAP version/ { next }
	suite && /(EXPECTATION|ASSERTION) FAILED|Expected|[Ww]hich is|==|!=|# / {
		if (nd < 40) { l = $0; sub(/^ +/, "", l); sub(/^# /, "", l); diag[nd++] = l }
		next
	}
' "$log")

printf '%s\n' "$parsed" | grep -E '^(ok|not ok) - |^# ' || true
grep -q '^not ok - ' <<<"$parsed" && rc=1

for s in "${SUITES[@]}"; do
	if ! grep -qx "seen $s" <<<"$parsed"; then
		echo "not ok - kunit/$s # the suite is missing from the results"
		rc=1
		continue
	fi
	if ! grep -q "^suite $s " <<<"$parsed"; then
		echo "not ok - kunit/$s # the suite did not finish (crashed?)"
		rc=1
	elif grep -qx "suite $s not ok" <<<"$parsed" &&
		! grep -q "^not ok - kunit/$s/" <<<"$parsed"; then
		echo "not ok - kunit/$s # the suite failed outside its cases (suite_init?)"
		rc=1
	fi
	v=$(awk -v s="$s" '$1 == s { $1 = ""; sub(/^ /, ""); print }' <<<"$verdicts")
	case $v in
	"not ok"*)
		if ! grep -q "^not ok - kunit/$s" <<<"$parsed"; then
			echo "not ok - kunit/$s # debugfs says: $v"
			rc=1
		fi
		;;
	esac
done

# A splat while the suites ran: the case that was running is the suspect.
splat='BUG:|WARNING:|Oops|general protection fault|KASAN|UBSAN|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|sleeping function called from invalid context|DEBUG_LOCKS_WARN_ON|kernel BUG'
if grep -Eq "$splat" "$log"; then
	echo "not ok - kunit/kernel_log # the kernel complained while the suites ran:"
	grep -E -m 20 "$splat" "$log" | sed 's/^/# /'
	rc=1
fi

passed=$(grep -c '^ok - kunit/.*/' <<<"$parsed" | tr -d ' ')
skipped=$(grep -c '^ok - kunit/.*# SKIP' <<<"$parsed" | tr -d ' ')
failed=$(grep -c '^not ok - kunit/' <<<"$parsed" | tr -d ' ')
echo "# kunit: $((passed - skipped)) passed, $failed failed, $skipped skipped"

if [ -d /sys/module/clusnotify_kunit ] && ! rmmod clusnotify_kunit; then
	echo "not ok - kunit/rmmod # rmmod clusnotify_kunit failed"
	rc=1
fi
if [ "$loaded_here" = 1 ] && ! rmmod clusnotify; then
	echo "not ok - kunit/rmmod # rmmod clusnotify failed"
	rc=1
fi
rm -f "$log"
exit $rc
