#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
#
# The clusnotify CLI end to end: a feeder owns a cluster, `watch --json` runs
# in one process, `post` in others; the JSON is parsed and checked. Also the
# exit codes, --help, SIGINT, clusters/objects/stats.
import json
import os
import select
import signal
import subprocess
import sys
import tempfile
import time

CLI = os.environ.get("CLUSNOTIFY_CLI", "tools/clusnotify")


def fail(msg):
    print(f"# cli_e2e: {msg}")
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def cli(*args, stdin=None, **kw):
    return subprocess.run([CLI, *args], capture_output=True, text=True,
                          timeout=30, stdin=stdin, **kw)


def readline(proc, timeout=20.0):
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    check(ready, "no output in time")
    line = proc.stdout.readline()
    check(line, f"{proc.args} ended early")
    return line


class Feeder:
    def __init__(self, name):
        self.name = name
        self.n = 0
        self.proc = subprocess.Popen([CLI, "feed", "--cluster", name, "-"],
                                     stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, text=True)
        self.sync()

    def send(self, *lines):
        for line in lines:
            self.proc.stdin.write(line + "\n")

    def sync(self):
        self.n += 1
        self.send(f"echo sync-{self.n}")
        self.proc.stdin.flush()
        while readline(self.proc).strip() != f"sync-{self.n}":
            pass

    def stop(self):
        self.proc.stdin.close()
        check(self.proc.wait(timeout=30) == 0, "the feeder failed")


def watch(*args):
    return subprocess.Popen([CLI, "watch", *args], stdout=subprocess.PIPE,
                            text=True)


def test_usage():
    r = cli()
    check(r.returncode == 2, "no command: not 2")
    r = cli("--help")
    check(r.returncode == 0 and "Usage" in r.stdout, "--help")
    check(cli("bogus").returncode == 2, "unknown command: not 2")
    for sub in ("watch", "post", "feed", "clusters", "objects", "stats"):
        r = cli(sub, "--help")
        check(r.returncode == 0 and r.stdout.startswith("Usage: clusnotify " + sub),
              f"{sub} --help")
        r = cli(sub, "--no-such-option")
        check(r.returncode == 2, f"{sub} with a bad option: {r.returncode}")
    check(cli("post", "--type", "node").returncode == 2, "post without --flag")
    check(cli("post", "--type", "bogus", "--flag", "state", "--id", "x").returncode == 2,
          "post with a bad type")
    check(cli("feed").returncode == 2, "feed without --cluster")
    check(cli("watch", "node:bogus").returncode == 2, "watch with a bad flag")
    check(cli("post", "--cluster", "no-such-cluster", "--type", "node", "--flag",
              "state", "--id", "x").returncode == 1, "post to no cluster: not 1")
    check(cli("watch", "--cluster", "no-such-cluster").returncode == 1,
          "watch of no cluster: not 1")


def test_events(feeder):
    name = feeder.name
    w = watch("--cluster", name, "--json", "--ready", "--count", "5",
              "--timeout", "30000", "node", "group", "resource:state")
    check(json.loads(readline(w)) == {"ready": True}, "watch not ready")

    r = cli("post", "--cluster", name, "--type", "node", "--flag", "state",
            "--id", "n1", "--payload", "u32:1")
    check(r.returncode == 0, f"post: {r.returncode} {r.stderr}")
    with tempfile.NamedTemporaryFile("w", suffix=".batch") as f:
        f.write("# a batch\n"
                "event group g1 state payload=state:failed\n"
                "resource r1 state payload=u32:129\n"
                "resource r1 common_property\n"
                "node n1 common_property payload=hex:00ff name=\"renamed node\"\n"
                "node n1 state payload=state:up\n")
        f.flush()
        r = cli("post", "--cluster", name, "--batch", f.name, "--verbose")
        check(r.returncode == 0 and "posted 5 events" in r.stdout,
              f"post --batch: {r.returncode} {r.stdout} {r.stderr}")

    events = [json.loads(readline(w)) for _ in range(5)]
    check(w.wait(timeout=30) == 0, "watch --count did not exit 0")
    e = events[0]
    check(e["cluster"] == name and e["type"] == "NODE" and e["flag"] == "STATE"
          and e["id"] == "n1" and e["name"] == "node-one" and e["value"] == 1
          and e["payload"] == "01000000" and not e["snapshot"], f"event 0: {e}")
    check(events[1]["type"] == "GROUP" and events[1]["value"] == 2
          and events[1]["parent"] == "n1", f"event 1: {events[1]}")
    check(events[2]["type"] == "RESOURCE" and events[2]["value"] == 129
          and events[2]["type_name"] == "IPAddress", f"event 2: {events[2]}")
    # resource common_property is filtered out by resource:state
    check(events[3]["flag"] == "COMMON_PROPERTY" and events[3]["payload"] == "00ff"
          and events[3]["name"] == "renamed node", f"event 3: {events[3]}")
    check(events[4]["value"] == 0, f"event 4: {events[4]}")
    seqs = [e["seq"] for e in events]
    check(seqs == sorted(seqs) and seqs[4] - seqs[0] == 5, f"seqs {seqs}")


