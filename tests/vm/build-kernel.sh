#!/usr/bin/env bash
# Builds the primecam test kernel (bzImage) from Debian's linux-source-6.1:
# the patches in kernel-patches/ (fixes the 6.1 drivers lack; each says why),
# `make tinyconfig`, then kernel.config merged over it, then olddefconfig.
# The image is cached outside the checkout, keyed by the hash of the fragment,
# of the patches, of the linux-source package version and of `recipe` below,
# so a cold build (about 6 minutes on 2 cores) happens once per change of any
# of those.
# Concurrent callers (the test command builds in the background while a
# developer boots the VM) wait on a lock instead of building twice.
# Prints the path of the bzImage on stdout; progress goes to stderr.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=apt-ensure.sh
. "$here/apt-ensure.sh"

fragment=$here/kernel.config
# Applied in name order; their content is part of the cache key.
shopt -s nullglob
patches=("$here"/kernel-patches/*.patch)
shopt -u nullglob
cache=${PRIMECAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/primecam}
tarball=/usr/src/linux-source-6.1.tar.xz

ensure_packages linux-source-6.1 build-essential bc bison flex libelf-dev libssl-dev xz-utils patch

# Bump when the build steps below change what ends up in the image.
recipe=3
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( (cat "$fragment" "${patches[@]}"; echo "$srcver recipe $recipe") | sha256sum | cut -c1-16)
image=$cache/kernel-$key/bzImage
mkdir -p "$cache"
exec 9>"$cache/kernel-$key.lock"
if ! flock -n 9; then
	echo "primecam: another build of test kernel $key is running; waiting for it" >&2
	flock 9
fi
if [ -f "$image" ]; then
	echo "$image"
	exit 0
fi

build=$cache/build-$key
log=$cache/kernel-$key.log
rm -rf "$build"
mkdir -p "$build" "$(dirname "$image")"
echo "primecam: building the test kernel (linux-source $srcver, key $key); log: $log" >&2
start=$(date +%s)
tar -xJf "$tarball" -C "$build" --strip-components=1
for p in "${patches[@]}"; do
	echo "primecam: applying $(basename "$p")" >>"$log"
	patch -d "$build" -p1 --forward --no-backup-if-mismatch <"$p" >>"$log" 2>&1 ||
		{ echo "primecam: kernel patch $p does not apply to linux-source $srcver; see $log" >&2; exit 1; }
done

kmake() { make -C "$build" ARCH=x86_64 "$@" >>"$log" 2>&1; }
kmake tinyconfig
"$build/scripts/kconfig/merge_config.sh" -m -O "$build" "$build/.config" "$fragment" >>"$log" 2>&1
kmake olddefconfig

# A symbol whose dependencies are unmet is silently dropped by olddefconfig:
# catch that here, where the reason is still easy to find.
lost=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*) grep -qxF "$line" "$build/.config" || { echo "kernel config lost: $line" >&2; lost=1; } ;;
	"# CONFIG_"*" is not set")
		sym=${line#\# }; sym=${sym%% *}
		grep -q "^$sym=" "$build/.config" && { echo "kernel config kept: $sym (wanted unset)" >&2; lost=1; } ;;
	esac
done <"$fragment"
[ "$lost" -eq 0 ] || { echo "primecam: kernel.config does not apply cleanly; see $build/.config" >&2; exit 1; }

if ! kmake -j"$(nproc)" bzImage; then
	tail -n 30 "$log" >&2
	exit 1
fi
cp "$build/arch/x86/boot/bzImage" "$image.tmp"
cp "$build/.config" "$(dirname "$image")/config"
mv "$image.tmp" "$image"
rm -rf "$build"
echo "primecam: test kernel built in $(($(date +%s) - start)) s" >&2
echo "$image"
