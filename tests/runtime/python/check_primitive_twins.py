# Checks that every expected log in the primitive tests (test-event.c,
# test-lock.c, ...) is what its Python twin prints under CPython's
# asyncio. Run from anywhere:
#   python3 tests/runtime/python/check_primitive_twins.py
# Exits non-zero and names the case when a twin's output is not among the
# expected logs of its C test.
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)
PAIRS = {"event": "event", "lock": "lock", "semaphore": "semaphore",
         "condition": "condition", "queue": "queues",
         "taskgroup": "taskgroup", "asyncgen": "asyncgen"}
HELPERS = {"ticker", "waiter", "getter", "putter", "child", "counter",
           "slow_cleanup", "failing", "sleepy"}

failed = 0
for c_name, py_name in PAIRS.items():
    with open(os.path.join(TESTS, f"test-{c_name}.c")) as f:
        src = f.read()
    expected = set()
    for m in re.finditer(r'(?:check_run \(\w+,|test_log->str, ==,)'
                         r'\s*((?:"[^"]*"\s*)+)\)', src):
        expected.add("".join(re.findall(r'"([^"]*)"', m.group(1))))
    py = os.path.join(HERE, f"{py_name}.py")
    with open(py) as f:
        cases = re.findall(r"^async def ([a-z_]+)\(", f.read(), re.M)
    for case in cases:
        if case in HELPERS:
            continue
        out = subprocess.run([sys.executable, py, case], capture_output=True,
                             text=True).stdout.strip()
        ok = out in expected
        failed += not ok
        print(f"{'ok' if ok else 'MISMATCH'} {c_name}/{case}"
              + ("" if ok else f": python prints '{out}'"))
sys.exit(1 if failed else 0)
