#!/usr/bin/env python3
"""test-subproject.py: braid used as a meson subproject.

Copies the consumer project (tests/subproject/consumer) into a temporary
folder, links its subprojects/braid to this source tree, and builds it:
dependency('braid') and dependency('braid-trace') must resolve to the
subproject through meson.override_dependency. The consumer then records
its own run into a trace and reads it back. Prints TAP.

Usage: test-subproject.py SOURCE_ROOT CONSUMER_DIR
"""
import os
import shutil
import subprocess
import sys
import tempfile

source = os.path.realpath(sys.argv[1])
consumer = os.path.realpath(sys.argv[2])
env = {k: v for k, v in os.environ.items()
       if not k.startswith("MESON") and k not in ("BRAID_MODULES",
                                                   "MALLOC_PERTURB_")}
n = 0
failed = 0


def check(ok, what, detail=""):
    global n, failed
    n += 1
    failed += not ok
    print(f"{'ok' if ok else 'not ok'} {n} {what}")
    if not ok:
        for line in detail.splitlines()[-30:]:
            print(f"# {line}")


tmp = tempfile.mkdtemp(prefix="braid-subproject-")
try:
    project = os.path.join(tmp, "consumer")
    shutil.copytree(consumer, project)
    os.mkdir(os.path.join(project, "subprojects"))
    os.symlink(source, os.path.join(project, "subprojects", "braid"))
    build = os.path.join(project, "build")
    r = subprocess.run(["meson", "setup", build, project], env=env,
                       capture_output=True, text=True)
    check(r.returncode == 0
          and "Dependency braid found: YES" in r.stdout.replace(
              "Dependency braid from subproject", "Dependency braid found"),
          "meson setup resolves dependency('braid') to the subproject",
          r.stdout + r.stderr)
    r = subprocess.run(["meson", "compile", "-C", build], env=env,
                       capture_output=True, text=True)
    check(r.returncode == 0, "the consumer builds", r.stdout + r.stderr)
    trace = os.path.join(tmp, "consumer.braid")
    r = subprocess.run([os.path.join(build, "consumer"), trace], env=env,
                       capture_output=True, text=True)
    check(r.returncode == 0 and "child said done" in r.stdout
          and "task child" in r.stdout,
          "the consumer runs, records its trace and reads it back",
          f"exit {r.returncode}\n{r.stdout}\n{r.stderr}")
finally:
    shutil.rmtree(tmp, ignore_errors=True)
print(f"1..{n}")
sys.exit(1 if failed else 0)
