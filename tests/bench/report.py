#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The benchmark's JSON and table.

  report.py assemble RESULTS.jsonl [KEY=VALUE...] > bench.json
      one JSON document: "meta" (the KEY=VALUE pairs) and "results" (one
      object per figure, as cnbench wrote them, in order)
  report.py table BENCH.json [--markdown] [--detail]
      the summary table (one row per figure and baseline), and with
      --detail every series of every figure with its workload
"""
import json
import sys
import textwrap

# Per measurement: rows of (ours, baseline, ratio, label), by series name.
SUMMARY = {
    "throughput": [
        ("clusnotify", "pipe", "ours/pipe", "vs pipe"),
        ("clusnotify", "genl multicast", "ours/multicast", "vs genl multicast"),
        ("posts alone (nobody watching)", None, None, "posts alone"),
    ],
    "selective": [
        ("clusnotify", None, "clusnotify at N / at 1", "cost at N / at 1"),
        ("clusnotify", "genl multicast + userspace filter",
         "multicast/clusnotify", "vs multicast + filter"),
        ("genl multicast + userspace filter", None, "multicast at N / at 1",
         "multicast cost at N / at 1"),
        ("clusnotify CPU", "genl multicast CPU", None, "CPU per event"),
        ("clusnotify, N listeners elsewhere", None, "listeners elsewhere/alone",
         "while N listeners are joined in another netns"),
    ],
    "broadcast": [
        ("clusnotify", "N pipes", "ours/pipes", "vs N pipes"),
        ("clusnotify CPU", "N pipes CPU", "CPU ours/pipes", "CPU per delivery"),
    ],
    "memory": [
        ("clusnotify (MemFree)", "pipes (MemFree)", "ours/pipes",
         "per queued event/port, MemFree"),
        ("clusnotify (slab objects)", "pipes (slab objects)", None,
         "per queued event/port, slab"),
        ("clusnotify port at open (MemFree)", "pipe at open (MemFree)", None,
         "per port at open"),
    ],
    "latency": [
        ("clusnotify median", "pipe median", "median ours/pipe", "median"),
        ("clusnotify p99", "pipe p99", "p99 ours/pipe", "p99"),
    ],
    "library": [
        ("GetClusterNotifyV2", "read(2) on the port",
         "GetClusterNotifyV2/read(2)", "vs read(2)"),
        ("GetClusterNotifyV2", "clusnotify_read_event",
         "GetClusterNotifyV2/clusnotify_read_event", "vs clusnotify_read_event"),
    ],
    "ksub": [
        ("ports + kernel subscriber", "ports", "with/without", "wall"),
        ("ports + kernel subscriber CPU", "ports CPU", "CPU with/without",
         "CPU"),
        ("added by the subscriber", None, None, "added, wall"),
        ("added by the subscriber CPU", None, None, "added, CPU"),
    ],
}

UNITS = {
    "events/s": "ev/s",
    "ns/event": "ns/ev",
    "ns/delivered event": "ns/delivery",
    "bytes/queued event/port": "B",
    "bytes/queued event/pipe": "B",
    "bytes/port": "B",
    "bytes/pipe": "B",
    "us": "us",
    "x": "x",
}


def num(v, unit=""):
    if v is None:
        return "-"
    if unit == "x":
        return f"{v:.3g}x" if abs(v) < 100 else f"{v:.0f}x"
    a = abs(v)
    if a >= 1e6:
        s = f"{v / 1e6:.3g}M"
    elif a >= 1e4:
        s = f"{v / 1e3:.3g}k"
    elif a >= 100:
        s = f"{v:.0f}"
    else:
        s = f"{v:.3g}"
    return s


def spread(s):
    if s is None:
        return "-"
    u = s.get("unit", "")
    short = UNITS.get(u, u)
    med = num(s["median"], u)
    lo, hi = num(s["min"], u), num(s["max"], u)
    tail = "" if u == "x" else " " + short
    return f"{med}{tail} [{lo}-{hi}]"


def series(res, name):
    if name is None:
        return None
    for s in res.get("series", []):
        if s["name"] == name:
            return s
    return None


def rows(doc):
    out = []
    for i, res in enumerate(doc["results"], 1):
        if "error" in res:
            out.append((res.get("id", "?"), "FAILED: " + res["error"], "",
                        "", ""))
            continue
        spec = SUMMARY.get(res["measurement"])
        if not spec:
            continue
        for ours, base, ratio, label in spec:
            o = series(res, ours)
            if o is None:
                continue
            b, r = series(res, base), series(res, ratio)
            out.append((res["title"] + ": " + label,
                        f"{res['events']} x {res['reps']}",
                        spread(o),
                        (base + " " + spread(b)) if b else "-",
                        spread(r) if r else "-"))
    return out


def table(doc, markdown=False):
    head = ("figure", "events x reps", "ours: median [min-max]",
            "baseline median [min-max]", "ratio median [min-max]")
    rs = rows(doc)
    lines = []
    if markdown:
        lines.append("| " + " | ".join(head) + " |")
        lines.append("|" + "|".join("---" for _ in head) + "|")
        for r in rs:
            lines.append("| " + " | ".join(r) + " |")
        return "\n".join(lines)
    w = [max(len(h), *(len(r[i]) for r in rs)) if rs else len(h)
         for i, h in enumerate(head)]
    fmt = "  ".join("{:<%d}" % x for x in w)
    lines.append(fmt.format(*head))
    lines.append("  ".join("-" * x for x in w))
    for r in rs:
        lines.append(fmt.format(*r))
    return "\n".join(lines)


def detail(doc):
    lines = []
    for res in doc["results"]:
        if "error" in res:
            lines.append(f"{res.get('id', '?')}: FAILED: {res['error']}")
            continue
        lines.append(f"{res['id']}: {res['title']} "
                     f"({res['events']} events x {res['reps']} repetitions)")
        for l in textwrap.wrap(res["workload"], 96):
            lines.append("    " + l)
        for s in res["series"]:
            lines.append(f"    {s['name']:<44} {s['role']:<8} "
                         f"min {num(s['min'], s['unit']):>8}  "
                         f"median {num(s['median'], s['unit']):>8}  "
                         f"max {num(s['max'], s['unit']):>8}  {s['unit']}")
        for k, v in res.get("extra", {}).items():
            lines.append(f"    {k} = {v}")
        lines.append("")
    return "\n".join(lines)


def main(argv):
    if len(argv) >= 2 and argv[0] == "assemble":
        results = []
        with open(argv[1]) as f:
            for line in f:
                line = line.strip()
                if line:
                    results.append(json.loads(line))
        meta = {}
        for kv in argv[2:]:
            k, _, v = kv.partition("=")
            meta[k] = int(v) if v.isdigit() else v
        json.dump({"meta": meta, "results": results}, sys.stdout, indent=1)
        sys.stdout.write("\n")
        return 0
    if len(argv) >= 2 and argv[0] == "table":
        with open(argv[1]) as f:
            doc = json.load(f)
        m = doc.get("meta", {})
        if "--markdown" not in argv:
            print("clusnotify benchmark: kernel %s, %s vCPUs, %s, %s" % (
                m.get("kernel", "?"), m.get("cpus", "?"), m.get("accel", "?"),
                m.get("date", "?")))
            print("each figure: median [min-max] over its repetitions; "
                  "ratios per repetition, same run")
            print()
        print(table(doc, "--markdown" in argv))
        if "--detail" in argv:
            print()
            print(detail(doc))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
