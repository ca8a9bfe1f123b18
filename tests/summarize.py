#!/usr/bin/env python3
"""Closing lines of tests/run-all.sh.

Counts the test cases in JUnit XML files (meson's testlog.junit.xml and
GoogleTest's --gtest_output=xml) and prints one line per part, then the
closing line over all parts: "N passed, N failed, N skipped".

Every part given is required. A part fails when its file is missing or
unreadable (a crashed VM, a build that never got to its tests), when any of
its tests failed, when its command exited non-zero (--status), when it
reported fewer tests than its binaries list (--expect: the missing ones are
counted as failed), or, for a --no-skips part, when it skipped any. Then the
closing line reads "FAILED: N passed, N failed, N skipped", after a line
naming the failed parts, and the exit status is 1.
"""
import argparse
import subprocess
import sys
import xml.etree.ElementTree as ET


def count(path):
    """(passed, failed, skipped) over the <testcase> elements of path."""
    passed = failed = skipped = 0
    for case in ET.parse(path).getroot().iter("testcase"):
        tags = {child.tag for child in case}
        if tags & {"failure", "error"}:
            failed += 1
        elif "skipped" in tags or case.get("result") == "skipped" or case.get("status") == "notrun":
            skipped += 1
        else:
            passed += 1
    return passed, failed, skipped


def listed(binary):
    """How many tests a GoogleTest binary has: its --gtest_list_tests lists
    each suite ("Suite.") with its tests indented below it. A clean
    environment: GTEST_FILTER would shorten the list as it shortens a run."""
    out = subprocess.run([binary, "--gtest_list_tests"], check=True, capture_output=True,
                         text=True, timeout=120, env={"PATH": "/usr/bin:/bin"}).stdout
    return sum(1 for line in out.splitlines() if line.startswith("  ") and line.strip())


def pairs(values, convert):
    """NAME=VALUE options into {NAME: [converted VALUE, ...]}."""
    result = {}
    for value in values:
        name, sep, rest = value.partition("=")
        if not sep:
            raise SystemExit(f"summarize: expected NAME=VALUE, got {value!r}")
        result.setdefault(name, []).append(convert(rest))
    return result


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("parts", nargs="+", metavar="NAME=FILE")
    parser.add_argument("--expect", action="append", default=[], metavar="NAME=BINARY",
                        help="the part runs every test of this GoogleTest binary (repeatable)")
    parser.add_argument("--status", action="append", default=[], metavar="NAME=CODE",
                        help="the exit status of the part's command")
    parser.add_argument("--no-skips", action="append", default=[], metavar="NAME",
                        help="a skip in this part is a failure")
    args = parser.parse_args()
    statuses = {name: codes[-1] for name, codes in pairs(args.status, int).items()}
    binaries = pairs(args.expect, str)

    totals = [0, 0, 0]
    failed_parts = []
    for part in args.parts:
        name, _, path = part.partition("=")
        problems = []
        try:
            p, f, s = count(path)
        except (OSError, ET.ParseError) as err:
            p = f = s = 0
            problems.append(f"no results ({err})")
        expected = 0
        for binary in binaries.get(name, []):
            try:
                expected += listed(binary)
            except (OSError, subprocess.SubprocessError) as err:
                problems.append(f"cannot list the tests of {binary} ({err})")
        missing = max(0, expected - (p + f + s))
        if missing:
            problems.append(f"{missing} of the {expected} tests its binaries list did not report "
                            "(counted as failed)")
            f += missing
        if f:
            problems.append(f"{f} failed")
        if s and name in args.no_skips:
            problems.append(f"{s} skipped where nothing may skip")
        if statuses.get(name, 0) != 0:
            problems.append(f"exit status {statuses[name]}")
        print(f"{name}: {p} passed, {f} failed, {s} skipped"
              + (f" ({'; '.join(problems)})" if problems else ""))
        if problems:
            failed_parts.append(name)
        totals = [totals[0] + p, totals[1] + f, totals[2] + s]
    for name in sorted(set(statuses) - {part.partition("=")[0] for part in args.parts}):
        print(f"{name}: exit status {statuses[name]} but no results file given")
        failed_parts.append(name)

    line = f"{totals[0]} passed, {totals[1]} failed, {totals[2]} skipped"
    if failed_parts:
        print(f"failed parts: {', '.join(failed_parts)}")
        print(f"FAILED: {line}")
        return 1
    print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
