#!/usr/bin/env python3
"""Turns bench/run.sh's raw files into results.json and the tables.

    bench/report.py OUT_DIR [--results bench/results.md] [--only KEY,...]

Writes OUT_DIR/results.json and OUT_DIR/results.md, and the same Markdown to
--results (bench/results.md in the checkout, which the README's Benchmarks
section copies verbatim). Each part of the benchmark is one section below:
a function from OUT_DIR to (key, data, Markdown); a new measurement is a new
function in SECTIONS. Each section says the commit it was measured at.

--only writes the sections of those keys (pipeline, startup, cameras,
stages) from OUT_DIR and keeps the others of --results as they are: for a
part run on its own, e.g. one to eight cameras alone:
    tests/vm/run-vm.sh --out OUT -- python3 bench/cameras.py build/src/primecam OUT
    bench/report.py OUT --only cameras
"""
import argparse
import json
import re
import subprocess
from pathlib import Path

MODES = ("zero-copy", "copy")


def strace_calls(path):
    """Total calls and per-syscall calls from an `strace -c` summary."""
    per = {}
    for line in Path(path).read_text().splitlines():
        parts = line.split()
        # % time, seconds, usecs/call, calls, [errors], syscall
        if (len(parts) >= 5 and parts[0].replace(".", "", 1).isdigit()
                and parts[-1] != "total"):
            per[parts[-1]] = int(parts[3])
    return per


def callgrind_instructions(path):
    """Instructions (Ir) callgrind counted for the whole process."""
    for line in Path(path).read_text().splitlines():
        if line.startswith("summary:"):
            return int(line.split()[1])
    raise ValueError(f"no summary line in {path}")


def mode_result(out, mode):
    plains = sorted((json.loads((out / f"{mode}-plain-{r}.json").read_text()) for r in (1, 2, 3)),
                    key=lambda run: run["cpu_us_per_displayed"])
    plain = plains[1]  # the median run
    short = json.loads((out / f"{mode}-25.json").read_text())
    long_ = json.loads((out / f"{mode}-125.json").read_text())
    calls_short = strace_calls(out / f"{mode}-25.strace")
    calls_long = strace_calls(out / f"{mode}-125.strace")
    frames = long_["displayed_total"] - short["displayed_total"]
    per_call = {name: (calls_long.get(name, 0) - calls_short.get(name, 0)) / frames
                for name in calls_long}
    per_call = {k: round(v, 2) for k, v in sorted(per_call.items(), key=lambda kv: -kv[1])
                if abs(v) >= 0.05}
    cg_short = json.loads((out / f"{mode}-25-cg.json").read_text())
    cg_long = json.loads((out / f"{mode}-125-cg.json").read_text())
    instructions = ((callgrind_instructions(out / f"{mode}-125.callgrind")
                     - callgrind_instructions(out / f"{mode}-25.callgrind"))
                    / (cg_long["displayed_total"] - cg_short["displayed_total"]))
    # The steady-state counts divide by the displayed frames: they hold only
    # when every measured frame of those runs was displayed. A loaded host
    # makes the traced runs drop frames; say so next to the figures.
    dropped = [f"{name} displayed {run['displayed']} of {run['captured']}"
               for name, run in (("strace 25", short), ("strace 125", long_),
                                 ("callgrind 25", cg_short), ("callgrind 125", cg_long))
               if run["displayed"] != run["captured"]]
    return {
        "dropped_in_counted_runs": dropped,
        "warmup": plain["warmup"],
        # all three of the measured frames (primecam-bench takes the
        # warm-up's off)
        "displayed": plain["displayed"],
        "captured": plain["captured"],
        "copies": plain["copies"],
        "cpu_us_per_frame": plain["cpu_us_per_displayed"],
        "cpu_us_per_frame_runs": [run["cpu_us_per_displayed"] for run in plains],
        "syscalls_per_frame": round(sum(per_call.values()), 2),
        "syscalls_by_name": per_call,
        "instructions_per_frame": round(instructions),
    }


