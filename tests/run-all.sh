#!/usr/bin/env bash
# The README's test command: every primecam test, host and VM.
#   1. installs what it needs with apt (a fresh Debian 12 machine, as root);
#   2. builds every back end (each Meson feature enabled, so a missing library
#      fails the build instead of leaving its tests out) and runs the host
#      tests (unit + fd/RAII), plain and under AddressSanitizer +
#      UndefinedBehaviorSanitizer;
#   3. fuzzes the config parser for 30 s (libFuzzer, clang);
#   (first of all it checks the formatting of every C++ file: clang-format 14
#   --dry-run -Werror, the part "format");
#   4. builds (or takes from the cache) the test kernel and runs the device
#      tests inside the VM, where a skipped test is a failure, then the same
#      tests (and the program they start) built with ASan + UBSan;
#   5. prints one closing line: "N passed, N failed, N skipped", preceded by
#      "FAILED:" (and a line naming the parts) when any part failed, ran
#      fewer tests than its binaries list, or left no results.
# Build folders: build/, build-asan/ and build-fuzz/ in the checkout
# (PRIMECAM_BUILD_DIR moves them); existing ones are reconfigured to the
# options below. The kernel image is cached in ~/.cache/primecam.
set -euo pipefail

top=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$top"
# shellcheck source=vm/apt-ensure.sh
. tests/vm/apt-ensure.sh

# GoogleTest reads GTEST_* from the environment (GTEST_FILTER runs a subset,
# GTEST_ALSO_RUN_DISABLED_TESTS others): the caller's must not shape this run.
while IFS= read -r name; do
	case "$name" in GTEST_*) unset "$name" ;; esac
done < <(compgen -e)

builddir=${PRIMECAM_BUILD_DIR:-$top/build}
asandir=$builddir-asan
fuzzdir=$builddir-fuzz
results=$builddir/test-results
start=$(date +%s)
stage() { echo "=== [$(($(date +%s) - start)) s] $*"; }

# Every feature option of meson_options.txt, enabled: a back end whose
# library is missing fails `meson setup` here rather than dropping its
# device tests from the binary (an `auto` feature would do that silently).
features=(-Dauto_features=enabled)
while IFS= read -r feature; do
	features+=("-D$feature=enabled")
done < <(sed -n "s/^option('\([a-z0-9_-]*\)', *type: *'feature'.*/\1/p" meson_options.txt)

# meson setup for a new folder; for an existing one, the same options set
# again (meson configure), so a folder never keeps options from an earlier
# setup that would build less than this script says.
# Its output goes to a log, shown when it fails (a missing library).
setup() {
	local dir=$1 log
	shift
	log=$results/setup-$(basename "$dir").log
	if [ -f "$dir/build.ninja" ]; then
		meson configure "$dir" "${features[@]}" "$@" >"$log" 2>&1
	else
		meson setup "$dir" "${features[@]}" "$@" >"$log" 2>&1
	fi || {
		local status=$?
		grep -E 'ERROR|error' "$log" >&2 || tail -n 20 "$log" >&2
		return "$status"
	}
}

stage "installing build and test dependencies"
ensure_packages $(grep -v '^#' tests/packages.txt)

rm -rf "$results"
mkdir -p "$results"

# The kernel build takes minutes and uses every core: start it now, in
# parallel with the host builds, and wait for it before the VM stage.
stage "test kernel: building or taking it from the cache (log in ~/.cache/primecam)"
tests/vm/build-kernel.sh >"$results/kernel-path" 2>"$results/kernel.log" &
kernel_pid=$!

