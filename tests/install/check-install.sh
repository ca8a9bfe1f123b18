#!/usr/bin/env bash
# What `meson install` puts on a board image, installed into a DESTDIR and
# run from there: the program (--version, list, which loads every installed
# back-end module), the man page, the example configs. Arguments: the build folder, then the prefix, bindir, mandir and
# datadir as Meson resolved them.
set -euo pipefail

build=$1 prefix=$2 bindir=$3 mandir=$4 datadir=$5
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT

# A relative dir (the default) is under the prefix; an absolute one is not.
under() { case "$1" in /*) echo "$dest$1" ;; *) echo "$dest$prefix/$1" ;; esac; }

meson install -C "$build" --no-rebuild --destdir "$dest" >"$dest/install.log" 2>&1 ||
	{ cat "$dest/install.log" >&2; exit 1; }

fail() { echo "check-install: $*" >&2; exit 1; }

program=$(under "$bindir")/primecam
[ -x "$program" ] || fail "no program at $program"
version=$("$program" --version)
case "$version" in
"primecam "[0-9]*) ;;
*) fail "--version printed '$version', not 'primecam VERSION'" ;;
esac

# `list` on whatever this machine has (no devices on a build host): it
# must run from the installed tree and end with status 0.
"$program" list >"$dest/list.log" 2>&1 || { cat "$dest/list.log" >&2; fail "installed list failed"; }
grep -q "V4L2 capture nodes" "$dest/list.log" || fail "installed list printed no V4L2 section"
# Every module this build made was installed and loads from the installed
# tree (the program finds them from its own folder, DESTDIR or not).
if grep -q "not loaded" "$dest/list.log"; then
	grep "not loaded" "$dest/list.log" >&2
	fail "the installed program did not load its installed modules"
fi
grep -q "loaded" "$dest/list.log" || fail "installed list names no loaded back end"

man=$(under "$mandir")/man1/primecam.1
[ -s "$man" ] || fail "no man page at $man"
# help2man writes options as \-\-frames (groff): look for the names.
for word in run doctor list frames snapshot "EXIT STATUS"; do
	grep -q -- "$word" "$man" || fail "the man page does not mention $word"
done

configs=$(under "$datadir")/primecam/configs
[ -s "$configs/vivid-vkms.toml" ] || fail "no example configs in $configs"
[ -s "$configs/README.md" ] || fail "no configs/README.md in $configs"
echo "check-install: $version installed and ran from $dest"
