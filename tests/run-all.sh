#!/usr/bin/env bash
# The README's test command: every primecam test, host and VM.
#   1. installs what it needs with apt (a fresh Debian 12 machine, as root);
#   2. builds and runs the host tests (unit + fd/RAII), plain and under
#      AddressSanitizer + UndefinedBehaviorSanitizer;
#   3. fuzzes the config parser for 30 s (libFuzzer, clang);
#   4. builds (or takes from the cache) the test kernel and runs the device
#      tests inside the VM, where a skipped test is a failure;
#   5. prints one closing line: "N passed, N failed, N skipped".
# Build folders: build/ and build-asan/ in the checkout (PRIMECAM_BUILD_DIR
# moves them). The kernel image is cached in ~/.cache/primecam.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
# shellcheck source=vm/apt-ensure.sh
. tests/vm/apt-ensure.sh

builddir=${PRIMECAM_BUILD_DIR:-$top/build}
asandir=$builddir-asan
results=$builddir/test-results
start=$(date +%s)
stage() { echo "=== [$(($(date +%s) - start)) s] $*"; }

stage "installing build and test dependencies"
ensure_packages $(grep -v '^#' tests/packages.txt)

# The kernel build takes minutes and uses every core: start it now, in
# parallel with the host builds, and wait for it before the VM stage.
rm -rf "$results"
mkdir -p "$results"

stage "test kernel: building or taking it from the cache (log in ~/.cache/primecam)"
tests/vm/build-kernel.sh >"$results/kernel-path" 2>"$results/kernel.log" &
kernel_pid=$!

stage "host build ($builddir)"
[ -f "$builddir/build.ninja" ] || meson setup "$builddir" >/dev/null
meson compile -C "$builddir"

stage "host tests"
# xvfb is installed above: the gl-window test's skip without Xvfb (for
# developers' machines) must not let CI pass, like PRIMECAM_REQUIRE_DEVICES
# in the VM.
export PRIMECAM_REQUIRE_XVFB=1
host_status=0
meson test -C "$builddir" --print-errorlogs || host_status=$?

stage "host tests under ASan + UBSan ($asandir)"
[ -f "$asandir/build.ninja" ] ||
	meson setup "$asandir" -Db_sanitize=address,undefined -Db_lundef=false >/dev/null
# Only what the host suite runs: the device tests and the program (suite
# program: its linkage, its modules) are not run under the sanitizers here
# (the VM runs the plain build), nor the gl-window test (suite xvfb), where
# Mesa's llvmpipe and Xlib, not built with the sanitizers, would be
# measured rather than primecam.
meson compile -C "$asandir" tests/unit-tests
asan_status=0
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 ASAN_OPTIONS=detect_leaks=1 \
	meson test -C "$asandir" --no-rebuild --suite host --no-suite xvfb --no-suite program \
		--print-errorlogs ||
	asan_status=$?

# Tier 4: the config parser under libFuzzer (clang only), briefly: a crash or
# sanitizer report on any input is a failure. New inputs stay in the build
# folder; tests/fuzz/corpus is the curated seed set every build replays.
stage "config parser fuzzing (libFuzzer, ${PRIMECAM_FUZZ_SECONDS:-30} s)"
ensure_packages clang-14 libclang-rt-14-dev
fuzzdir=$builddir-fuzz
[ -f "$fuzzdir/build.ninja" ] ||
	CXX=clang++-14 meson setup "$fuzzdir" -Db_lundef=false >/dev/null
mkdir -p "$fuzzdir/corpus"
fuzz_status=0
if meson compile -C "$fuzzdir" tests/fuzz/fuzz-config >"$results/fuzz.log" 2>&1; then
	"$fuzzdir/tests/fuzz/fuzz-config" -max_total_time="${PRIMECAM_FUZZ_SECONDS:-30}" \
		-dict=tests/fuzz/config.dict -print_final_stats=1 \
		"$fuzzdir/corpus" tests/fuzz/corpus >>"$results/fuzz.log" 2>&1 || fuzz_status=$?
else
	fuzz_status=$?
fi
tail -n 12 "$results/fuzz.log"
{
	echo '<testsuites><testsuite name="fuzz">'
	echo '<testcase classname="fuzz" name="config_parser">'
	[ "$fuzz_status" -eq 0 ] || echo "<failure message=\"exit $fuzz_status; see $results/fuzz.log\"/>"
	echo '</testcase></testsuite></testsuites>'
} >"$results/fuzz.xml"

stage "waiting for the test kernel"
kernel_status=0
wait "$kernel_pid" || kernel_status=$?
cat "$results/kernel.log"
vm_status=0
if [ "$kernel_status" -ne 0 ]; then
	echo "primecam: the test kernel did not build (exit $kernel_status)" >&2
	vm_status=$kernel_status
else
	stage "device tests inside the VM (skips are failures there)"
	tests/vm/run-vm.sh --out "$results/vm" -- \
		"$builddir/tests/vm/device-tests" --gtest_output="xml:$results/vm/device-tests.xml" ||
		vm_status=$?
fi

stage "summary"
summary_status=0
python3 tests/summarize.py --require vm \
	host="$builddir/meson-logs/testlog.junit.xml" \
	host-asan="$asandir/meson-logs/testlog.junit.xml" \
	fuzz="$results/fuzz.xml" \
	vm="$results/vm/device-tests.xml" || summary_status=$?
echo "host: $host_status, asan: $asan_status, fuzz: $fuzz_status, vm: $vm_status; $(($(date +%s) - start)) s in all"
for s in $host_status $asan_status $fuzz_status $vm_status $summary_status; do
	[ "$s" -eq 0 ] || exit 1
done
