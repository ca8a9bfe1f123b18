#!/usr/bin/env bash
# The README's demo: vivid → vkms, zero-copy, inside the test VM.
# Builds primecam, boots the VM and runs configs/vivid-vkms.toml for 150
# frames; leaves on the host, in demo-out/ (or $1):
#   snapshot.png   what the display showed (vkms's writeback connector)
#   stats.json     frames captured/displayed/dropped, latency, copies (0)
#   console.log    what primecam printed, with the VM's own log in .vm/
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top"
# shellcheck source=apt-ensure.sh
. tests/vm/apt-ensure.sh

out=$(realpath -m "${1:-demo-out}")
builddir=${PRIMECAM_BUILD_DIR:-$top/build}

ensure_packages $(grep -v '^#' tests/packages.txt)
[ -f "$builddir/build.ninja" ] || meson setup "$builddir" >/dev/null
# The program and its back-end modules (it loads them on demand).
meson compile -C "$builddir" primecam-all >/dev/null

rm -rf "$out"
mkdir -p "$out"
echo "primecam demo: booting the test VM (the first run builds its kernel: ~6 minutes)"
status=0
tests/vm/run-vm.sh --out "$out" -- sh -c '
	echo "--- primecam list"
	"$0" list
	echo "--- primecam run configs/vivid-vkms.toml"
	exec "$0" run configs/vivid-vkms.toml --frames 150 \
		--stats "$PRIMECAM_OUT/stats.json" --snapshot "$PRIMECAM_OUT/snapshot.png"
' "$builddir/src/primecam" || status=$?
cp "$out/.vm/console.log" "$out/console.log" 2>/dev/null || true

if [ "$status" -ne 0 ]; then
	echo "primecam demo: failed (exit $status); see $out/console.log" >&2
	exit "$status"
fi
# primecam asks Mesa and libcamera for errors only (-v would pass their
# logs): a line of theirs in the demo's output is a bug.
if grep -E 'MESA|kmsro|shader cache|libEGL|(INFO|WARN|ERROR) [A-Za-z]+ [a-z_]+\.cpp:' \
	"$out/console.log" >&2; then
	echo "primecam demo: Mesa or libcamera lines in $out/console.log (above)" >&2
	exit 1
fi
echo
echo "primecam demo: done. What the display showed: $out/snapshot.png"
echo "                     Frame statistics:        $out/stats.json"
