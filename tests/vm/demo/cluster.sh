#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The default `make run` demo, run by tests/vm/guest-demo.sh in the guest
# (as root, the module loaded): a real three-node corosync cluster, "demo",
# each node a network namespace (tests/e2e/lib.sh), pacemaker on nodes 1 and
# 2 with a group "grp" holding one ocf:pacemaker:Dummy, "dummy", and
# clusnotifyd on node 1, whose events `clusnotify watch --snapshot` prints
# (in node 1's namespace) as they come. Then, narrated with "demo:" lines:
# node 3 leaves and rejoins, a cmap key under the daemon's registry prefix
# changes, the group moves to the other pacemaker node, dummy is stopped,
# started and failed; and everything is shut down, namespaces included.
#
# Each step waits (bounded) for its event at the watcher and fails the demo
# if it does not come. DEMO_DIR (/tmp/demo) keeps the logs; a failed demo
# prints their ends and copies them to $VM_OUT/demo (on the host,
# build/vm/demo/out/demo).
set -u
cd "$(dirname "$0")/../../.." || exit 1
repo=$PWD
E2E_DIR=${DEMO_DIR:-/tmp/demo}
# shellcheck source=tests/e2e/lib.sh
. tests/e2e/lib.sh

cli=$repo/tools/clusnotify
out=$E2E_DIR/watch.out
# Waits are generous: under TCG, on a shared host, pacemaker is slow.
STEP_WAIT=${STEP_WAIT:-90}
declare -A pcmk=()
watcher='' shower=''

narrate() { echo "demo: $*"; }

# Lets the shown stream catch up with the file before the next narration.
settle() { sleep "${1:-1}"; }

logs() {
	local f
	for f in "$E2E_DIR"/n*/clusnotifyd.log "$E2E_DIR"/n*/corosync.log \
		"$E2E_DIR"/n*/pacemakerd.out "$out.err"; do
		[ -s "$f" ] || continue
		echo "demo: --- $f (last 15 lines)"
		tail -n 15 "$f" | sed 's/^/demo:   /'
	done
	in_node 1 crm_mon -1 2>&1 | sed 's/^/demo:   crm_mon: /'
}

fail() {
	narrate "FAILED: $*"
	logs
	[ -z "${VM_OUT:-}" ] || cp -r "$E2E_DIR" "$VM_OUT/demo" 2>/dev/null
	exit 1
}

# expect ERE [SECS]: until a line the watcher printed after the mark (see
# mark) matches.
mark_at=0
mark() { mark_at=$(wc -l <"$out"); }
expect() {
	local re=$1 secs=${2:-$STEP_WAIT} end
	end=$(($(date +%s) + secs))
	until tail -n +"$((mark_at + 1))" "$out" | grep -q -E -- "$re"; do
		[ "$(date +%s)" -lt "$end" ] || fail "no /$re/ at the watcher after ${secs}s"
		kill -0 "$watcher" 2>/dev/null || fail "the watcher exited"
		sleep 0.2
	done
}

# Where pacemaker runs dummy: n1 or n2 (empty if nowhere).
where() {
	in_node 1 crm_resource --locate -r dummy 2>/dev/null |
		sed -n 's/.*is running on: *\([^ ]*\).*/\1/p' | head -n1
}

# wait_where NODE|- [SECS]: until dummy runs on NODE (- is "anywhere");
# sets at to where it runs.
wait_where() {
	local want=$1 secs=${2:-$STEP_WAIT} end w
	end=$(($(date +%s) + secs))
	while :; do
		w=$(where)
		if [ "$want" = - ] && [ -n "$w" ]; then break; fi
		if [ "$want" != - ] && [ "$w" = "$want" ]; then break; fi
		[ "$(date +%s)" -lt "$end" ] || fail "dummy is not running on ${want/-/any node} after ${secs}s (${w:-nowhere})"
		sleep 0.5
	done
	at=$w
}

