#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the six measurements of the benchmark on the machine it runs on (the
# guest tests/bench/bench.sh boots; as root; loads the module itself unless
# it is loaded), writes every figure to one JSON file and prints the table.
#
#   tests/bench/run-guest.sh [-o FILE] [-r REPS] [-s SCALE] [-N MAXPORTS]
#                            [-m "MEASUREMENTS"]
#     -o FILE    the JSON (default build/bench/bench.json)
#     -r REPS    repetitions of every figure (default 5)
#     -s SCALE   multiplies every event count (default 1; the debug kernel
#                is run with less)
#     -N MAX     largest fan-out (default 10000)
#     -m LIST    which of: throughput fanout memory latency library ksub
#                collide posters failover journal
#   CLUSNOTIFY_KO   the module (default kernel/clusnotify.ko)
#   CNBENCH_SUB_KO  the subscriber for ksub (default: next to the module,
#                   tests/bench/kmod/cnbench_sub.ko)
#   CNBENCH_ACCEL   what the JSON says the guest ran on (bench.sh sets it)
#
# Exit status: 0 if every measurement ran; the JSON records each failure.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
repo=$PWD

out=build/bench/bench.json
reps=5
scale=1
maxn=10000
list="throughput fanout memory latency library ksub collide posters failover journal"
while getopts o:r:s:N:m: opt; do
	case $opt in
	o) out=$OPTARG ;;
	r) reps=$OPTARG ;;
	s) scale=$OPTARG ;;
	N) maxn=$OPTARG ;;
	m) list=$OPTARG ;;
	*) exit 2 ;;
	esac
done

ko=${CLUSNOTIFY_KO:-kernel/clusnotify.ko}
case $ko in /*) ;; *) ko=$repo/$ko ;; esac
sub=${CNBENCH_SUB_KO:-${ko%/kernel/clusnotify.ko}/tests/bench/kmod/cnbench_sub.ko}
bin=build/bench/cnbench
[ -x "$bin" ] || { echo "run-guest: $bin missing: make -C tests/bench" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "run-guest: needs root" >&2; exit 1; }

loaded=0
if [ ! -d /sys/module/clusnotify ]; then
	insmod "$ko" || { echo "run-guest: insmod $ko failed" >&2; exit 1; }
	loaded=1
fi
for i in $(seq 50); do [ -c /dev/clusnotify ] && break; sleep 0.1; done

mkdir -p "$(dirname "$out")"
tmp=$(mktemp /tmp/cnbench.XXXXXX)
rc=0
start=$(date +%s)
for m in $list; do
	echo "# bench: $m"
	t0=$(date +%s)
	args=(-r "$reps" -s "$scale" -N "$maxn" -j "$tmp")
	[ "$m" != ksub ] || args+=(-k "$sub")
	if ! "$bin" "${args[@]}" "$m"; then
		echo "# bench: $m FAILED"
		printf '{"id":"%s","measurement":"%s","error":"cnbench %s failed; see the log"}\n' \
			"$m" "$m" "$m" >>"$tmp"
		rc=1
	fi
	# A failed run may leave the subscriber loaded.
	[ ! -d /sys/module/cnbench_sub ] || rmmod cnbench_sub
	echo "# bench: $m took $(($(date +%s) - t0)) s"
done

python3 tests/bench/report.py assemble "$tmp" \
	"kernel=$(uname -r)" "cpus=$(nproc)" "mem_kb=$(awk '/MemTotal/ {print $2}' /proc/meminfo)" \
	"accel=${CNBENCH_ACCEL:-unknown}" "date=$(date -u +%Y-%m-%dT%H:%M:%SZ)" \
	"reps=$reps" "scale=$scale" "max_ports=$maxn" \
	"seconds=$(($(date +%s) - start))" \
	"commit=${CNBENCH_COMMIT:-unknown}" >"$out" || rc=1
rm -f "$tmp"
echo
python3 tests/bench/report.py table "$out" --detail || rc=1
echo "# bench: JSON in $out"

if [ "$loaded" = 1 ]; then
	rmmod clusnotify || rc=1
fi
exit $rc
