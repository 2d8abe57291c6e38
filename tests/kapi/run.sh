#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# Guest side of the in-kernel API tier: the sample consumer against a port.
set -uo pipefail
cd "$(dirname "$0")/../.."
mountpoint -q /sys/kernel/debug || mount -t debugfs none /sys/kernel/debug
# The sample built with the module that is loaded (stock or debug kernel).
ko=${CLUSNOTIFY_KO:-$PWD/kernel/clusnotify.ko}
export SAMPLE_KO=${ko%/kernel/clusnotify.ko}/tests/kapi/clusnotify_sample.ko
fail=0
if timeout 120 build/selftests/kapi_test 2>&1 | sed 's/^/# /'; [ "${PIPESTATUS[0]}" = 0 ]; then
	echo "ok - kapi/sample_sees_what_a_port_sees"
else
	echo "not ok - kapi/sample_sees_what_a_port_sees"
	fail=1
fi
exit $fail
