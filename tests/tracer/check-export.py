#!/usr/bin/env python3
"""check-export.py: `braid export` checked on real traces.

Traces samples with `braid run` on the virtual clock, then checks:
- Chrome JSON (both axes): valid UTF-8 JSON; every flow event (ph s / f)
  lies inside a complete slice (ph X) on its own thread, which is where
  Perfetto binds a flow; one pid everywhere, named by process_name.
- Perfetto protobuf (both axes), decoded by `protoc --decode` against
  perfetto-subset.proto: a process track with the program's name and the
  JSON's pid, a track per task named as in the JSON and nested under its
  creator, slices that begin and end in pairs, properly nested on each
  track in the order Perfetto reads them (time, then file order), the
  same number of slices per task as the JSON, interned names sent before
  use, every flow leaving one slice and entering a later one, between
  the same tracks as the JSON's flow events, instants with the JSON's
  names and output text, and as many tasks, slices, flows and instants
  as the reader's model (libbraid-trace through ctypes) has tasks,
  slices, edges and marks.
- A killed recording exports, with a note on stderr that it is
  incomplete; an unwritable output path is one line on stderr and exit 2.
- Process trees: two samples run by one shell script under `braid run`
  write two complete traces (t.braid and t.PID.braid), which braid run
  lists.

Environment: BRAID_EXE, SAMPLE_<NAME> and SAMPLE_ARGS_<NAME> (as
tests/tracer/meson.build sets them), BRAID_TRACE_MODULE. Argument: the
path of perfetto-subset.proto; then optional sample names to check with
protobuf (default: a few), every sample being checked with JSON.
"""
import ctypes
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time

from cli_test import failures, fail, protoc_decode
import cli_test

PROTO = sys.argv[1]
PROTO_SAMPLES = sys.argv[2:] or ["semaphore_bounded", "might_fail",
                                 "event_workers", "never_retrieved",
                                 "print_numbers"]


def samples():
    out = {}
    for key, value in os.environ.items():
        if key.startswith("SAMPLE_") and not key.startswith("SAMPLE_ARGS_"):
            name = key[len("SAMPLE_"):].lower()
            args = os.environ.get("SAMPLE_ARGS_" + name.upper(), "")
            out[name] = [value] + args.split()
    return dict(sorted(out.items()))


def model_counts(path):
    """The numbers of tasks, slices, edges and marks of the trace at @path
    as the reader loads it (libbraid-trace through ctypes), or None when
    the library cannot be loaded here (a sanitizer build)."""
    # An ASan-instrumented library cannot be loaded into an uninstrumented
    # python3 (ASan aborts the process), so a sanitizer build says so.
    if os.environ.get("BRAID_SANITIZED"):
        print("note: reader model not checked: a sanitizer build's library "
              "does not load into python3 (the normal build checks it)")
        return None
    try:
        lib = ctypes.CDLL(os.environ["BRAID_TRACE_MODULE"])
    except OSError as e:
        print("note: reader model not checked: %s" % e)
        return None
    lib.braid_trace_open.argtypes = [ctypes.c_char_p, ctypes.c_void_p,
                                     ctypes.POINTER(ctypes.c_void_p),
                                     ctypes.POINTER(ctypes.c_void_p)]
    lib.braid_trace_close.argtypes = [ctypes.c_void_p]
    trace = ctypes.c_void_p()
    if lib.braid_trace_open(path.encode(), None, ctypes.byref(trace),
                            None) != 0:
        raise RuntimeError("the reader cannot open " + path)
    counts = {}
    n = ctypes.c_size_t()
    for what in ("tasks", "slices", "edges", "marks"):
        get = getattr(lib, "braid_trace_get_" + what)
        get.restype = ctypes.c_void_p
        get.argtypes = [ctypes.c_void_p, ctypes.POINTER(ctypes.c_size_t)]
        get(trace, ctypes.byref(n))
        counts[what] = n.value
    lib.braid_trace_close(trace)
    return counts


def braid(*args, check=True):
    return cli_test.braid(*args, check=check)


# --- Chrome JSON ---------------------------------------------------------

