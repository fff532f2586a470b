# Checks that every expected log in a group of C tests is what its Python
# twin prints under CPython's asyncio. Run from anywhere:
#   python3 tests/runtime/python/check_twins.py combinators|primitives
# Exits non-zero and names the case when a twin's output is not among the
# expected logs of its C test. (The core's twins have their own checker,
# check_core_twins.py: core_rules.py prints all its rules in one run.)
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
TESTS = os.path.dirname(HERE)

# Per group: C test (test-NAME.c) -> Python twin (NAME.py); the async
# functions of the twins that are helpers, not cases; and which async
# functions count as cases (the combinators' cases take no argument).
GROUPS = {
    "combinators": {
        "pairs": {"gather": "gather", "wait": "wait",
                  "as-completed": "as_completed", "wait-for": "wait_for",
                  "timeout": "timeout", "shield": "shield"},
        "helpers": {"cancel_scenario", "quick"},
        "case": r"^async def ([a-z_]+)\(\):",
    },
    "primitives": {
        "pairs": {"event": "event", "lock": "lock", "semaphore": "semaphore",
                  "condition": "condition", "queue": "queues",
                  "taskgroup": "taskgroup", "asyncgen": "asyncgen"},
        "helpers": {"ticker", "waiter", "getter", "putter", "child",
                    "counter", "slow_cleanup", "failing", "sleepy",
                    "raiser", "echo", "catcher",
                    "note_stop", "stop_raiser"},
        "case": r"^async def ([a-z_]+)\(",
    },
}

# Behaviours that changed between 3.11 point releases: on a Python older
# than `since`, the twin prints the older behaviour, which `older` makes
# out of the expected log (braid keeps the newer one). Debian 12 ships
# 3.11.2, so its python3 takes these branches.
VERSION_DIFFERENCES = {
    # gh-102780 (3.11.3): asyncio.timeout raises TimeoutError from the
    # CancelledError it replaces; 3.11.0-3.11.2 raise it with no cause.
    ("timeout", "scope_turns_cancel_into_timeout"): {
        "since": (3, 11, 3),
        "older": lambda log: log.replace("timeout cause=CancelledError",
                                         "timeout cause=NoneType"),
    },
}

if len(sys.argv) != 2 or sys.argv[1] not in GROUPS:
    sys.exit(f"usage: {sys.argv[0]} {'|'.join(GROUPS)}")
group = GROUPS[sys.argv[1]]

failed = 0
for c_name, py_name in group["pairs"].items():
    with open(os.path.join(TESTS, f"test-{c_name}.c")) as f:
        src = f.read()
    expected = set()
    for m in re.finditer(r'(?:check_run \(\w+,|test_log->str, ==,)'
                         r'\s*((?:"[^"]*"\s*)+)\)', src):
        expected.add("".join(re.findall(r'"([^"]*)"', m.group(1))))
    py = os.path.join(HERE, f"{py_name}.py")
    with open(py) as f:
        cases = re.findall(group["case"], f.read(), re.M)
    # A twin whose cases the pattern misses, or a C test whose expected
    # logs it misses, would otherwise check nothing and pass.
    if not expected:
        print(f"NO EXPECTED LOGS found in test-{c_name}.c")
        failed += 1
    if not [c for c in cases if c not in group["helpers"]]:
        print(f"NO CASES found in {py_name}.py")
        failed += 1
    for case in cases:
        if case in group["helpers"]:
            continue
        out = subprocess.run([sys.executable, py, case], capture_output=True,
                             text=True).stdout.strip()
        accepted = expected
        difference = VERSION_DIFFERENCES.get((c_name, case))
        note = ""
        if difference and sys.version_info[:3] < difference["since"]:
            accepted = {difference["older"](log) for log in expected}
            since = ".".join(map(str, difference["since"]))
            note = f" (as Python before {since} does)"
        ok = out in accepted
        failed += not ok
        print(f"{'ok' if ok else 'MISMATCH'} {c_name}/{case}{note}"
              + ("" if ok else f": python prints '{out}'"))
sys.exit(1 if failed else 0)
