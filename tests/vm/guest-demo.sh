#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the guest that tests/vm/run-demo.sh boots: loads the module,
# runs one demo, unloads the module.
#
#   tests/vm/guest-demo.sh [cluster|feed]
#
# cluster (the default): a real corosync and pacemaker cluster in network
#   namespaces, clusnotifyd and a live watcher (tests/vm/demo/cluster.sh).
# feed: a feeder registers the cluster "demo" and plays tests/vm/demo.feed,
#   a watcher prints each event as it arrives; when the feeder is done (its
#   cluster goes away), the watcher is stopped. Quick, and needs no cluster
#   engine.
set -euo pipefail
cd "$(dirname "$0")/../.."

demo=${1:-cluster}
cli=tools/clusnotify
ko=${CLUSNOTIFY_KO:-kernel/clusnotify.ko}
feeder='' watcher=''

die() {
	echo "demo: $*" >&2
	exit 1
}
stop() {
	[ -z "$watcher" ] || kill -INT "$watcher" 2>/dev/null || true
	[ -z "$feeder" ] || kill "$feeder" 2>/dev/null || true
}

feed_demo() {
	echo "demo: $cli feed --cluster demo tests/vm/demo.feed"
	"$cli" feed --cluster demo tests/vm/demo.feed &
	feeder=$!

	# The feeder registers the cluster before it reads its script, whose first
	# pause leaves the watcher time to start; under TCG that can take a moment.
	for _ in 1 2 3 4 5; do
		sleep 1
		kill -0 "$feeder" 2>/dev/null || die "the feeder exited early"
		echo "demo: $cli watch --cluster demo --snapshot"
		"$cli" watch --cluster demo --snapshot &
		watcher=$!
		sleep 0.5
		kill -0 "$watcher" 2>/dev/null && break
		wait "$watcher" || true
		watcher=
	done
	[ -n "$watcher" ] || die "the watcher does not stay up"

	rc=0
	wait "$feeder" || rc=$?
	feeder=
	[ "$rc" = 0 ] || die "the feeder failed ($rc)"
	# Let the watcher print the cluster going away before it is stopped.
	sleep 1
	kill -INT "$watcher"
	rc=0
	wait "$watcher" || rc=$?
	watcher=
	# 130: killed by the SIGINT, if the watcher lets it end it.
	[ "$rc" = 0 ] || [ "$rc" = 130 ] || die "the watcher failed ($rc)"
}

case $demo in
cluster | feed) ;;
*) die "unknown demo \"$demo\" (cluster or feed)" ;;
esac
[ -x "$cli" ] || die "$cli is missing: build it first (make tools)"
[ -f "$ko" ] || die "$ko is missing: build it first (make module)"
insmod "$ko" || die "insmod $ko failed"
trap stop EXIT

if [ "$demo" = feed ]; then
	feed_demo
else
	tests/vm/demo/cluster.sh || die "the cluster demo failed"
fi
rmmod clusnotify || die "rmmod clusnotify failed"
echo "demo: done"
