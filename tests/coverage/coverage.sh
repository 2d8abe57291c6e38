#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Line and branch coverage of kernel/, from the gcov counters of the debug
# build of the module (make module-debug builds it with GCOV_PROFILE; the
# debug kernel has CONFIG_GCOV_KERNEL). tests/vm/guest-check.sh hands each
# guest's counters (.gcda, from debugfs) to the host; tests/vm/check.sh calls:
#
#   coverage.sh reset          forget the runs collected so far
#   coverage.sh add DIR [NAME] one guest's .gcda files (DIR) become a run: a
#                              gcovr JSON tracefile in $COV/runs/N-NAME.json;
#                              the snapshots taken after each tier, if the
#                              guest left them in DIR/../gcov-after/K-TIER,
#                              say what each tier added (N-NAME.tiers)
#   coverage.sh report         sums every run (gcovr --add-tracefile), prints
#                              the table (line and branch coverage of each
#                              file of kernel/ and the total), writes
#                              $COV/html/index.html (a page per file),
#                              $COV/summary.json and $COV/coverage.txt
#   coverage.sh functions [PCT]  the functions whose lines are under PCT
#                              percent covered (90), from the last report
#
# $COV is build/debug/coverage (COVERAGE_DIR overrides). The .gcno files (what
# the compiler wrote about each object) are the ones beside the objects in
# build/debug/kernel: a run only makes sense against the build that ran.
# Needs gcovr (tests/vm/deps.sh installs it) and gcov of the compiler that
# built the module.
set -euo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
cov=${COVERAGE_DIR:-$repo/build/debug/coverage}
objdir=$repo/build/debug/kernel

die() { echo "coverage: $*" >&2; exit 1; }
command -v gcovr >/dev/null || die "gcovr is missing: apt-get install gcovr (or make deps)"

# gcovr's options common to reading counters and reading tracefiles: the
# module's sources only (their copies in build/debug, named kernel/...).
common=(--root "$repo/build/debug" --filter "$objdir/" --exclude-unreachable-branches)

# gcda_to DIR GCOVR-OUTPUT-OPTION FILE: one set of counters (DIR, .gcda files)
# read by gcovr. gcov wants an object's .gcda and .gcno side by side, so the
# counters meet copies of the build's notes in a scratch directory.
gcda_to() {
	local src=$1 work f b
	shift
	compgen -G "$src/*.gcda" >/dev/null || die "no .gcda files in $src"
	compgen -G "$objdir/*.gcno" >/dev/null ||
		die "no .gcno files in $objdir: make module-debug builds the module with gcov"
	mkdir -p "$cov"
	work=$(mktemp -d "$cov/work.XXXXXX")
	cp "$src"/*.gcda "$work/"
	for f in "$work"/*.gcda; do
		b=${f##*/}
		[ -f "$objdir/${b%.gcda}.gcno" ] || { rm -rf "$work"; die "$b has no ${b%.gcda}.gcno in $objdir (built elsewhere?)"; }
		cp "$objdir/${b%.gcda}.gcno" "$work/"
	done
	gcovr "${common[@]}" --object-directory "$work" "$@" "$work" ||
		{ rm -rf "$work"; die "gcovr could not read the counters of $src"; }
	rm -rf "$work"
}

cmd=${1:-}
[ $# -eq 0 ] || shift
case $cmd in
reset)
	rm -rf "$cov/runs"
	;;
add)
	src=${1:?usage: coverage.sh add DIR [NAME]}
	name=${2:-run}
	mkdir -p "$cov/runs"
	n=$(($(find "$cov/runs" -name '*.json' | wc -l) + 1))
	gcda_to "$src" --json "$cov/runs/$n-$name.json"
	echo "coverage: run $n-$name: $(find "$src" -maxdepth 1 -name '*.gcda' | wc -l) counter files"
	# The guest's snapshots after each tier: what each one added.
	if [ -d "$src/../gcov-after" ]; then
		prev=0
		while IFS= read -r d; do
			d=$src/../gcov-after/$d
			gcda_to "$d" --json-summary "$cov/tier.json"
			python3 "$repo/tests/coverage/table.py" --total "$cov/tier.json" "${d##*/}" "$prev" \
				>>"$cov/runs/$n-$name.tiers"
			prev=$(tail -n 1 "$cov/runs/$n-$name.tiers" | awk '{ print $NF }')
			rm -f "$cov/tier.json"
		done < <(ls "$src/../gcov-after" | sort -n)
		sed 's/ [^ ]*$//' "$cov/runs/$n-$name.tiers" | sed 's/^/coverage:   /'
	fi
	;;
report)
	runs=("$cov"/runs/*.json)
	[ -e "${runs[0]}" ] || die "no runs in $cov/runs (the debug tiers of make check collect them)"
	# The runs are self-contained, but the HTML shows today's sources.
	if [ -n "$(find "$objdir" -maxdepth 1 -name '*.gcno' -newer "${runs[0]}" 2>/dev/null | head -n 1)" ]; then
		echo "coverage: the module was built again after these counters were collected: they are of the build before (make check, or rm -r ${cov#"$repo"/}/runs and make coverage, for new ones)" >&2
	fi
	args=()
	for r in "${runs[@]}"; do
		args+=(--add-tracefile "$r")
	done
	rm -rf "$cov/html"
	mkdir -p "$cov/html"
	gcovr "${common[@]}" "${args[@]}" \
		--json "$cov/merged.json" \
		--json-summary-pretty --json-summary "$cov/summary.json" \
		--html-details "$cov/html/index.html" --html-title "clusnotify: coverage of kernel/" ||
		die "gcovr could not sum the runs"
	{
		python3 "$repo/tests/coverage/table.py" "$cov/summary.json" "${#runs[@]}"
		for r in "${runs[@]}"; do
			[ -f "${r%.json}.tiers" ] || continue
			echo "lines reached by ${r##*/runs/}'s guest after each tier:"
			sed 's/ [^ ]*$//; s/^/  /' "${r%.json}.tiers"
		done
	} | tee "$cov/coverage.txt"
	echo "coverage: HTML report: ${cov#"$repo"/}/html/index.html"
	;;
functions)
	[ -f "$cov/merged.json" ] || die "no report yet: coverage.sh report"
	python3 "$repo/tests/coverage/table.py" --functions "${1:-90}" "$cov/merged.json"
	;;
*)
	sed -n '4,27p' "$0" | sed 's/^# \{0,1\}//' >&2
	exit 2
	;;
esac
