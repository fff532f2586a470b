#!/usr/bin/env python3
"""compare-output.py: runs a sample and compares what it prints with the
expected output, for the sample tests of tests/samples/meson.build.

    compare-output.py [--python] --expected FILE [--expected-stderr FILE]
                      -- COMMAND [ARG...]

stdout must equal FILE byte for byte. stderr is reduced to its diagnostic
lines (a line that contains one of asyncio's diagnostic headlines counts as
that headline, since braid and CPython word the details differently), which
must equal the lines of --expected-stderr, or be empty without it. The
command must exit with status 0. On a mismatch the script prints a unified
diff and exits 1.

--python: COMMAND is a Python program run with the python3 found in PATH;
exits 77 (skip) when there is none, or when it is older than 3.11, whose
asyncio orders some steps differently.
"""
import argparse
import difflib
import shutil
import subprocess
import sys

DIAGNOSTICS = (
    "Task exception was never retrieved",
    "Task was destroyed but it is pending!",
)
SKIP = 77


def diagnostic_lines(text):
    """The diagnostic headlines found in @text, one per line that has one."""
    found = []
    for line in text.splitlines():
        for headline in DIAGNOSTICS:
            if headline in line:
                found.append(headline + "\n")
                break
    return found


def show_diff(what, expected, actual, expected_name):
    """Prints a unified diff of two lists of lines; returns False."""
    print(f"FAIL: {what} differs from {expected_name}")
    sys.stdout.writelines(difflib.unified_diff(
        expected, actual, fromfile=expected_name, tofile=f"actual {what}"))
    print()
    return False


def python_command(command):
    """The command with python3 put in front, or None to skip."""
    python = shutil.which("python3")
    if python is None:
        print("SKIP: python3 is not installed")
        return None
    version = subprocess.run(
        [python, "-c", "import sys; print(sys.version_info >= (3, 11))"],
        capture_output=True, text=True)
    if version.stdout.strip() != "True":
        print("SKIP: python3 is older than 3.11")
        return None
    return [python] + command


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--python", action="store_true")
    parser.add_argument("--expected", required=True)
    parser.add_argument("--expected-stderr")
    parser.add_argument("command", nargs="+")
    args = parser.parse_args()

    command = args.command
    if args.python:
        command = python_command(command)
        if command is None:
            return SKIP

    with open(args.expected, encoding="utf-8") as f:
        expected = f.read().splitlines(keepends=True)
    expected_diag = []
    if args.expected_stderr:
        with open(args.expected_stderr, encoding="utf-8") as f:
            expected_diag = f.read().splitlines(keepends=True)

    try:
        # Below meson's 60 s timeout for these tests, so that a hang is
        # reported here with the command rather than killed by meson.
        proc = subprocess.run(command, capture_output=True, timeout=50)
    except subprocess.TimeoutExpired:
        print(f"FAIL: {' '.join(command)} did not finish in 50 s")
        return 1
    stdout = proc.stdout.decode("utf-8", "replace")
    stderr = proc.stderr.decode("utf-8", "replace")

    ok = True
    if proc.returncode != 0:
        print(f"FAIL: {' '.join(command)} exited with status "
              f"{proc.returncode}")
        ok = False
    actual = stdout.splitlines(keepends=True)
    if actual != expected:
        ok = show_diff("stdout", expected, actual, args.expected)
    actual_diag = diagnostic_lines(stderr)
    if actual_diag != expected_diag:
        ok = show_diff("stderr diagnostics", expected_diag, actual_diag,
                       args.expected_stderr or "(no diagnostics)")
    if not ok:
        print("---- stderr of the run ----")
        sys.stdout.write(stderr)
        return 1
    print(f"ok: {' '.join(command)} printed {args.expected}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
