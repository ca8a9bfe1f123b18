#!/usr/bin/env python3
"""CPU per frame per camera for N = 1, 2, 4 and 8 vivid cameras, each to an
overlay plane of one vkms display ("planes") and each to a null sink
("null"), in one VM boot.

    bench/cameras.py PRIMECAM OUT_DIR [ROUNDS]

Runs inside the test VM (bench/run.sh boots it; tests/vm/run-vm.sh starts
ten vivid instances). Every camera is a vivid instance of its own, 320x180
XRGB8888 at 25 fps (eight such frames fit a 1280x960 mosaic unscaled, and
vkms does not scale); the planes configs put them in a mosaic, the null
configs only count frames. Nothing but N changes between the configs.

Per-frame cost is the marginal cost: for each (N, sink) a short run of
SHORT frames per camera and a long run of LONG frames per camera; the CPU
time (user + system from wait4) of the long minus that of the short,
divided by the difference in frames captured by all cameras, so that
start-up and teardown cancel out. ROUNDS rounds (default 3), the configs
alternating within each, so that drift in the host's load hits them all;
the median round is reported, with the range.

Syscalls the same way under `strace -f -c`: per camera frame, and, for the
planes, per vblank, i.e. per atomic commit (the stats file's
displays[0].commits: the display commits at most once per vblank).

Writes OUT_DIR/cameras.json (every run and the figures) and the configs and
stats files it used, named cameras-N-SINK*.
"""
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from report import strace_calls  # noqa: E402 (after the path)

COUNTS = (1, 2, 4, 8)
SINKS = ("planes", "null")
# 20 s of streaming against 1 s: under emulation a run's start-up varies by
# some 100 ms of CPU, which shorter runs do not lift the per-frame cost above.
SHORT, LONG = 25, 500
# Syscall counts do not vary with the host's load: shorter traced runs.
TRACED_LONG = 200
# vivid instances with a single-planar capture node (tests/vm/run-vm.sh:
# instance 1 is multi-planar), by the bus_info primecam can name them by.
BUSES = ["platform:vivid-000"] + [f"platform:vivid-{i:03d}" for i in range(2, 10)]
# A different picture per camera (vivid's "Test Pattern" menu).
PATTERNS = (7, 8, 9, 6, 1, 4, 10, 0)


def config_text(count, sink):
    parts = [f"# bench/cameras.py: {count} camera(s) to {sink}\n"]
    for i in range(count):
        parts.append(f"""
[[source]]
name = "cam{i}"
type = "v4l2"
device = "{BUSES[i]}"
api = "single-planar"
format = "XRGB8888"
width = 320
height = 180
fps = 25

[source.controls]
test_pattern = {PATTERNS[i]}
timestamp_source = 1
""")
    for i in range(count):
        if sink == "planes":
            parts.append(f"""
[[sink]]
type = "kms"
source = "cam{i}"
card = "vkms"
plane = "overlay"
layout = "mosaic"
mode = "1280x960"
""")
        else:
            parts.append(f"""
[[sink]]
type = "null"
source = "cam{i}"
""")
    return "".join(parts)


def run(argv):
    """The CPU ms of one run of argv (stdout and stderr to /dev/null)."""
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(argv, stdout=null, stderr=null)
        _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"cameras.py: {' '.join(argv)} failed (exit {proc.returncode})")
    return (usage.ru_utime + usage.ru_stime) * 1000.0


def counts_of(stats_path):
    """Frames captured and shown by all cameras, commits of the display."""
    doc = json.loads(Path(stats_path).read_text())
    sources = doc["sources"]
    displays = doc.get("displays", [])
    return {
        "captured": sum(s["captured"] for s in sources),
        "displayed": sum(sink["displayed"] for s in sources for sink in s["sinks"]),
        "copies": sum(s["copies"] for s in sources),
        "commits": displays[0]["commits"] if displays else 0,
        "max_planes_per_commit": displays[0]["max_planes_per_commit"] if displays else 0,
    }


