#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Runs windows_consumer (clusapi.h only) against real events: a feeder owns
# a cluster, the consumer subscribes, then the feeder plays a failover.
set -u
cd "$(dirname "$0")/../.."
cli=${CLUSNOTIFY_CLI:-tools/clusnotify}
bin=${1:-build/lib/windows_consumer}
name=wc-$$
dir=$(mktemp -d)
feeder= consumer=
cleanup() {
	exec 3>&- 2>/dev/null
	[ -z "$consumer" ] || kill "$consumer" 2>/dev/null
	[ -z "$feeder" ] || kill "$feeder" 2>/dev/null
	wait 2>/dev/null
	rm -rf "$dir"
}
trap cleanup EXIT
fail() {
	echo "# windows_consumer: $*"
	sed 's/^/# /' "$dir/out" 2>/dev/null
	exit 1
}

[ -e /dev/clusnotify ] || { echo "# SKIP no /dev/clusnotify"; exit 77; }
mkfifo "$dir/feed"
"$cli" feed --cluster "$name" <"$dir/feed" >"$dir/feed.out" &
feeder=$!
exec 3>"$dir/feed"
printf '%s\n' "object node n1 node-one state=up" "object group g1 web parent=n1 state=online" \
	"object resource r1 web-ip parent=g1 type-name=IPAddress state=online" "echo objects" >&3
for _ in $(seq 100); do
	grep -q objects "$dir/feed.out" && break
	sleep 0.1
done
grep -q objects "$dir/feed.out" || fail "the feeder did not start"

"$bin" "$name" >"$dir/out" 2>&1 &
consumer=$!
for _ in $(seq 200); do
	grep -q ready "$dir/out" && break
	kill -0 "$consumer" 2>/dev/null || break
	sleep 0.1
done
grep -q ready "$dir/out" || fail "the consumer did not subscribe"

printf '%s\n' "event node n1 state payload=state:down" \
	"event group g1 state payload=state:failed name=a-much-longer-group-name-than-before" \
	"event resource r1 state payload=state:offline" \
	"event node n1 state payload=state:up" >&3
rc=0
wait "$consumer" || rc=$?
consumer=
[ "$rc" = 0 ] || fail "the consumer exited $rc"
sed 's/^/# /' "$dir/out"
exit 0