def check_json(name, path):
    raw = open(path, "rb").read()
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as e:
        fail("%s: not valid UTF-8 JSON: %s" % (name, e))
        return None
    events = doc["traceEvents"]
    pids = {e["pid"] for e in events if "pid" in e}
    if len(pids) != 1 or 1 in pids:
        fail("%s: expected one real pid, got %s" % (name, pids))
    if not any(e["ph"] == "M" and e["name"] == "process_name"
               for e in events):
        fail("%s: no process_name" % name)
    slices = {}
    for e in events:
        if e["ph"] == "X":
            slices.setdefault(e["tid"], []).append(
                (float(e["ts"]), float(e["ts"]) + float(e["dur"])))
    n_flows = 0
    for e in events:
        if e["ph"] not in ("s", "f"):
            continue
        n_flows += 1
        t = float(e["ts"])
        if not any(a <= t <= b for a, b in slices.get(e["tid"], [])):
            fail("%s: flow %s %s (%s) at %s on tid %s is in no slice" % (
                name, e["ph"], e["id"], e["name"], t, e["tid"]))
    flows = {}
    for e in events:
        if e["ph"] in ("s", "f"):
            flows.setdefault(e["id"], {})[e["ph"]] = e["tid"]
    for fid, ends in flows.items():
        if set(ends) != {"s", "f"}:
            fail("%s: flow %s has ends %s" % (name, fid, sorted(ends)))
    return doc


# --- protobuf, as protoc prints it ---------------------------------------

def unescape(s):
    """A protoc text-format string literal (without quotes) to str."""
    out = bytearray()
    i = 0
    simple = {"n": 10, "t": 9, "r": 13, '"': 34, "'": 39, "\\": 92,
              "a": 7, "b": 8, "f": 12, "v": 11}
    while i < len(s):
        c = s[i]
        if c != "\\":
            out += c.encode("utf-8")
            i += 1
            continue
        c = s[i + 1]
        if c in simple:
            out.append(simple[c])
            i += 2
        elif c in "01234567":
            j = i + 1
            while j < len(s) and j < i + 4 and s[j] in "01234567":
                j += 1
            out.append(int(s[i + 1:j], 8))
            i = j
        elif c == "x":
            j = i + 2
            while j < len(s) and j < i + 4 and s[j] in "0123456789abcdefABCDEF":
                j += 1
            out.append(int(s[i + 2:j], 16))
            i = j
        else:
            raise ValueError("escape \\%s" % c)
    return out.decode("utf-8")  # raises if the field is not UTF-8


def parse_text(text):
    """protoc's text format to nested dicts of lists."""
    root = {}
    stack = [root]
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        if line == "}":
            stack.pop()
        elif line.endswith("{"):
            child = {}
            stack[-1].setdefault(line[:-1].strip(), []).append(child)
            stack.append(child)
        else:
            key, value = line.split(": ", 1)
            if value.startswith('"'):
                value = unescape(value[1:-1])
            elif value.lstrip("-").isdigit():
                value = int(value)
            stack[-1].setdefault(key, []).append(value)
    return root


def one(msg, key, default=None):
    return msg.get(key, [default])[0]


