"""braid: trace an unchanged asyncio program into a braid trace.

    python3 -m braid [-o FILE] PROGRAM.py [ARGS...]
    braid run [-o FILE] -- python3 PROGRAM.py [ARGS...]

record every task of the program (created, resumed, suspended and on
what, woken and by whom, completed, failed, cancelled, errors never
retrieved...), its loops' iterations and its output lines into the
SQLite trace FILE, in the format the braid C runtime's traces have, so
that `braid report`, `braid problems`, `braid export`, `braid render` and
braid-viewer read it. BRAID_TRACE=FILE names the trace too, and
BRAID_CLOCK=virtual makes the loops' time jump to the next timer when
nothing else can happen, so a run is instant and reproducible.

From inside a program, before its first event loop is created:

    import braid
    braid.start("trace.braid")

The recording is in C (braid._recorder, which writes through
libbraid-trace); python/DESIGN.md says how asyncio is hooked.
"""
import os
import sys

__all__ = ["start", "stop", "recording"]


def _slow_step_ms():
    """BRAID_SLOW_STEP_MS as the C runtime reads it (100 ms by default)."""
    text = os.environ.get("BRAID_SLOW_STEP_MS", "")
    if not text:
        return 100.0
    try:
        ms = float(text)
        if ms < 0 or ms != ms:
            raise ValueError
        return ms
    except ValueError:
        print(f"braid: ignoring BRAID_SLOW_STEP_MS={text} (not a "
              "non-negative number of milliseconds)", file=sys.stderr)
        return 100.0


def start(path, program=None, arguments=""):
    """Starts recording every asyncio event loop of the process into the
    trace @path (replaced). Call before the first loop is created.
    @program and @arguments are what the trace says was run (by default
    sys.argv). Raises OSError when the trace cannot be written. The
    trace is closed when the interpreter exits (or with stop())."""
    import atexit

    from . import _hooks, _recorder

    if program is None:
        program = sys.argv[0] if sys.argv and sys.argv[0] else "python"
        arguments = " ".join(sys.argv[1:])
    virtual = os.environ.get("BRAID_CLOCK") == "virtual"
    _hooks.install(program, virtual=virtual, slow_ms=_slow_step_ms())
    _recorder.start(os.fspath(path), program, arguments)
    # The last lines without a newline; the trace itself is closed after
    # the interpreter's finalization (asyncio reports tasks freed then).
    atexit.register(_recorder.flush_output)


def stop():
    """Closes the trace now: every event so far is in it, marked complete."""
    from . import _recorder

    _recorder.stop()


def recording():
    """Whether this process records a trace."""
    try:
        from . import _recorder
    except ImportError:
        return False
    return _recorder.recording()
