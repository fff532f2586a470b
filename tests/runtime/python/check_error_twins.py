# Checks that every text errors.py prints under CPython (str, repr and the
# printed chain of an error) is expected, word for word, by
# tests/runtime/test-error.c, which checks braid_error_format gives it.
#   python3 tests/runtime/python/check_error_twins.py
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(os.path.dirname(HERE), "test-error.c")) as f:
    src = f.read()
# Every run of adjacent C string literals, joined, is a candidate text.
expected = {"".join(re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(0)))
            for m in re.finditer(r'(?:"(?:[^"\\]|\\.)*"\s*)+', src)}
out = subprocess.run([sys.executable, os.path.join(HERE, "errors.py")],
                     capture_output=True, text=True, check=True).stdout
failed = 0 if out.strip() else 1
for line in out.splitlines():
    case, _, text = line.partition(": ")
    ok = text in expected
    failed += not ok
    print(f"{'ok' if ok else 'MISMATCH'} {case}"
          + ("" if ok else f": CPython prints '{text}'"))
sys.exit(1 if failed else 0)
