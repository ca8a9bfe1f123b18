# Sourced by the scripts that need Debian packages: installs the missing ones.
# ensure_packages PKG... : no-op when all are installed, else apt-get install.
ensure_packages() {
	local missing=() pkg
	for pkg in "$@"; do
		dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$pkg")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	if [ "$(id -u)" -ne 0 ]; then
		echo "primecam: missing Debian packages: ${missing[*]} (run as root to install them)" >&2
		return 1
	fi
	echo "primecam: installing ${missing[*]}" >&2
	# The package lists may be absent on a fresh machine: update them once.
	if [ -z "${PRIMECAM_APT_UPDATED:-}" ]; then
		DEBIAN_FRONTEND=noninteractive apt-get update -qq >&2
		export PRIMECAM_APT_UPDATED=1
	fi
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
}
