#!/usr/bin/env bash
# Runs one command inside the primecam test VM and exits with its status.
#
#   tests/vm/run-vm.sh [--out DIR] [--timeout SECONDS] [--append "kernel args"]
#                      [--mem 2G] [--no-udev] [--stall SECONDS] -- COMMAND [ARGS...]
#
# The VM boots the project's test kernel (build-kernel.sh) under QEMU with
# software emulation, with the host's root file system read-only over 9p and
# DIR writable at the same absolute path, so the command runs on the host's
# binaries in the caller's current directory and writes results where the host
# sees them. Its environment: PATH, HOME=/tmp, PRIMECAM_IN_VM=1,
# PRIMECAM_REQUIRE_DEVICES=1, PRIMECAM_OUT=DIR and every PRIMECAM_* variable
# of the caller. No GTEST_* variable: GoogleTest would take a caller's
# GTEST_FILTER as the set to run, and a run of a few tests would pass for the
# whole suite; a filter goes on the command line, where the command shows it. A udev daemon runs in the guest (libcamera needs
# its database to find vimc) unless --no-udev. PRIMECAM_VM_KERNEL=/path/bzImage
# boots that kernel instead of the one build-kernel.sh builds.
#
# Output: the guest console (the command's stdout and stderr, merged) on
# stdout, also saved to DIR/.vm/console.log; the guest's kernel log in
# DIR/.vm/dmesg.log. Exit status: the command's; 124 on timeout or on a guest
# stall; 125 when the VM ended without a status (kernel panic, init failure,
# qemu error).
#
# Stall detector: the guest's /init rewrites DIR/.vm/heartbeat every 5 s while
# the command runs. When it has not changed for --stall seconds (default 120;
# 0 turns the detector off) the guest kernel has stopped scheduling: a
# deadlock with interrupts off on every CPU, which no watchdog inside the
# guest (the per-test alarm of device-tests, the kernel's soft-lockup and RCU
# stall detectors) can report because none of them runs any more. qemu is
# then killed at once, with the last test the console shows as started,
# instead of after the whole --timeout.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=apt-ensure.sh
. "$here/apt-ensure.sh"

usage() {
	echo 'usage: tests/vm/run-vm.sh [--out DIR] [--timeout SECONDS] [--append "kernel args"] [--mem 2G] [--no-udev] [--stall SECONDS] -- COMMAND [ARGS...]' >&2
	exit 2
}

out=
timeout_s=900
append=
mem=2G
udev=1
stall_s=120
while [ $# -gt 0 ]; do
	case "$1" in
	--out) [ $# -ge 2 ] || usage; out=$2; shift 2 ;;
	--out=*) out=${1#*=}; shift ;;
	--timeout) [ $# -ge 2 ] || usage; timeout_s=$2; shift 2 ;;
	--timeout=*) timeout_s=${1#*=}; shift ;;
	--append) [ $# -ge 2 ] || usage; append=$2; shift 2 ;;
	--append=*) append=${1#*=}; shift ;;
	--mem) [ $# -ge 2 ] || usage; mem=$2; shift 2 ;;
	--mem=*) mem=${1#*=}; shift ;;
	--no-udev) udev=0; shift ;;
	--stall) [ $# -ge 2 ] || usage; stall_s=$2; shift 2 ;;
	--stall=*) stall_s=${1#*=}; shift ;;
	--) shift; break ;;
	-h | --help) usage ;;
	*) echo "run-vm: unknown option '$1' (the command goes after --)" >&2; usage ;;
	esac
done
[ $# -gt 0 ] || { echo "run-vm: no command given" >&2; usage; }
case "$timeout_s" in
'' | *[!0-9]*) echo "run-vm: --timeout wants whole seconds, not '$timeout_s'" >&2; exit 2 ;;
esac
case "$stall_s" in
'' | *[!0-9]*) echo "run-vm: --stall wants whole seconds, not '$stall_s'" >&2; exit 2 ;;
esac

