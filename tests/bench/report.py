#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""The benchmark's JSON and table.

  report.py assemble RESULTS.jsonl [KEY=VALUE...] > bench.json
      one JSON document: "meta" (the KEY=VALUE pairs) and "results" (one
      object per figure, as cnbench wrote them, in order)
  report.py table BENCH.json [--markdown] [--detail]
      the summary table (one row per figure and baseline), and with
      --detail every series of every figure with its workload
  report.py svg BENCH.json DIR
      the pictures, drawn by gnuplot: DIR/fanout.svg (selective fan-out
      cost against N, ours and the netlink baseline, log scales),
      DIR/broadcast.svg (broadcast cost per delivery against N, ours and
      N pipes), DIR/latency.svg (latency distributions, ours and the pipe)
"""
import json
import os
import subprocess
import sys
import textwrap

# The selective fan-out's baseline series.
BASELINE_SELECTIVE = "netlink monitors + userspace filter"

# Per measurement: rows of (ours, baseline, ratio, label), by series name.
SUMMARY = {
    "throughput": [
        ("clusnotify", "pipe", "ours/pipe", "vs pipe"),
        ("clusnotify", "netlink monitors", "ours/monitors", "vs netlink monitors"),
        ("posts alone (nobody watching)", None, None, "posts alone"),
    ],
    "selective": [
        ("clusnotify", None, "clusnotify at N / at 1", "cost at N / at 1"),
        ("clusnotify", "clusnotify, 1 port, interleaved",
         "clusnotify at N / at 1, paired",
         "per event vs 1 port in the same repetition"),
        ("clusnotify", "netlink monitors + userspace filter",
         "monitors/clusnotify", "vs monitors + filter"),
        ("netlink monitors + userspace filter", None, "monitors at N / at 1",
         "monitors cost at N / at 1"),
        ("clusnotify CPU", "netlink monitors CPU", None, "CPU per event"),
        ("clusnotify, N listeners elsewhere", "clusnotify, the listeners gone",
         "listeners elsewhere/alone",
         "while N listeners are joined in another netns"),
    ],
    "broadcast": [
        ("clusnotify", "N pipes", "ours/pipes", "vs N pipes"),
        ("clusnotify CPU", "N pipes CPU", "CPU ours/pipes", "CPU per delivery"),
        ("clusnotify posting", "N pipes writing", "posting ours/pipes",
         "posting per delivery (the poster's own time)"),
        ("clusnotify first delivery", "N pipes first delivery", None,
         "first delivery"),
        ("clusnotify", "clusnotify, 100 ports, interleaved",
         "ours at N / at 100, paired",
         "per delivery vs 100 ports in the same repetition (flatness)"),
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
    "collide": [
        ("clusnotify, colliding ids", "clusnotify, random ids",
         "colliding/random", "ids that collided under the old hash"),
    ],
    "posters": [
        ("two posters, two clusters", "one poster", "two/one",
         "two posters on two CPUs vs one"),
    ],
    "journal": [
        ("journal on", "journal off", "on/off", "journal on vs off"),
        ("resume from the journal", "read as queued live", "resume/live",
         "vs reading them live"),
    ],
    "failover": [
        ("time to the last delivery", None, None, "to the last delivery"),
        ("events lost per watching port", None, None, "lost per port"),
        ("time from the burst's end until a port that slept through it is right again",
         None, None, "a port that slept through it: right again after"),
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
    "ms": "ms",
    "events": "events",
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
            if base and ratio and b is None and r is None:
                continue  # a comparison this figure does not make
            out.append((res["title"] + ": " + label,
                        f"{res['events']} x {res['reps']}",
                        spread(o),
                        (base + " " + spread(b)) if b else "-",
                        spread(r) if r else "-"))
    return out


def flatness(doc):
    """Broadcast cost per delivery at the most ports over the fewest of 100
    or more: medians of one run, ours and the pipes', per cost measured.
    Those medians were taken a minute apart; the broadcast figure's own
    "paired" ratio was taken within each repetition."""
    bc = {r["extra"]["ports"]: r for r in doc["results"]
          if r.get("measurement") == "broadcast" and "error" not in r
          and r["extra"]["ports"] >= 100}
    if len(bc) < 2:
        return []
    lo, hi = bc[min(bc)], bc[max(bc)]
    out = []
    for ours, base, label in (("clusnotify", "N pipes", "wall"),
                              ("clusnotify CPU", "N pipes CPU", "CPU"),
                              ("clusnotify posting", "N pipes writing",
                               "posting")):
        o1, o2 = series(lo, ours), series(hi, ours)
        b1, b2 = series(lo, base), series(hi, base)
        if not (o1 and o2 and b1 and b2):
            continue
        out.append((f"Broadcast, per delivery at {max(bc)} ports over at "
                    f"{min(bc)}: {label}", "-",
                    f"{num(o2['median'])} / {num(o1['median'])} ns",
                    f"{base} {num(b2['median'] / b1['median'], 'x')}",
                    num(o2["median"] / o1["median"], "x")))
    return out


def table(doc, markdown=False):
    head = ("figure", "events x reps", "ours: median [min-max]",
            "baseline median [min-max]", "ratio median [min-max]")
    rs = rows(doc) + flatness(doc)
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


def by_n(doc, measurement, names):
    """{name: [(N, median), ...]} for a measurement run at several N."""
    out = {n: [] for n in names}
    for res in doc["results"]:
        if res.get("measurement") != measurement or "error" in res:
            continue
        n = (res.get("extra") or {}).get("ports")
        for name in names:
            s = series(res, name)
            if n and s:
                out[name].append((n, s["median"]))
    return {k: sorted(v) for k, v in out.items() if v}


def gnuplot(path, title, xlabel, ylabel, curves, logx=False, logy=False):
    """Draws curves {label: [(x, y), ...]} into path (SVG) with gnuplot."""
    if not curves:
        return False
    lines = ["set terminal svg size 720,440 dynamic font 'sans,12'",
             "set output '%s'" % path.replace("'", ""),
             "set title '%s'" % title.replace("'", ""),
             "set xlabel '%s'" % xlabel, "set ylabel '%s'" % ylabel,
             "set key top left", "set grid"]
    if logx:
        lines.append("set logscale x")
    if logy:
        lines.append("set logscale y")
    plots, data = [], []
    for label, pts in curves.items():
        plots.append("'-' using 1:2 with linespoints title '%s'" %
                     label.replace("'", ""))
        data.append("\n".join("%g %g" % p for p in pts) + "\ne")
    lines.append("plot " + ", ".join(plots))
    script = "\n".join(lines) + "\n" + "\n".join(data) + "\n"
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
    return True


def svg(doc, outdir):
    os.makedirs(outdir, exist_ok=True)
    made = []
    sel = by_n(doc, "selective", ["clusnotify", BASELINE_SELECTIVE])
    if gnuplot(os.path.join(outdir, "fanout.svg"),
               "Selective fan-out: cost per posted event (one port matches)",
               "ports (N)", "ns per posted event", sel, logx=True, logy=True):
        made.append("fanout.svg")
    bc = by_n(doc, "broadcast", ["clusnotify", "N pipes"])
    if gnuplot(os.path.join(outdir, "broadcast.svg"),
               "Broadcast fan-out: cost per delivery (every port matches)",
               "ports (N)", "ns per delivered event", bc, logx=True):
        made.append("broadcast.svg")
    for res in doc["results"]:
        if res.get("measurement") != "latency" or "error" in res:
            continue
        ex = res.get("extra") or {}
        curves = {}
        for who, label in (("ours", "clusnotify: post to epoll wake-up"),
                           ("pipe", "pipe: write to epoll wake-up")):
            pts = sorted((float(k.split("_p")[1]), v) for k, v in ex.items()
                         if k.startswith(who + "_p"))
            if pts:
                curves[label] = [(us, p) for p, us in pts]
        if gnuplot(os.path.join(outdir, "latency.svg"),
                   "Latency distribution (last repetition)", "microseconds",
                   "percentile", curves, logx=True):
            made.append("latency.svg")
    return made


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
    if len(argv) >= 3 and argv[0] == "svg":
        with open(argv[1]) as f:
            doc = json.load(f)
        for name in svg(doc, argv[2]):
            print(os.path.join(argv[2], name))
        return 0
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
