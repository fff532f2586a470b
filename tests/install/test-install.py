#!/usr/bin/env python3
"""test-install.py: braid works outside its build tree.

Configures a second build of the source tree in a temporary folder with a
temporary prefix, installs it, moves that build tree away, and then uses
only the installed copy, as a user would:

- no installed file contains the build tree's (or the source tree's) path;
- nm -D of each installed library shows no internal braid__ symbol;
- a program outside the tree builds with exactly
  `cc prog.c $(pkg-config --cflags --libs braid)`;
- the installed `braid run` traces it, and BRAID_TRACE alone does too (the
  runtime finds the tracer beside the installed libbraid); the traces hold
  its tasks, outputs and error;
- `braid render` (braid-render from the prefix) draws a PNG, and the
  installed braid-viewer and braid-render start (--version);
- the installed braid run traces an asyncio program through the
  installed Python module;
- the installed desktop file and metainfo validate;
- bad input: an unwritable trace path and a path in a missing folder give
  one line on stderr and exit 2 while the program still runs.

Usage: test-install.py SOURCE_ROOT TRACED_PROGRAM_C
Prints TAP. Needs meson, ninja, pkg-config and cc on PATH.
"""
import os
import shutil
import subprocess
import sys
import tempfile

SOURCE = os.path.realpath(sys.argv[1])
PROGRAM_C = os.path.realpath(sys.argv[2])
results = []


def check(ok, what, detail=""):
    results.append(ok)
    n = len(results)
    print(f"{'ok' if ok else 'not ok'} {n} {what}")
    if not ok and detail:
        for line in str(detail).splitlines()[-30:]:
            print(f"# {line}")
    sys.stdout.flush()
    return ok


def run(cmd, env=None, cwd=None, shell=False, timeout=600):
    return subprocess.run(cmd, env=env, cwd=cwd, shell=shell, text=True,
                          capture_output=True, timeout=timeout)


def bail(msg):
    print(f"Bail out! {msg}")
    sys.exit(1)


tmp = tempfile.mkdtemp(prefix="braid-install-")
build = os.path.join(tmp, "build")
prefix = os.path.join(tmp, "prefix")
env = dict(os.environ)
for var in ("BRAID_MODULES", "BRAID_RENDER", "BRAID_TRACE",
            "BRAID_PYTHONPATH", "LD_LIBRARY_PATH"):
    env.pop(var, None)
# The nested meson must not inherit the outer test run's settings.
for var in list(env):
    if var.startswith("MESON") or var == "MALLOC_PERTURB_":
        env.pop(var)

