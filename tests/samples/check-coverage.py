#!/usr/bin/env python3
"""check-coverage.py: checks that samples/README.md's coverage table and
the samples agree, for tests/samples/meson.build.

    check-coverage.py SAMPLES_DIR NAME...

NAME... is meson's sample_names. Every name must have its C program, its
Python twin and its expected output, and appear as `NAME.c` in the last
column of a row of the table in SAMPLES_DIR/README.md; every sample the
table names must be in NAME... (a sample left out of sample_names would
never be tested). Prints what is wrong and exits 1, or exits 0.
"""
import os
import re
import sys


def table_samples(readme):
    """The `NAME.c` files named in the last column of the table rows."""
    found = set()
    for line in readme.splitlines():
        if not line.startswith("|") or line.startswith("| ---"):
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        found.update(re.findall(r"`(\w+)\.c`", cells[-1]))
    return found


def main():
    if len(sys.argv) < 3:
        print("usage: check-coverage.py SAMPLES_DIR NAME...")
        return 2
    samples_dir, names = sys.argv[1], set(sys.argv[2:])
    problems = []
    for name in sorted(names):
        for rel in (f"{name}.c", f"python/{name}.py", f"expected/{name}.txt"):
            if not os.path.isfile(os.path.join(samples_dir, rel)):
                problems.append(f"{name}: {rel} is missing")
    with open(os.path.join(samples_dir, "README.md"), encoding="utf-8") as f:
        listed = table_samples(f.read())
    for name in sorted(names - listed):
        problems.append(f"{name}: not in README.md's coverage table")
    for name in sorted(listed - names):
        problems.append(f"{name}: in README.md's table but not in "
                        "sample_names")
    for p in problems:
        print(f"FAIL: {p}")
    if problems:
        return 1
    print(f"ok: {len(names)} samples, all in README.md's table")
    return 0


if __name__ == "__main__":
    sys.exit(main())