# Meson 1.0.1 reads a gtest binary's results from <build>/<test>.xml and
# does not delete it first: a binary that crashes before writing its own
# would be reported with an earlier run's results. Nothing stale survives.
clear_results() {
	rm -f "$1/meson-logs/testlog.junit.xml" "$1"/*.xml
}

# Formatting is part of the test command, not a habit left to memory: every
# C++ file git tracks, as clang-format 14 would write it (.clang-format).
stage "formatting (clang-format --dry-run -Werror)"
format_status=0
git ls-files -z '*.cpp' '*.h' | xargs -0 clang-format-14 --dry-run -Werror \
	>"$results/format.log" 2>&1 || format_status=$?
head -n 40 "$results/format.log"
{
	echo '<testsuites><testsuite name="format">'
	echo '<testcase classname="format" name="clang-format">'
	[ "$format_status" -eq 0 ] ||
		echo "<failure message=\"exit $format_status; see $results/format.log\"/>"
	echo '</testcase></testsuite></testsuites>'
} >"$results/format.xml"

stage "host build ($builddir)"
host_status=0
setup "$builddir" && meson compile -C "$builddir" || host_status=$?

stage "host tests"
# xvfb is installed above: the gl-window test's skip without Xvfb (for
# developers' machines) must not let CI pass, like PRIMECAM_REQUIRE_DEVICES
# in the VM. The device suite is left out: on the host it could only skip,
# and it runs for real in the VM part below.
export PRIMECAM_REQUIRE_XVFB=1
clear_results "$builddir"
if [ "$host_status" -eq 0 ]; then
	meson test -C "$builddir" --no-rebuild --suite host --print-errorlogs || host_status=$?
fi

stage "host tests under ASan + UBSan ($asandir)"
# The whole build is sanitized: the host suite runs here, the device tests
# and the program they start run in the VM below. Not run sanitized: the
# program suite (its linkage, which the sanitizers' runtimes change, its
# modules, its installation) and the gl-window test (suite xvfb), where
# Mesa's llvmpipe and Xlib, not built with the sanitizers, would be measured
# rather than primecam.
#
# -O1 and line tables only (-g1, after meson's -g): compiling with ASan and
# UBSan at -O2 with full debug information took 27 min of a 64 min run on 2
# cores; -O1 -g1 costs 44 % of that CPU on the heaviest files (toml++, gtest)
# and still gives every report its stack of functions, files and lines.
asan_status=0
clear_results "$asandir"
setup "$asandir" -Db_sanitize=address,undefined -Db_lundef=false \
	-Doptimization=1 -Dcpp_args=-g1 &&
	meson compile -C "$asandir" || asan_status=$?
asan_build_status=$asan_status
# A sanitizer report fails the process that made it: UBSan halts, and
# LeakSanitizer's report at exit sets the exit status. Third-party leaks
# (tests/sanitizer/lsan.supp, one comment each) are the only ones let pass.
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS=detect_leaks=1
export LSAN_OPTIONS="suppressions=$top/tests/sanitizer/lsan.supp:print_suppressions=0"
if [ "$asan_status" -eq 0 ]; then
	meson test -C "$asandir" --no-rebuild --suite host --no-suite xvfb \
		--no-suite program --print-errorlogs ||
		asan_status=$?
fi

# Tier 4: the config parser under libFuzzer (clang only), briefly: a crash or
# sanitizer report on any input is a failure. New inputs stay in the build
# folder; tests/fuzz/corpus is the curated seed set every build replays.
stage "config parser fuzzing (libFuzzer, ${PRIMECAM_FUZZ_SECONDS:-30} s)"
ensure_packages clang-14 libclang-rt-14-dev
mkdir -p "$fuzzdir/corpus"
fuzz_status=0
# CXX matters only to a new folder: meson configure keeps the compiler.
if CXX=clang++-14 setup "$fuzzdir" -Db_lundef=false &&
	meson compile -C "$fuzzdir" tests/fuzz/fuzz-config >"$results/fuzz.log" 2>&1; then
	"$fuzzdir/tests/fuzz/fuzz-config" -max_total_time="${PRIMECAM_FUZZ_SECONDS:-30}" \
		-dict=tests/fuzz/config.dict -print_final_stats=1 \
		"$fuzzdir/corpus" tests/fuzz/corpus >>"$results/fuzz.log" 2>&1 || fuzz_status=$?
else
	fuzz_status=$?
	[ "$fuzz_status" -ne 0 ] || fuzz_status=1
fi
tail -n 12 "$results/fuzz.log" 2>/dev/null || true
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
device_tests=$builddir/tests/vm/device-tests
vm_xml=$results/vm/device-tests.xml
rm -f "$vm_xml"
if [ "$kernel_status" -ne 0 ]; then
	echo "primecam: the test kernel did not build (exit $kernel_status)" >&2
	vm_status=$kernel_status
elif [ ! -x "$device_tests" ] || [ "$host_status" -ne 0 ]; then
	echo "primecam: no device tests to run: the host build failed" >&2
	vm_status=1
else
	stage "device tests inside the VM (skips are failures there)"
	# run-vm.sh's default bound (900 s) is for one command; the whole
	# device suite takes 12 min plain and more sanitized (`primecam
	# verify`'s matrix alone is 56 cases), so its parts get 30 min each.
	tests/vm/run-vm.sh --out "$results/vm" --timeout 1800 -- \
		"$device_tests" --gtest_output="xml:$vm_xml" || vm_status=$?
fi

# The same device tests, and the program they start, built with ASan +
# UBSan: the V4L2, DRM, EGL and libcamera code under real drivers, where a
# use after free or a leaked mapping matters most.
vm_asan_status=0
asan_device_tests=$asandir/tests/vm/device-tests
vm_asan_xml=$results/vm-asan/device-tests.xml
rm -f "$vm_asan_xml"
if [ "$kernel_status" -ne 0 ]; then
	vm_asan_status=$kernel_status
elif [ ! -x "$asan_device_tests" ] || [ "$asan_build_status" -ne 0 ]; then
	echo "primecam: no sanitized device tests to run: the ASan build failed" >&2
	vm_asan_status=1
else
	stage "device tests under ASan + UBSan inside the VM"
	# Memory errors, undefined behaviour and leaks fail the run here, as on
	# the host: the device tests and the program check for leaks at the end
	# of main(), while Mesa is still loaded (base/leak_check.h says why).
	tests/vm/run-vm.sh --out "$results/vm-asan" --timeout 1800 -- \
		env UBSAN_OPTIONS="$UBSAN_OPTIONS" ASAN_OPTIONS="$ASAN_OPTIONS" \
		LSAN_OPTIONS="$LSAN_OPTIONS" \
		"$asan_device_tests" --gtest_output="xml:$vm_asan_xml" || vm_asan_status=$?
fi

stage "summary ($(($(date +%s) - start)) s in all)"
# Each part must report every test its binaries list (counted here, on the
# host: the VM runs the very same binary), pass and exit 0.
summary_status=0
python3 tests/summarize.py \
	--expect host="$builddir/tests/unit-tests" \
	--expect host="$builddir/tests/egl/gl-window-test" \
	--expect host-asan="$asandir/tests/unit-tests" \
	--expect vm="$device_tests" \
	--expect vm-asan="$asan_device_tests" \
	--no-skips vm --no-skips vm-asan \
	--status format=$format_status \
	--status host=$host_status --status host-asan=$asan_status \
	--status fuzz=$fuzz_status --status vm=$vm_status --status vm-asan=$vm_asan_status \
	format="$results/format.xml" \
	host="$builddir/meson-logs/testlog.junit.xml" \
	host-asan="$asandir/meson-logs/testlog.junit.xml" \
	fuzz="$results/fuzz.xml" \
	vm="$vm_xml" \
	vm-asan="$vm_asan_xml" || summary_status=$?
exit "$summary_status"
