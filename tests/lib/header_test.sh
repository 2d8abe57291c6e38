#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# clusapi.h compiles as a ported program needs it: header_port.c as C and as
# C++ with -fshort-wchar, each also with another header declaring DWORD,
# WCHAR and HANDLE first, and each runs; without -fshort-wchar (and without
# CLUSAPI_WCHAR_IS_CHAR16) the header stops with an #error that says what
# to do, rather than let L"" pass as 4-byte units.
set -u
cd "$(dirname "$0")/../.."
lib=$PWD/lib
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
command -v cc >/dev/null && command -v c++ >/dev/null ||
	{ echo "# SKIP no cc and c++"; exit 77; }
failed=0
flags=(-Wall -Wextra -Werror -fshort-wchar -I"$lib" -Itests/lib)
link=(-L"$lib" -lclusnotify -Wl,-rpath,"$lib")

for lang in c c++; do
	for first in "" -DCOMPAT_FIRST; do
		name="$lang${first:+ (compat header first)}"
		if ! c++ -x "$lang" "${flags[@]}" $first tests/lib/header_port.c \
			-x none "${link[@]}" -o "$dir/port" >"$dir/log" 2>&1; then
			echo "# $name: does not compile"
			sed 's/^/#   /' "$dir/log" | head -n 20
			failed=1
		elif ! "$dir/port" >"$dir/log" 2>&1; then
			echo "# $name: runs wrong"
			sed 's/^/#   /' "$dir/log"
			failed=1
		else
			echo "# $name: ok"
		fi
	done
	# No -fshort-wchar: an #error naming the flag, for C and C++.
	if c++ -x "$lang" -Wall -I"$lib" -c tests/lib/header_port.c \
		-o "$dir/x.o" >"$dir/log" 2>&1; then
		echo "# $lang without -fshort-wchar: compiled, want an #error"
		failed=1
	elif ! grep -q 'error.*-fshort-wchar' "$dir/log"; then
		echo "# $lang without -fshort-wchar: not the #error"
		sed 's/^/#   /' "$dir/log" | head -n 5
		failed=1
	else
		echo "# $lang without -fshort-wchar: #error, ok"
	fi
done
exit $failed
