"""pytrace.py: what the tests of the braid Python module share.

The tests run real CPython programs under `braid run` (and under
`python3 -m braid`) and read the traces they write: through the reader
(`braid report`, `braid problems`) and through the documented views of the
file (tracer/SCHEMA.md) with sqlite3. meson sets, in the environment:

    BRAID_EXE          the braid tool of the build
    BRAID_PYTHON       the Python the module is built for
    BRAID_PYTHONPATH   the directory that holds the built braid package
"""
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile

BRAID = os.environ.get("BRAID_EXE", "braid")
PYTHON = os.environ.get("BRAID_PYTHON", sys.executable)
HERE = os.path.dirname(os.path.abspath(__file__))
PROGRAMS = os.path.join(HERE, "programs")


def env(**extra):
    """The environment of a traced run: the build's package, and
    BRAID_CLOCK/BRAID_TRACE cleared unless given."""
    e = dict(os.environ)
    e.pop("BRAID_CLOCK", None)
    e.pop("BRAID_TRACE", None)
    e.update({k: v for k, v in extra.items() if v is not None})
    return e


def tmpdir():
    """A temporary directory that lives as long as the test."""
    d = tempfile.TemporaryDirectory(prefix="braid-pytrace-")
    tmpdir.keep.append(d)
    return d.name


tmpdir.keep = []


def braid(*args, timeout=120, **extra):
    """Runs the braid tool with @args in env(**extra) and returns the
    CompletedProcess (text output)."""
    return subprocess.run([BRAID, *args], env=env(**extra),
                          capture_output=True, text=True, timeout=timeout)


def braid_run(trace, command, timeout=60, **extra):
    """Runs `braid run -o TRACE -- COMMAND` and returns the
    CompletedProcess (text output)."""
    return braid("run", "-o", trace, "--", *command, timeout=timeout,
                 **extra)


def start_in_group(trace, command, sig):
    """Starts `braid run -o TRACE -- COMMAND` in a process group of its
    own, as a terminal's foreground group, with @sig at its default action
    whatever this test inherited (a background shell ignores SIGINT, and
    Python then keeps ignoring it); returns the Popen (text pipes)."""
    return subprocess.Popen(
        [BRAID, "run", "-o", trace, "--"] + command, env=env(),
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(sig, signal.SIG_DFL))


def signal_group(proc, sig, timeout=30):
    """Sends @sig to the group of @proc (from start_in_group) and waits for
    it to end; kills the group if it is still there after @timeout s."""
    try:
        os.killpg(proc.pid, sig)
        proc.communicate(timeout=timeout)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def query(trace, sql, *args):
    """The rows of @sql on the finalized trace @trace (read-only)."""
    db = sqlite3.connect(f"file:{trace}?mode=ro", uri=True)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def meta(trace):
    """The meta table as a dict."""
    return dict(query(trace, "SELECT key, value FROM meta"))


def check_complete(trace):
    """Fails unless @trace is a finalized, complete trace that the reader
    opens (braid report exits 0)."""
    m = meta(trace)
    check(str(m.get("complete")) == "1", f"{trace}: meta.complete is "
          f"{m.get('complete')!r}, not 1")
    check(str(m.get("finalized")) == "1", f"{trace}: not finalized")
    report = braid("report", trace)
    check(report.returncode == 0,
          f"braid report {trace} exited {report.returncode}: "
          f"{report.stderr.strip()}")
    incomplete = query(trace, "SELECT count(*) FROM problems "
                              "WHERE kind = 'incomplete'")[0][0]
    check(incomplete == 0, f"{trace}: the problems view says incomplete")
    return report.stdout


UNNAMED = re.compile(r"^Task-\d+$")


def tasks(trace):
    """[(name, function, outcome, file, parent name)] in order of creation,
    from the task_summary and tasks views."""
    return query(trace, """
        SELECT s.name, s.function, s.outcome, s.file, p.name
        FROM task_summary s JOIN tasks t ON t.task = s.task
        LEFT JOIN tasks p ON p.task = s.parent
        ORDER BY t.created_seq""")


def canonical(names):
    """Names with asyncio's and braid's numbering taken out: the k-th
    unnamed task (Task-N) of the trace becomes 'Task#k'; named tasks keep
    their names. The numbers themselves differ between runtimes (asyncio
    counts tasks that a trace leaves out, such as asyncio.run's clean-up
    tasks)."""
    out, k = {}, 0
    for name in names:
        if UNNAMED.match(name) and name not in out:
            k += 1
            out[name] = f"Task#{k}"
    return lambda name: out.get(name, name)


failures = []


def check(ok, message):
    """Records a failed check (the test goes on, and fails at the end)."""
    if not ok:
        failures.append(message)
        print(f"FAIL: {message}")
    return ok


def finish(what):
    """Exits 0 with a line saying what passed, or 1."""
    if failures:
        print(f"{len(failures)} check(s) failed")
        sys.exit(1)
    print(f"ok: {what}")
    sys.exit(0)
