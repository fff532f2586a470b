"""cli_test.py: what the tracer's Python test scripts (check-export.py,
check-run-files.py) share: the braid executable under test (BRAID_EXE),
a failure list, running braid under the virtual clock, and decoding a
Perfetto export with protoc against the test's proto subset."""
import os
import subprocess

BRAID = os.environ["BRAID_EXE"]
failures = []


def fail(what):
    """Records a failure; the script exits non-zero at its end."""
    failures.append(what)
    print("FAIL:", what)


def braid(*args, check=False):
    """Runs braid with @args under BRAID_CLOCK=virtual; with @check, a
    non-zero exit raises RuntimeError."""
    env = dict(os.environ, BRAID_CLOCK="virtual")
    r = subprocess.run([BRAID, *args], env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.PIPE)
    if check and r.returncode != 0:
        raise RuntimeError("braid %s: exit %d: %s" % (
            " ".join(args), r.returncode, r.stderr.decode(errors="replace")))
    return r


def protoc_decode(proto, path):
    """protoc --decode=braidtest.Trace of the file @path against @proto."""
    with open(path, "rb") as f:
        return subprocess.run(["protoc", "-I", os.path.dirname(proto),
                               "--decode=braidtest.Trace",
                               os.path.basename(proto)],
                              stdin=f, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE)