def pipeline_section(out):
    """Zero-copy against a CPU copy, vivid -> vkms in the VM."""
    res = {mode: mode_result(out, mode) for mode in MODES}
    zc, cp = res["zero-copy"], res["copy"]
    res["copy_over_zero_copy"] = {
        "cpu_time": round(cp["cpu_us_per_frame"] / zc["cpu_us_per_frame"], 2),
        "syscalls": round(cp["syscalls_per_frame"] / zc["syscalls_per_frame"], 2),
        "instructions": round(cp["instructions_per_frame"] / zc["instructions_per_frame"], 2),
    }
    rows = [
        f"| path | displayed / captured | CPU copies | CPU time per frame, median (range) of 3 "
        f"| syscalls per frame | user-space instructions per frame |",
        "|---|---|---|---|---|---|",
    ]
    for mode in MODES:
        r = res[mode]
        rows.append(f"| {mode} | {r['displayed']} / {r['captured']} | {r['copies']} | "
                    f"{r['cpu_us_per_frame']:.0f} µs ({min(r['cpu_us_per_frame_runs']):.0f}–"
                    f"{max(r['cpu_us_per_frame_runs']):.0f}) | {r['syscalls_per_frame']:.1f} | "
                    f"{r['instructions_per_frame']:,} |")
    ratio = res["copy_over_zero_copy"]
    rows.append(f"| copy ÷ zero-copy | | | {ratio['cpu_time']}× | {ratio['syscalls']}× | "
                f"{ratio['instructions']}× |")
    note = (f"Each path's counts are of the measured frames of its median run, after "
            f"{zc['warmup']} frames of warm-up that they leave out.")
    caveats = [f"In this run the traced runs of {mode} dropped frames "
               f"({'; '.join(res[mode]['dropped_in_counted_runs'])}), so its syscall and "
               f"instruction figures are not steady-state per-frame costs: rerun on a "
               f"quieter host." for mode in MODES if res[mode]["dropped_in_counted_runs"]]
    text = note + "\n\n" + "\n".join(rows) + "\n"
    if caveats:
        text += "\n" + "\n".join(caveats) + "\n"
    return "pipeline", res, text


# stage-bench's operations, in the table's order, as the table names them.
STAGE_ROWS = (
    ("memcpy XRGB8888", "`memcpy` XRGB8888 (the floor)"),
    ("InvertStage XRGB8888", "`InvertStage` XRGB8888, in place"),
    ("ConvertStage YUYV->XRGB8888", "`ConvertStage` YUYV → XRGB8888"),
    ("convertImage YUYV->XRGB8888", "`convertImage` YUYV → XRGB8888, same buffers"),
    ("libyuv YUY2ToARGB", "bare libyuv `YUY2ToARGB`, same buffers"),
    ("convertImage NV12->XRGB8888", "`convertImage` NV12 → XRGB8888"),
    ("libyuv NV12ToARGB", "bare libyuv `NV12ToARGB`, same buffers"),
    ("ScaleStage XRGB8888 x2 up", "`ScaleStage` XRGB8888, half size enlarged to this"),
    ("libyuv ARGBScale 2/5 bilinear", "bare libyuv `ARGBScale` to 2/5, bilinear"),
    ("libyuv ARGBScale 2/5 box", "bare libyuv `ARGBScale` to 2/5, box"),
)


def stages_section(out):
    """stage-bench: CPU stages next to memcpy, on the host."""
    doc = json.loads((out / "stages.json").read_text())
    by = {(r["size"], r["operation"]): r["median_ns"] / 1000 for r in doc["results"]}
    sizes = list(dict.fromkeys(r["size"] for r in doc["results"]))
    rows = ["| operation | " + " | ".join(sizes) + " |", "|---" * (len(sizes) + 1) + "|"]
    for op, label in STAGE_ROWS:
        cells = []
        for size in sizes:
            us = by[(size, op)]
            cell = f"{us:.0f} µs"
            if op == "InvertStage XRGB8888":
                cell += f" ({us / by[(size, 'memcpy XRGB8888')]:.2f}×)"
            cells.append(cell)
        rows.append(f"| {label} | " + " | ".join(cells) + " |")
    note = (f"Median thread CPU time (`{doc['clock']}`) of {doc['frames']} frames per "
            "operation.")
    return "stages", doc, note + "\n\n" + "\n".join(rows) + "\n"