def check_perfetto(name, path, doc, model):
    r = protoc_decode(PROTO, path)
    if r.returncode != 0:
        fail("%s: protoc cannot decode: %s" % (name, r.stderr.decode()))
        return
    packets = parse_text(r.stdout.decode("utf-8"))["packet"]
    events = doc["traceEvents"]
    json_pid = next(e["pid"] for e in events if "pid" in e)
    json_names = {e["tid"]: e["args"]["name"] for e in events
                  if e["ph"] == "M" and e["name"] == "thread_name"}
    json_slices = {}
    for e in events:
        if e["ph"] == "X":
            json_slices[e["tid"]] = json_slices.get(e["tid"], 0) + 1
    json_flows = {}
    for e in events:
        if e["ph"] in ("s", "f"):
            json_flows.setdefault(e["id"], {})[e["ph"]] = e["tid"]

    # Tracks.
    tracks = {}
    process = None
    interned = {}
    for p in packets:
        td = one(p, "track_descriptor")
        if td is not None:
            tracks[one(td, "uuid")] = td
            if "process" in td:
                process = td
        inter = one(p, "interned_data")
        if inter is not None:
            for en in inter.get("event_names", []):
                interned[one(en, "iid")] = one(en, "name")
    if process is None:
        fail("%s: no process track" % name)
        return
    proc = one(process, "process")
    if one(proc, "pid") != json_pid:
        fail("%s: pid %s, JSON says %s" % (name, one(proc, "pid"), json_pid))
    if name.split(" ")[0] not in one(proc, "process_name", ""):
        fail("%s: process named %r" % (name, one(proc, "process_name")))
    puuid = one(process, "uuid")
    task_tracks = {u: t for u, t in tracks.items()
                   if u != puuid
                   and not re.fullmatch(r"loop( \d+)?", one(t, "name"))}
    by_tid = {u - puuid - 1: t for u, t in task_tracks.items()}
    json_tasks = {t: n for t, n in json_names.items()
                  if not re.fullmatch(r"loop( \d+)?", n)}
    if len(task_tracks) != len(json_tasks):
        fail("%s: %d task tracks, JSON has %d tasks" % (
            name, len(task_tracks), len(json_tasks)))
    for u, t in tracks.items():
        if u != puuid and one(t, "name") != json_names.get(u - puuid - 1):
            fail("%s: track %d named %r, JSON %r" % (
                name, u - puuid - 1, one(t, "name"),
                json_names.get(u - puuid - 1)))
    for tid, t in by_tid.items():
        if one(t, "parent_uuid") not in tracks:
            fail("%s: track %d has no parent track" % (name, tid))

    # Slices and flows, in the order Perfetto reads them: by time, and in
    # file order among equal times.
    seen_iids = {}
    evs = []
    for i, p in enumerate(packets):
        inter = one(p, "interned_data")
        if inter is not None:
            for en in inter.get("event_names", []):
                seen_iids[one(en, "iid")] = True
        te = one(p, "track_event")
        if te is None:
            continue
        iid = one(te, "name_iid")
        if iid is not None and iid not in seen_iids:
            fail("%s: name iid %s used before it is interned" % (name, iid))
        evs.append((one(p, "timestamp"), i, te))
    evs.sort(key=lambda x: (x[0], x[1]))
    stacks = {}
    n_begin = {}
    flow_out, flow_in = {}, {}
    order = 0
    for ts, i, te in evs:
        track = one(te, "track_uuid")
        kind = one(te, "type")
        iid = one(te, "name_iid")
        if kind == "TYPE_SLICE_BEGIN":
            order += 1
            stacks.setdefault(track, []).append(ts)
            n_begin[track] = n_begin.get(track, 0) + 1
            for f in te.get("flow_ids", []):
                if f in flow_out:
                    fail("%s: flow %s leaves twice" % (name, f))
                flow_out[f] = (track, order)
            for f in te.get("terminating_flow_ids", []):
                if f in flow_in:
                    fail("%s: flow %s enters twice" % (name, f))
                flow_in[f] = (track, order)
            if interned.get(iid) is None and one(te, "name") is None:
                fail("%s: a slice without a name" % name)
        elif kind == "TYPE_SLICE_END":
            if not stacks.get(track):
                fail("%s: slice end without a begin on track %s" % (
                    name, track))
            else:
                stacks[track].pop()
    # Instants: the JSON's marks, on the same tracks, with the same output
    # text (the annotation named "text" through the interned names).
    arg_names = {}
    for p in packets:
        inter = one(p, "interned_data")
        for an in (inter or {}).get("debug_annotation_names", []):
            arg_names[one(an, "iid")] = one(an, "name")
    pb_marks = []
    for ts, i, te in evs:
        if one(te, "type") != "TYPE_INSTANT":
            continue
        args = {arg_names.get(one(a, "name_iid")):
                one(a, "string_value", one(a, "int_value"))
                for a in te.get("debug_annotations", [])}
        pb_marks.append((one(te, "track_uuid") - puuid - 1,
                         interned.get(one(te, "name_iid")), args.get("text")))
    json_marks = [(e["tid"] if e["tid"] >= 0 else 0, e["name"],
                   e["args"].get("text")) for e in events if e["ph"] == "i"]
    if sorted(pb_marks, key=repr) != sorted(json_marks, key=repr):
        fail("%s: instants differ from the JSON's marks: %d vs %d" % (
            name, len(pb_marks), len(json_marks)))
    for track, st in stacks.items():
        if st:
            fail("%s: %d slices left open on track %s" % (name, len(st),
                                                          track))
    for tid, n in json_slices.items():
        if n_begin.get(puuid + 1 + tid, 0) != n:
            fail("%s: task %d has %d slices, JSON %d" % (
                name, tid, n_begin.get(puuid + 1 + tid, 0), n))
    if set(flow_out) != set(flow_in):
        fail("%s: flows without both ends: %s" % (
            name, sorted(set(flow_out) ^ set(flow_in))))
    if set(flow_out) != set(json_flows):
        fail("%s: flows %d, JSON %d" % (name, len(flow_out),
                                        len(json_flows)))
    for f, (track, at) in flow_out.items():
        if f not in flow_in or f not in json_flows:
            continue
        to_track, to_at = flow_in[f]
        if to_at < at:
            fail("%s: flow %s enters a slice that begins before the one it "
                 "leaves" % (name, f))
        if (track - puuid - 1, to_track - puuid - 1) != (
                json_flows[f]["s"], json_flows[f]["f"]):
            fail("%s: flow %s goes %s->%s, JSON %s" % (
                name, f, track - puuid - 1, to_track - puuid - 1,
                json_flows[f]))
    if model is not None:
        got = {"tasks": len(task_tracks),
               "slices": sum(n for t, n in n_begin.items()
                             if t in task_tracks),
               "edges": len(flow_out), "marks": len(pb_marks)}
        if got != model:
            fail("%s: export %s, reader model %s" % (name, got, model))
    print("ok %s: %d tracks, %d slices, %d flows, %d instants, %d names" % (
        name, len(task_tracks), sum(n_begin.values()), len(flow_out),
        len(pb_marks), len(interned)))