try:
    r = run(["meson", "setup", build, SOURCE, "--prefix", prefix,
             "-Dtests=false", "-Dsamples=false", "--buildtype=debugoptimized"],
            env=env)
    if r.returncode != 0:
        bail("meson setup failed: " + (r.stdout + r.stderr)[-2000:])
    r = run(["meson", "compile", "-C", build], env=env, timeout=1200)
    if r.returncode != 0:
        bail("meson compile failed: " + (r.stdout + r.stderr)[-3000:])
    r = run(["meson", "install", "-C", build, "--quiet"], env=env)
    check(r.returncode == 0, "meson install into a temporary prefix",
          r.stdout + r.stderr)

    # The build tree goes away: nothing may need it from now on.
    moved = build + "-moved"
    os.rename(build, moved)

    installed = []
    for root, _, files in os.walk(prefix):
        installed += [os.path.join(root, f) for f in files]
    mentions = []
    for path in installed:
        if os.path.islink(path):
            continue
        with open(path, "rb") as f:
            data = f.read()
        for tree in (build, moved, SOURCE):
            if tree.encode() in data:
                mentions.append(f"{os.path.relpath(path, prefix)}: {tree}")
    check(not mentions, "no installed file names the build or source tree",
          "\n".join(mentions))

    libs = [p for p in installed
            if os.path.basename(p).startswith("libbraid")
            and ".so" in os.path.basename(p) and not os.path.islink(p)]
    check(len(libs) >= 2, "libbraid and libbraid-trace are installed",
          "\n".join(installed))
    for lib in libs:
        r = run(["nm", "-D", "--defined-only", lib])
        internal = [l for l in r.stdout.splitlines() if " braid__" in l]
        check(r.returncode == 0 and not internal,
              f"{os.path.basename(lib)} exports no braid__ symbol",
              "\n".join(internal[:20]))

    pc_dirs = sorted({os.path.dirname(p) for p in installed
                      if p.endswith("braid.pc")})
    check(len(pc_dirs) == 1, "braid.pc is installed", "\n".join(installed))
    libdir = os.path.dirname(pc_dirs[0]) if pc_dirs else prefix
    user_env = dict(env)
    user_env["PKG_CONFIG_PATH"] = pc_dirs[0] if pc_dirs else ""
    # The system's loader does not know the prefix: the user's program
    # finds libbraid through LD_LIBRARY_PATH, as any library in a private
    # prefix. braid's own executables need nothing (their run path).
    user_env["LD_LIBRARY_PATH"] = libdir
    user_env["BRAID_CLOCK"] = "virtual"
    bindir = os.path.join(prefix, "bin")

    work = os.path.join(tmp, "user")
    os.mkdir(work)
    shutil.copy(PROGRAM_C, os.path.join(work, "prog.c"))
    r = run("cc prog.c $(pkg-config --cflags --libs braid) -o prog",
            env=user_env, cwd=work, shell=True)
    check(r.returncode == 0,
          "cc prog.c $(pkg-config --cflags --libs braid) builds a program",
          r.stdout + r.stderr)
    r = run(["pkg-config", "--cflags", "--libs", "braid-trace"],
            env=user_env)
    check(r.returncode == 0 and "-lbraid-trace" in r.stdout,
          "pkg-config knows braid-trace", r.stdout + r.stderr)

    expected_out = ("libbraid 0.", "ping 0", "pong 2", "caught: bad input")
    braid = os.path.join(bindir, "braid")
    r = run([braid, "run", "-o", "run.braid", "--", "./prog"],
            env=user_env, cwd=work)
    check(r.returncode == 0 and all(s in r.stdout for s in expected_out)
          and r.stderr == "",
          "the installed braid run traces the program",
          f"exit {r.returncode}\n{r.stdout}\n{r.stderr}")

    def report_has_tasks(trace, what):
        rep = run([braid, "report", trace], env=user_env, cwd=work)
        ok = rep.returncode == 0 and all(
            name in rep.stdout for name in ("ping", "pong", "failing"))
        check(ok, what, rep.stdout + rep.stderr)
        return rep.stdout

    report = report_has_tasks("run.braid",
                              "the trace of braid run has the three tasks")
    check("1 failed" in report, "the trace has the failed task", report)

    trace_env = dict(user_env)
    trace_env["BRAID_TRACE"] = os.path.join(work, "env.braid")
    r = run(["./prog"], env=trace_env, cwd=work)
    check(r.returncode == 0 and r.stderr == "",
          "BRAID_TRACE alone: the installed runtime finds its tracer",
          f"exit {r.returncode}\n{r.stdout}\n{r.stderr}")
    report_has_tasks("env.braid", "the trace of BRAID_TRACE has the tasks")

    r = run([braid, "render", "run.braid", "-o", "run.png"],
            env=user_env, cwd=work)
    png = os.path.join(work, "run.png")
    with open(png, "rb") if os.path.exists(png) else open(os.devnull, "rb") as f:
        magic = f.read(8)
    check(r.returncode == 0 and magic == b"\x89PNG\r\n\x1a\n",
          "braid render runs the installed braid-render",
          r.stdout + r.stderr)

    for tool in ("braid", "braid-render", "braid-viewer"):
        path = os.path.join(bindir, tool)
        if not os.path.exists(path):
            check(tool == "braid-viewer", f"{tool} is installed")
            continue
        r = run([path, "--version"], env=env)
        check(r.returncode == 0 and "0." in r.stdout,
              f"the installed {tool} starts (--version)",
              r.stdout + r.stderr)

    # An asyncio program, traced by the installed braid run through the
    # installed Python module (when the build had python3-dev).
    py_main = [p for p in installed
               if p.endswith(os.path.join("braid", "__main__.py"))]
    if py_main:
        with open(os.path.join(work, "prog.py"), "w") as f:
            f.write("import asyncio\n\n"
                    "async def child(n):\n"
                    "    await asyncio.sleep(0)\n"
                    "    print('child', n)\n\n"
                    "async def main():\n"
                    "    await asyncio.gather(child(1), child(2))\n\n"
                    "asyncio.run(main())\n")
        py_env = dict(user_env)
        py_env.pop("PYTHONPATH", None)
        r = run([braid, "run", "-o", "py.braid", "--", sys.executable,
                 "prog.py"], env=py_env, cwd=work)
        check(r.returncode == 0 and "child 2" in r.stdout and r.stderr == "",
              "the installed braid run traces an asyncio program",
              f"exit {r.returncode}\n{r.stdout}\n{r.stderr}")
        rep = run([braid, "report", "py.braid"], env=py_env, cwd=work)
        check(rep.returncode == 0 and "Task-2" in rep.stdout
              and "3 completed" in rep.stdout,
              "the Python trace has its three tasks", rep.stdout + rep.stderr)

    # The desktop files as installed (the viewer's test checks them in
    # the build tree, with the MIME database).
    desktop = [p for p in installed if p.endswith(".desktop")]
    metainfo = [p for p in installed if p.endswith(".metainfo.xml")]
    mime = [p for p in installed if "/mime/packages/" in p]
    if os.path.exists(os.path.join(bindir, "braid-viewer")):
        check(len(desktop) == 1 and len(metainfo) == 1 and len(mime) == 1,
              "the desktop file, metainfo and MIME type are installed",
              "\n".join(installed))
        for path in desktop:
            r = run(["desktop-file-validate", path])
            check(r.returncode == 0 and r.stdout.strip() == "",
                  "desktop-file-validate passes on the installed file",
                  r.stdout + r.stderr)
        for path in metainfo:
            r = run(["appstreamcli", "validate", "--no-net", path])
            check(r.returncode == 0, "appstreamcli validate passes on the "
                  "installed metainfo", r.stdout + r.stderr)

    # Bad input: the program still runs; one line says why nothing was
    # recorded; braid run exits 2.
    for bad, why in ((os.path.join(work, "missing", "t.braid"),
                      "No such file or directory"),
                     ("/proc/t.braid", "")):
        r = run([braid, "run", "-o", bad, "--", "./prog"],
                env=user_env, cwd=work)
        lines = r.stderr.splitlines()
        check(r.returncode == 2 and "ping 0" in r.stdout and len(lines) == 1
              and lines[0].startswith("braid: cannot write the trace")
              and why in lines[0],
              f"braid run -o {bad}: one line, exit 2, the program runs",
              f"exit {r.returncode}\n{r.stdout}\n{r.stderr}")
finally:
    shutil.rmtree(tmp, ignore_errors=True)

print(f"1..{len(results)}")
sys.exit(0 if all(results) else 1)