def post_node(name, n):
    for _ in range(n):
        r = cli("post", "--cluster", name, "--type", "node", "--flag", "state",
                "--id", "n1", "--payload", "u32:1")
        check(r.returncode == 0, f"post: {r.returncode} {r.stderr}")


def test_resume_file(feeder):
    """A watcher stopped and started again with its resume file sees every
    event once; a file from another epoch gives one GAP line."""
    name = feeder.name
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "resume")
        w = watch("--cluster", name, "--json", "--ready", "--count", "2",
                  "--resume-file", path, "node:state")
        check(json.loads(readline(w)) == {"ready": True}, "watch not ready")
        post_node(name, 2)
        first = [json.loads(readline(w)) for _ in range(2)]
        check(w.wait(timeout=30) == 0, "watch --count did not exit 0")
        epoch, seq = map(int, open(path).read().strip().split(":"))
        check(epoch == first[1]["epoch"] and seq == first[1]["seq"],
              f"resume file {epoch}:{seq} after {first[1]}")

        post_node(name, 3)          # while nobody watches
        w = watch("--cluster", name, "--json", "--count", "3",
                  "--resume-file", path, "node:state")
        again = [json.loads(readline(w)) for _ in range(3)]
        check(w.wait(timeout=30) == 0, "watch --count did not exit 0")
        check([e["seq"] for e in again] == [seq + 1, seq + 2, seq + 3]
              and not any(e["gap"] for e in again), f"resumed: {again}")

        with open(path, "w") as f:
            f.write("1:1\n")      # an epoch that is not the cluster's
        w = watch("--cluster", name, "--json", "--count", "1",
                  "--resume-file", path, "node:state")
        g = json.loads(readline(w))
        check(w.wait(timeout=30) == 0, "watch --count did not exit 0")
        check(g["gap"] and g["epoch"] == epoch and g["range_first"] == 1
              and g["range_last"] == g["seq"] >= seq + 3, f"gap: {g}")
        r = cli("watch", "--cluster", name, "--since", "x:1", "node")
        check(r.returncode == 2, f"--since x:1: {r.returncode} {r.stderr}")

    # `clusters` shows the epoch and what the journal holds, which a
    # resume point is compared with: the feeder posts nothing meanwhile.
    r = cli("clusters", "--json")
    c = [c for c in map(json.loads, r.stdout.splitlines()) if c["name"] == name]
    check(r.returncode == 0 and len(c) == 1, f"clusters: {r.returncode} {r.stdout}")
    c = c[0]
    check(c["epoch"] == epoch and c["journal_last"] == c["seq"] >= seq + 3
          and 1 <= c["journal_first"] <= seq + 1
          and c["journal_events"] == c["journal_last"] - c["journal_first"] + 1
          and c["journal_bytes"] > 0, f"clusters' epoch and journal: {c}")
    r = cli("clusters")
    row = [l.split() for l in r.stdout.splitlines()[1:] if f" {name} " in l]
    check(r.returncode == 0 and r.stdout.split("\n")[0].split()[-2:] == ["EPOCH", "JOURNAL"]
          and len(row) == 1 and row[0][-2:] == [str(epoch),
          f"{c['journal_first']}..{c['journal_last']}"], f"clusters, human: {r.stdout}")


