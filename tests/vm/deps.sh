#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Installs what building the project and booting its test kernels need, on
# Debian 12 as root. Asks apt only when a package is missing, so that `make
# check` and `make run` start at once on a machine that has them.
set -euo pipefail

packages=(
	# the build: module, library, tools, 32-bit tests
	make gcc gcc-multilib pkg-config libnl-3-dev libnl-genl-3-dev
	linux-image-amd64 linux-headers-amd64 kmod dkms
	# the guest: QEMU, its initramfs, what tests run inside
	qemu-system-x86 busybox-static cpio xz-utils iproute2 procps python3
	# the debug kernel, built from Debian's source
	linux-source-6.1 bc flex bison libelf-dev libssl-dev dwarves rsync
	# the bridge daemon: corosync's and pacemaker's client libraries, and
	# the real engine for the end-to-end tests
	libcpg-dev libcmap-dev libquorum-dev libcfg-dev libcorosync-common-dev
	pacemaker-dev corosync pacemaker pacemaker-cli-utils
	pacemaker-resource-agents
	# make deb: the Debian packages, and the test that installs them
	debhelper dh-dkms lintian devscripts libglib2.0-dev pkgconf
	fakeroot dpkg-dev udev systemd
	# the fuzz tier's second fuzzer
	trinity
	# make bench's pictures
	gnuplot-nox
	# the bridge daemon's votequorum client (expected and total votes)
	libvotequorum-dev
	# the coverage report of the debug kernel's tiers (make check, make coverage)
	gcovr
)

missing=()
for p in "${packages[@]}"; do
	[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null)" = "ii " ] || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing ${missing[*]}; run this as root (or install them)" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# Another apt may be running (a developer's, unattended-upgrades): wait for it.
apt=(apt-get -q -o DPkg::Lock::Timeout=600)
"${apt[@]}" update
# A half-configured package (an interrupted install) makes apt-get refuse.
dpkg --configure -a || true
"${apt[@]}" install -y "${missing[@]}"
