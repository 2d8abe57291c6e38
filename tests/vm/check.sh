#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make check` after the build: boots a kernel under QEMU, runs
# tests/vm/guest-check.sh in it, and sums up its `ok` / `not ok` lines.
#
#   tests/vm/check.sh [IMAGE [KO]]
#     IMAGE  kernel image (or KERNEL=...; default: the newest stock kernel)
#     KO     the module built for it (or CLUSNOTIFY_KO=...; kernel/clusnotify.ko)
#   TIER_TIMEOUT (900 s) bounds each tier's run.sh, VM_TIMEOUT (3600 s) each guest.
#   CHECK_STOCK=0 leaves the stock kernel out (make coverage: the debug half alone).
#
# A guest running a module built with gcov (make module-debug) hands back its
# counters: they are summed over this run's guests into build/debug/coverage
# (tests/coverage/coverage.sh), whose table is printed above the tiers'.
#
# Fails if a test failed, a tier's run.sh failed without saying which test, the
# guest timed out or crashed, its kernel log has a splat, or no test ran.
set -euo pipefail
# shellcheck source=tests/vm/vm.sh
. "$(dirname "$0")/vm.sh"
cd "$VM_REPO"

passed=0 failed=0 skipped=0 ran=0
problems=()
table=()
coverage_runs=0

# Per tier of guest-check.sh's output: tier, passed, failed, skipped, the
# exit status of its run.sh ("none": it has none; "-": no run.sh to exit,
# "unfinished": the guest stopped before it did) and the seconds it took.
tier_table() {
	awk '
		/^# vm-tier: / {
			tier = $3
			if (!(tier in seen)) { seen[tier] = 1; order[n++] = tier; ex[tier] = "-" }
			if ($4 == "none") ex[tier] = "none"
			else if (tier != "module") ex[tier] = "unfinished"
			next
		}
		/^# vm-tier-exit: / { ex[$3] = $4; secs[$3] = $5; next }
		/^not ok - / { fail[tier]++; next }
		/^ok - / {
			if (tolower($0) ~ /#[ \t]*skip/) skip[tier]++; else pass[tier]++
			next
		}
		END {
			for (i = 0; i < n; i++) {
				t = order[i]
				printf "%s %d %d %d %s %s\n", t, pass[t], fail[t], skip[t], ex[t], \
					(t in secs) ? secs[t] : "-"
			}
		}
	' "$1"
}

# Runs guest-check.sh on one kernel and adds its results to the totals.
check_kernel() {
	local image=$1 ko=$2 tag tier p f s ex secs explained=0 counts kname
	tag=$(basename "$image")
	vm_run -k "$image" -t "${VM_TIMEOUT:-3600}" -o "$VM_CACHE/check-$tag" -C "$VM_REPO" -- \
		env CLUSNOTIFY_KO="$ko" TIER_TIMEOUT="${TIER_TIMEOUT:-900}" \
		TIERS="${TIERS:-}" SELFTESTS="${SELFTESTS:-}" E2E_ONLY="${E2E_ONLY:-}" E2E_DOWN_SLACK="${E2E_DOWN_SLACK:-}" \
		E2E_WAIT_SCALE="${E2E_WAIT_SCALE:-}" \
		E2E_DAEMON_SHARE="${E2E_DAEMON_SHARE:-}" PKG_PURGE="${PKG_PURGE:-}" \
		FUZZ_DURATION="${FUZZ_DURATION:-}" FUZZ_SEED="${FUZZ_SEED:-}" FUZZ_PROCS="${FUZZ_PROCS:-}" \
		TRINITY_DURATION="${TRINITY_DURATION:-}" tests/vm/guest-check.sh || true

	echo "check: $tag"
	# gcov counters: this run's guests only, summed (the first one that
	# brings some clears what an earlier run left).
	if compgen -G "$VM_RUNDIR/out/gcov/*.gcda" >/dev/null; then
		[ "$coverage_runs" != 0 ] || tests/coverage/coverage.sh reset
		if tests/coverage/coverage.sh add "$VM_RUNDIR/out/gcov" "$tag"; then
			coverage_runs=$((coverage_runs + 1))
		else
			problems+=("$tag: the guest's coverage counters could not be read (see above)")
		fi
	fi
	kname=$(vm_image_version "$image")
	kname=${kname:-$tag}
	while read -r tier p f s ex secs; do
		if [ "$ex" = none ]; then
			echo "check:   $tier: no run.sh"
			continue
		fi
		table+=("$(printf '%-18s %-24s %6s %6s %7s %7s' "${tier#tests/}" "$kname" "$p" "$f" "$s" "$secs")")
		counts="$p passed, $f failed"
		[ "$s" = 0 ] || counts="$counts, $s skipped"
		echo "check:   $tier: $counts"
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
		explained=$((explained + f))
		[ "$tier" = module ] || ran=$((ran + p + f))
		case $ex in
		0 | -) ;;
		unfinished) problems+=("$tag: $tier did not finish") explained=1 ;;
		*) [ "$f" != 0 ] || problems+=("$tag: $tier/run.sh exited $ex without a 'not ok' line") explained=1 ;;
		esac
	done < <(tier_table "$VM_RUNDIR/output.log")

	[ "$VM_SPLAT" = 0 ] || problems+=("$tag: the kernel log has a splat (see above)")
	if [ "$VM_TIMED_OUT" = 1 ]; then
		problems+=("$tag: the guest timed out")
	elif [ -z "$VM_STATUS" ]; then
		problems+=("$tag: the guest reported no exit status (crashed?)")
	elif [ "$VM_STATUS" != 0 ] && [ "$explained" = 0 ]; then
		problems+=("$tag: guest-check.sh exited $VM_STATUS without a 'not ok' line")
	fi
}

