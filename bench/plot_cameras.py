#!/usr/bin/env python3
"""Draws bench/cameras.py's figures: CPU per frame per camera against the
number of cameras, to planes and to null sinks, with the goal (at most 1.2x
the cost of one camera to a plane).

    bench/plot_cameras.py OUT_DIR/cameras.json OUT.png

The README shows bench/cameras.png, written by bench/run.sh through this.
"""
import json
import sys

import matplotlib

matplotlib.use("Agg")  # no display: the VM's host and CI have none
import matplotlib.pyplot as plt  # noqa: E402 (after the back end is chosen)

LABELS = {"planes": "each camera to a vkms overlay plane (one display)",
          "null": "each camera to a null sink"}


def main():
    doc = json.loads(open(sys.argv[1]).read())
    figures = doc["figures"].values()
    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=100)
    for sink, style in (("planes", "o-"), ("null", "s--")):
        rows = sorted((f for f in figures if f["sink"] == sink), key=lambda f: f["cameras"])
        counts = [f["cameras"] for f in rows]
        ax.plot(counts, [f["cpu_us_per_camera_frame"] for f in rows], style,
                label=LABELS[sink])
        # The range of the rounds, as a bar at each point.
        for f in rows:
            runs = f["cpu_us_per_camera_frame_runs"]
            ax.vlines(f["cameras"], min(runs), max(runs), colors="grey", linewidth=1)
    one = next(f for f in figures if f["sink"] == "planes" and f["cameras"] == 1)
    ax.axhline(1.2 * one["cpu_us_per_camera_frame"], color="red", linestyle=":",
               label="goal: 1.2 × one camera to a plane")
    ax.set_xscale("log", base=2)
    ax.set_xticks([1, 2, 4, 8], ["1", "2", "4", "8"])
    ax.set_ylim(0, ax.get_ylim()[1] * 1.3)  # room for the legend above the lines
    ax.set_xlabel("cameras (vivid 320x180 XRGB8888, 25 fps each)")
    ax.set_ylabel("CPU µs per frame per camera")
    ax.set_title("primecam: marginal CPU per camera frame (VM, one boot)", fontsize=10)
    ax.legend(fontsize=8, loc="upper right")
    fig.tight_layout()
    fig.savefig(sys.argv[2])


if __name__ == "__main__":
    main()