ensure_packages qemu-system-x86 busybox-static cpio
# PRIMECAM_VM_KERNEL boots another bzImage (a kernel under development, or
# a cached one while a new build is under way) instead of building one.
kernel=${PRIMECAM_VM_KERNEL:-}
[ -n "$kernel" ] || kernel=$("$here/build-kernel.sh")
initrd=$("$here/build-initramfs.sh")

if [ -z "$out" ]; then
	out=$(mktemp -d /tmp/primecam-vm.XXXXXX)
else
	mkdir -p -- "$out"
	out=$(cd -- "$out" && pwd -P)
fi
# The path travels on the kernel command line, which splits on blanks and
# treats quotes specially, and must be the same path in the guest.
case "$out" in
*[[:space:]\"\'\\]*) echo "run-vm: the output folder '$out' has blanks, quotes or backslashes; choose another --out" >&2; exit 2 ;;
esac
vm=$out/.vm
mkdir -p "$vm"
rm -f "$vm/status" "$vm/console.log" "$vm/dmesg.log" "$vm/uptime-start" "$vm/uptime-end" \
	"$vm/heartbeat" "$vm/stalled" "$vm/qemu.pid"

# Single-quote for the guest's /bin/sh (dash): printf %q may emit bash-only
# $'...' quoting, which dash would run as literal text.
sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

cwd=$(pwd -P)
{
	echo "# Written by tests/vm/run-vm.sh; run by the VM's /init, chrooted."
	# Pass-through first, so the values below win over the caller's.
	while IFS= read -r name; do
		case "$name" in
		PRIMECAM_*) echo "export $name=$(sq "${!name}")" ;;
		esac
	done < <(compgen -e)
	echo "export PATH=$(sq "$PATH")"
	echo "export HOME=/tmp"
	echo "export PRIMECAM_IN_VM=1"
	echo "export PRIMECAM_REQUIRE_DEVICES=1"
	echo "export PRIMECAM_OUT=$(sq "$out")"
	# The guest's /tmp, /run and /dev/shm are fresh tmpfs: a host directory
	# under them is not visible in the VM.
	echo "cd $(sq "$cwd") || { echo 'run-vm: the current directory is not visible in the VM' >&2; exit 125; }"
	# libcamera finds cameras through udev's database (libudev lists only
	# devices udev has initialized), and the guest boots without a udev
	# daemon: start one on the fresh tmpfs /run and have it process the
	# media and video4linux devices, which takes about a second under TCG.
	# SYSTEMD_IGNORE_CHROOT: udevadm refuses to act in a chroot otherwise.
	# Only udev's own commands see it; the test command does not.
	if [ "$udev" = 1 ]; then
		cat <<-'EOS'
		if [ -x /lib/systemd/systemd-udevd ]; then
			SYSTEMD_IGNORE_CHROOT=1 /lib/systemd/systemd-udevd --daemon --resolve-names=never ||
				{ echo 'run-vm: systemd-udevd did not start' >&2; exit 125; }
			SYSTEMD_IGNORE_CHROOT=1 udevadm trigger --action=add \
				--subsystem-match=media --subsystem-match=video4linux
			SYSTEMD_IGNORE_CHROOT=1 udevadm settle --timeout=60 ||
				echo 'run-vm: warning: udevadm settle timed out' >&2
		else
			echo 'run-vm: no systemd-udevd (Debian package udev): libcamera will find no camera' >&2
		fi
		EOS
	fi
	printf 'exec'
	for arg in "$@"; do
		printf ' %s' "$(sq "$arg")"
	done
	printf '\n'
} >"$vm/cmd"

