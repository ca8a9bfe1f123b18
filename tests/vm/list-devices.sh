#!/usr/bin/env bash
# Lists the media, DRM and dma-buf devices of the machine it runs on; meant for
# the test VM:  tests/vm/run-vm.sh -- tests/vm/list-devices.sh
# Exits 1 when a kind of device the VM kernel should provide is missing (only
# with PRIMECAM_REQUIRE_DEVICES=1, as the VM runner sets: on a host, fewer
# devices are normal).
set -euo pipefail
shopt -s nullglob

missing=()

# The driver of a sysfs class device: the driver bound to the nearest parent
# device (media nodes have no device/driver link of their own). vkms and vgem
# register a bare platform device without a driver, so for DRM fall back to
# the debugfs name (first word: the DRM driver name).
driver_of() {
	local dir debugfs_name=${2:-} word
	dir=$(readlink -f "$1") || dir=
	while [ -n "$dir" ] && [ "$dir" != /sys/devices ]; do
		if [ -L "$dir/driver" ]; then
			word=$(readlink "$dir/driver")
			echo "${word##*/}"
			return
		fi
		dir=${dir%/*}
	done
	if [ -n "$debugfs_name" ] && [ -r "$debugfs_name" ]; then
		read -r word _ <"$debugfs_name"
		echo "$word"
	else
		echo "?"
	fi
}

# Device nodes matching the globs, in numeric order (video2 before video10).
nodes_of() {
	[ $# -gt 0 ] || return 0
	printf '%s\n' "$@" | sort -V
}

echo "V4L2 video nodes:"
mapfile -t nodes < <(nodes_of /dev/video*)
[ ${#nodes[@]} -gt 0 ] || missing+=('/dev/video*')
for node in "${nodes[@]}"; do
	sys=/sys/class/video4linux/${node#/dev/}
	name=$(cat "$sys/name" 2>/dev/null || echo "?")
	printf '  %-20s %-8s %s\n' "$node" "$(driver_of "$sys")" "$name"
done

# vimc's sensors, debayer and scaler; vivid's other node kinds.
mapfile -t others < <(nodes_of /dev/v4l-subdev* /dev/v4l-touch* /dev/vbi* /dev/radio* /dev/swradio*)
if [ ${#others[@]} -gt 0 ]; then
	echo "Other V4L2 nodes:"
	for node in "${others[@]}"; do
		sys=/sys/class/video4linux/${node#/dev/}
		name=$(cat "$sys/name" 2>/dev/null || echo "?")
		printf '  %-20s %-8s %s\n' "$node" "$(driver_of "$sys")" "$name"
	done
fi

echo "Media controllers:"
mapfile -t nodes < <(nodes_of /dev/media*)
[ ${#nodes[@]} -gt 0 ] || missing+=('/dev/media*')
for node in "${nodes[@]}"; do
	sys=/sys/bus/media/devices/${node#/dev/}
	model=$(cat "$sys/model" 2>/dev/null || echo "?")
	printf '  %-20s %-8s %s\n' "$node" "$(driver_of "$sys")" "$model"
done

echo "DRM cards:"
mapfile -t nodes < <(nodes_of /dev/dri/card*)
[ ${#nodes[@]} -gt 0 ] || missing+=('/dev/dri/card*')
for node in "${nodes[@]}"; do
	n=${node#/dev/dri/card}
	sys=/sys/class/drm/card$n
	connectors=()
	for c in "$sys"/card"$n"-*; do
		connectors+=("${c##*/card"$n"-}")
	done
	printf '  %-20s %-8s%s\n' "$node" "$(driver_of "$sys" "/sys/kernel/debug/dri/$n/name")" \
		"${connectors[*]:+ connectors: ${connectors[*]}}"
done
mapfile -t nodes < <(nodes_of /dev/dri/renderD*)
for node in "${nodes[@]}"; do
	n=${node#/dev/dri/renderD}
	printf '  %-20s %s\n' "$node" "$(driver_of "/sys/class/drm/renderD$n" "/sys/kernel/debug/dri/$n/name")"
done

echo "dma-buf exporters and fences:"
nodes=(/dev/dma_heap/*)
[ ${#nodes[@]} -gt 0 ] || missing+=('/dev/dma_heap/*')
for node in "${nodes[@]}"; do
	printf '  %s\n' "$node"
done
for node in /dev/udmabuf /sys/kernel/debug/sync/sw_sync; do
	if [ -e "$node" ]; then
		printf '  %s\n' "$node"
	else
		missing+=("$node")
	fi
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "missing: ${missing[*]}"
	if [ "${PRIMECAM_REQUIRE_DEVICES:-0}" = 1 ]; then
		exit 1
	fi
fi
