#!/usr/bin/env python3
"""test-bad-input.py: what cannot be traced is said in one line, with a
non-zero status, and leaves no trace behind (nothing that could claim to
be a complete run): through `braid run` and through `python3 -m braid`,
for a missing file, a text file that is not Python, a binary file, a
syntax error, a missing module, an unknown option, and a braid package
whose recorder extension was not built for the Python that runs it.
"""
import os
import shutil
import subprocess

import pytrace
from pytrace import check

TMP = pytrace.tmpdir()


def write(name, data):
    path = os.path.join(TMP, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


NOT_PYTHON = write("notes.txt", b"These are notes, not a program.\n")
BINARY = write("binary.py", bytes(range(256)) * 4)
SYNTAX = write("syntax.py", b"import asyncio\n\ndef broken(:\n    pass\n")
MISSING = os.path.join(TMP, "missing.py")


def expect_refused(what, command, needle, **env):
    """Runs @command, which must fail: status 2, one line on stderr that
    contains @needle, nothing on stdout, and no trace written."""
    trace = os.path.join(TMP, "refused.braid")
    for suffix in ("", "-wal", "-shm"):
        if os.path.exists(trace + suffix):
            os.unlink(trace + suffix)
    full = [c.replace("TRACE", trace) for c in command]
    run = subprocess.run(full, env=pytrace.env(**env), capture_output=True,
                         text=True, timeout=60)
    lines = run.stderr.splitlines()
    ok = check(run.returncode == 2, f"{what}: status {run.returncode}, not 2")
    ok &= check(len(lines) == 1, f"{what}: {len(lines)} lines on stderr: "
                f"{run.stderr!r}")
    ok &= check(needle in run.stderr, f"{what}: {needle!r} not in "
                f"{run.stderr!r}")
    ok &= check(run.stdout == "", f"{what}: stdout {run.stdout!r}")
    ok &= check(not os.path.exists(trace), f"{what}: a trace was written")
    if ok:
        print(f"ok: {what}: {lines[0]}")


def main():
    braid = [pytrace.BRAID, "run", "-o", "TRACE", "--"]
    module = [pytrace.PYTHON, "-m", "braid", "-o", "TRACE"]
    py = pytrace.PYTHON
    pythonpath = os.environ["BRAID_PYTHONPATH"]
    for how, prefix, extra in (("braid run", braid + [py], {}),
                               ("python3 -m braid", module,
                                {"PYTHONPATH": pythonpath})):
        expect_refused(f"{how}: a missing file", prefix + [MISSING],
                       "missing.py", **extra)
        expect_refused(f"{how}: not a Python file", prefix + [NOT_PYTHON],
                       "notes.txt", **extra)
        expect_refused(f"{how}: a binary file", prefix + [BINARY],
                       "binary.py", **extra)
        expect_refused(f"{how}: a syntax error", prefix + [SYNTAX],
                       "syntax.py:3", **extra)
        expect_refused(f"{how}: a missing module",
                       prefix + ["-m", "no_such_module_here"],
                       "no_such_module_here", **extra)
    expect_refused("python3 -m braid: an unknown option",
                   module + ["--frobnicate", SYNTAX], "--frobnicate",
                   PYTHONPATH=pythonpath)
    # A .py file alone runs with the Python braid was built for.
    expect_refused("braid run: a .py file alone, with a syntax error",
                   braid + [SYNTAX], "syntax.py:3")

    # The package without its C recorder, as a Python for which it was
    # not built would see it.
    bare = os.path.join(TMP, "bare")
    shutil.copytree(os.path.join(pythonpath, "braid"),
                    os.path.join(bare, "braid"),
                    ignore=shutil.ignore_patterns("_recorder*", "*.so",
                                                  "__pycache__"))
    good = os.path.join(pytrace.PROGRAMS, "exit_3.py")
    expect_refused("braid run: a Python without the recorder",
                   braid + [py, good], "recorder is not built",
                   BRAID_PYTHONPATH=bare)
    expect_refused("python3 -m braid: a Python without the recorder",
                   module + [good], "recorder is not built",
                   PYTHONPATH=bare)
    # And a braid run that finds no package at all.
    expect_refused("braid run: no braid package",
                   braid + [py, good], "no braid Python package",
                   BRAID_PYTHONPATH=os.path.join(TMP, "nowhere"))
    pytrace.finish("bad input refused in one line, status 2, no trace")


if __name__ == "__main__":
    main()
