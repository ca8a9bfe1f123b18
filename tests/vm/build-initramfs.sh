#!/usr/bin/env bash
# Builds the primecam test initramfs: busybox (static, so the archive needs no
# libraries) with its applet links, and tests/vm/init as /init.
# The archive is an uncompressed newc cpio: kernel.config selects no initramfs
# decompressor (tinyconfig need not have one), and ~2 MB unpack faster than
# they would decompress under software emulation anyway.
# Cached outside the checkout, keyed by the hash of init, of this script and of
# the busybox-static package version. Prints the path on stdout.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=apt-ensure.sh
. "$here/apt-ensure.sh"

ensure_packages busybox-static cpio

cache=${PRIMECAM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/primecam}
busybox=/bin/busybox
bbver=$(dpkg-query -W -f='${Version}' busybox-static)
key=$( (cat "$here/init" "${BASH_SOURCE[0]}"; echo "$bbver") | sha256sum | cut -c1-16)
image=$cache/initramfs-$key.cpio
if [ -f "$image" ]; then
	echo "$image"
	exit 0
fi

mkdir -p "$cache"
stage=$(mktemp -d "$cache/initramfs-stage.XXXXXX")
# A private temporary archive: two first runs at once must not mix their output.
trap 'rm -rf "$stage" "$stage.cpio"' EXIT

mkdir -p "$stage"/{bin,dev,proc,sys,newroot}
cp "$busybox" "$stage/bin/busybox"
# Applet links at build time: init then needs no `busybox --install` step.
# Everything goes to /bin, the only PATH entry init uses.
for applet in $("$busybox" --list); do
	[ "$applet" = busybox ] || ln -s busybox "$stage/bin/$applet"
done
cp "$here/init" "$stage/init"
chmod 0755 "$stage/init" "$stage/bin/busybox"
# The kernel opens /dev/console for PID 1 before /init runs: without this node
# early messages of init would go nowhere. Creating it needs root; init
# reopens the console from devtmpfs anyway, so a non-root build still works.
mknod -m 600 "$stage/dev/console" c 5 1 2>/dev/null || true

# Owner root: the files are root's in the guest whoever built the archive.
(cd "$stage" && find . -mindepth 1 | LC_ALL=C sort |
	cpio --quiet -o -H newc -R 0:0 >"$stage.cpio")
mv "$stage.cpio" "$image"
echo "$image"
