#!/usr/bin/env python3
"""The primecam program with its back-end modules absent or broken.

    test_module_errors.py PRIMECAM SOURCE_DIR FIXTURE_DIR BUILT_MODULES...

Runs the built program on shipped configs that need a module, with
PRIMECAM_MODULE_DIR pointing at an empty folder (the modules are not
installed) and at FIXTURE_DIR (a module that does not load, a module of
another interface version), and checks the one error each run gives: the
config, the module, dlerror()'s text and the Debian packages. No device is
needed: a config's modules are loaded before any device is opened. Then
`primecam list` with the modules where the build put them says each one
loaded.
"""
import os
import subprocess
import sys
import tempfile

failures = []


def run(args, module_dir):
    env = dict(os.environ)
    if module_dir is None:
        env.pop("PRIMECAM_MODULE_DIR", None)
    else:
        env["PRIMECAM_MODULE_DIR"] = module_dir
    done = subprocess.run([PRIMECAM] + args, env=env, capture_output=True, text=True,
                          timeout=120)
    return done.returncode, done.stdout, done.stderr


def expect(what, condition, output):
    if not condition:
        failures.append(what)
        print(f"FAIL: {what}\n--- output:\n{output}\n---", file=sys.stderr)
    else:
        print(f"ok: {what}")


def expect_error(config, module_dir, needles):
    path = os.path.join(SOURCE_DIR, "configs", config)
    status, out, err = run(["run", path, "--frames", "1"], module_dir)
    lines = [line for line in err.splitlines() if line.strip()]
    expect(f"run {config} with modules from {module_dir}: exit status 1", status == 1, err)
    expect(f"run {config}: one line on stderr", len(lines) == 1, err)
    for needle in needles:
        expect(f"run {config}: stderr says {needle!r}", needle in err, err)


def main():
    global PRIMECAM, SOURCE_DIR
    PRIMECAM, SOURCE_DIR, fixtures = sys.argv[1], sys.argv[2], sys.argv[3]
    built = set(sys.argv[4:])

    with tempfile.TemporaryDirectory() as empty:
        missing = "cannot open shared object file"
        if "libcamera" in built:
            expect_error("vimc-libcamera-vkms.toml", empty,
                         ["vimc-libcamera-vkms.toml: source.type: the libcamera module",
                          empty + "/primecam-libcamera.so: " + missing,
                          "Debian package libcamera0.0.3"])
        if "egl" in built:
            expect_error("vivid-gl-headless.toml", empty,
                         ["vivid-gl-headless.toml: gl-headless: the egl module",
                          "primecam-egl.so: " + missing,
                          "libegl1, libgles2, libgbm1"])
        if "glfw" in built:
            expect_error("webcam-gl-window.toml", empty,
                         ["webcam-gl-window.toml: gl-window: the glfw module",
                          "primecam-glfw.so: " + missing, "libglfw3"])
        if "libv4l2" in built:
            expect_error("vivid-bayer-libv4l2-null.toml", empty,
                         ['source.memory = "libv4l2": the libv4l2 module',
                          "primecam-libv4l2.so: " + missing, "Debian package libv4l-0"])

        status, out, err = run(["list"], empty)
        for name in sorted(built):
            expect(f"list without modules: {name} built, not loaded",
                   f"\n{name} (" in out and "built, not loaded" in
                   out.split(f"\n{name} (")[1].splitlines()[0], out)

    # A module that does not load (an undefined symbol, as with a library
    # that is too old), and one of another interface version.
    if "egl" in built:
        expect_error("vivid-gl-headless.toml", fixtures,
                     ["the egl module", "undefined symbol: primecam_test_function_nobody_defines",
                      "libegl1, libgles2, libgbm1"])
    if "libv4l2" in built:
        expect_error("vivid-bayer-libv4l2-null.toml", fixtures,
                     ["the libv4l2 module", "of interface version",
                      "install primecam and its modules from one build"])

    # Where the build put them: each one this build has loads.
    status, out, err = run(["list"], None)
    for name in sorted(built):
        expect(f"list: {name} loaded", f"\n{name} (" in out and
               out.split(f"\n{name} (")[1].splitlines()[0].endswith(": loaded"), out + err)

    if failures:
        print(f"{len(failures)} checks failed", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
