#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot a kernel under QEMU (TCG) and run one command in it, the way virtme-ng
# does: the host's root file system is shared read-only over 9p under a tmpfs
# overlay, so every host binary, the built module and the tests are there, at
# the same paths.
#
#   tests/vm/vm.sh [options] [--] COMMAND [ARG...]
#     -k IMAGE   kernel image (VM_KERNEL; default: newest /boot/vmlinuz-*-amd64)
#     -K KVER    modules to insmod from /lib/modules/KVER, or "none" (VM_KVER;
#                default: the version in the image, "none" if not installed)
#     -m MEM     guest memory (VM_MEM, 2G)       -s N   vCPUs (VM_SMP, 2)
#     -t SECS    host-side timeout (VM_TIMEOUT, 1200)
#     -o DIR     run directory (VM_RUNDIR, build/vm/run)
#     -C DIR     guest working directory (default: the current one)
#     -a ARGS    extra kernel command line (VM_APPEND)
#     -q         do not stream the guest's output to stdout
#   VM_PASSENV="NAME..." passes those variables in; the guest command starts
#   with a clean environment otherwise.
#
# The guest has its own tmpfs on /tmp, /run and /dev/shm: what the command
# needs from the host must live elsewhere (the repository, /var/tmp).
#
# The run directory gets output.log (the command's stdout and stderr, also
# streamed), console.log (the kernel console), qemu.log, and out/, which the
# guest sees read-write at $VM_OUT (/run/vm): status, dmesg, and any file a
# test wants to hand back. Exit status: the command's, or 1 if the guest
# timed out, did not report a status, or its kernel log has a splat.
#
# Sourced, it defines vm_run (same options) and vm_scan_log; after vm_run,
# VM_STATUS (empty if none came back), VM_TIMED_OUT and VM_SPLAT (0/1) and
# VM_RUNDIR say what happened. VM_LOG_IGNORE, an awk regex, lets through
# kernel-log lines that a test provokes on purpose.

VM_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VM_SCRIPT=$VM_DIR/$(basename "${BASH_SOURCE[0]}")
VM_REPO=$(cd "$VM_DIR/../.." && pwd)
VM_CACHE=$VM_REPO/build/vm

# Kernel-log lines that fail a run. "Call Trace" is also printed, on purpose,
# by fault injection (failslab verbose), so those traces are let through.
VM_SPLAT_RE='BUG:|WARNING:|Oops|Call Trace|possible circular locking|possible recursive locking|inconsistent lock state|suspicious RCU usage|DEBUG_LOCKS_WARN_ON|INFO: task .* blocked for more than|KASAN|UBSAN|kmemleak:.*unreferenced|suspected memory leak|general protection fault|sleeping function called from invalid context|Kernel panic|detected stalls'

# The modules (and what they pull in) that a stock kernel needs to mount the
# root; a kernel with them built in needs none.
VM_BOOT_MODULES='virtio_pci 9pnet_virtio 9p overlay'

vm_default_kernel() {
	local k
	k=$(ls -1 /boot/vmlinuz-*-amd64 2>/dev/null | sort -V | tail -n1)
	[ -n "$k" ] || { echo "vm: no /boot/vmlinuz-*-amd64; pass -k IMAGE" >&2; return 1; }
	echo "$k"
}

# The release string a bzImage carries (boot protocol: kernel_version at 0x20e).
vm_image_version() {
	local off
	off=$(od -An -tu2 -j $((0x20e)) -N2 "$1" 2>/dev/null | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 0
	dd if="$1" bs=1 skip=$((off + 0x200)) count=128 2>/dev/null |
		tr '\0' '\n' | head -n1 | cut -d' ' -f1
}

# Prints the path of an initramfs for modules of $1 (or "none"), building it
# once; the cache key covers this script, which holds /init.
vm_initramfs() {
	local kver=$1 hash img stage deps m ko name
	hash=$(sha256sum "$VM_SCRIPT" | cut -c1-16)
	img=$VM_CACHE/initramfs-$kver-$hash.cpio.gz
	if [ -s "$img" ]; then
		echo "$img"
		return 0
	fi
	mkdir -p "$VM_CACHE"
	stage=$(mktemp -d "$VM_CACHE/initramfs.XXXXXX")
	mkdir -p "$stage"/{bin,dev,proc,sys,lower,rw,root,modules}
	cp /bin/busybox "$stage/bin/busybox"
	vm_init_script >"$stage/init"
	vm_stage2_script >"$stage/stage2"
	chmod 755 "$stage/init"
	: >"$stage/modules/order"
	if [ "$kver" != none ]; then
		deps=$(for m in $VM_BOOT_MODULES; do modprobe -S "$kver" --show-depends "$m" || exit 1; done) || {
			echo "vm: modprobe -S $kver cannot resolve $VM_BOOT_MODULES" >&2
			rm -rf "$stage"
			return 1
		}
		for ko in $(echo "$deps" | awk '$1 == "insmod" && !seen[$2]++ { print $2 }'); do
			name=$(basename "$ko")
			case "$ko" in
			*.ko.xz) name=${name%.xz}; xz -dc "$ko" >"$stage/modules/$name" ;;
			*.ko.zst) name=${name%.zst}; zstd -qdc "$ko" >"$stage/modules/$name" ;;
			*.ko.gz) name=${name%.gz}; gzip -dc "$ko" >"$stage/modules/$name" ;;
			*) cp "$ko" "$stage/modules/$name" ;;
			esac || { rm -rf "$stage"; return 1; }
			echo "$name" >>"$stage/modules/order"
		done
	fi
	(cd "$stage" && find . | cpio -o -H newc -R 0:0 --quiet) | gzip -1 >"$stage.cpio.gz"
	rm -rf "$stage"
	rm -f "$VM_CACHE/initramfs-$kver-"*.cpio.gz
	mv -f "$stage.cpio.gz" "$img"
	echo "$img"
}