# pcmk_down N...: pacemaker on nodes N..., shut down together as `systemctl
# stop` would (SIGTERM to pacemakerd, which stops its resources and its
# daemons); killed if that takes too long. /dev/shm files go with them.
pcmk_down() {
	local n pid kids='' pids='' k
	for n in "$@"; do
		pid=${pcmk[$n]:-}
		[ -n "$pid" ] || continue
		pids="$pids $pid"
		kids="$kids $(pgrep -P "$pid" | tr '\n' ' ')"
		kill -TERM "$pid" 2>/dev/null
		unset "pcmk[$n]"
	done
	for pid in $pids; do
		for _ in $(seq 1 300); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		if kill -0 "$pid" 2>/dev/null; then
			narrate "pacemakerd $pid is slow to stop: killing it"
			kill -KILL "$pid" 2>/dev/null
		fi
		wait "$pid" 2>/dev/null
	done
	for k in $pids $kids; do
		kill -KILL "$k" 2>/dev/null
		rm -rf /dev/shm/qb-"$k"-* /dev/shm/qb-*-"$k"-*
	done
}

stop_watcher() {
	[ -n "$watcher" ] || return 0
	kill -INT "$watcher" 2>/dev/null
	wait "$watcher" 2>/dev/null
	watcher=
	# The shower (tail --pid) ends within a second of the watcher.
	[ -z "$shower" ] || wait "$shower" 2>/dev/null
	shower=
}

# The whole shutdown, in order; also the EXIT trap, so a failed step cleans up.
shutdown() {
	local n
	narrate "pacemaker stops on n1 and n2 (SIGTERM to pacemakerd)"
	pcmk_down 1 2
	settle 2
	narrate "clusnotifyd stops (SIGTERM): the kernel turns the cluster disconnected"
	d_kill 1 TERM
	settle 2
	narrate "the watcher stops (SIGINT); corosync stops on n3, n2, n1 (SIGTERM); the namespaces go"
	stop_watcher
	for n in 3 2 1; do cs_kill "$n" TERM; done
	pcmk_pid=
	# What is left (nothing, unless a step failed) and the namespaces.
	cleanup
}
trap shutdown EXIT

{ command -v corosync && command -v pacemakerd; } >/dev/null ||
	fail "corosync and pacemaker are not installed (tests/vm/deps.sh installs them)"
[ -x /usr/lib/ocf/resource.d/pacemaker/Dummy ] || fail "no ocf:pacemaker:Dummy (pacemaker-resource-agents)"
[ -x "$CLUSNOTIFYD" ] || fail "$CLUSNOTIFYD is missing: build it first (make tools)"

rm -rf "$E2E_DIR"
mkdir -p "$E2E_DIR"
: >"$out"
t0=$(date +%s)

narrate "three nodes n1 n2 n3, each a network namespace (cn-n1..3) on one bridge, 10.99.0.N"
modprobe -q veth 2>/dev/null
modprobe -q bridge 2>/dev/null
netns_setup 3 1 || fail "cannot make the namespaces"

narrate "corosync on n1 n2 n3 (knet, token 500 ms), cluster \"demo\""
for n in 1 2 3; do
	cs_conf "$n" 3 1
	sed -i 's/cluster_name: e2e/cluster_name: demo/' "$E2E_DIR/n$n/corosync.conf"
	cs_start "$n"
done
for n in 1 2 3; do
	cs_wait_members "$n" 3 "$STEP_WAIT" || fail "the cluster did not form"
done
narrate "the ring has 3 members ($(($(date +%s) - t0)) s)"

narrate "pacemaker on n1 and n2 (stonith off, dc-deadtime 2s), group grp = ocf:pacemaker:Dummy dummy"
for n in 1 2; do
	pcmk_start "$n"
	pcmk[$n]=$pcmk_pid
done
pcmk_pid=

narrate "clusnotifyd on n1: registry_prefix = demo."
printf '%s\n' 'registry_prefix = demo.' 'link_poll_interval = 1000' \
	'reconnect_min = 200' 'reconnect_max = 1000' >"$E2E_DIR/n1/clusnotifyd.conf"
d_start 1

narrate "waiting for pacemaker to start dummy"
wait_where - $((2 * STEP_WAIT))
# Both pacemaker nodes online, so that the group has somewhere to move to.
end=$(($(date +%s) + STEP_WAIT))
until in_node 1 crm_mon -1 2>/dev/null | grep -q 'Online: \[ n1 n2 \]'; do
	[ "$(date +%s)" -lt "$end" ] || fail "pacemaker on n1 and n2 is not online"
	sleep 0.5
