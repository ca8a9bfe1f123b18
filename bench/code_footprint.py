#!/usr/bin/env python3
"""The distinct instructions a run executes, by part, from a callgrind file.

    bench/code_footprint.py CALLGRIND_FILE [REPOSITORY_TOP]

Under QEMU's software emulation (TCG) the cost of a short run follows the
code it executes for the first time, not its instruction count: each new
instruction is translated before it runs, and a process's code lands at a new
address each run, so nothing carries over from the last one. This counts the
instructions executed at least once (callgrind with --dump-instr=yes
--compress-pos=no --compress-strings=no), per part: a shared library by its
name; the program's own code by the source file of the function each
instruction belongs to (a repository folder, toml++'s headers, the C++
library's headers), so that a template instantiated for primecam counts
where it came from.
"""
import collections
import os
import sys


def part_of(obj, source, program, top):
    source = os.path.normpath(source)  # the compiler's "build/../drm/x.cpp"
    if os.path.basename(obj) != program:
        name = os.path.basename(obj)
        return name.split(".so")[0] if ".so" in name else name
    if top and source.startswith(top + "/"):
        return source[len(top) + 1:].split("/")[0] + "/"
    if "/toml++/" in source:
        return "toml++ (headers)"
    if "/c++/" in source:
        return "C++ library (headers)"
    return "other (no source)"


def distinct_by_part(path, program, top=""):
    """{part: distinct instructions executed} for one callgrind file."""
    seen = {}
    obj = source = ""
    skip_next = False
    with open(path, errors="replace") as lines:
        for line in lines:
            if skip_next:  # the inclusive cost of a call, not an instruction
                skip_next = False
                continue
            if line.startswith("ob="):
                obj = line[3:].strip()
            elif line.startswith("fl="):
                source = line[3:].strip()
            elif line.startswith("calls="):
                skip_next = True
            elif line.startswith("0x"):
                fields = line.split()  # positions: instr line; events: Ir
                address = (obj, int(fields[0], 16))
                if len(fields) >= 3 and int(fields[2]) > 0 and address not in seen:
                    seen[address] = part_of(obj, source, program, top)
    # valgrind's own preload library is not the program's.
    return collections.Counter(part for part in seen.values() if not part.startswith("vgpreload"))


def main():
    path = sys.argv[1]
    top = os.path.realpath(sys.argv[2]) if len(sys.argv) > 2 else ""
    with open(path, errors="replace") as lines:
        command = next((l[5:].split()[0] for l in lines if l.startswith("cmd: ")), "")
    parts = distinct_by_part(path, os.path.basename(command), top)
    print(f"{sum(parts.values())} distinct instructions")
    for part, count in parts.most_common():
        print(f"{count:8d}  {part}")


if __name__ == "__main__":
    main()