def cameras_section(out):
    """bench/cameras.py: CPU per camera frame for 1 to 8 cameras."""
    doc = json.loads((out / "cameras.json").read_text())
    figures = doc["figures"]
    one = figures["1-planes"]["cpu_us_per_camera_frame"]
    rows = ["| cameras | to planes: CPU per camera frame, median (range) | × one camera "
            "| syscalls per camera frame | syscalls per vblank | planes per commit "
            "| to null sinks: CPU per camera frame, median (range) | syscalls per camera frame |",
            "|---|---|---|---|---|---|---|---|"]
    for count in sorted({f["cameras"] for f in figures.values()}):
        p, n = figures[f"{count}-planes"], figures[f"{count}-null"]
        runs = p["cpu_us_per_camera_frame_runs"]
        rows.append(f"| {count} | {p['cpu_us_per_camera_frame']:.0f} µs ({min(runs):.0f}–"
                    f"{max(runs):.0f}) | {p['cpu_us_per_camera_frame'] / one:.2f}× | "
                    f"{p['syscalls_per_camera_frame']:.1f} | {p['syscalls_per_vblank']:.1f} | "
                    f"{p['planes_per_commit']:.2f} | {n['cpu_us_per_camera_frame']:.0f} µs "
                    f"({min(n['cpu_us_per_camera_frame_runs']):.0f}–"
                    f"{max(n['cpu_us_per_camera_frame_runs']):.0f}) | "
                    f"{n['syscalls_per_camera_frame']:.1f} |")
    eight = figures["8-planes"]["cpu_us_per_camera_frame"] / one
    verdict = ("within" if eight <= 1.2 else "above")
    note = (f"Each camera a vivid instance, 320x180 XRGB8888 at 25 fps, to an overlay plane of "
            f"one 1280x960 vkms display (a mosaic) or to a null sink. Marginal cost: a run of "
            f"{doc['frames']['long']} minus a run of {doc['frames']['short']} frames per camera, "
            f"over the difference in frames captured by all cameras; the median of "
            f"{doc['rounds']} rounds. Syscalls from `strace -f -c` the same way (runs of "
            f"{doc['frames']['traced_long']} and {doc['frames']['short']}); a vblank is "
            f"one atomic commit of the display. At 8 cameras the cost per camera frame is "
            f"{eight:.2f}× that of one camera, {verdict} the goal of 1.2×. Plot: "
            f"`bench/cameras.png`.")
    drops = [f"{f['cameras']} cameras, " + ", ".join(f"{d} of {c}"
                                                     for d, c in f["displayed_of_captured"])
             for f in figures.values() if f["sink"] == "planes"
             and any(d != c for d, c in f["displayed_of_captured"])]
    text = note + "\n\n" + "\n".join(rows) + "\n"
    if drops:
        text += ("\nA frame that arrives while its camera's previous one still waits for "
                 "a vblank replaces that one, which is never shown. Frames shown of those "
                 "captured in the long runs, round by round: " + "; ".join(drops) + ".\n")
    return "cameras", doc["figures"], text


M2M_ROWS = (
    ("direct", "`configs/vivid-vkms.toml`: vivid 640x480 XRGB8888 straight to the plane "
     "(no conversion: the floor)"),
    ("m2m", "`configs/vivid-vim2m-vkms.toml`: vivid 320x180 BGR888 → vim2m → RGB565 640x480"),
    ("cpu", "vivid 640x480 BGR888 → CPU `convert` stage (libyuv) → XRGB8888"),
    ("gstreamer", "GStreamer 1.22: `v4l2src io-mode=dmabuf` 320x180 RGB → `v4l2convert "
     "output-io-mode=dmabuf-import` → RGB16 640x480 → `kmssink`"),
)


