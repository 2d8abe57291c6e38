#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs the ported Windows programs (built by `make -C tests/port` into
# build/port/) against a real cluster: two corosync nodes in network
# namespaces (tests/e2e/lib.sh), pacemaker and clusnotifyd on node 1, cmap
# keys under the daemon's registry prefix. The programs start once the
# cluster is up, then the cluster changes under them: two cmap keys change,
# the resource stops and starts, node 2's corosync dies. One line per
# program: `ok - NAME`, `not ok - NAME` (its output follows as "# " lines)
# or `ok - NAME # SKIP why`. In the guest, as root, module loaded.
set -u
cd "$(dirname "$0")/../.." || exit 1
E2E_DIR=${E2E_DIR:-/tmp/port}
. tests/e2e/lib.sh

O=build/port
CS_WAIT=${CS_WAIT:-90}
# Bounds a hang only: every step waits for what it needs.
PORT_WAIT=${PORT_WAIT:-120}
progs=(enum_subscribe v2_blocking_close v1_poller event_handle_epoll grow_retry registry_watch)
declare -A pid=() args=()
args[enum_subscribe]="e2e n2 n1 grp dummy"
args[v2_blocking_close]="n2"
args[v1_poller]="n2"
args[event_handle_epoll]="dummy"
args[grow_retry]="dummy"
args[registry_watch]="app sub color red size 42"

skip_all() {
	local p
	for p in "${progs[@]}"; do
		echo "ok - $p # SKIP $*"
	done
	exit 0
}

fail_all() {
	local p f
	say "$*"
	for f in "$E2E_DIR"/n1/clusnotifyd.log "$E2E_DIR"/n1/pacemakerd.out "$E2E_DIR"/*.out; do
		[ -s "$f" ] || continue
		echo "# --- $f (last 20 lines)"
		tail -n 20 "$f" | sed 's/^/#   /'
	done
	for p in "${progs[@]}"; do
		echo "not ok - $p # $*"
	done
	exit 1
}

for p in "${progs[@]}"; do
	[ -x "$O/$p" ] || { echo "not ok - $p # not built: make -C tests/port"; exit 1; }
done
command -v corosync >/dev/null && command -v corosync-cmapctl >/dev/null ||
	skip_all "corosync is not installed"
command -v pacemakerd >/dev/null || skip_all "pacemaker is not installed"
[ -x /usr/lib/ocf/resource.d/pacemaker/Dummy ] || skip_all "no ocf:pacemaker:Dummy"
getent passwd hacluster >/dev/null || skip_all "no hacluster user"

rm -rf "$E2E_DIR"
mkdir -p "$E2E_DIR"
trap cleanup EXIT

# The cluster: n1 and n2 on one link; pacemaker and the daemon on n1.
netns_setup 2 1 >/dev/null || fail_all "netns"
cs_conf 1 2 1
cs_conf 2 2 1
cs_start 1
cs_start 2
cs_wait_members 1 2 "$CS_WAIT" || fail_all "corosync did not form a two-node membership"
in_node 1 corosync-cmapctl -s port.app.color str blue >/dev/null &&
	in_node 1 corosync-cmapctl -s -- port.app.neg i32 -5 >/dev/null &&
	in_node 1 corosync-cmapctl -s port.app.big u64 18446744073709551615 >/dev/null &&
	in_node 1 corosync-cmapctl -s port.app.sub.size u32 1 >/dev/null ||
	fail_all "corosync-cmapctl"
printf 'registry_prefix = port.\nlink_poll_interval = 500\nreconnect_min = 200\nreconnect_max = 1000\n' \
	>"$E2E_DIR/n1/clusnotifyd.conf"
pcmk_start 1
d_start 1
wait_cmd "$PORT_WAIT" sh -c "ip netns exec cn-n1 '$CNWATCH' -w 1 -g resource:dummy | grep -q ' state=2\$'" ||
	fail_all "dummy never Online"
wait_cmd "$PORT_WAIT" sh -c "ip netns exec cn-n1 '$CNWATCH' -w 1 -g group:grp | grep -q 'parent=1 .* state=0\$'" ||
	fail_all "grp never Online on n1"

# The programs, each in node 1's namespace, each until it says ready.
# event_handle_epoll reads "go" on stdin (fd 3 here) once the resource is
# back: until then, it lets notifications pile up.
mkfifo "$E2E_DIR/go" && exec 3<>"$E2E_DIR/go" || fail_all "fifo"
for p in "${progs[@]}"; do
	# shellcheck disable=SC2086
	ip netns exec cn-n1 "$O/$p" ${args[$p]} <"$E2E_DIR/go" >"$E2E_DIR/$p.out" 2>&1 &
	pid[$p]=$!
	track_pid "${pid[$p]}"
done
for p in "${progs[@]}"; do
	wait_for "$E2E_DIR/$p.out" '^ready$' "$PORT_WAIT" >/dev/null ||
		say "$p did not get ready"
done

# What they wait for: a value and a value in a subkey, the resource stopped
# and started again, node 2 gone.
in_node 1 corosync-cmapctl -s port.app.color str red >/dev/null || say "cmapctl color"
in_node 1 corosync-cmapctl -s port.app.sub.size u32 42 >/dev/null || say "cmapctl size"
in_node 1 crm_resource -r dummy --meta -p target-role -v Stopped >/dev/null 2>&1 ||
	say "crm_resource stop"
wait_cmd "$PORT_WAIT" sh -c "ip netns exec cn-n1 '$CNWATCH' -w 1 -g resource:dummy | grep -q ' state=3\$'" ||
	say "dummy never Offline"
in_node 1 crm_resource -r dummy --meta -p target-role -v Started >/dev/null 2>&1 ||
	say "crm_resource start"
wait_cmd "$PORT_WAIT" sh -c "ip netns exec cn-n1 '$CNWATCH' -w 1 -g resource:dummy | grep -q ' state=2\$'" ||
	say "dummy never Online again"
echo go >&3
cs_kill 2

failed=0
# One bound for all: a program still running then has hung.
end=$((SECONDS + PORT_WAIT * E2E_WAIT_SCALE))
for p in "${progs[@]}"; do
	rc=0
	while kill -0 "${pid[$p]}" 2>/dev/null && [ $SECONDS -lt $end ]; do
		sleep 0.2
	done
	if kill -0 "${pid[$p]}" 2>/dev/null; then
		kill -KILL "${pid[$p]}" 2>/dev/null
		wait "${pid[$p]}" 2>/dev/null
		rc=timeout
	else
		wait "${pid[$p]}" || rc=$?
	fi
	if [ "$rc" = 0 ]; then
		echo "ok - $p"
	else
		echo "not ok - $p # exit $rc"
		sed 's/^/# /' "$E2E_DIR/$p.out"
		failed=1
	fi
done
[ "$failed" = 0 ] || {
	echo "# --- clusnotifyd (last 20 lines)"
	tail -n 20 "$E2E_DIR/n1/clusnotifyd.log" | sed 's/^/#   /'
}
exit $failed
