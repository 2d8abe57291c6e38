#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian packages, installed as a user installs them: runs in the guest
# (tests/vm/guest-check.sh, stock kernel) from the repository root, with the
# repository's module loaded, after `make deb` has built build/deb/*.deb on
# the host. dpkg -i writes to the guest's root, a tmpfs overlay over the
# host's that is thrown away at poweroff; it refuses to run anywhere else.
#
# The path it walks: dpkg -i the four packages; DKMS builds the module for
# the running kernel (dkms status); modprobe loads that build; the udev rule
# gives /dev/clusnotify to the group "clusnotify" (systemd-udevd applies it)
# so that a member, and only a member, opens ports; a program built with
# `pkg-config --cflags --libs libclusnotify` against the installed headers
# runs, and so does the packaged producer example; the installed clusnotifyd, started as its systemd unit starts it,
# feeds a real one-node corosync to the installed `clusnotify watch`; the
# unit passes systemd-analyze verify. With PKG_PURGE=1, dpkg --purge then
# removes the DKMS build and the group (off by default: DKMS's depmod alone
# takes a minute and a half under TCG, and the guest is thrown away anyway).
# At the end the repository's module ($CLUSNOTIFY_KO) is loaded again.
# One line per step: "ok - pkg/NAME" or "not ok - pkg/NAME"; exits 1 if any
# failed.
set -u
cd "$(dirname "$0")/../.." || exit 1
E2E_DIR=/tmp/pkg-e2e
. tests/e2e/lib.sh

debdir=build/deb
work=/tmp/pkg
unit=/lib/systemd/system/clusnotifyd.service
pkgs=(clusnotify-dkms libclusnotify1 libclusnotify-dev clusnotify-tools)
kver=$(uname -r)
failed=0 installed=0 loaded=0 udevd_pid=

ok() { echo "ok - pkg/$1${2:+ # $2}"; }
notok() {
	echo "not ok - pkg/$1${2:+ # $2}"
	failed=1
}
# Prints a file (or the last $2 lines of it) as comments.
show() {
	[ -s "$1" ] || return 0
	echo "# --- $1"
	tail -n "${2:-30}" "$1" | sed 's/^/#   /'
}

# Whatever happens, the repository's module is loaded again at the end, as
# guest-check.sh expects, and what this started is stopped.
finish() {
	cleanup
	[ -z "$udevd_pid" ] || { kill "$udevd_pid" 2>/dev/null; wait "$udevd_pid" 2>/dev/null; }
	[ ! -d /sys/module/clusnotify ] || modprobe -r clusnotify 2>/dev/null || rmmod clusnotify
	if [ -n "${CLUSNOTIFY_KO:-}" ] && ! insmod "$CLUSNOTIFY_KO"; then
		notok reload-repo-module "insmod $CLUSNOTIFY_KO failed"
	fi
	exit $failed
}
trap finish EXIT

# Only ever in the test guest: its / is a throwaway overlay (vm.sh).
if [ "${VM_OUT:-}" != /run/vm ] || [ ! -f /run/vm/cmd.sh ] || [ "$(hostname)" != vm ]; then
	notok guest "refusing to dpkg -i outside the test guest (tests/vm/vm.sh)"
	trap - EXIT
	exit 1
fi
mkdir -p "$work"

# --- the packages, and the host's state they must not meet
debs=()
for p in "${pkgs[@]}"; do
	f=$(ls -1 "$debdir/${p}_"*.deb 2>/dev/null | tail -n1)
	[ -n "$f" ] && debs+=("$f")
