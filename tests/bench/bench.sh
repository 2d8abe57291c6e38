#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: builds the module, the library and the benchmark, boots a
# kernel under QEMU (tests/vm/vm.sh) and runs tests/bench/run-guest.sh in it:
# six measurements, each beside its baseline in the same guest. Prints the
# table and writes the JSON.
#
#   tests/bench/bench.sh [options]
#     --debug-kernel  the debug kernel (tests/vm/debug-kernel.sh: KASAN,
#                     lockdep...) instead of the stock one; its figures say
#                     what debugging costs, not what users get. Defaults
#                     there: -s 0.1 -r 3 -N 1000
#     --no-build      use what is built
#     -o FILE         the JSON (default build/bench/bench.json; the table
#                     goes next to it as .txt)
#     -r REPS         repetitions (5)      -s SCALE  event counts x SCALE (1)
#     -N MAX          largest fan-out (10000)
#     -m LIST         measurements (throughput fanout memory latency library ksub
#                     collide posters failover journal)
#     -M MEM          guest memory (4G)
#   KERNEL=IMAGE picks another stock image; VM_TIMEOUT (1800 s) bounds the guest.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/vm/vm.sh
. "$here/../vm/vm.sh"
cd "$VM_REPO"

debug=0 build=1 out=build/bench/bench.json reps='' scale='' maxn='' list='' mem=4G
while [ $# -gt 0 ]; do
	case $1 in
	--debug-kernel) debug=1 ;;
	--no-build) build=0 ;;
	-o) out=$2; shift ;;
	-r) reps=$2; shift ;;
	-s) scale=$2; shift ;;
	-N) maxn=$2; shift ;;
	-m) list=$2; shift ;;
	-M) mem=$2; shift ;;
	-h | --help) sed -n '3,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
	*) echo "bench: unknown option $1" >&2; exit 2 ;;
	esac
	shift
done
if [ "$debug" = 1 ]; then
	: "${reps:=3}" "${scale:=0.1}" "${maxn:=1000}"
else
	: "${reps:=5}" "${scale:=1}" "${maxn:=10000}"
fi
: "${list:=throughput fanout memory latency library ksub collide posters failover journal}"

# The subscriber module: built by kbuild with the rest when the top-level
# Kbuild names tests/bench/kmod/, on its own otherwise.
build_sub() {
	local kdir=$1 dir=$2 symvers=$3
	# Built with the rest (and against the same Module.symvers): nothing to do.
	[ -f "$dir/cnbench_sub.ko" ] && [ "$dir/cnbench_sub.ko" -nt "$dir/cnbench_sub.c" ] &&
		[ "$dir/cnbench_sub.ko" -nt "$symvers" ] && return 0
	make -s -C "$kdir" M="$dir" KBUILD_EXTRA_SYMBOLS="$symvers" modules
}

if [ "$debug" = 1 ]; then
	dbg=$(tests/vm/debug-kernel.sh)
	image=$dbg/arch/x86/boot/bzImage
	ko=$VM_REPO/build/debug/kernel/clusnotify.ko
	sub=$VM_REPO/build/debug/tests/bench/kmod/cnbench_sub.ko
	if [ "$build" = 1 ]; then
		make -s module-debug lib
		build_sub "$dbg" "$VM_REPO/build/debug/tests/bench/kmod" "$VM_REPO/build/debug/Module.symvers"
	fi
	tag=debug
else
	image=${KERNEL:-$(vm_default_kernel)}
	ko=$VM_REPO/kernel/clusnotify.ko
	sub=$VM_REPO/tests/bench/kmod/cnbench_sub.ko
	if [ "$build" = 1 ]; then
		make -s module lib
		kver=$(vm_image_version "$image")
		build_sub "/lib/modules/$kver/build" "$VM_REPO/tests/bench/kmod" "$VM_REPO/Module.symvers"
	fi
	tag=stock
fi
[ "$build" = 0 ] || make -s -C tests/bench
for f in "$ko" "$sub" build/bench/cnbench; do
	[ -e "$f" ] || { echo "bench: $f is missing (build first, or drop --no-build)" >&2; exit 1; }
done

commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- kernel 2>/dev/null || commit="$commit+dirty"
rc=0
VM_TIMEOUT=${VM_TIMEOUT:-$([ "$debug" = 1 ] && echo 3600 || echo 1800)} \
	vm_run -k "$image" -m "$mem" -o "$VM_CACHE/bench" -C "$VM_REPO" -- \
	env CLUSNOTIFY_KO="$ko" CNBENCH_SUB_KO="$sub" CNBENCH_ACCEL="qemu ${VM_ACCEL:-tcg}, $tag kernel" \
	CNBENCH_COMMIT="$commit" \
	tests/bench/run-guest.sh -o /run/vm/bench.json -r "$reps" -s "$scale" -N "$maxn" -m "$list" ||
	rc=$?

if [ ! -s "$VM_RUNDIR/out/bench.json" ]; then
	echo "bench: the guest wrote no JSON (see $VM_RUNDIR/output.log)" >&2
	exit 1
fi
mkdir -p "$(dirname "$out")"
cp "$VM_RUNDIR/out/bench.json" "$out"
python3 tests/bench/report.py table "$out" >"${out%.json}.txt"
echo
cat "${out%.json}.txt"
echo
# The pictures (gnuplot, from tests/vm/deps.sh) beside the JSON.
pics=$(python3 tests/bench/report.py svg "$out" "$(dirname "$out")" | tr '\n' ' ') ||
	echo "bench: drawing the pictures failed" >&2
echo "bench: JSON in $out, table in ${out%.json}.txt, pictures ${pics:-none}, guest log in $VM_RUNDIR/output.log"
[ "$rc" = 0 ] || echo "bench: the guest run failed ($rc)" >&2
exit "$rc"
