#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The tier entry point tests/vm/guest-check.sh runs (module loaded, cwd the
# repository): the failslab sweep and a kmemleak scan, see run-guest.sh.
exec "$(dirname "$0")/run-guest.sh" "$@"
