"""python3 -m braid: run a Python program with its asyncio loops traced.

    python3 -m braid [-o FILE] PROGRAM.py [ARGS...]
    python3 -m braid [-o FILE] -m MODULE [ARGS...]
    python3 -m braid [-o FILE] -c CODE [ARGS...]

The program runs as `python3 PROGRAM.py ARGS...` would run it (the same
__main__ module, sys.argv, sys.path[0], exit status, traceback) while its
events are recorded into FILE (default: $BRAID_TRACE, else trace.braid).
Before anything is recorded the program is found and compiled: a missing
file or module, a file that is not Python, a syntax error, or a Python
for which the recorder is not built is said in one line, exit status 2,
and no trace is written.
"""
import os
import sys

USAGE = """\
usage: python3 -m braid [-o FILE] PROGRAM.py [ARGS...]
       python3 -m braid [-o FILE] -m MODULE [ARGS...]
       python3 -m braid [-o FILE] -c CODE [ARGS...]

Runs a Python program and records every asyncio task event into the
braid trace FILE (default: $BRAID_TRACE, else trace.braid), replacing it.

  -o, --output FILE   the trace to write
  -m MODULE           run a module, as python3 -m does
  -c CODE             run the code, as python3 -c does
  -h, --help          this help

BRAID_CLOCK=virtual: the loops' time jumps to the next timer when nothing
else can happen. Exit status: the program's own; 2 if it could not start.
"""
EXIT_USAGE = 2


def fail(message):
    """Says why the program cannot run, in one line, and exits 2."""
    print(f"braid: {message}", file=sys.stderr)
    sys.exit(EXIT_USAGE)


def parse(argv):
    """(output, kind, target, args): kind is 'file', 'module' or 'code'."""
    output = os.environ.get("BRAID_TRACE") or "trace.braid"
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("-h", "--help"):
            sys.stdout.write(USAGE)
            sys.exit(0)
        if a in ("-o", "--output"):
            if i + 1 >= len(argv):
                fail(f"{a} needs a file name")
            output = argv[i + 1]
            i += 2
            continue
        if a.startswith("--output="):
            output = a[len("--output="):]
            i += 1
            continue
        if a in ("-m", "-c"):
            if i + 1 >= len(argv):
                fail(f"{a} needs an argument")
            kind = "module" if a == "-m" else "code"
            return output, kind, argv[i + 1], argv[i + 2:]
        if a == "--":
            i += 1
            break
        if a.startswith("-") and a != "-":
            fail(f"unknown option '{a}' (try python3 -m braid --help)")
        break
    if i >= len(argv):
        fail("no program to run (try python3 -m braid --help)")
    return output, "file", argv[i], argv[i + 1:]


def compile_file(path):
    """The code object of the program at @path, or a one-line failure."""
    import importlib.util

    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as e:
        fail(f"cannot run {path}: {e.strerror}")
    try:
        source = importlib.util.decode_source(data)
    except (UnicodeDecodeError, SyntaxError) as e:
        fail(f"{path} is not a Python program ({e})")
    try:
        return compile(source, os.path.abspath(path), "exec",
                       dont_inherit=True)
    except SyntaxError as e:
        where = f"{path}:{e.lineno}" if e.lineno else path
        if not path.endswith((".py", ".pyw")):
            fail(f"{path} is not a Python program ({type(e).__name__} at "
                 f"line {e.lineno}: {e.msg})")
        fail(f"{where}: {type(e).__name__}: {e.msg}")
    except ValueError as e:  # null bytes: a binary file
        fail(f"{path} is not a Python program ({e})")


def load_recorder():
    """Imports the C recorder, or says this Python has none."""
    try:
        from . import _recorder  # noqa: F401
    except ImportError as e:
        version = ".".join(map(str, sys.version_info[:3]))
        fail(f"the braid recorder is not built for this Python "
             f"({sys.executable}, {version}): {e}")


def is_braid_frame(tb):
    """Whether a traceback entry is braid's or runpy's, not the program's."""
    name = tb.tb_frame.f_code.co_filename
    here = os.path.dirname(os.path.abspath(__file__)) + os.sep
    return name.startswith(here) or "runpy" in name


def report_and_reraise(exc):
    """Prints the traceback of an exception that ends the program as
    Python would print it (without braid's own frames), then lets it end
    the interpreter as it would have: status 1, or death by SIGINT after
    a KeyboardInterrupt."""
    tb = exc.__traceback__
    while tb is not None and is_braid_frame(tb):
        tb = tb.tb_next
    # The traceback printed is the exception's own.
    exc.__traceback__ = tb
    sys.excepthook(type(exc), exc, tb)
    sys.excepthook = lambda *args: None
    raise exc


def run_file(code, path, args):
    import importlib.machinery
    import types

    main = types.ModuleType("__main__")
    main.__file__ = os.path.abspath(path)
    main.__loader__ = importlib.machinery.SourceFileLoader(
        "__main__", main.__file__)
    main.__spec__ = None
    main.__package__ = None
    main.__cached__ = None
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    sys.argv[:] = [path] + args
    sys.path[0] = os.path.dirname(os.path.abspath(path))
    exec(code, main.__dict__)


def main():
    output, kind, target, args = parse(sys.argv[1:])
    load_recorder()
    code = None
    if kind == "file":
        code = compile_file(target)
        program = target
    elif kind == "code":
        try:
            code = compile(target, "<string>", "exec", dont_inherit=True)
        except SyntaxError as e:
            fail(f"-c: {type(e).__name__}: {e.msg}")
        program = "-c"
    else:
        import importlib.util

        sys.path[0] = os.getcwd()
        try:
            spec = importlib.util.find_spec(target)
        except (ImportError, ValueError) as e:
            spec = None
            fail(f"cannot run module {target}: {e}")
        if spec is None:
            fail(f"no module named {target}")
        program = target

    import braid

    try:
        braid.start(output, program, " ".join(args))
    except OSError as e:
        fail(str(e))
    try:
        if kind == "file":
            run_file(code, target, args)
        elif kind == "code":
            import types

            main = types.ModuleType("__main__")
            main.__builtins__ = __builtins__
            sys.modules["__main__"] = main
            sys.argv[:] = ["-c"] + args
            sys.path[0] = ""
            exec(code, main.__dict__)
        else:
            import runpy

            sys.argv[:] = [target] + args
            runpy._run_module_as_main(target, alter_argv=True)
    except SystemExit:
        raise
    except BaseException as e:
        report_and_reraise(e)


if __name__ == "__main__":
    main()