def test_snapshot_sigint_stats(feeder):
    name = feeder.name
    w = watch("--cluster", name, "--json", "--snapshot", "--object", "group:g1:state")
    e = json.loads(readline(w))
    check(e["snapshot"] and e["type"] == "GROUP" and e["id"] == "g1"
          and e["value"] == 2, f"snapshot: {e}")

    fd = None
    for n in os.listdir(f"/proc/{w.pid}/fd"):
        if os.readlink(f"/proc/{w.pid}/fd/{n}") == "/dev/clusnotify":
            fd = n
    check(fd is not None, "no port fd in the watcher")
    r = cli("stats", "--pid", str(w.pid), "--fd", fd, "--json")
    check(r.returncode == 0, f"stats --pid: {r.returncode} {r.stderr}")
    st = json.loads(r.stdout)
    # read: the snapshot record and the end-of-snapshot marker
    check(st["registrations"] == 1 and st["filters"] == 0 and st["read"] == 2
          and st["matched"] == st["delivered"] + st["lost"], f"port stats {st}")

    # The human format, then a clean exit on SIGINT.
    w.send_signal(signal.SIGINT)
    check(w.wait(timeout=10) == 0, "watch did not exit 0 on SIGINT")
    h = watch("--cluster", name)
    time.sleep(0.5)
    h.send_signal(signal.SIGTERM)
    check(h.wait(timeout=10) == 0, "watch did not exit 0 on SIGTERM")

    r = cli("clusters", "--json")
    check(r.returncode == 0, "clusters")
    mine = [json.loads(l) for l in r.stdout.splitlines()]
    mine = [c for c in mine if c["name"] == name]
    check(len(mine) == 1 and mine[0]["state"] == "connected"
          and mine[0]["posted"] >= 6 and mine[0]["objects"] == 3, f"clusters {mine}")
    r = cli("clusters")
    check(r.returncode == 0 and name in r.stdout, "clusters, human")
    r = cli("objects", "--cluster", name, "--json")
    objs = {o["id"]: o for o in map(json.loads, r.stdout.splitlines())}
    check(r.returncode == 0 and set(objs) == {"n1", "g1", "r1"}, f"objects {objs}")
    check(objs["r1"]["type"] == "RESOURCE" and objs["r1"]["parent"] == "g1"
          and objs["r1"]["state"] == 129, f"r1 {objs['r1']}")
    r = cli("stats", "--cluster", name, "--json")
    st = json.loads(r.stdout)
    check(r.returncode == 0 and st["matched"] == st["delivered"] + st["lost"],
          f"cluster stats {st}")
    check(cli("objects", "--cluster", "no-such-cluster").returncode == 1,
          "objects of no cluster")


NOBODY = 65534
DEV = "/dev/clusnotify"
DEV_GID = 54321  # a group nobody is in but for this test


def test_device_user_lists(name):
    """A user who may open the device, and has no capability, lists."""
    st = os.stat(DEV)
    os.chown(DEV, -1, DEV_GID)
    os.chmod(DEV, 0o660)
    try:
        as_nobody = dict(user=NOBODY, group=NOBODY, extra_groups=[DEV_GID])
        r = cli("clusters", "--json", **as_nobody)
        check(r.returncode == 0, f"clusters as nobody: {r.returncode} {r.stderr}")
        mine = [c for c in map(json.loads, r.stdout.splitlines())
                if c["name"] == name]
        check(len(mine) == 1 and mine[0]["objects"] == 3,
              f"clusters as nobody {mine}")
        r = cli("objects", "--cluster", name, "--json", **as_nobody)
        objs = {o["id"] for o in map(json.loads, r.stdout.splitlines())}
        check(r.returncode == 0 and objs == {"n1", "g1", "r1"},
              f"objects as nobody: {r.returncode} {objs} {r.stderr}")
        r = cli("stats", "--cluster", name, "--json", **as_nobody)
        check(r.returncode == 0 and json.loads(r.stdout)["name"] == name,
              f"stats as nobody: {r.returncode} {r.stderr}")
        # without the group, the device and so the listing are refused
        r = cli("clusters", user=NOBODY, group=NOBODY, extra_groups=[])
        check(r.returncode == 1 and "Permission denied" in r.stderr,
              f"clusters as nobody outside the group: {r.returncode} {r.stderr}")
    finally:
        os.chmod(DEV, st.st_mode & 0o7777)
        os.chown(DEV, -1, st.st_gid)


def main():
    if not os.path.exists("/dev/clusnotify"):
        print("# SKIP no /dev/clusnotify")
        sys.exit(77)
    test_usage()
    feeder = Feeder(f"e2e-{os.getpid()}")
    feeder.send("object node n1 node-one state=up",
                "object group g1 web parent=n1 state=online",
                "object resource r1 web-ip parent=g1 type=IPAddress state=online")
    feeder.sync()
    test_events(feeder)
    test_resume_file(feeder)
    test_snapshot_sigint_stats(feeder)
    test_device_user_lists(feeder.name)
    feeder.stop()
    r = cli("clusters", "--json")
    mine = [c for c in map(json.loads, r.stdout.splitlines())
            if c["name"] == feeder.name]
    check(mine and mine[0]["state"] == "disconnected", f"after the feeder {mine}")


if __name__ == "__main__":
    main()
