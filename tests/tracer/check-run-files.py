#!/usr/bin/env python3
"""The trace files of one run read as one run by the braid CLI.

A shell script (not traced) run by `braid run` starts two samples, and
each writes its own trace (the first FILE, the other FILE.PID.braid),
both with the same meta.run_id. Then:
- `braid report` over both files has a part per process (its program and
  pid) and the run's totals, which are the sums of the parts;
- `braid problems` over never_retrieved and might_fail of one run labels
  the never-retrieved error with never_retrieved's program and pid;
- `braid export` of both (chrome and, where protoc is, perfetto) is one
  output with the two pids, the second process's events moved by the
  time it started after the first;
- traces of two different runs given together are refused by report,
  problems and export with one line on stderr and exit status 2.
Real samples, real files: the pids and run ids are read from the traces
with sqlite3.
"""
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

from cli_test import braid, failures, fail, protoc_decode

PROTO = sys.argv[1] if len(sys.argv) > 1 else None


def sample(name):
    return os.environ["SAMPLE_" + name.upper()]


def meta(path):
    db = sqlite3.connect(path)
    rows = dict(db.execute("SELECT key, value FROM meta").fetchall())
    db.close()
    return rows


def run_tree(directory, first, second, sequential=False):
    """Runs two samples from one script under braid run; returns the
    trace files, the first process's first."""
    os.mkdir(directory)
    trace = os.path.join(directory, "t.braid")
    script = ("%s >/dev/null 2>&1; %s >/dev/null 2>&1" if sequential
              else "%s >/dev/null 2>&1 & %s >/dev/null 2>&1; wait") % (
                  sample(first), sample(second))
    r = braid("run", "-o", trace, "--", "sh", "-c", script)
    files = sorted(os.path.join(directory, f) for f in os.listdir(directory)
                   if f.endswith(".braid"))
    if len(files) != 2:
        fail("braid run of %s and %s: files %s (%s)" % (
            first, second, files, r.stderr.decode()))
    return files


def program_of(path):
    return os.path.basename(meta(path)["program"])


def check_report(files):
    r = braid("report", "--width", "40", *files)
    out = r.stdout.decode()
    if r.returncode != 0:
        fail("report: exit %d, %s" % (r.returncode, r.stderr.decode()))
        return
    parts = re.findall(r"^== process (\d) of 2: (\S+) \(pid (\d+)\)", out,
                       re.M)
    want = sorted((program_of(f), str(meta(f)["pid"])) for f in files)
    if sorted((p[1], p[2]) for p in parts) != want:
        fail("report: process headings %s, want %s" % (parts, want))
    tasks = [int(n) for n in re.findall(r"^tasks +(\d+):", out, re.M)]
    events = [int(n) for n in re.findall(r"^events +(\d+),", out, re.M)]
    if "== run: 2 processes ==" not in out or len(tasks) != 3:
        fail("report: no totals in %r" % out)
        return
    if tasks[2] != tasks[0] + tasks[1] or events[2] != events[0] + events[1]:
        fail("report: totals %s %s are not the sums" % (tasks, events))
    for f in files:
        if "events" not in meta(f) or int(meta(f)["events"]) not in events:
            fail("report: %s's events not reported" % f)
    print("ok report over two processes: tasks %s, events %s" % (
        tasks, events))


def check_problems(files):
    r = braid("problems", *files)
    out = r.stdout.decode()
    nr = next(f for f in files if program_of(f) == "never_retrieved")
    label = "[never_retrieved %d] never-retrieved:" % meta(nr)["pid"]
    if r.returncode != 1 or label not in out:
        fail("problems: exit %d, no %r in %r" % (r.returncode, label, out))
        return
    for line in out.splitlines():
        if re.match(r"[a-z-]+: ", line):
            fail("problems: an unlabelled problem: %r" % line)
    print("ok problems labelled with their process: %s" % label)