# The guest's /init (busybox sh, PID 1). It never exits: it powers off.
vm_init_script() {
	cat <<'EOF'
#!/bin/busybox sh
/bin/busybox --install -s /bin
export PATH=/bin
mount -t devtmpfs devtmpfs /dev
exec </dev/console >/dev/console 2>&1
mount -t proc proc /proc
mount -t sysfs sysfs /sys

halt() {
	sync
	poweroff -f
	echo o >/proc/sysrq-trigger
	sleep 3600
}
die() {
	echo "vm-init: $*"
	halt
}

# Built-in drivers need no insmod; the list is empty for a kernel without modules.
while read -r ko; do
	name=${ko%.ko}
	name=$(echo "$name" | tr - _)
	[ -d "/sys/module/$name" ] || insmod "/modules/$ko" || echo "vm-init: insmod $ko failed"
done </modules/order

p9='trans=virtio,version=9p2000.L,msize=512000'
mount -t 9p -o "$p9,ro,cache=loose" hostroot /lower || die "cannot mount the host root over 9p"
# Results go back through their own share: no cache, so the host sees each write.
mkdir -p /vmout
mount -t 9p -o "$p9" vmout /vmout || die "cannot mount the results share"
mount -t tmpfs -o mode=0755 rw /rw
mkdir -p /rw/upper /rw/work
mount -t overlay -o lowerdir=/lower,upperdir=/rw/upper,workdir=/rw/work overlay /root ||
	die "cannot mount the overlay"
mount --move /dev /root/dev
mount --move /proc /root/proc
mount --move /sys /root/sys
# The guest gets its own /tmp and /dev/shm; a directory the command needs
# from under them on the host (a checkout in /tmp) is carried over the new
# tmpfs, still on the overlay, so it stays writable in the guest.
i=0
while IFS= read -r keep; do
	[ -d "/root$keep" ] || die "cannot find $keep in the guest"
	mkdir -p "/keep/$i"
	mount --bind "/root$keep" "/keep/$i" || die "cannot keep $keep"
	i=$((i + 1))
done </vmout/keep
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /root/tmp
mount -t tmpfs -o mode=0755,nosuid,nodev tmpfs /root/run
mkdir -p /root/dev/pts /root/dev/shm /root/run/vm
# devtmpfs has no /dev/fd: bash's <(...) (dkms, the tests) needs it.
[ -e /root/dev/fd ] || ln -s /proc/self/fd /root/dev/fd
for i in 0:stdin 1:stdout 2:stderr; do
	[ -e "/root/dev/${i#*:}" ] || ln -s "/proc/self/fd/${i%%:*}" "/root/dev/${i#*:}"
done
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /root/dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev tmpfs /root/dev/shm
i=0
while IFS= read -r keep; do
	mkdir -p "/root$keep"
	mount --move "/keep/$i" "/root$keep" || die "cannot put $keep back"
	i=$((i + 1))
done </vmout/keep
mount -t debugfs debugfs /root/sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /root/sys/kernel/tracing 2>/dev/null
mount -t cgroup2 cgroup2 /root/sys/fs/cgroup 2>/dev/null
mount --move /vmout /root/run/vm
hostname vm
ip link set lo up
cp /stage2 /root/run/vm-stage2 || die "cannot copy stage 2"

# switch_root, not chroot: the kernel refuses CLONE_NEWUSER to a chrooted
# process, and the tests need user namespaces as an attacker would use them.
# Stage 2 runs as PID 1 in the new root, with the host's busybox.
[ -x /root/bin/busybox ] || die "the host has no /bin/busybox (apt-get install busybox-static)"
exec switch_root /root /bin/busybox sh /run/vm-stage2
die "switch_root failed"
EOF
}