def main():
    tmp = tempfile.mkdtemp(prefix="braid-export-")
    all_samples = samples()
    if not all_samples:
        print("no samples built: nothing to check")
        return 77
    for name, argv in all_samples.items():
        trace = os.path.join(tmp, name + ".braid")
        braid("run", "-o", trace, "--", *argv)
        for axis in ("time", "steps"):
            js = os.path.join(tmp, "%s.%s.json" % (name, axis))
            braid("export", "--axis", axis, "-o", js, trace)
            doc = check_json("%s (%s)" % (name, axis), js)
            if doc is None or name not in PROTO_SAMPLES:
                continue
            pb = os.path.join(tmp, "%s.%s.pftrace" % (name, axis))
            braid("export", "--format", "perfetto", "--axis", axis, "-o", pb,
                  trace)
            check_perfetto("%s (%s)" % (name, axis), pb, doc,
                           model_counts(trace))
        print("ok %s: JSON flows inside slices" % name)

    # A killed recording.
    if "prime_generator" in all_samples:
        trace = os.path.join(tmp, "killed.braid")
        env = dict(os.environ, BRAID_TRACE=trace,
                   BRAID_MODULES=os.environ["BRAID_TRACE_MODULE"])
        child = subprocess.Popen([all_samples["prime_generator"][0]],
                                 env=env, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
        time.sleep(0.7)
        if child.poll() is not None:
            fail("killed trace: prime_generator ended (exit %s) before the "
                 "kill, so there is no killed trace to export" % child.returncode)
        child.send_signal(signal.SIGKILL)
        child.wait()
        for fmt in ("chrome", "perfetto"):
            out = os.path.join(tmp, "killed." + fmt)
            r = braid("export", "--format", fmt, "-o", out, trace,
                      check=False)
            err = r.stderr.decode()
            if r.returncode != 0 or "incomplete" not in err:
                fail("killed trace, %s: exit %d, stderr %r" % (
                    fmt, r.returncode, err))
            elif os.path.getsize(out) == 0:
                fail("killed trace, %s: empty export" % fmt)
        print("ok killed trace exports and says it is incomplete")

        # An unwritable output path.
        for fmt in ("chrome", "perfetto"):
            r = braid("export", "--format", fmt, "-o",
                      os.path.join(tmp, "no-such-dir", "out"), trace,
                      check=False)
            err = r.stderr.decode()
            lines = [l for l in err.splitlines() if "incomplete" not in l]
            if r.returncode != 2 or len(lines) != 1 \
                    or "cannot write" not in lines[0]:
                fail("unwritable output, %s: exit %d, stderr %r" % (
                    fmt, r.returncode, err))
        print("ok unwritable output is one line and exit 2")

    # A process tree: a shell script (not traced) that runs two samples at
    # once under braid run leaves two whole traces, one per sample, and
    # braid run lists them.
    if "might_fail" in all_samples and "print_numbers" in all_samples:
        tree = os.path.join(tmp, "tree")
        os.mkdir(tree)
        trace = os.path.join(tree, "t.braid")
        script = "%s >/dev/null & %s >/dev/null; wait" % (
            all_samples["might_fail"][0], all_samples["print_numbers"][0])
        r = braid("run", "-o", trace, "--", "sh", "-c", script)
        files = sorted(os.listdir(tree))
        others = [f for f in files if re.fullmatch(r"t\.[0-9]+\.braid", f)]
        if "t.braid" not in files or len(others) != 1:
            fail("process tree: files %s" % files)
        else:
            programs = set()
            for f in ["t.braid"] + others:
                rep = braid("report", os.path.join(tree, f)).stdout.decode()
                if "trace complete" not in rep:
                    fail("process tree: %s is not complete" % f)
                programs.add(rep.split()[1].rsplit("/", 1)[-1])
            if programs != {"might_fail", "print_numbers"}:
                fail("process tree: programs %s" % programs)
            err = r.stderr.decode()
            if "traces written" not in err or others[0] not in err:
                fail("process tree: braid run said %r" % err)
        print("ok process tree: %s" % files)

    r = braid("export", "--format", "svg", os.devnull, check=False)
    if r.returncode != 2 or "unknown format" not in r.stderr.decode():
        fail("unknown format: exit %d" % r.returncode)
    subprocess.run(["rm", "-rf", tmp])
    if failures:
        print("%d failures" % len(failures))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