def check_export(files, tmp):
    pids = {meta(f)["pid"] for f in files}
    starts = {meta(f)["pid"]: meta(f)["start_unix_ns"] for f in files}
    first = min(starts.values())
    out = os.path.join(tmp, "run.json")
    r = braid("export", *files, "-o", out)
    if r.returncode != 0:
        fail("export: exit %d, %s" % (r.returncode, r.stderr.decode()))
        return
    with open(out, encoding="utf-8") as f:
        doc = json.load(f)
    events = doc["traceEvents"]
    got = {e["pid"] for e in events}
    if got != pids:
        fail("export: pids %s, want %s" % (got, pids))
    if doc["otherData"]["start_unix_ns"] != first:
        fail("export: start %s, want the first's %d" % (
            doc["otherData"]["start_unix_ns"], first))
    # Aligned: no event of a process lies before its own time 0 on the
    # run's clock (SCHEMA.md, "Several files of one run": on
    # CLOCK_MONOTONIC when every file records its start there).
    zero = {}
    for f in files:
        m = meta(f)
        if all("start_monotonic_ns" in meta(g) for g in files):
            zero[m["pid"]] = (m["time_base_ns"] if m["clock"] == "monotonic"
                              and m.get("time_base_ns", 0) > 0
                              else m["start_monotonic_ns"])
        else:
            zero[m["pid"]] = m["start_unix_ns"]
    for pid in pids:
        shift_us = (zero[pid] - min(zero.values())) / 1000.0
        ts = [e["ts"] for e in events if e["pid"] == pid and "ts" in e]
        if not ts or min(ts) < shift_us - 0.001:
            fail("export: pid %d starts at %s, before %s" % (
                pid, min(ts) if ts else None, shift_us))
    flows = [e["id"] for e in events if e["ph"] == "s"]
    if len(flows) != len(set(flows)):
        fail("export: flow ids repeat across processes")
    print("ok chrome export of two processes: pids %s" % sorted(pids))
    if PROTO is None or subprocess.run(["sh", "-c", "command -v protoc"],
                                       stdout=subprocess.DEVNULL).returncode:
        print("SKIP perfetto export: protoc is not installed (not checked)")
        return
    pb = os.path.join(tmp, "run.pftrace")
    r = braid("export", "--format", "perfetto", *files, "-o", pb)
    if r.returncode != 0:
        fail("export perfetto: exit %d" % r.returncode)
        return
    d = protoc_decode(PROTO, pb)
    text = d.stdout.decode()
    got = {int(p) for p in re.findall(r"\bpid: (\d+)", text)}
    seqs = {int(s) for s in
            re.findall(r"trusted_packet_sequence_id: (\d+)", text)}
    if d.returncode != 0 or got != pids or seqs != {1, 2}:
        fail("export perfetto: pids %s sequences %s (%s)" % (
            got, seqs, d.stderr.decode()))
    else:
        print("ok perfetto export of two processes: pids %s" % sorted(got))


def check_other_runs(a, b, tmp):
    for args in (["report"], ["problems"],
                 ["export", "-o", os.path.join(tmp, "no.json")]):
        r = braid(*args, a, b)
        err = r.stderr.decode()
        if (r.returncode != 2 or len(err.splitlines()) != 1
                or "different runs" not in err or r.stdout):
            fail("%s of two runs: exit %d, %r" % (args[0], r.returncode,
                                                  err))
    print("ok traces of two runs refused in one line, exit 2")


def main():
    tmp = tempfile.mkdtemp(prefix="braid-run-files-")
    files = run_tree(os.path.join(tmp, "a"), "might_fail", "print_numbers")
    if len(files) == 2:
        ids = {meta(f).get("run_id") for f in files}
        if len(ids) != 1 or not next(iter(ids)):
            fail("run ids %s: want one, not empty" % ids)
        check_report(files)
        check_export(files, tmp)
    other = run_tree(os.path.join(tmp, "b"), "never_retrieved",
                     "might_fail", sequential=True)
    if len(other) == 2:
        check_problems(other)
    if files and other:
        check_other_runs(files[0], other[0], tmp)
    # A program traced by hand (BRAID_TRACE, no braid run) starts a run
    # of its own: its trace has a run id, not the one of braid run's.
    alone = os.path.join(tmp, "alone.braid")
    env = dict(os.environ, BRAID_TRACE=alone, BRAID_CLOCK="virtual",
               BRAID_MODULES=os.environ["BRAID_TRACE_MODULE"])
    env.pop("BRAID_TRACE_TREE", None)
    env.pop("BRAID_TRACE_RUN", None)
    subprocess.run([sample("print_numbers")], env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    run_id = meta(alone).get("run_id") if os.path.exists(alone) else None
    if not run_id or (files and run_id == meta(files[0]).get("run_id")):
        fail("a trace made by hand has run id %r" % run_id)
    else:
        print("ok a trace made by hand has a run id of its own")
    shutil.rmtree(tmp, ignore_errors=True)
    print("%d failures" % len(failures) if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
