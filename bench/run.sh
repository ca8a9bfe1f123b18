#!/usr/bin/env bash
# Zero-copy vs CPU copy, vivid -> vkms 640x480 XRGB8888, in one VM boot.
#   bench/run.sh [OUT_DIR]       (default: bench-out/)
# For each path it runs bench/primecam-bench three times:
#   plain, 150 frames after 25 of warm-up, three times, the two paths
#   alternating so that drift in the host's load hits both: the median CPU
#   time per displayed frame;
#   under strace -c, and under valgrind's callgrind, each with 25 and with 125
#   measured frames: the difference of the counts over the difference of
#   displayed frames is the steady state per frame (set-up and teardown cancel
#   out): syscalls, and user-space instructions executed by primecam.
# Start-up on its own (bench/startup.py), and one to eight cameras to planes
# and to null sinks (bench/cameras.py), in the same boot.
# Then, on the host, build/bench/stage-bench (CPU stages, no devices).
# Writes OUT_DIR/results.json, OUT_DIR/results.md and bench/results.md (the
# README's Benchmarks tables are copied from it verbatim): bench/report.py,
# one section per measurement; and bench/cameras.png (bench/plot_cameras.py).
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
# shellcheck source=../tests/vm/apt-ensure.sh
. tests/vm/apt-ensure.sh
out=$(realpath -m "${1:-bench-out}")
builddir=${PRIMECAM_BUILD_DIR:-$top/build}

ensure_packages $(grep -v '^#' tests/packages.txt) strace valgrind python3-matplotlib
[ -f "$builddir/build.ninja" ] || meson setup "$builddir" >/dev/null
# Benchmarks want an optimised build; debugoptimized is the project default.
meson compile -C "$builddir" bench/primecam-bench bench/startup-reference primecam-all >/dev/null
rm -rf "$out"
mkdir -p "$out"

tests/vm/run-vm.sh --out "$out" -- sh -ec '
	bench=$0
	for round in 1 2 3; do
		for mode in zero-copy copy; do
			"$bench" --mode $mode --warmup 25 --frames 150 \
				--json "$PRIMECAM_OUT/$mode-plain-$round.json"
		done
	done
	for mode in zero-copy copy; do
		for n in 25 125; do
			strace -f -c -o "$PRIMECAM_OUT/$mode-$n.strace" \
				"$bench" --mode $mode --warmup 25 --frames $n \
				--json "$PRIMECAM_OUT/$mode-$n.json" >/dev/null
			valgrind -q --tool=callgrind \
				--callgrind-out-file="$PRIMECAM_OUT/$mode-$n.callgrind" \
				"$bench" --mode $mode --warmup 25 --frames $n \
				--json "$PRIMECAM_OUT/$mode-$n-cg.json" >/dev/null
		done
	done
	# Start-up on its own: the program next to the same ioctls alone.
	python3 bench/startup.py "$1" "$2" "$PRIMECAM_OUT"
	# One to eight cameras, to planes of one display and to null sinks.
	python3 bench/cameras.py "$1" "$PRIMECAM_OUT"
' "$builddir/bench/primecam-bench" "$builddir/src/primecam" "$builddir/bench/startup-reference"

# CPU stage costs next to a plain copy: no devices, so on this host.
meson compile -C "$builddir" bench/stage-bench >/dev/null
"$builddir/bench/stage-bench" --json "$out/stages.json"

python3 bench/report.py "$out"
# Debian's python3-matplotlib serves the system interpreter, whatever
# python3 comes first in PATH.
/usr/bin/python3 bench/plot_cameras.py "$out/cameras.json" bench/cameras.png
