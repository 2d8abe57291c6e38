#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# `make run`: boots the stock kernel with the module, where a feeder posts a
# small cluster's events (tests/vm/demo.feed) and a watcher prints them; its
# output streams here as it happens.
#
#   tests/vm/run-demo.sh [IMAGE]   (or KERNEL=IMAGE; VM_TIMEOUT, 300 s)
set -euo pipefail
# shellcheck source=tests/vm/vm.sh
. "$(dirname "$0")/vm.sh"
cd "$VM_REPO"

VM_KERNEL=${1:-${KERNEL:-}} VM_TIMEOUT=${VM_TIMEOUT:-300} \
	vm_run -o "$VM_CACHE/demo" -C "$VM_REPO" -- tests/vm/guest-demo.sh
