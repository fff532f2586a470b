# Python twin of the formatting and chaining cases of
# tests/runtime/test-error.c: prints "CASE: TEXT" per case, TEXT written
# as a C string literal's contents (\n for a newline), which
# check_error_twins.py looks for in test-error.c.
# Run: python3 errors.py
import asyncio
import traceback


def c_text(s):
    return (s.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
            .replace("\t", "\\t"))


def chain(e):
    """The traceback's lines without the frames, as braid prints them."""
    lines = traceback.format_exception(e)
    return "".join(l for l in lines
                   if not l.startswith("Traceback (most recent call last)")
                   and not l.startswith("  "))


def show(case, text):
    print(f"{case}: {c_text(text)}")


def raised(fn):
    try:
        fn()
    except BaseException as e:
        return e


def raise_in_handler():
    try:
        raise ValueError("inner")
    except ValueError:
        raise RuntimeError("outer")


def raise_from():
    try:
        raise ValueError("inner")
    except ValueError as e:
        raise RuntimeError("outer") from e


def raise_from_none():
    try:
        raise ValueError("inner")
    except ValueError:
        raise RuntimeError("outer") from None


async def stale_after_await():
    try:
        raise ValueError("handled")
    except ValueError:
        pass
    await asyncio.sleep(0)
    return raised(lambda: (_ for _ in ()).throw(RuntimeError("new")))


def main():
    e = ValueError("x")
    show("repr", repr(e))
    show("str", str(e))
    show("line", "".join(traceback.format_exception_only(e)))
    show("repr-empty", repr(asyncio.CancelledError()))
    show("line-empty",
         "".join(traceback.format_exception_only(ValueError())))
    show("repr-quote", repr(ValueError("it's")))
    show("repr-both-quotes", repr(ValueError("it's \"x\"")))
    show("repr-controls", repr(ValueError("a\tb\nc\\d\x01")))
    g = ExceptionGroup("unhandled errors in a TaskGroup",
                       [ValueError("a"), RuntimeError("b")])
    show("repr-group", repr(g))
    show("str-group", str(g))
    show("chain-context", chain(raised(raise_in_handler)))
    show("chain-cause", chain(raised(raise_from)))
    show("chain-from-none", chain(raised(raise_from_none)))
    show("chain-stale", chain(asyncio.run(stale_after_await())))


if __name__ == "__main__":
    main()
