#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Tables of the coverage of kernel/ (tests/coverage/coverage.sh).

  table.py SUMMARY.json RUNS         the table of gcovr's --json-summary:
                                     lines and branches of each file, and
                                     the total
  table.py --total SUMMARY.json TIER PREV  one line: the lines reached
                                     after a tier, and what it added to PREV
  table.py --functions PCT MERGED.json  the functions whose lines are under
                                     PCT percent covered, worst first, with
                                     the lines never reached
"""
import json
import sys


def pct(covered, total):
    return "-" if total == 0 else "%.1f%%" % (100.0 * covered / total)


def table(path, runs):
    with open(path) as f:
        s = json.load(f)
    files = sorted(s["files"], key=lambda e: e["filename"])
    fmt = "%-22s %7s %7s %7s   %8s %8s %7s"
    print("coverage of kernel/ (gcov, debug kernel; %s guest run%s summed)"
          % (runs, "" if runs == "1" else "s"))
    print(fmt % ("file", "lines", "hit", "line%", "branches", "taken", "branch%"))
    for e in files:
        print(fmt % (e["filename"], e["line_total"], e["line_covered"],
                     pct(e["line_covered"], e["line_total"]),
                     e["branch_total"], e["branch_covered"],
                     pct(e["branch_covered"], e["branch_total"])))
    print(fmt % ("total", s["line_total"], s["line_covered"],
                 pct(s["line_covered"], s["line_total"]),
                 s["branch_total"], s["branch_covered"],
                 pct(s["branch_covered"], s["branch_total"])))


def total(path, name, prev):
    """One line: the lines reached after tier NAME, and what it added to
    PREV percent; the last field is the bare percentage, for the next."""
    with open(path) as f:
        s = json.load(f)
    p = 100.0 * s["line_covered"] / s["line_total"] if s["line_total"] else 0.0
    print("after %-18s %5d/%-5d lines %5.1f%% (%+.1f) %.3f"
          % (name.split("-", 1)[-1], s["line_covered"],
             s["line_total"], p, round(p - float(prev), 1) + 0.0, p))


def ranges(nums):
    """1,2,3,7,9,10 -> '1-3,7,9-10'"""
    out, start, prev = [], None, None
    for n in nums:
        if start is None:
            start = prev = n
        elif n == prev + 1:
            prev = n
        else:
            out.append(str(start) if start == prev else "%d-%d" % (start, prev))
            start = prev = n
    if start is not None:
        out.append(str(start) if start == prev else "%d-%d" % (start, prev))
    return ",".join(out)


def functions(threshold, path):
    """A function's lines: from its first line to the next function's."""
    with open(path) as f:
        data = json.load(f)
    rows = []
    for fe in data["files"]:
        lines = [l for l in fe["lines"]
                 if not l.get("gcovr/noncode") and not l.get("gcovr/excluded")]
        funcs = sorted({(fn["lineno"], fn["name"]) for fn in fe["functions"]})
        for i, (start, name) in enumerate(funcs):
            end = funcs[i + 1][0] if i + 1 < len(funcs) else 1 << 30
            mine = [l for l in lines if start <= l["line_number"] < end]
            if not mine:
                continue
            hit = sum(1 for l in mine if l["count"] > 0)
            if 100.0 * hit / len(mine) < threshold:
                missed = [l["line_number"] for l in mine if l["count"] == 0]
                rows.append((hit / len(mine), fe["file"], name, hit, len(mine), missed))
    rows.sort()
    for frac, fname, name, hit, total, missed in rows:
        print("%-18s %-40s %4d/%-4d %6.1f%%  never: %s"
              % (fname, name, hit, total, 100 * frac, ranges(missed)))


if __name__ == "__main__":
    if len(sys.argv) == 5 and sys.argv[1] == "--total":
        total(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) == 4 and sys.argv[1] == "--functions":
        functions(float(sys.argv[2]), sys.argv[3])
    elif len(sys.argv) == 3:
        table(sys.argv[1], sys.argv[2])
    else:
        sys.exit(__doc__)