# Module parameters of the built-in drivers (there are no modules):
# ten vivid instances: the first single-planar, the second multi-planar,
# both with every node type; eight more with a single-planar capture node
# only (node_types bit 0), the cameras of the several-camera tests (nine
# single-planar cameras in all: one more than vkms has overlay planes);
# vkms with its overlay planes and its writeback connector.
params="vivid.n_devs=10 vivid.multiplanar=1,2"
params="$params vivid.node_types=0xe1d3d,0xe1d3d,0x1,0x1,0x1,0x1,0x1,0x1,0x1,0x1"
params="$params vkms.enable_overlay=1 vkms.enable_writeback=1"
# Time keeping. Without ACPI the guest has no HPET or PM timer, so the TSC is
# its only good clock source; it is the host's TSC (TCG reads the host
# counter), but the kernel would not trust it:
# - it calibrates it against the PIT, which fails when the emulated CPU is
#   preempted on a busy host, so tsc_early_khz gives it the host's frequency
#   (from the host's boot log, else from /proc/cpuinfo when no cpufreq driver
#   makes that the current clock rather than the TSC's);
# - the emulated AMD CPU lacks invtsc (TCG cannot offer it), and an AMD TSC
#   without it on more than one CPU counts as unsynchronized: tsc=reliable.
# Without both the clock falls back to jiffies (4 ms steps) and boot slows.
# Only when the host's own TSC is constant; PRIMECAM_VM_TSC_KHZ overrides the
# frequency.
host_tsc_khz() {
	local mhz=
	if [ -n "${PRIMECAM_VM_TSC_KHZ:-}" ]; then
		echo "$PRIMECAM_VM_TSC_KHZ"
		return
	fi
	grep -qw constant_tsc /proc/cpuinfo || return 0
	mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: \(Refined TSC clocksource calibration: \|Detected \)\([0-9.]*\) MHz.*/\2/p' | tail -n 1) || mhz=
	if [ -z "$mhz" ] && ! compgen -G '/sys/devices/system/cpu/cpufreq/policy*' >/dev/null; then
		mhz=$(sed -n 's/^cpu MHz[[:space:]]*: \([0-9.]*\)$/\1/p' /proc/cpuinfo | head -n 1)
	fi
	[ -z "$mhz" ] || awk -v m="$mhz" 'BEGIN { printf "%d\n", m * 1000 + 0.5 }'
}
tsc_khz=$(host_tsc_khz)
clock=
[ -z "$tsc_khz" ] || clock="tsc_early_khz=$tsc_khz tsc=reliable "

# quiet loglevel=3: the console carries the command's output, not the boot
# log. panic=-1: a panic reboots at once, and -no-reboot makes that an exit.
cmdline="console=ttyS0 quiet loglevel=3 panic=-1 ${clock}primecam.out=$out $params $append"

# shellcheck disable=SC2054 # qemu options are comma-separated lists
qemu=(
	qemu-system-x86_64
	# Software emulation always: CI machines have no KVM, and a harness
	# that used KVM here would hide TCG-only slowness and timeouts.
	-accel tcg
	# The host's binaries may use any instruction set extension the host
	# CPU has; the default qemu64 model lacks most of them (SIGILL).
	-cpu max
	# Two sockets of one core: without ACPI the kernel finds CPUs in the MP
	# table, where SeaBIOS lists one entry per package, so QEMU's default of
	# two cores in one socket would boot with a single CPU.
	-smp 2,sockets=2,cores=1,threads=1 -m "$mem"
	# No default VGA, NIC or option ROMs: fewer devices, faster boot.
	-nodefaults -no-user-config
	-display none -monitor none
	# The console goes to stdout; signal=off: a ^C of an interactive caller
	# reaches qemu as a signal, not the guest as a byte. Nothing reads stdin
	# (it is /dev/null), so no terminal is needed.
	-chardev stdio,id=console,signal=off -serial chardev:console
	-no-reboot
	-kernel "$kernel" -initrd "$initrd" -append "$cmdline"
	# multidevs=remap: the host root spans several file systems; without it
	# inode numbers from different devices collide in the guest.
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap"
	-virtfs "local,path=$out,mount_tag=out,security_model=none,multidevs=remap"
	# For the stall detector, which kills qemu itself.
	-pidfile "$vm/qemu.pid"
)