def main():
    primecam, out = sys.argv[1], Path(sys.argv[2])
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    out.mkdir(parents=True, exist_ok=True)
    configs = {}
    for count in COUNTS:
        for sink in SINKS:
            path = out / f"cameras-{count}-{sink}.toml"
            path.write_text(config_text(count, sink))
            configs[(count, sink)] = path

    runs = []
    for r in range(rounds):
        for count in COUNTS:
            for sink in SINKS:
                row = {"round": r, "cameras": count, "sink": sink}
                for frames in (SHORT, LONG):
                    stats = out / f"cameras-{count}-{sink}-{frames}-{r}.json"
                    cpu = run([primecam, "run", str(configs[(count, sink)]),
                               "--frames", str(frames), "--stats", str(stats)])
                    row[frames] = {"cpu_ms": round(cpu, 2), **counts_of(stats)}
                runs.append(row)

    traced = []
    for count in COUNTS:
        for sink in SINKS:
            row = {"cameras": count, "sink": sink}
            for frames in (SHORT, TRACED_LONG):
                stem = out / f"cameras-{count}-{sink}-{frames}-strace"
                run(["strace", "-f", "-c", "-o", f"{stem}.txt", primecam, "run",
                     str(configs[(count, sink)]), "--frames", str(frames),
                     "--stats", f"{stem}.json"])
                row[frames] = {"syscalls": sum(strace_calls(f"{stem}.txt").values()),
                               **counts_of(f"{stem}.json")}
            traced.append(row)

    figures = {}
    for count in COUNTS:
        for sink in SINKS:
            per_frame = []
            for row in runs:
                if row["cameras"] != count or row["sink"] != sink:
                    continue
                frames = row[LONG]["captured"] - row[SHORT]["captured"]
                per_frame.append((row[LONG]["cpu_ms"] - row[SHORT]["cpu_ms"]) * 1000 / frames)
            trace = next(t for t in traced if t["cameras"] == count and t["sink"] == sink)
            calls = trace[TRACED_LONG]["syscalls"] - trace[SHORT]["syscalls"]
            frames = trace[TRACED_LONG]["captured"] - trace[SHORT]["captured"]
            commits = trace[TRACED_LONG]["commits"] - trace[SHORT]["commits"]
            long_runs = [row[LONG] for row in runs
                         if row["cameras"] == count and row["sink"] == sink]
            figures[f"{count}-{sink}"] = {
                "cameras": count,
                "sink": sink,
                "cpu_us_per_camera_frame": round(statistics.median(per_frame), 1),
                "cpu_us_per_camera_frame_runs": [round(v, 1) for v in per_frame],
                "syscalls_per_camera_frame": round(calls / frames, 2),
                "syscalls_per_vblank": round(calls / commits, 2) if commits else None,
                "planes_per_commit": (round((trace[TRACED_LONG]["displayed"]
                                             - trace[SHORT]["displayed"])
                                            / commits, 2) if commits else None),
                "max_planes_per_commit": max(r["max_planes_per_commit"] for r in long_runs),
                "copies": sum(r["copies"] for r in long_runs),
                "displayed_of_captured": [[r["displayed"], r["captured"]] for r in long_runs],
            }
    doc = {"frames": {"short": SHORT, "long": LONG, "traced_long": TRACED_LONG},
           "rounds": rounds,
           "figures": figures, "runs": runs, "traced": traced}
    (out / "cameras.json").write_text(json.dumps(doc, indent=2) + "\n")
    for key, fig in figures.items():
        print(f"{key}: {fig['cpu_us_per_camera_frame']} µs per camera frame "
              f"{fig['cpu_us_per_camera_frame_runs']}, "
              f"{fig['syscalls_per_camera_frame']} syscalls per camera frame, "
              f"{fig['syscalls_per_vblank']} per vblank")


if __name__ == "__main__":
    main()