done
# The daemon has published it too (the snapshot below shows it).
end=$(($(date +%s) + STEP_WAIT))
until in_node 1 "$cli" objects 2>/dev/null | grep -q -E '^RESOURCE +dummy .* 2$'; do
	[ "$(date +%s)" -lt "$end" ] || fail "the daemon does not publish dummy Online"
	sleep 0.5
done
narrate "dummy runs on $at ($(($(date +%s) - t0)) s)"

narrate "ip netns exec cn-n1 clusnotify watch --snapshot   (states decoded in parentheses)"
# The mark goes before the watcher starts: it may print its snapshot
# before the next line of this script runs.
: >"$out"
mark
ip netns exec cn-n1 "$cli" watch --snapshot >"$out" 2>"$out.err" &
watcher=$!
track_pid "$watcher"
tail -n +1 -f --pid="$watcher" "$out" | awk -f tests/vm/demo/annotate.awk &
shower=$!
expect '\[snapshot\]' 30
settle 2

narrate "--- n3 leaves: kill -9 its corosync"
mark
cs_kill 3
expect 'NODE STATE id="3" .*payload=u32:1( |$)'
expect 'CLUSTER MEMBERSHIP '
settle 2

narrate "--- n3 rejoins: corosync starts again on n3"
mark
cs_start 3
expect 'NODE STATE id="3" .*payload=u32:0( |$)'
settle 2

narrate "--- a key under the registry prefix: corosync-cmapctl -s demo.app.color str blue, then red"
mark
in_node 1 corosync-cmapctl -s demo.app.color str blue >/dev/null || fail "corosync-cmapctl -s"
expect 'REGISTRY VALUE '
settle 1
mark
in_node 1 corosync-cmapctl -s demo.app.color str red >/dev/null || fail "corosync-cmapctl -s"
expect 'REGISTRY VALUE '
settle 2

to=n2
[ "$at" = n2 ] && to=n1
narrate "--- grp moves from $at to $to: crm_resource --move -r grp -N $to"
mark
in_node 1 crm_resource --move -r grp -N "$to" >/dev/null 2>&1 || fail "crm_resource --move"
wait_where "$to"
expect "GROUP OWNER_NODE id=\"grp\""
expect 'RESOURCE STATE id="dummy" .*payload=u32:2( |$)'
in_node 1 crm_resource --clear -r grp >/dev/null 2>&1 || fail "crm_resource --clear"
settle 2

narrate "--- dummy stops: crm_resource -r dummy --meta -p target-role -v Stopped"
mark
in_node 1 crm_resource -r dummy --meta -p target-role -v Stopped >/dev/null || fail "crm_resource stop"
expect 'RESOURCE STATE id="dummy" .*payload=u32:3( |$)'
expect 'GROUP STATE id="grp" .*payload=u32:1( |$)'
settle 2

narrate "--- dummy starts: crm_resource -r dummy --meta -p target-role -v Started"
mark
in_node 1 crm_resource -r dummy --meta -p target-role -v Started >/dev/null || fail "crm_resource start"
expect 'RESOURCE STATE id="dummy" .*payload=u32:2( |$)'
settle 2

wait_where - $((2 * STEP_WAIT))
narrate "--- dummy fails on $at: crm_resource --fail -r dummy -N $at; pacemaker recovers it"
mark
in_node 1 crm_resource --fail -r dummy -N "$at" >/dev/null 2>&1 || fail "crm_resource --fail"
expect 'RESOURCE STATE id="dummy" .*payload=u32:4( |$)'
expect 'RESOURCE STATE id="dummy" .*payload=u32:2( |$)'
settle 2

narrate "--- shutting down"
trap - EXIT
shutdown
left=$(ip netns list | grep -E '^cn-' | tr '\n' ' ')
[ -z "$left" ] || fail "namespaces left: $left"
for p in corosync pacemakerd pacemaker-based pacemaker-contr clusnotifyd clusnotify; do
	left=$(pgrep -x -d ' ' "$p") && fail "processes left: $p $left"
done
narrate "all stopped, namespaces removed ($(($(date +%s) - t0)) s)"
