#!/usr/bin/env python3
"""check-failure-paths.py: every failure a sample can meet ends the same
way: the sample prints its error on stderr and exits 1, nothing else (no
crash, no sanitizer report, no stack garbage, nothing it should not have
fetched).

    check-failure-paths.py --server BAD_HTTP_SERVER http NAME EXE
    check-failure-paths.py files EXE

http: runs the HTTP sample EXE (fetch_urls, fetch_data or print_preview)
against an unknown host, a refused connection, a file:// URL, a server
that never answers (the sample's timeout, shortened through
SAMPLE_HTTP_TIMEOUT) and each misbehaving path of BAD_HTTP_SERVER
(tests/samples/bad-http-server.c), which it starts and stops itself.
files: runs file_ops with a directory that does not exist and with one
that is a file. Prints one line per case; exits 1 if any case fails.
"""
import os
import re
import subprocess
import sys
import tempfile

# What a sample may print on stderr: braid_error_print's lines, nothing
# else ("Type: message (raised at FILE:LINE in FUNC)" or "(raised by
# CALL)", and "  caused by ..." lines).
ERROR_LINE = re.compile(
    r"^(  caused by )?[A-Z]\w*: .* \((raised at \S+:\d+ in \S+|raised by [^()]+)\)$"
)
# What no run may contain, on either stream.
FORBIDDEN = [
    "AddressSanitizer", "LeakSanitizer", "runtime error:", "Segmentation",
    "stack overflow", "braid: ", "Task exception was never retrieved",
]
# What each HTTP sample prints only when a fetch succeeded.
SUCCESS_MARK = {
    "fetch_urls": "Content from",
    "fetch_data": "Finished",
    "print_preview": "------",
}

SAMPLE_TIMEOUT = "1"  # seconds: SAMPLE_HTTP_TIMEOUT for the runs
RUN_LIMIT = 60  # seconds a run may take before it counts as hung


def run_sample(argv):
    env = dict(os.environ, BRAID_MODULES="", SAMPLE_HTTP_TIMEOUT=SAMPLE_TIMEOUT)
    env.pop("BRAID_TRACE", None)
    try:
        p = subprocess.run(argv, capture_output=True, env=env,
                           timeout=RUN_LIMIT)
    except subprocess.TimeoutExpired:
        return None, "", ""
    return (p.returncode, p.stdout.decode("utf-8", "replace"),
            p.stderr.decode("utf-8", "replace"))


def judge(rc, out, err, must_name, success_mark=None, secret=None):
    """Returns the list of what is wrong with a run that had to fail."""
    problems = []
    if rc is None:
        return [f"still running after {RUN_LIMIT} s"]
    if rc != 1:
        problems.append(f"exit status {rc}, not 1")
    lines = err.splitlines()
    if not lines:
        problems.append("nothing on stderr")
    for line in lines:
        if not ERROR_LINE.match(line):
            problems.append(f"stderr line is not an error: {line!r}")
    if any(ch < " " and ch not in "\n\t" for ch in out + err):
        problems.append("control bytes in the output")
    if "\ufffd" in out + err:
        problems.append("bytes that are not UTF-8 in the output")
    for word in FORBIDDEN:
        if word in out or word in err:
            problems.append(f"output contains {word!r}")
    if must_name and lines and must_name not in lines[0]:
        problems.append(f"the error does not name {must_name!r}")
    if success_mark and success_mark in out:
        problems.append(f"stdout shows a success ({success_mark!r})")
    if secret and secret in out + err:
        problems.append("the output shows what it must not have fetched")
    return problems


def report(what, problems, out, err):
    """Prints the case's line (and its output when it failed); returns 1
    if it failed, else 0."""
    if not problems:
        print(f"ok: {what}: " + err.splitlines()[0])
        return 0
    print(f"not ok: {what}: " + "; ".join(problems))
    print("  stdout: " + out.replace("\n", "\n          "))
    print("  stderr: " + err.replace("\n", "\n          "))
    return 1


def http_cases(port):
    base = f"http://127.0.0.1:{port}"
    cases = [
        ("unknown host", "http://braid-failure-test.invalid/", None),
        ("refused connection", "http://127.0.0.1:1/", "127.0.0.1:1"),
        ("file URL", "file:///etc/os-release", "file:///etc/os-release"),
        ("never answers (timeout)", f"{base}/hang", "timed out"),
    ]
    for path in ["close", "huge-header", "many-headers", "bad-chunked",
                 "truncated", "garbage", "redirect-loop", "redirect-file"]:
        cases.append((path, f"{base}/{path}", f"{base}/{path}"))
    # Several fetches at once, one failing while another waits: the
    # failure ends the run, the waiting fetch is cancelled quietly.
    cases.append(("one of three fails", [f"{base}/delay/300", f"{base}/close",
                                         f"{base}/hang"], f"{base}/close"))
    return cases


def check_http(server, name, exe):
    srv = subprocess.Popen([server], stdout=subprocess.PIPE,
                           env=dict(os.environ, BRAID_MODULES=""))
    failed = 0
    try:
        line = srv.stdout.readline().decode().strip()
        if not line.isdigit():
            print(f"not ok: {server} printed no port ({line!r})")
            return 1
        secret = None
        try:
            with open("/etc/os-release", encoding="utf-8") as f:
                secret = f.readline().strip() or None
        except OSError:
            pass
        for label, url, must_name in http_cases(int(line)):
            urls = url if isinstance(url, list) else [url]
            rc, out, err = run_sample([exe] + urls)
            # A sample that fetches each URL on its own may show the
            # fetches that worked.
            mark = SUCCESS_MARK.get(name) if len(urls) == 1 else None
            problems = judge(rc, out, err, must_name or url, mark, secret)
            failed += report(f"{name} {' '.join(urls)} ({label})", problems,
                             out, err)
    finally:
        srv.kill()
        srv.wait()
    return failed


def check_files(exe):
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        missing = os.path.join(tmp, "no-such-directory")
        a_file = os.path.join(tmp, "a-file")
        with open(a_file, "w", encoding="utf-8") as f:
            f.write("not a directory\n")
        for label, arg in [("missing directory", missing),
                           ("a file as the directory", a_file)]:
            rc, out, err = run_sample([exe, arg])
            problems = judge(rc, out, err, arg)
            if "Read back" in out:
                problems.append("stdout shows a success")
            failed += report(f"file_ops {arg} ({label})", problems, out,
                             err)
    return failed


def main():
    args = sys.argv[1:]
    server = None
    if args[:1] == ["--server"]:
        server = args[1]
        args = args[2:]
    if args[:1] == ["http"] and server and len(args) == 3:
        failed = check_http(server, args[1], args[2])
    elif args[:1] == ["files"] and len(args) == 2:
        failed = check_files(args[1])
    else:
        sys.exit(__doc__)
    print(f"{failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