# Kills qemu when the guest's heartbeat stops changing (see the top). Armed
# by the first heartbeat: boot and udev settle are left to --timeout. Leaves
# the guest uptime of the last heartbeat in $vm/stalled.
watch_heartbeat() {
	local last='' beat='' since=$SECONDS
	while sleep 5; do
		if [ ! -e "$vm/heartbeat" ]; then
			since=$SECONDS
			continue
		fi
		beat=$(cat "$vm/heartbeat" 2>/dev/null) || beat=
		if [ "$beat" != "$last" ]; then
			last=$beat
			since=$SECONDS
		elif [ $((SECONDS - since)) -ge "$stall_s" ]; then
			echo "${beat:-?}" >"$vm/stalled"
			kill "$(cat "$vm/qemu.pid" 2>/dev/null)" 2>/dev/null
			return 0
		fi
	done
}
watch_pid=
if [ "$stall_s" -gt 0 ]; then
	watch_heartbeat &
	watch_pid=$!
fi

# CR removed: the serial tty turns every \n into \r\n. sed -u streams line by
# line, where tr would hold output back in a 4 KiB buffer behind a pipe.
# --foreground keeps qemu in the caller's process group, so an interactive
# ^C reaches it; -k: a qemu that ignores SIGTERM is killed 10 s later.
set +e
timeout --foreground -k 10 "$timeout_s" "${qemu[@]}" </dev/null |
	sed -u 's/\r//g' | tee "$vm/console.log"
codes=("${PIPESTATUS[@]}")
[ -z "$watch_pid" ] || { kill "$watch_pid" 2>/dev/null; wait "$watch_pid" 2>/dev/null; }
set -e
qemu_rc=${codes[0]}

if [ -f "$vm/stalled" ]; then
	# gtest's "[ RUN      ] Suite.Name" lines, colours removed (the guest
	# console is a terminal): the last one is the test that was running (or
	# had just ended) when the guest stopped.
	test_line=$(sed 's/\x1b\[[0-9;]*m//g' "$vm/console.log" 2>/dev/null |
		grep -a '^\[ RUN      \] ' | tail -n 1) || test_line=
	echo "run-vm: the guest stopped: its heartbeat did not change for $stall_s s (guest uptime $(cat "$vm/stalled") s); qemu killed." >&2
	if [ -n "$test_line" ]; then
		echo "run-vm: last test started: ${test_line#'[ RUN      ] '}" >&2
	fi
	echo "run-vm: a stuck guest kernel, not a hung test (that would have left the heartbeat going); last console lines ($vm/console.log):" >&2
	tail -n 20 "$vm/console.log" >&2
	exit 124
fi

if [ "$qemu_rc" -eq 124 ] || [ "$qemu_rc" -eq 137 ]; then
	echo "run-vm: timed out after $timeout_s s; qemu killed (console: $vm/console.log)" >&2
	exit 124
fi
# Not fatal, but timing-sensitive tests then see coarse clocks: say why.
if grep -q 'Marking TSC unstable' "$vm/dmesg.log" 2>/dev/null; then
	echo "run-vm: warning: the guest found its TSC unusable and keeps time in jiffies (see $vm/dmesg.log); PRIMECAM_VM_TSC_KHZ=<host TSC kHz> may help" >&2
fi
if grep -q 'Could not switch to high resolution mode' "$vm/dmesg.log" 2>/dev/null; then
	echo "run-vm: warning: the guest has no high-resolution timers (see $vm/dmesg.log)" >&2
fi
status=
[ -f "$vm/status" ] && status=$(cat "$vm/status")
case "$status" in
'' | *[!0-9]*)
	echo "run-vm: the VM ended without a command status (qemu exit $qemu_rc); last console lines:" >&2
	tail -n 40 "$vm/console.log" >&2
	exit 125
	;;
esac
exit "$status"