done
if [ ${#debs[@]} != ${#pkgs[@]} ]; then
	notok built "no ${pkgs[*]} in $debdir: run make deb first (make check does)"
	exit 1
fi
ok built "${debs[*]##*/}"

# The repository's module goes; the packaged one takes its place.
rmmod clusnotify || notok rmmod-repo-module
# man-db's trigger would rebuild its index under TCG for a minute: not what
# is tested here (the pages' presence is, below).
rm -f /var/lib/man-db/auto-update

# --- dpkg -i: the DKMS build of the module happens in clusnotify-dkms's postinst
start=$SECONDS
if DEBIAN_FRONTEND=noninteractive dpkg -i "${debs[@]}" >"$work/dpkg.log" 2>&1; then
	installed=1
	ok dpkg-install "$((SECONDS - start)) s"
else
	show "$work/dpkg.log" 40
	show "$(ls -1 /var/lib/dkms/clusnotify/*/build/make.log 2>/dev/null | head -n1)" 40
	notok dpkg-install
	exit 1
fi
grep -E '^(Building|Installing|Running|Signing)|dkms' "$work/dpkg.log" | sed 's/^/# /' | head -n 20

# What each package put where it belongs.
missing=()
for f in /usr/src/clusnotify-*/dkms.conf /usr/lib/x86_64-linux-gnu/libclusnotify.so.1 \
	/usr/lib/x86_64-linux-gnu/libclusnotify.so /usr/lib/x86_64-linux-gnu/libclusnotify.a \
	/usr/lib/x86_64-linux-gnu/pkgconfig/libclusnotify.pc /usr/include/clusnotify.h \
	/usr/include/clusapi.h /usr/include/clusnotify_feed.h /usr/include/linux/clusnotify.h \
	/usr/share/man/man3/clusnotify_port_open.3.gz /usr/share/man/man7/clusnotify.7.gz \
	/usr/share/man/man3/clusnotify_feed_post.3.gz /usr/share/man/man3/clusnotify_feed_recv.3.gz \
	/usr/bin/clusnotify /usr/sbin/clusnotifyd /etc/clusnotifyd.conf "$unit" \
	/lib/udev/rules.d/99-clusnotify.rules /usr/share/man/man8/clusnotifyd.8.gz \
	/usr/share/man/man1/clusnotify.1.gz; do
	[ -e "$f" ] || missing+=("$f")
done
if [ ${#missing[@]} = 0 ]; then ok files; else notok files "missing: ${missing[*]}"; fi

# --- DKMS built and installed the module for the running kernel
status=$(dkms status -m clusnotify 2>&1)
echo "# dkms status: $status"
dko=$(find "/lib/modules/$kver/updates" -name 'clusnotify.ko*' 2>/dev/null | head -n1)
if grep -qE "^clusnotify/[^,]+, $kver, [^:]+: installed" <<<"$status" && [ -n "$dko" ]; then
	ok dkms-built "$dko"
else
	show "$(ls -1 /var/lib/dkms/clusnotify/*/build/make.log 2>/dev/null | head -n1)" 40
	notok dkms-built "dkms status does not say installed for $kver"
fi

# --- modprobe finds the DKMS build (depmod ran) and loads it
if modprobe clusnotify && [ -d /sys/module/clusnotify ]; then
	loaded=1
	path=$(modinfo -n clusnotify 2>/dev/null)
	src=$(modinfo -F srcversion clusnotify 2>/dev/null)
	if [ "$path" = "$dko" ] && [ "$src" = "$(cat /sys/module/clusnotify/srcversion)" ]; then
		ok modprobe "$path"
	else
		notok modprobe "loaded srcversion $(cat /sys/module/clusnotify/srcversion), $path has $src (DKMS put it at $dko)"
	fi
else
	dmesg | tail -n 5 | sed 's/^/# /'
	notok modprobe
fi

# --- the udev rule: systemd-udevd, started for the occasion (no udevd runs in
# the guest), applies the installed rules to the device's add event.
udev_rule() {
	local udevd st i
	udevd=$(command -v systemd-udevd || echo /lib/systemd/systemd-udevd)
	[ -x "$udevd" ] || { notok udev-group "no systemd-udevd (apt-get install udev)"; return; }
	getent group clusnotify >/dev/null || { notok udev-group "postinst made no group clusnotify"; return; }
	[ -e /dev/clusnotify ] || { notok udev-group "no /dev/clusnotify"; return; }
	echo "# before: $(stat -c '%U:%G %a' /dev/clusnotify)"
	"$udevd" >"$work/udevd.log" 2>&1 &
	udevd_pid=$!
	for i in $(seq 50); do
		udevadm control --ping 2>/dev/null && break
		sleep 0.2
	done
	udevadm trigger --action=add --sysname-match=clusnotify >/dev/null 2>&1
	udevadm settle -t 30
	st=$(stat -c '%G %a' /dev/clusnotify)
	udevadm control --exit 2>/dev/null
	wait "$udevd_pid" 2>/dev/null
	udevd_pid=
	echo "# after udevd: $(stat -c '%U:%G %a' /dev/clusnotify)"
	if [ "$st" = "clusnotify 660" ]; then
		ok udev-group "/dev/clusnotify is root:clusnotify 0660"
	else
		show "$work/udevd.log"
		udevadm test /sys/class/misc/clusnotify 2>&1 | grep -iE 'clusnotify|GROUP|MODE' | sed 's/^/# /' | head -n 20
		notok udev-group "/dev/clusnotify is '$st', not 'clusnotify 660'"
	fi
}
if [ "$loaded" = 1 ]; then udev_rule; else notok udev-group "the module is not loaded"; fi

# As a member of the group (and no other privilege): nobody + clusnotify.
as_member() { setpriv --reuid=nobody --regid=nogroup --groups=clusnotify -- "$@"; }
as_stranger() { setpriv --reuid=nobody --regid=nogroup --clear-groups -- "$@"; }

# --- a program built against the installed headers and library
consumer() {
	local cflags libs out lib
	cflags=$(pkg-config --cflags libclusnotify) && libs=$(pkg-config --libs libclusnotify) ||
		{ notok consumer "pkg-config knows no libclusnotify"; return; }
	echo "# cc consumer.c $cflags $libs"
	# shellcheck disable=SC2086
	if ! cc -Wall -Werror -o "$work/consumer" tests/pkg/consumer.c $cflags $libs 2>"$work/cc.log"; then
		show "$work/cc.log"
		notok consumer "does not build against the installed headers"
		return
	fi
	chmod 755 "$work" "$work/consumer"
	# The loader finds the packaged library (/lib is /usr/lib on Debian 12).
	lib=$(ldd "$work/consumer" | awk '$1 == "libclusnotify.so.1" { print $3 }')
	echo "# ldd: libclusnotify.so.1 => $lib"
	if [ -z "$lib" ] || [ "$(readlink -f "$lib")" != "$(readlink -f /usr/lib/x86_64-linux-gnu/libclusnotify.so.1)" ]; then
		notok consumer "not linked with the packaged /usr/lib/x86_64-linux-gnu/libclusnotify.so.1"
		return
	fi
	if out=$(as_member "$work/consumer" 2>&1); then
		echo "# as nobody in group clusnotify: $out"
		ok consumer "pkg-config build runs, opens a port as a member of clusnotify"
	else
		echo "# $out"
		notok consumer "fails as a member of clusnotify"
	fi
	# The group is what lets it in: without it, the device's mode refuses.
	if out=$(as_stranger "$work/consumer" 2>&1); then
		notok udev-group-denies "nobody without the group opened a port: $out"
	elif grep -q 'Permission denied' <<<"$out"; then
		ok udev-group-denies "nobody without the group: $out"
	else
		notok udev-group-denies "nobody without the group: $out"
	fi
}
if [ "$loaded" = 1 ]; then consumer; else notok consumer "the module is not loaded"; fi

# --- a producer: the packaged example, built as its comment says, posts
producer() {
	local ex=/usr/share/doc/libclusnotify-dev/examples/feed-example.c flags out
	[ -r "$ex" ] || { [ -r "$ex.gz" ] && zcat "$ex.gz" >"$work/feed-example.c" && ex=$work/feed-example.c; } ||
		{ notok producer "libclusnotify-dev has no examples/feed-example.c"; return; }
	flags=$(pkg-config --cflags --libs libclusnotify) ||
		{ notok producer "pkg-config knows no libclusnotify"; return; }
	# Static linking needs libnl too: Requires.private says so.
	if ! pkg-config --static --libs libclusnotify | grep -q -- -lnl-genl-3; then
		notok producer "pkg-config --static --libs libclusnotify names no libnl-genl-3"
		return
	fi
	# shellcheck disable=SC2086
	if ! cc -Wall -Werror -o "$work/feed-example" "$ex" $flags 2>"$work/cc-producer.log"; then
		show "$work/cc-producer.log"
		notok producer "the example does not build against the installed headers"
		return
	fi
	if out=$("$work/feed-example" --cluster pkg-producer --pools 3 2>&1); then
		ok producer "$out"
	else
		notok producer "$out"
	fi
}
if [ "$loaded" = 1 ]; then producer; else notok producer "the module is not loaded"; fi

# --- the unit: its ordering and restart policy, and systemd-analyze verify
unit_check() {
	local after wants restart exec out
	after=$(sed -n 's/^After=//p' "$unit")
	wants=$(sed -n 's/^Wants=//p' "$unit")
	restart=$(sed -n 's/^Restart=//p' "$unit")
	exec=$(sed -n 's/^ExecStart=//p' "$unit")
	echo "# After=$after Wants=$wants Restart=$restart ExecStart=$exec"
	if [[ " $after " == *" corosync.service "* ]] && [[ " $after " == *" pacemaker.service "* ]] &&
		[[ " $wants " == *" corosync.service "* ]] && [ "$restart" = on-failure ] &&
		[[ $exec == /usr/sbin/clusnotifyd\ * ]]; then
		ok unit-deps
	else
		notok unit-deps "wants After=corosync.service pacemaker.service, Wants=corosync.service, Restart=on-failure, ExecStart=/usr/sbin/clusnotifyd"
	fi
	if out=$(systemd-analyze verify "$unit" 2>&1); then
		ok unit-verify "systemd-analyze verify $unit"
	else
		echo "$out" | sed 's/^/# /'
		notok unit-verify "systemd-analyze verify $unit"
	fi
	if [ -L /etc/systemd/system/multi-user.target.wants/clusnotifyd.service ]; then
		ok unit-enabled
	else
		notok unit-enabled "postinst did not enable clusnotifyd.service"
	fi
}
unit_check

# --- the installed daemon feeds a real corosync node to the installed CLI.
# corosync in a network namespace (tests/e2e/lib.sh); clusnotifyd runs there
# with the unit's own ExecStart and the packaged default configuration;
# `clusnotify watch` runs as a member of the group.
feed() {
	local w cmd start=$SECONDS
	command -v corosync >/dev/null || { echo "ok - pkg/feed # SKIP corosync is not installed"; return; }
	rm -rf "$E2E_DIR"
	mkdir -p "$E2E_DIR"
	single_netns || { notok feed "netns"; return; }
	cs_conf 1 1 0
	cs_start 1
	cs_wait_members 1 1 90 || { show "$E2E_DIR/n1/corosync.log"; notok feed "corosync did not start"; return; }
	read -ra cmd <<<"$(sed -n 's/^ExecStart=//p' "$unit")"
	echo "# in cn-n1: ${cmd[*]}"
	ip netns exec cn-n1 "${cmd[@]}" >"$E2E_DIR/clusnotifyd.log" 2>&1 &
	track_pid $!
	w=$E2E_DIR/watch.out
	ip netns exec cn-n1 setpriv --reuid=nobody --regid=nogroup --groups=clusnotify -- \
		/usr/bin/clusnotify watch --cluster e2e --snapshot node cluster >"$w" 2>"$w.err" &
	track_pid $!
	# The watcher may start before the daemon has registered the cluster:
	# it then says so and exits; start it again until it subscribes.
	local end=$((SECONDS + 60)) pid=$!
	while ! grep -q 'snapshot' "$w" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			sleep 0.5
			ip netns exec cn-n1 setpriv --reuid=nobody --regid=nogroup --groups=clusnotify -- \
				/usr/bin/clusnotify watch --cluster e2e --snapshot node cluster >"$w" 2>"$w.err" &
			pid=$!
			track_pid "$pid"
		fi
		[ $SECONDS -lt $end ] || break
		sleep 0.2
	done
	if ! wait_for "$w" ' NODE STATE id="1" name="n1" .*\[snapshot\]' 10 >/dev/null; then
		show "$w"; show "$w.err"; show "$E2E_DIR/clusnotifyd.log"
		notok feed "no snapshot of node 1 at the watcher"
		return
	fi
	sed 's/^/# watch: /' "$w"
	local from
	from=$(lines "$w")
	in_node 1 corosync-cmapctl -s totem.token u32 600 >/dev/null
	if line=$(wait_for "$w" ' CLUSTER COMMON_PROPERTY .*name="e2e"' 20 "$from"); then
		echo "# watch: $line"
		ok feed "$((SECONDS - start)) s: clusnotifyd (installed) -> clusnotify watch: snapshot of node 1, then a live event"
	else
		show "$w"; show "$w.err"; show "$E2E_DIR/clusnotifyd.log"
		notok feed "no live CLUSTER COMMON_PROPERTY after totem.token changed"
	fi
}
if [ "$loaded" = 1 ]; then feed; else notok feed "the module is not loaded"; fi
cleanup

# --- dpkg --purge: DKMS removes its build (clusnotify-dkms's prerm)
if [ "$installed" = 1 ] && [ "${PKG_PURGE:-0}" = 1 ]; then
	[ ! -d /sys/module/clusnotify ] || modprobe -r clusnotify
	start=$SECONDS
	if DEBIAN_FRONTEND=noninteractive dpkg --purge "${pkgs[@]}" >"$work/purge.log" 2>&1 &&
		[ -z "$(dkms status -m clusnotify 2>/dev/null)" ] &&
		[ -z "$(find "/lib/modules/$kver/updates" -name 'clusnotify.ko*' 2>/dev/null)" ] &&
		! getent group clusnotify >/dev/null; then
		ok purge "$((SECONDS - start)) s: dkms status empty, the module and the group gone"
	else
		show "$work/purge.log"
		echo "# dkms status: $(dkms status -m clusnotify 2>&1)"
		notok purge
	fi
fi