def m2m_section(out):
    """bench/m2m.py: a mem2mem converter against the CPU and GStreamer."""
    doc = json.loads((out / "m2m.json").read_text())
    figures = doc["figures"]
    rows = ["| path to a 640x480 vkms plane | the whole VM's CPU per frame, median (range) "
            "| the process's CPU per frame, median (range) "
            "| of which user / kernel | CPU copies, CPU conversions (long runs) |",
            "|---|---|---|---|---|"]
    for key, label in M2M_ROWS:
        f = figures[key]
        runs = f["cpu_us_per_frame_runs"]
        copies = ("not counted" if key == "gstreamer"
                  else f"{max(f['copies'])}, {max(f['conversions'])}")
        vm = f["vm_us_per_frame_runs"]
        rows.append(f"| {label} | {f['vm_us_per_frame']:.0f} µs ({min(vm):.0f}–{max(vm):.0f}) "
                    f"| {f['cpu_us_per_frame']:.0f} µs ({min(runs):.0f}–"
                    f"{max(runs):.0f}) | {f['user_us_per_frame']:.0f} / "
                    f"{f['system_us_per_frame']:.0f} µs | {copies} |")
    note = (f"Marginal cost: a run of {doc['frames']['long']} minus a run of "
            f"{doc['frames']['short']} frames, per frame; CPU time of the whole process "
            f"(user + system, from `wait4`); the median of {doc['rounds']} rounds, the paths "
            f"alternating. The whole VM's: its busy time (/proc/stat) over the same runs, "
            f"which carries vim2m's emulated conversion wherever the kernel ran it (in the "
            f"process's QBUF or in the m2m core's worker, see bench/m2m.py).")
    return "m2m", figures, note + "\n\n" + "\n".join(rows) + "\n"


def startup_section(out):
    """bench/startup.py: start-up next to the reference, in the same boot."""
    doc = json.loads((out / "startup.json").read_text())
    return "startup", doc, (out / "startup.md").read_text()


SECTIONS = (
    ("vivid → vkms in the VM: zero-copy and a CPU copy", pipeline_section),
    ("Start-up in the VM: `--frames 1` next to the same ioctls alone", startup_section),
    ("Several cameras in the VM: CPU per camera frame against the number of cameras",
     cameras_section),
    ("A mem2mem converter in the VM: vim2m against a CPU conversion and GStreamer",
     m2m_section),
    ("CPU stages (`stage-bench`, on the host)", stages_section),
)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--results", type=Path,
                        default=Path(__file__).resolve().parent / "results.md")
    parser.add_argument("--only", help="comma-separated section keys to write")
    args = parser.parse_args()
    only = set(args.only.split(",")) if args.only else None

    commit = subprocess.run(["git", "-C", str(Path(__file__).resolve().parent), "rev-parse",
                             "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
    kept = previous_sections(args.results) if only else {}
    results = {}
    text = ["<!-- Written by bench/report.py from bench/run.sh's measurements; the README's "
            "Benchmarks tables are copied from here verbatim. -->", ""]
    for title, section in SECTIONS:
        if only is not None and section_key(section) not in only:
            if title in kept:
                text += [f"### {title}", "", kept[title]]
            continue
        key, data, markdown = section(args.out)
        results[key] = data
        text += [f"### {title}", "", f"Measured at commit {commit or 'unknown'}.", "",
                 markdown]
    markdown = "\n".join(text)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "results.md").write_text(markdown)
    args.results.write_text(markdown)
    print(markdown)
    if "pipeline" in results:
        for mode in MODES:
            print(f"{mode} syscalls per frame: {results['pipeline'][mode]['syscalls_by_name']}")


def section_key(section):
    """A section function's key: its name without "_section"."""
    return section.__name__.removesuffix("_section")


def previous_sections(path):
    """The sections of an earlier results.md, by title, as written."""
    if not path.exists():
        return {}
    parts = re.split(r"^### (.*)\n\n", path.read_text(), flags=re.M)
    return {parts[i]: parts[i + 1].rstrip("\n") + "\n" for i in range(1, len(parts) - 1, 2)}


if __name__ == "__main__":
    main()
