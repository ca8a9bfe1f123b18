#!/usr/bin/env python3
"""Start-up of `primecam run configs/vivid-vkms.toml --frames 1` next to
bench/startup-reference (the same ioctls, nothing else), in one VM boot.

    bench/startup.py PRIMECAM REFERENCE OUT_DIR [RUNS]

Runs inside the test VM (bench/run.sh boots it). The two programs alternate,
RUNS times each (default 11), so that drift in the host's load hits both.
For each run: the CPU time of the whole process (user + system from wait4,
which the kernel scales to the scheduler's exact runtime), and the
milliseconds from the process's start to its first frame and its first page
flip, as each program reports them (primecam's summary line "start-up (ms
after the process started): ..."; the reference's one JSON line), both
measured from /proc/self/stat's start time. primecam runs exactly as the
README's command, without --stats: writing the JSON is work of its own that
this command does not ask for.
Then each program once more under valgrind's callgrind: the distinct
instructions each executes, by part (bench/code_footprint.py), which is what
start-up costs under emulation.
Writes OUT_DIR/startup.json with every run, the medians and the footprints,
and OUT_DIR/startup.md, the README's tables, verbatim.
"""
import fcntl
import json
import os
import re
import statistics
import struct
import subprocess
import sys
from pathlib import Path

from code_footprint import distinct_by_part

VIDIOC_QUERYCAP = 0x80685600  # _IOR('V', 0, struct v4l2_capability), 104 bytes
V4L2_CAP_VIDEO_CAPTURE = 0x1
V4L2_CAP_DEVICE_CAPS = 0x80000000


def driver_of(entry):
    """Whose a sysfs class entry is: its device's bound driver, or, where
    none is bound (vkms, vgem), the device's own name (base/device_nodes.h)."""
    for link in (entry / "device" / "driver", entry / "device"):
        if link.is_symlink():
            return os.path.basename(os.readlink(link))
    return ""


def by_number(path):
    name = path.name
    digits = name.lstrip("abcdefghijklmnopqrstuvwxyz")
    return (len(digits), digits)


def vivid_capture_node():
    """The first single-planar vivid capture node: what the config's
    device = "vivid", api = "single-planar" resolves to."""
    for entry in sorted(Path("/sys/class/video4linux").glob("video*"), key=by_number):
        if driver_of(entry) != "vivid":
            continue
        node = "/dev/" + entry.name
        with open(node, "rb", buffering=0) as dev:
            cap = bytearray(104)
            fcntl.ioctl(dev, VIDIOC_QUERYCAP, cap)
        capabilities, device_caps = struct.unpack_from("II", cap, 84)
        caps = device_caps if capabilities & V4L2_CAP_DEVICE_CAPS else capabilities
        if caps & V4L2_CAP_VIDEO_CAPTURE:
            return node
    raise SystemExit("startup.py: no single-planar vivid capture node")


def vkms_card():
    for entry in sorted(Path("/sys/class/drm").glob("card*"), key=by_number):
        if entry.name[4:].isdigit() and driver_of(entry) == "vkms":
            return "/dev/dri/" + entry.name
    raise SystemExit("startup.py: no vkms card")


def run_once(argv, stdout_path=os.devnull):
    """The CPU ms of one run of argv, its stdout into stdout_path."""
    pid = os.fork()
    if pid == 0:
        try:
            os.dup2(os.open(stdout_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC), 1)
            os.dup2(os.open(os.devnull, os.O_WRONLY), 2)
            os.execv(argv[0], argv)
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"startup.py: {' '.join(argv)} failed ({status})")
    return (usage.ru_utime + usage.ru_stime) * 1000.0


def primecam_startup(summary):
    """first frame and first shown, in ms, from primecam's summary line."""
    found = re.search(r"start-up \(ms after the process started\): .*"
                      r"first frame (\d+), first shown (\d+)", summary)
    if not found:
        raise SystemExit("startup.py: no start-up line in primecam's output:\n" + summary)
    return float(found.group(1)), float(found.group(2))


