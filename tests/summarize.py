#!/usr/bin/env python3
"""Closing line of tests/run-all.sh.

Counts the test cases in JUnit XML files (meson's testlog.junit.xml and
GoogleTest's --gtest_output=xml) and prints, per part and in total,
"N passed, N failed, N skipped". A part named with --require must exist,
have run at least one test and skipped none: the VM's device tests are the
ones that CI must never pass by skipping.
"""
import argparse
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


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("parts", nargs="+", metavar="NAME=FILE")
    parser.add_argument("--require", action="append", default=[], metavar="NAME")
    args = parser.parse_args()

    totals = [0, 0, 0]
    ok = True
    seen = set()
    for part in args.parts:
        name, _, path = part.partition("=")
        seen.add(name)
        try:
            p, f, s = count(path)
        except (OSError, ET.ParseError) as err:
            print(f"{name}: no results ({err})")
            ok = ok and name not in args.require
            continue
        print(f"{name}: {p} passed, {f} failed, {s} skipped")
        if name in args.require and (p + f == 0 or s > 0):
            print(f"{name}: must run tests and skip none")
            ok = False
        totals = [totals[0] + p, totals[1] + f, totals[2] + s]
    for name in set(args.require) - seen:
        print(f"{name}: required but not given")
        ok = False
    print(f"{totals[0]} passed, {totals[1]} failed, {totals[2]} skipped")
    return 0 if ok and totals[1] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
