#!/usr/bin/env python3
"""A hardware converter and scaler against a CPU conversion and against
GStreamer, vivid to vkms at 640x480, in one VM boot.

    bench/m2m.py PRIMECAM OUT_DIR [ROUNDS]

Runs inside the test VM (bench/run.sh boots it). Three paths put the same
picture on a 640x480 vkms primary plane:
  m2m        configs/vivid-vim2m-vkms.toml: vivid 320x180 BGR888 -> vim2m
             (DMABUF import on its OUTPUT queue) -> RGB565 640x480 ->
             vkms; no CPU touches a pixel;
  cpu        vivid 640x480 BGR888 -> a CPU convert stage (libyuv) ->
             XRGB8888 dumb buffers -> vkms: the same display without the
             hardware (primecam has no CPU scaler, so the camera captures
             at the display's size);
  gstreamer  gst-launch-1.0 v4l2src io-mode=dmabuf ! 320x180 RGB !
             v4l2convert output-io-mode=dmabuf-import ! RGB16 640x480 !
             kmssink: the m2m path as GStreamer 1.22 does it;
  direct     configs/vivid-vkms.toml: vivid 640x480 XRGB8888 straight to
             the plane, no conversion at all: the floor.
vim2m converts in software, in device_run, which the m2m core calls from
the QBUF that makes a job ready when the device is idle (charged to the
process that queued) but from its own worker when a job is already queued
behind the one finishing (charged to no process). So a program that keeps
one job at a time pays for the emulated hardware and one that queues
several does not: the process's CPU does not compare the two paths. The
whole VM's busy time over the run (/proc/stat) does, and is recorded too.
Per-frame cost is the marginal cost: CPU time (user + system from wait4,
the whole process with its threads) of a run of LONG frames minus that of
a run of SHORT, over the difference in frames, so that start-up cancels
out; ROUNDS rounds (default 3), the paths alternating; the median round.
Writes OUT_DIR/m2m.json.
"""
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from startup import vivid_capture_node, vkms_card  # noqa: E402 (after the path)

SHORT, LONG = 25, 300
PATHS = ("m2m", "cpu", "gstreamer", "direct")

CPU_CONFIG = """# bench/m2m.py: the m2m path's picture without the hardware
[source]
type = "v4l2"
device = "vivid"
api = "single-planar"
format = "BGR888"
width = 640
height = 480
fps = 25
buffers = 8

[source.controls]
timestamp_source = 1

[[stage]]
type = "convert"
format = "XRGB8888"

[[sink]]
type = "kms"
card = "vkms"
plane = "primary"
placement = "fullscreen"
mode = "640x480"
"""


def busy_ms():
    """CPU time the whole VM spent busy so far (/proc/stat: every state but
    idle and iowait), in ms."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) * 1000.0 / os.sysconf("SC_CLK_TCK")


def run(argv, env=None):
    """The CPU ms of one run of argv, which must succeed: (user, system, the
    whole VM's)."""
    before = busy_ms()
    with open(os.devnull, "wb") as null:
        proc = subprocess.Popen(argv, stdout=null, stderr=subprocess.PIPE, env=env)
        _, status, usage = os.wait4(proc.pid, 0)
        err = proc.stderr.read().decode(errors="replace")
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"m2m.py: {' '.join(argv)} failed (exit {proc.returncode}): {err}")
    return usage.ru_utime * 1000.0, usage.ru_stime * 1000.0, busy_ms() - before


def main():
    primecam, out = sys.argv[1], Path(sys.argv[2])
    rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 3
    out.mkdir(parents=True, exist_ok=True)
    cpu_config = out / "m2m-cpu.toml"
    cpu_config.write_text(CPU_CONFIG)
    video = vivid_capture_node()
    vkms_card()  # there must be one: kmssink finds it by driver name
    # GStreamer's plugin registry in the writable share: the first run
    # builds it, which is start-up of the very first run only.
    env = dict(os.environ, GST_REGISTRY=str(out / "gst-registry.bin"))

    def argv(path, frames, stats):
        if path == "m2m":
            return [primecam, "run", "configs/vivid-vim2m-vkms.toml", "--frames", str(frames),
                    "--stats", str(stats)]
        if path == "direct":
            return [primecam, "run", "configs/vivid-vkms.toml", "--frames", str(frames),
                    "--stats", str(stats)]
        if path == "cpu":
            return [primecam, "run", str(cpu_config), "--frames", str(frames),
                    "--stats", str(stats)]
        return ["gst-launch-1.0", "-q", "v4l2src", f"device={video}", "io-mode=dmabuf",
                f"num-buffers={frames}", "!",
                "video/x-raw,format=RGB,width=320,height=180,framerate=25/1", "!",
                "v4l2convert", "output-io-mode=dmabuf-import", "!",
                "video/x-raw,format=RGB16,width=640,height=480", "!",
                "kmssink", "driver-name=vkms"]

    # Not counted: GStreamer's registry and the first opening of each path.
    for path in PATHS:
        run(argv(path, SHORT, out / f"m2m-{path}-warmup.json"), env)

    runs = []
    for r in range(rounds):
        for path in PATHS:
            row = {"round": r, "path": path}
            for frames in (SHORT, LONG):
                stats = out / f"m2m-{path}-{frames}-{r}.json"
                user, system, whole = run(argv(path, frames, stats), env)
                row[frames] = {"cpu_ms": round(user + system, 2), "user_ms": round(user, 2),
                               "system_ms": round(system, 2), "vm_ms": round(whole, 2)}
                if path != "gstreamer":
                    doc = json.loads(stats.read_text())
                    row[frames].update(captured=doc["captured"],
                                       displayed=doc["sinks"][0]["displayed"],
                                       copies=doc["copies"],
                                       conversions=doc.get("conversions"))
            runs.append(row)

    figures = {}
    for path in PATHS:
        per_frame, user, system, whole = [], [], [], []
        for row in runs:
            if row["path"] != path:
                continue
            # gst-launch's num-buffers is what v4l2src pushes: the frames.
            frames = (row[LONG]["captured"] - row[SHORT]["captured"]
                      if path != "gstreamer" else LONG - SHORT)

            def marginal(key):
                return (row[LONG][key] - row[SHORT][key]) * 1000 / frames
            per_frame.append(marginal("cpu_ms"))
            user.append(marginal("user_ms"))
            system.append(marginal("system_ms"))
            whole.append(marginal("vm_ms"))
        long_runs = [row[LONG] for row in runs if row["path"] == path]
        figures[path] = {
            "cpu_us_per_frame": round(statistics.median(per_frame), 1),
            "cpu_us_per_frame_runs": [round(v, 1) for v in per_frame],
            "vm_us_per_frame": round(statistics.median(whole), 1),
            "vm_us_per_frame_runs": [round(v, 1) for v in whole],
            # of the median round
            "user_us_per_frame": round(user[per_frame.index(statistics.median(per_frame))], 1),
            "system_us_per_frame": round(system[per_frame.index(statistics.median(per_frame))],
                                         1),
            "copies": [r.get("copies") for r in long_runs],
            "conversions": [r.get("conversions") for r in long_runs],
            "displayed_of_captured": [[r.get("displayed"), r.get("captured")]
                                      for r in long_runs],
        }
    doc = {"frames": {"short": SHORT, "long": LONG}, "rounds": rounds, "figures": figures,
           "runs": runs}
    (out / "m2m.json").write_text(json.dumps(doc, indent=2) + "\n")
    for path, fig in figures.items():
        print(f"{path}: {fig['cpu_us_per_frame']} µs per frame {fig['cpu_us_per_frame_runs']}")


if __name__ == "__main__":
    main()
