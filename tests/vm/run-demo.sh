#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make run`: boots the stock kernel with the module and runs a demo in it
# (tests/vm/guest-demo.sh); its output streams here as it happens.
#
#   tests/vm/run-demo.sh [cluster|feed] [IMAGE]   (or DEMO=..., KERNEL=IMAGE)
#
# cluster (the default): a real three-node corosync cluster with pacemaker,
#   clusnotifyd and `clusnotify watch`; a node leaves and rejoins, a cmap key
#   changes, a Dummy resource moves, stops, starts and fails. A few minutes
#   under TCG (VM_TIMEOUT, 900 s).
# feed: `clusnotify feed` plays tests/vm/demo.feed to a watcher; seconds
#   (VM_TIMEOUT, 300 s). `DEMO=feed make run`.
set -euo pipefail
# shellcheck source=tests/vm/vm.sh
. "$(dirname "$0")/vm.sh"
cd "$VM_REPO"

demo=${DEMO:-cluster}
case ${1:-} in
cluster | feed) demo=$1; shift ;;
esac
case $demo in
cluster) timeout=${VM_TIMEOUT:-900} ;;
feed) timeout=${VM_TIMEOUT:-300} ;;
*) echo "run-demo: unknown demo \"$demo\" (cluster or feed)" >&2; exit 2 ;;
esac

VM_KERNEL=${1:-${KERNEL:-}} \
	vm_run -t "$timeout" -o "$VM_CACHE/demo" -C "$VM_REPO" -- tests/vm/guest-demo.sh "$demo"
