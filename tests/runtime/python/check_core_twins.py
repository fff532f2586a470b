# Checks that every log core_rules.py prints under CPython's asyncio is
# expected, word for word, by one of the core's C ordering tests
# (test-loop-order.c, test-future.c, test-cancel.c, test-run.c,
# test-call.c, test-diagnostics.c).
#   python3 tests/runtime/python/check_core_twins.py
# Exits non-zero and names the rule when CPython's log is not in the C
# tests: either the runtime's order or the test drifted from asyncio's.
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
C_FILES = ["test-loop-order.c", "test-future.c", "test-cancel.c",
           "test-run.c", "test-call.c", "test-diagnostics.c"]

# Every run of adjacent C string literals, joined, is a candidate log.
expected = set()
for name in C_FILES:
    with open(os.path.join(TESTS, name)) as f:
        src = f.read()
    for m in re.finditer(r'(?:"(?:[^"\\]|\\.)*"\s*)+', src):
        expected.add("".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(0))))

def twin(*args):
    return subprocess.run([sys.executable, os.path.join(HERE, "core_rules.py"),
                           *args], capture_output=True, text=True,
                          check=True).stdout


out = twin() + twin("run_main")
failed = 0
for line in out.splitlines():
    rule, _, log = line.partition(": ")
    if rule == "run_main":
        # Its C twin prints the log followed by braid_run's return code.
        ok = any(e.startswith(log + " rc=") for e in expected)
    else:
        ok = log in expected
    failed += not ok
    print(f"{'ok' if ok else 'MISMATCH'} {rule}"
          + ("" if ok else f": CPython prints '{log}'"))
if not out.strip():
    print("core_rules.py printed nothing")
    failed = 1
sys.exit(1 if failed else 0)