def table(results):
    """The README's start-up table: medians with their ranges."""
    labels = {
        "primecam": "`primecam run configs/vivid-vkms.toml --frames 1`",
        "reference": "`bench/startup-reference` (the same ioctls, nothing else)",
    }

    def cell(rows, key):
        values = [row[key] for row in rows]
        return (f"{statistics.median(values):.0f} ms "
                f"({min(values):.0f}–{max(values):.0f})")

    runs = len(results["primecam"])
    lines = [
        f"| program | CPU time, median (range) of {runs} | to the first frame | "
        "to the first page flip |",
        "|---|---|---|---|",
    ]
    for name, rows in results.items():
        lines.append(f"| {labels[name]} | {cell(rows, 'cpu_ms')} | "
                     f"{cell(rows, 'first_capture_ms')} | {cell(rows, 'first_display_ms')} |")
    return "\n".join(lines) + "\n"


def footprint(argv, out, name):
    """The distinct instructions argv executes, by part, under callgrind."""
    trace = out / f"startup-{name}.callgrind"
    run_once(["/usr/bin/valgrind", "--tool=callgrind", "--dump-instr=yes",
              "--compress-pos=no", "--compress-strings=no",
              f"--callgrind-out-file={trace}"] + argv)
    top = str(Path(__file__).resolve().parent.parent)
    return dict(distinct_by_part(trace, os.path.basename(argv[0]), top))


def footprint_table(parts, median):
    """Distinct instructions by part, the largest first, and the CPU time
    each extra one costs here: the difference of the two programs' median
    CPU times over the difference of their totals."""
    totals = {name: sum(counts.values()) for name, counts in parts.items()}
    largest = {part: max(counts.get(part, 0) for counts in parts.values())
               for part in set().union(*parts.values())}
    lines = ["| part | primecam | reference |", "|---|---|---|"]
    for part in sorted(largest, key=lambda part: -largest[part]):
        if largest[part] < 100:
            continue
        lines.append(f"| {part} | {parts['primecam'].get(part, 0)} | "
                     f"{parts['reference'].get(part, 0)} |")
    lines.append(f"| **all** | **{totals['primecam']}** | **{totals['reference']}** |")
    extra = totals["primecam"] - totals["reference"]
    cpu = median["primecam"]["cpu_ms"] - median["reference"]["cpu_ms"]
    each = f"{1000 * cpu / extra:.1f} µs" if extra > 0 else "n/a"
    return ("\n".join(lines) + "\n\n"
            f"CPU time over distinct instructions: {cpu:.0f} ms more for {extra} more, "
            f"{each} each.\n")


def main():
    primecam, reference, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    runs = int(sys.argv[4]) if len(sys.argv) > 4 else 11
    video, card = vivid_capture_node(), vkms_card()
    out.mkdir(parents=True, exist_ok=True)
    # The runs timed and the runs traced are the same commands.
    argv = {"primecam": [primecam, "run", "configs/vivid-vkms.toml", "--frames", "1"],
            "reference": [reference, video, card]}
    results = {"primecam": [], "reference": []}
    for i in range(runs):
        summary = out / f"startup-primecam-{i}.txt"
        line = out / f"startup-reference-{i}.json"
        cpu = run_once(argv["primecam"], stdout_path=str(summary))
        first_capture, first_display = primecam_startup(summary.read_text())
        results["primecam"].append({"cpu_ms": round(cpu, 1),
                                    "first_capture_ms": first_capture,
                                    "first_display_ms": first_display})
        cpu = run_once(argv["reference"], stdout_path=str(line))
        figures = json.loads(line.read_text())
        results["reference"].append({"cpu_ms": round(cpu, 1), **figures})

    summary = {}
    for name, rows in results.items():
        summary[name] = {key: round(statistics.median(row[key] for row in rows), 1)
                         for key in ("cpu_ms", "first_capture_ms", "first_display_ms")}
        summary[name]["runs"] = len(rows)
    parts = {name: footprint(command, out, name) for name, command in argv.items()}
    (out / "startup.json").write_text(json.dumps({"median": summary, "runs": results,
                                                  "distinct_instructions": parts},
                                                 indent=2) + "\n")
    (out / "startup.md").write_text(table(results) + "\n" + footprint_table(parts, summary))
    for name, med in summary.items():
        print(f"{name}: CPU {med['cpu_ms']} ms, first frame {med['first_capture_ms']} ms, "
              f"first flip {med['first_display_ms']} ms (median of {med['runs']})")


if __name__ == "__main__":
    main()
