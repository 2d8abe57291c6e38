#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The fuzz tier, inside the guest (tests/vm/guest-check.sh runs it from the
# repository root, as root, with the module loaded):
#   fuzz/cnfuzz   build/fuzz/cnfuzz for FUZZ_DURATION seconds: the structure-
#                 aware fuzzer, its invariants checked as it goes
#   fuzz/trinity  trinity, as nobody in a scratch directory, for
#                 TRINITY_DURATION seconds, aimed at /dev/clusnotify and
#                 netlink sockets (SKIP if trinity is not installed)
# Each fails on its own invariants or on a kernel splat logged while it ran.
#   FUZZ_DURATION     seconds of cnfuzz (120)
#   FUZZ_SEED         its seed (default: random, printed)
#   FUZZ_PROCS        its workers (5)
#   TRINITY_DURATION  seconds of trinity (60; 0: leave it out)
set -uo pipefail
cd "$(dirname "$0")/../.."

bin=build/fuzz/cnfuzz
dur=${FUZZ_DURATION:-120}
tdur=${TRINITY_DURATION:-60}
fail=0
# What tests/vm/vm.sh counts as a splat (minus "Call Trace", which every
# one of these also prints).
splat_re='BUG:|WARNING:|Oops|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|INFO: task .* blocked for more than|KASAN|UBSAN|general protection fault|sleeping function called from invalid context|Kernel panic|detected stalls'

# Kernel log lines since line $1 that are a splat, behind "# ".
splats_since() {
	dmesg | tail -n +"$(($1 + 1))" | grep -E "$splat_re" | head -n 20 | sed 's/^/#   /'
}

# --- cnfuzz ---
if [ ! -x "$bin" ]; then
	echo "not ok - fuzz/cnfuzz # $bin not built (make tests)"
	fail=1
else
	mark=$(dmesg | wc -l)
	args=(--duration "$dur" --procs "${FUZZ_PROCS:-5}")
	[ -z "${FUZZ_SEED:-}" ] || args+=(--seed "$FUZZ_SEED")
	start=$SECONDS
	# The bound: the run, the workers' stop (120 s at most), the cleanup.
	timeout -k 10 $((dur + 300)) "$bin" "${args[@]}" 2>&1 | sed -u 's/^/# /'
	rc=${PIPESTATUS[0]}
	took="$((SECONDS - start))s"
	s=$(splats_since "$mark")
	if [ -n "$s" ]; then
		echo "# the kernel logged a splat during cnfuzz:"
		printf '%s\n' "$s"
		echo "not ok - fuzz/cnfuzz # kernel splat after $took (seed above)"
		fail=1
	else
		case $rc in
		0) echo "ok - fuzz/cnfuzz # $took" ;;
		124 | 137) echo "not ok - fuzz/cnfuzz # timed out after $took"; fail=1 ;;
		*) echo "not ok - fuzz/cnfuzz # exit $rc after $took (seed and op above)"; fail=1 ;;
		esac
	fi
fi

# --- trinity ---
# No knowledge of our structures: random syscalls on file descriptors of
# /dev/clusnotify and of netlink sockets. As nobody (it can harm no file of
# root's), from a scratch directory it may litter, killed after its time.
if [ "$tdur" = 0 ]; then
	:
elif ! command -v trinity >/dev/null; then
	echo "ok - fuzz/trinity # SKIP trinity is not installed (apt-get install trinity)"
else
	mark=$(dmesg | wc -l)
	scratch=$(mktemp -d /tmp/trinity.XXXXXX)
	chown nobody: "$scratch"
	devmode=$(stat -c %a /dev/clusnotify)
	chmod 0666 /dev/clusnotify
	start=$SECONDS
	# -T: the module taints the kernel (out of tree); trinity stops on the
	# flags that mean the kernel hit a bug (WARN, DIE, BAD_PAGE).
	(cd "$scratch" && timeout -s INT -k 15 "$tdur" \
		setpriv --reuid=nobody --regid=nogroup --clear-groups --inh-caps=-all \
		trinity -q -l off -T WARN,DIE,BAD_PAGE,MACHINE_CHECK \
		-V /dev/clusnotify -P NETLINK -C 2 \
		-c ioctl -c read -c readv -c pread64 -c poll -c ppoll -c select -c epoll_ctl \
		-c openat -c close -c dup -c fcntl -c mmap -c write \
		-c socket -c bind -c sendmsg -c sendto -c recvmsg -c recvfrom \
		-c setsockopt -c getsockopt </dev/null) >"$scratch.log" 2>&1
	rc=$?
	took="$((SECONDS - start))s"
	chmod "$devmode" /dev/clusnotify
	tail -n 15 "$scratch.log" | sed 's/^/# trinity: /'
	s=$(splats_since "$mark")
	if [ -n "$s" ]; then
		echo "# the kernel logged a splat during trinity:"
		printf '%s\n' "$s"
		echo "not ok - fuzz/trinity # kernel splat after $took"
		fail=1
	elif grep -q -i 'tainted' "$scratch.log" && ! grep -q 'Ran [0-9]' "$scratch.log"; then
		echo "not ok - fuzz/trinity # it stopped on a kernel taint (log above)"
		fail=1
	# 124/130: stopped by its SIGINT; 137: killed when slow to stop (a slow
	# kernel is timing, not a bug; splats are caught above).
	elif [ "$rc" != 124 ] && [ "$rc" != 0 ] && [ "$rc" != 130 ] && [ "$rc" != 137 ]; then
		echo "not ok - fuzz/trinity # exit $rc after $took (log above)"
		fail=1
	else
		echo "ok - fuzz/trinity # $took"
	fi
	rm -rf "$scratch" "$scratch.log"
fi
exit $fail
