#!/usr/bin/env python3
"""Turns bench/run.sh's raw files into results.json and results.md."""
import json
import sys
from pathlib import Path


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
    return {
        "displayed": plain["displayed"],
        "captured": plain["captured"],
        "copies": plain["copies"],
        "cpu_us_per_frame": plain["cpu_us_per_displayed"],
        "cpu_us_per_frame_runs": [run["cpu_us_per_displayed"] for run in plains],
        "syscalls_per_frame": round(sum(per_call.values()), 2),
        "syscalls_by_name": per_call,
        "instructions_per_frame": round(instructions),
    }


def main():
    out = Path(sys.argv[1])
    res = {mode: mode_result(out, mode) for mode in ("zero-copy", "copy")}
    zc, cp = res["zero-copy"], res["copy"]
    res["copy_over_zero_copy"] = {
        "cpu_time": round(cp["cpu_us_per_frame"] / zc["cpu_us_per_frame"], 2),
        "syscalls": round(cp["syscalls_per_frame"] / zc["syscalls_per_frame"], 2),
        "instructions": round(cp["instructions_per_frame"] / zc["instructions_per_frame"], 2),
    }
    (out / "results.json").write_text(json.dumps(res, indent=2) + "\n")
    rows = [
        "| path | displayed / captured | CPU copies | CPU time per frame, median (range) of 3 "
        "| syscalls per frame "
        "| user-space instructions per frame |",
        "|---|---|---|---|---|---|",
    ]
    for mode in ("zero-copy", "copy"):
        r = res[mode]
        rows.append(f"| {mode} | {r['displayed']} / {r['captured']} | {r['copies']} | "
                    f"{r['cpu_us_per_frame']:.0f} µs ({min(r['cpu_us_per_frame_runs']):.0f}–"
                    f"{max(r['cpu_us_per_frame_runs']):.0f}) | {r['syscalls_per_frame']:.1f} | "
                    f"{r['instructions_per_frame']:,} |")
    ratio = res["copy_over_zero_copy"]
    rows.append(f"| copy ÷ zero-copy | | | {ratio['cpu_time']}× | {ratio['syscalls']}× | "
                f"{ratio['instructions']}× |")
    table = "\n".join(rows) + "\n"
    (out / "results.md").write_text(table)
    print(table)
    for mode in ("zero-copy", "copy"):
        print(f"{mode} syscalls per frame: {res[mode]['syscalls_by_name']}")


if __name__ == "__main__":
    main()
