#!/usr/bin/env python3
"""Fails when an ELF file needs (DT_NEEDED) a library outside an allow-list.

primecam's program must start without any back end's library (libcamera,
EGL, GLES, GBM, GLFW, libv4l2, X11, lttng-ust, ...): those come with the
modules it loads on demand. Reads the ELF's dynamic section itself, so the
answer does not depend on which binutils is installed.

    check_needed.py FILE ALLOWED...

ALLOWED are library names without version ("libdrm", "libstdc++"): a needed
"libdrm.so.2" matches "libdrm".
"""
import struct
import sys

DT_NULL, DT_NEEDED, DT_STRTAB = 0, 1, 5
SHT_DYNAMIC = 6


def needed(path):
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF":
        raise SystemExit(f"{path}: not an ELF file")
    if data[4] != 2:
        raise SystemExit(f"{path}: not a 64-bit ELF file")
    order = "<" if data[5] == 1 else ">"
    shoff, = struct.unpack_from(order + "Q", data, 0x28)
    shentsize, shnum = struct.unpack_from(order + "HH", data, 0x3A)
    sections = []
    for i in range(shnum):
        name, kind, flags, addr, offset, size, link = struct.unpack_from(
            order + "IIQQQQI", data, shoff + i * shentsize)
        sections.append((kind, offset, size, link))
    names = []
    for kind, offset, size, link in sections:
        if kind != SHT_DYNAMIC:
            continue
        strtab = sections[link][1]
        for entry in range(offset, offset + size, 16):
            tag, value = struct.unpack_from(order + "qQ", data, entry)
            if tag == DT_NULL:
                break
            if tag == DT_NEEDED:
                end = data.index(b"\0", strtab + value)
                names.append(data[strtab + value:end].decode())
    return names


def main():
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    path, allowed = sys.argv[1], set(sys.argv[2:])
    libraries = needed(path)
    if not libraries:
        raise SystemExit(f"{path}: no DT_NEEDED entries at all (not a dynamic ELF?)")
    print(f"{path} needs: {', '.join(libraries)}")
    unexpected = [lib for lib in libraries if lib.split(".so")[0] not in allowed]
    if unexpected:
        print(f"{path}: not allowed: {', '.join(unexpected)} "
              f"(allowed: {', '.join(sorted(allowed))})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
