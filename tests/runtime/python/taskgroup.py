# Python twin of tests/runtime/test-taskgroup.c (ORDERING.md rule 24):
# each case prints the log the C test expects. Run:
# python3 taskgroup.py <case>
import asyncio
import sys

LOG = []


def note(s):
    LOG.append(s)


async def ticker(n):
    for i in range(n):
        note(f"tick{i}")
        await asyncio.sleep(0)


async def child(name, delay, fail=False, cleanup_fail=False):
    note(f"{name}-start")
    try:
        await asyncio.sleep(delay)
    except asyncio.CancelledError:
        note(f"{name}-cancelled")
        if cleanup_fail:
            raise ValueError(f"{name}-cleanup")
        raise
    if fail:
        note(f"{name}-raise")
        raise ValueError(name)
    note(f"{name}-done")
    return name


def group_text(eg):
    return ",".join(str(e) for e in eg.exceptions)


async def waits_for_every_child():
    async with asyncio.TaskGroup() as g:
        a = g.create_task(child("a", 0.02))
        b = g.create_task(child("b", 0.01))
        note("body-end")
    note(f"exit results={a.result()},{b.result()}")


async def exit_resumes_two_iterations_after_the_last_child():
    t = asyncio.create_task(ticker(5))
    async with asyncio.TaskGroup() as g:
        g.create_task(child("a", 0))
    note("exit")
    await t


async def first_failure_cancels_siblings_and_body():
    try:
        async with asyncio.TaskGroup() as g:
            g.create_task(child("a", 1))
            g.create_task(child("b", 0.01, fail=True))
            note("body-sleeps")
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                note("body-cancelled")
                raise
    except* ValueError as eg:
        note(f"group={group_text(eg)}")
    note(f"cancelling={asyncio.current_task().cancelling()}")
    await asyncio.sleep(0.01)
    note("parent-goes-on")


# Rule 33: the uncancel is decided when the exit begins; a child failing
# while the parent waits in the exit leaves cancelling() at 1 (3.11).
async def uncancel_is_decided_when_exit_begins():
    try:
        async with asyncio.TaskGroup() as g:
            g.create_task(child("a", 0.01, fail=True))
            note("body-end")
    except* ValueError as eg:
        note(f"group={group_text(eg)}")
    note(f"cancelling={asyncio.current_task().cancelling()}")
    await asyncio.sleep(0.01)
    note("parent-goes-on")


class Fatal(BaseException):
    pass


async def raiser(exc):
    raise exc


def kind(eg):
    if eg is None:
        return "None"
    return f"{type(eg).__name__}({eg}: {','.join(str(e) for e in eg.exceptions)})"


# Rule 34: group errors are ExceptionGroup, or BaseExceptionGroup when a
# sub-error is not an Exception; splitting by type keeps the rest.
async def group_errors_are_named_as_python_names_them():
    for first, second, by in ((ValueError("v"), TimeoutError("t"), ValueError),
                              (Fatal("f"), ValueError("v"), Fatal)):
        try:
            async with asyncio.TaskGroup() as g:
                g.create_task(raiser(first))
                g.create_task(raiser(second))
        except BaseException as eg:
            note(kind(eg))
            match, rest = eg.split(by)
            note(f"match={kind(match)}")
            note(f"rest={kind(rest)}")


async def errors_in_finishing_order_body_last():
    try:
        async with asyncio.TaskGroup() as g:
            g.create_task(child("a", 1, cleanup_fail=True))
            g.create_task(child("c", 0.01, fail=True))
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                note("body-raises")
                raise ValueError("body")
    except* ValueError as eg:
        note(f"group={group_text(eg)}")


async def children_failing_together_all_count():
    try:
        async with asyncio.TaskGroup() as g:
            g.create_task(child("a", 0.01, fail=True))
            g.create_task(child("b", 0.01, fail=True))
    except* ValueError as eg:
        note(f"group={group_text(eg)}")


async def outside_cancel_propagates():
    async def parent():
        async with asyncio.TaskGroup() as g:
            g.create_task(child("a", 1))
            await asyncio.sleep(1)

    p = asyncio.create_task(parent())
    await asyncio.sleep(0.01)
    p.cancel()
    try:
        await p
    except asyncio.CancelledError:
        note(f"parent-cancelled={p.cancelled()}")


async def spawn_after_failure_is_refused():
    try:
        async with asyncio.TaskGroup() as g:
            g.create_task(child("b", 0.01, fail=True))
            try:
                await asyncio.sleep(1)
            except asyncio.CancelledError:
                coro = child("z", 0)
                try:
                    g.create_task(coro)
                except RuntimeError as e:
                    coro.close()
                    note("refused")
                raise
    except* ValueError as eg:
        note(f"group={group_text(eg)}")


if __name__ == "__main__":
    asyncio.run(globals()[sys.argv[1].replace("-", "_")]())
    print(" ".join(LOG))