# Stage 2 of the guest's init: PID 1 after switch_root, in the host's root
# under the overlay. It runs the command and powers off.
vm_stage2_script() {
	cat <<'EOF'
bb=/bin/busybox
halt() {
	sync
	$bb poweroff -f
	echo o >/proc/sysrq-trigger
	$bb sleep 3600
}
exec </dev/console >/dev/console 2>&1
# ttyS1 carries the command's output: raw, so no CR is added; a tty, so
# programs line-buffer it and the host can stream it.
exec 3<>/dev/ttyS1
$bb stty -F /dev/ttyS1 raw -echo
echo "vm-init: command starts at $($bb cut -d' ' -f1 /proc/uptime) s"
$bb env -i HOME=/root USER=root LOGNAME=root TERM=dumb LANG=C.UTF-8 VM_OUT=/run/vm \
	PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
	$bb setsid /bin/bash /run/vm/cmd.sh </dev/null >&3 2>&3
rc=$?
echo "vm-init: command ended at $($bb cut -d' ' -f1 /proc/uptime) s with status $rc"
$bb dmesg >/run/vm/dmesg
echo "$rc" >/run/vm/status
halt
EOF
}

# Prints the kernel-log lines of $1 that match VM_SPLAT_RE (less those that
# match VM_LOG_IGNORE, if set) and returns 1 if there is any.
vm_scan_log() {
	local hits
	hits=$(awk -v re="$VM_SPLAT_RE" -v ignore="${VM_LOG_IGNORE:-}" '
		{ line = $0; sub(/^\[ *[0-9.]+\] /, "", line) }
		/Kernel command line:|Command line:/ { next }
		ignore != "" && line ~ ignore { next }
		line ~ /FAULT_INJECTION: forcing a failure/ { injected = 1; next }
		# The report of an allocation the fault tier made fail on purpose
		# (warn_alloc, in the injecting program: the module loader vmallocs).
		line ~ /^(load_sweep|fault_sweep): (vmalloc error|page allocation failure)/ { injected = 1; next }
		injected && line ~ /<\/TASK>/ { injected = 0; next }
		injected && line ~ /Call Trace/ { next }
		line ~ re { print }
	' "$1")
	[ -z "$hits" ] && return 0
	echo "vm: the kernel log ($1) has:" >&2
	echo "$hits" | head -n 60 | sed 's/^/  /' >&2
	return 1
}

# One clear line for each thing that stops a guest before it boots.
vm_preflight() {
	local avail
	command -v qemu-system-x86_64 >/dev/null || {
		echo "vm: qemu-system-x86_64 is missing: apt-get install qemu-system-x86 (or make deps)" >&2
		return 1
	}
	mkdir -p "$VM_CACHE" || return 1
	avail=$(df -Pk "$VM_CACHE" | awk 'NR == 2 { print $4 }')
	if [ -n "$avail" ] && [ "$avail" -lt $((1024 * 1024)) ]; then
		echo "vm: less than 1 GiB free under $VM_CACHE ($((avail / 1024)) MiB): free some space (make clean, /var/cache/clusnotify)" >&2
		return 1
	fi
}

vm_run() {
	local kernel=${VM_KERNEL:-} kver=${VM_KVER:-} mem=${VM_MEM:-2G} smp=${VM_SMP:-2}
	local timeout=${VM_TIMEOUT:-1200} rundir=${VM_RUNDIR:-$VM_CACHE/run}
	local append=${VM_APPEND:-} cwd=$PWD stream=1 opt initrd qpid tpid rc start v run
	local interrupted=0
	local OPTIND=1
	while getopts k:K:m:s:t:o:C:a:q opt; do
		case $opt in
		k) kernel=$OPTARG ;;
		K) kver=$OPTARG ;;
		m) mem=$OPTARG ;;
		s) smp=$OPTARG ;;
		t) timeout=$OPTARG ;;
		o) rundir=$OPTARG ;;
		C) cwd=$OPTARG ;;
		a) append=$OPTARG ;;
		q) stream=0 ;;
		*) return 2 ;;
		esac
	done
	shift $((OPTIND - 1))
	[ $# -gt 0 ] || { echo "vm: no command given" >&2; return 2; }
	VM_STATUS='' VM_TIMED_OUT=0 VM_SPLAT=0
	vm_preflight || return 1
	[ -n "$kernel" ] || kernel=$(vm_default_kernel) || return 1
	[ -r "$kernel" ] || { echo "vm: cannot read kernel image $kernel" >&2; return 1; }
	if [ -z "$kver" ]; then
		kver=$(vm_image_version "$kernel")
		[ -n "$kver" ] && [ -d "/lib/modules/$kver/kernel" ] || kver=none
	fi
	initrd=$(vm_initramfs "$kver") || return 1

	mkdir -p "$rundir"
	VM_RUNDIR=$(cd "$rundir" && pwd)
	rm -rf "$VM_RUNDIR/out"
	mkdir -p "$VM_RUNDIR/out"
	: >"$VM_RUNDIR/output.log"
	: >"$VM_RUNDIR/console.log"
	: >"$VM_RUNDIR/out/keep"
	for v in "$VM_REPO" "$cwd"; do
		case $v in
		/tmp/* | /dev/shm/*) printf '%s\n' "$v" >>"$VM_RUNDIR/out/keep" ;;
		/run/*)
			echo "vm: $v is under /run, which the guest replaces; use another directory" >&2
			return 1 ;;
		esac
	done
	{
		for v in ${VM_PASSENV:-}; do
			[ -z "${!v+set}" ] || printf 'export %s=%q\n' "$v" "${!v}"
		done
		printf 'cd %q || exit 125\n' "$cwd"
		printf 'exec'
		printf ' %q' "$@"
		printf '\n'
	} >"$VM_RUNDIR/out/cmd.sh"

	echo "vm: booting $(basename "$kernel") (modules: $kver), timeout ${timeout}s: $*" >&2
	run=${VM_RUNDIR//,/,,} # QEMU options escape a comma by doubling it
	start=$(date +%s)
	timeout -k 10 "$timeout" qemu-system-x86_64 \
		-nodefaults -display none -no-reboot \
		-accel "${VM_ACCEL:-tcg}" -machine q35 -cpu max -m "$mem" -smp "$smp" \
		-kernel "$kernel" -initrd "$initrd" \
		-append "console=ttyS0 quiet panic=-1 log_buf_len=4M printk.devkmsg=on $append" \
		-chardev "file,id=console,path=$run/console.log" -serial chardev:console \
		-chardev "file,id=output,path=$run/output.log" -serial chardev:output \
		-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
		-fsdev "local,id=vmout,path=$run/out,security_model=none,multidevs=remap" \
		-device virtio-9p-pci,fsdev=vmout,mount_tag=vmout \
		>"$VM_RUNDIR/qemu.log" 2>&1 &
	qpid=$!
	# timeout(1) runs in its own process group, so ^C must be passed on.
	trap 'interrupted=1; kill -TERM $qpid 2>/dev/null' INT TERM
	tpid=
	if [ "$stream" = 1 ]; then
		tail -n +1 -f --pid=$qpid "$VM_RUNDIR/output.log" &
		tpid=$!
	fi
	rc=0
	wait $qpid || rc=$?
	[ "$interrupted" = 0 ] || wait $qpid || true
	[ -z "$tpid" ] || wait $tpid || true
	trap - INT TERM
	echo "vm: guest ran $(($(date +%s) - start)) s" >&2

	[ -s "$VM_RUNDIR/out/status" ] && VM_STATUS=$(cat "$VM_RUNDIR/out/status")
	if [ "$rc" = 124 ] || [ "$rc" = 137 ]; then
		VM_TIMED_OUT=1
		echo "vm: timed out after ${timeout}s; killed qemu" >&2
	elif [ "$interrupted" = 1 ]; then
		echo "vm: interrupted; stopped qemu" >&2
	elif grep -qiE 'no accelerator|invalid accelerator|failed to initialize (kvm|tcg)' "$VM_RUNDIR/qemu.log"; then
		echo "vm: QEMU has no usable accelerator (${VM_ACCEL:-tcg}): this build of QEMU lacks TCG and KVM is unusable; install Debian's qemu-system-x86" >&2
	elif [ "$rc" != 0 ]; then
		echo "vm: qemu failed ($rc):" >&2
		sed 's/^/  /' "$VM_RUNDIR/qemu.log" >&2
	fi
	if [ -z "$VM_STATUS" ]; then
		[ "$VM_TIMED_OUT" = 1 ] || echo "vm: the guest reported no exit status" >&2
		echo "vm: end of the guest's console:" >&2
		tail -n 30 "$VM_RUNDIR/console.log" | sed 's/^/  /' >&2
	fi
	# The guest's dmesg is complete; the console (quiet) is all there is after a crash.
	if [ -s "$VM_RUNDIR/out/dmesg" ]; then
		vm_scan_log "$VM_RUNDIR/out/dmesg" || VM_SPLAT=1
	else
		vm_scan_log "$VM_RUNDIR/console.log" || VM_SPLAT=1
	fi
	if [ "$VM_TIMED_OUT" = 1 ] || [ "$VM_SPLAT" = 1 ] || [ -z "$VM_STATUS" ]; then
		return 1
	fi
	return "$VM_STATUS"
}

if [ "${BASH_SOURCE[0]}" = "$0" ]; then
	set -euo pipefail
	vm_run "$@"
fi