# The rig itself, on the host: it works from a checkout under /tmp and from
# a path with spaces. Only when checking the default kernels (make check).
if [ -z "${1:-${KERNEL:-}}" ] && [ "${CHECK_RIG:-${CHECK_DEBUG:-1}}" = 1 ]; then
	start=$SECONDS
	# A fresh clone has no build/ yet: this is the first thing to write there.
	mkdir -p "$VM_CACHE"
	tests/vm/path-test.sh | tee "$VM_CACHE/rig.log" | grep -v '^#   ' || true
	p=$(grep -c '^ok - ' "$VM_CACHE/rig.log" || true)
	f=$(grep -c '^not ok - ' "$VM_CACHE/rig.log" || true)
	passed=$((passed + p)) failed=$((failed + f)) ran=$((ran + p + f))
	[ $((p + f)) != 0 ] || problems+=("host: the rig's path test ran no case (see $VM_CACHE/rig.log)")
	table+=("$(printf '%-18s %-24s %6s %6s %7s %7s' rig host "$p" "$f" 0 $((SECONDS - start)))")
fi

image=${1:-${KERNEL:-}}
[ -n "$image" ] || image=$(vm_default_kernel)
[ "${CHECK_STOCK:-1}" = 0 ] && [ -z "${1:-${KERNEL:-}}" ] ||
	check_kernel "$image" "${2:-${CLUSNOTIFY_KO:-kernel/clusnotify.ko}}"

# The debug kernel (KASAN, lockdep, kmemleak, UBSAN, KUnit, failslab) runs
# every tier again, plus the KUnit suites and the failslab sweep that only it
# can run. CHECK_DEBUG=0 leaves it out (for a quick local run only: make
# check always runs it). The rig's path test runs with the debug kernel (CHECK_RIG=0|1 overrides).
if [ "${CHECK_DEBUG:-1}" = 1 ] && [ -z "${1:-${KERNEL:-}}" ]; then
	dbg=$(tests/vm/debug-kernel.sh)
	# KASAN and lockdep slow corosync several-fold: the end-to-end timing
	# limits hold on the stock kernel; here they only bound a hang.
	# tests/fuzz: cnfuzz and trinity (FUZZ_DURATION, 120 s, and
	# TRINITY_DURATION, 60 s), so that KASAN, lockdep and UBSAN watch them.
	TIERS="tests/selftests tests/hostile tests/kapi tests/lib tests/e2e tests/port tests/kunit tests/fault tests/fuzz" \
	E2E_DOWN_SLACK=3.0 E2E_DAEMON_SHARE=1.5 E2E_WAIT_SCALE=3 \
		check_kernel "$dbg/arch/x86/boot/bzImage" "$VM_REPO/build/debug/kernel/clusnotify.ko"
	[ "$coverage_runs" != 0 ] ||
		problems+=("debug kernel: no gcov counters came back (is build/debug/kernel/clusnotify.ko from make module-debug, and the debug kernel's config CONFIG_GCOV_KERNEL?)")
fi

[ "$ran" != 0 ] || problems+=("no test ran")
if [ "$coverage_runs" != 0 ]; then
	tests/coverage/coverage.sh report ||
		problems+=("the coverage report failed (see above)")
fi
printf '%-18s %-24s %6s %6s %7s %7s\n' tier kernel passed failed skipped seconds
for row in "${table[@]}"; do
	echo "$row"
done
for p in "${problems[@]}"; do
	echo "check: FAIL: $p"
done
summary="$passed passed, $failed failed"
[ "$skipped" = 0 ] || summary="$summary, $skipped skipped"
echo "$summary"
[ "$failed" = 0 ] && [ ${#problems[@]} = 0 ]
