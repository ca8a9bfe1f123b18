#!/usr/bin/env python3
"""Turns bench/run.sh's raw files into results.json and the tables.

    bench/report.py OUT_DIR [--results bench/results.md]

Writes OUT_DIR/results.json and OUT_DIR/results.md, and the same Markdown to
--results (bench/results.md in the checkout, which the README's Benchmarks
section copies verbatim). Each part of the benchmark is one section below:
a function from OUT_DIR to (title, Markdown); a new measurement is a new
function in SECTIONS.
"""
import argparse
import json
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


def startup_section(out):
    """bench/startup.py: start-up next to the reference, in the same boot."""
    doc = json.loads((out / "startup.json").read_text())
    return "startup", doc, (out / "startup.md").read_text()


SECTIONS = (
    ("vivid → vkms in the VM: zero-copy and a CPU copy", pipeline_section),
    ("Start-up in the VM: `--frames 1` next to the same ioctls alone", startup_section),
    ("CPU stages (`stage-bench`, on the host)", stages_section),
)


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("out", type=Path)
    parser.add_argument("--results", type=Path,
                        default=Path(__file__).resolve().parent / "results.md")
    args = parser.parse_args()

    results = {}
    text = ["<!-- Written by bench/report.py from a bench/run.sh run; the README's "
            "Benchmarks tables are copied from here verbatim. -->", ""]
    for title, section in SECTIONS:
        key, data, markdown = section(args.out)
        results[key] = data
        text += [f"### {title}", "", markdown]
    markdown = "\n".join(text)
    (args.out / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    (args.out / "results.md").write_text(markdown)
    args.results.write_text(markdown)
    print(markdown)
    for mode in MODES:
        print(f"{mode} syscalls per frame: {results['pipeline'][mode]['syscalls_by_name']}")


if __name__ == "__main__":
    main()
