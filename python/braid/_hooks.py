"""_hooks.py: where braid hooks asyncio, and the table of what waits mean.

install() patches asyncio's event loop classes once, before the program
runs (python/DESIGN.md says why these places):

- BaseEventLoop.create_task runs each new coroutine inside a
  braid._recorder.Task, which sees every step of the (unchanged, C) Task;
- BaseSelectorEventLoop.__init__ gives each loop its recorder
  (braid._recorder.Loop), which is also its selector's select: iterations,
  polls, the virtual clock;
- BaseEventLoop.call_soon (in C) sees futures wake their tasks;
- BaseEventLoop.close, run_forever, call_later (asyncio.sleep's timers),
  run_in_executor, call_exception_handler and, under the virtual clock,
  time;
- Lock and Semaphore's acquire and release report who holds them
  (braid._recorder.hold), as libbraid's primitives do;
- Queue's get_nowait and put_nowait (which get and put end in) report
  who took each item, and who filled a bounded queue
  (braid._recorder.queue_item), as libbraid's queues do;
- sys.stdout and sys.stderr become braid._recorder.Output wrappers.

Everything else of asyncio is left as it is: the same Task and Future
classes run the program, in the same order.
"""
import asyncio
import collections.abc
import os
import sys
import types

from asyncio import base_events, coroutines, events, futures, locks, queues
from asyncio import selector_events
from asyncio import streams, tasks, threads

from . import _recorder

# braid_wait_reason (include/braid/braid-hooks.h): stable numbers.
SLEEP, TASK, FUTURE, GATHER, WAIT = 2, 3, 4, 5, 6
EVENT, LOCK, SEMAPHORE, CONDITION, QUEUE, IO, THREAD, OTHER = range(7, 15)
# How the recorder finds the object of the wait (python/recorder/recorder.h).
HOW_FUTURE, HOW_SELF, HOW_SLEEP = 0, 1, 2

_installed = False


def _code_objects(func):
    """The code of @func and of the functions defined inside it."""
    code = getattr(func, "__code__", None)
    if code is None:
        return []
    found, todo = [], [code]
    while todo:
        c = todo.pop()
        found.append(c)
        todo.extend(k for k in c.co_consts if isinstance(k, types.CodeType))
    return found


def _coroutine_functions(namespace):
    """Every coroutine function of a module or class (not inherited)."""
    for value in vars(namespace).values():
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if isinstance(value, type) and value.__module__ == namespace.__name__:
            yield from _coroutine_functions(value)
        elif (isinstance(value, types.FunctionType)
              and value.__code__.co_flags & 0x80):  # CO_COROUTINE
            yield value


def reasons_table():
    """Code object -> reason | how << 8: a task whose chain of awaits goes
    through that code waits for that reason. The outermost such frame
    names the wait (a Condition's wait on its lock is a Condition wait)."""
    table = {}

    def add(func, reason, how=HOW_FUTURE, nested=False):
        codes = _code_objects(func) if nested else [func.__code__]
        for code in codes:
            table.setdefault(code, reason | how << 8)

    add(tasks.sleep, SLEEP, HOW_SLEEP)
    for f in (tasks.wait, tasks._wait, tasks.wait_for,
              getattr(tasks, "_cancel_and_wait", None)):
        if f is not None:
            add(f, WAIT)
    add(tasks.as_completed, WAIT, nested=True)
    # CPython 3.13 runs as_completed in a class of its own.
    for f in _coroutine_functions(getattr(tasks, "_AsCompletedIterator",
                                          type)):
        add(f, WAIT)
    add(locks.Event.wait, EVENT, HOW_SELF)
    add(locks.Lock.acquire, LOCK, HOW_SELF)
    add(locks.Semaphore.acquire, SEMAPHORE, HOW_SELF)
    add(locks.Condition.wait, CONDITION, HOW_SELF)
    add(locks.Condition.wait_for, CONDITION, HOW_SELF)
    barrier = getattr(locks, "Barrier", None)  # 3.11
    if barrier is not None:
        add(barrier.wait, OTHER, HOW_SELF)
    for name in ("get", "put", "join"):
        add(getattr(queues.Queue, name), QUEUE, HOW_SELF)
    add(threads.to_thread, THREAD)
    taskgroups = getattr(asyncio, "taskgroups", None)
    if taskgroups is not None:
        add(taskgroups.TaskGroup.__aexit__, GATHER, HOW_SELF)
    # Sockets and streams: the stream (self) when there is one.
    for f in _coroutine_functions(streams):
        add(f, IO, HOW_SELF if f.__qualname__.startswith("Stream") else
            HOW_FUTURE)
    for module in (selector_events, base_events):
        for f in _coroutine_functions(module):
            if f.__name__ not in ("shutdown_asyncgens",
                                  "shutdown_default_executor"):
                add(f, IO)
    return table


def _housekeeping_codes():
    """asyncio.run's own clean-up coroutines: not the program's tasks, and
    not recorded (braid's runtime does this clean-up without tasks)."""
    names = ("shutdown_asyncgens", "shutdown_default_executor")
    return {getattr(base_events.BaseEventLoop, n).__code__
            for n in names if hasattr(base_events.BaseEventLoop, n)}


# braid_object_kind (include/braid/braid-hooks.h) of a lock, a semaphore.
OBJ_LOCK, OBJ_SEMAPHORE = 8, 9


def _hook_holds():
    """Lock and Semaphore (BoundedSemaphore inherits it) report each
    acquisition and release to the recorder. The waits themselves are
    still read from the frames of Lock.acquire and Semaphore.acquire (the
    reasons table holds their own code, which the wrappers call)."""
    hold = _recorder.hold
    for cls, kind in ((locks.Lock, OBJ_LOCK),
                      (locks.Semaphore, OBJ_SEMAPHORE)):
        def wrap(acquire, release, kind=kind):
            async def traced_acquire(self):
                result = await acquire(self)
                hold(self, kind, True)
                return result

            def traced_release(self):
                release(self)
                hold(self, kind, False)

            traced_acquire.__qualname__ = acquire.__qualname__
            traced_release.__qualname__ = release.__qualname__
            return traced_acquire, traced_release

        cls.acquire, cls.release = wrap(cls.acquire, cls.release)


# braid_queue_op (include/braid/braid-hooks.h): stable numbers.
QUEUE_GET, QUEUE_PUT = 1, 2


def _hook_queue_items():
    """Queue (LifoQueue and PriorityQueue inherit it) reports each get,
    and each put into a bounded queue, to the recorder: who took the item
    a woken getter was woken for, or the place a woken putter was. get()
    and put() end in get_nowait() and put_nowait(), so these two see every
    item; the waits are still read from the frames of get and put."""
    queue_item = _recorder.queue_item
    get_nowait = queues.Queue.get_nowait
    put_nowait = queues.Queue.put_nowait

    def traced_get_nowait(self):
        item = get_nowait(self)
        queue_item(self, QUEUE_GET)
        return item

    def traced_put_nowait(self, item):
        put_nowait(self, item)
        if self._maxsize > 0:
            queue_item(self, QUEUE_PUT)

    traced_get_nowait.__qualname__ = get_nowait.__qualname__
    traced_put_nowait.__qualname__ = put_nowait.__qualname__
    queues.Queue.get_nowait = traced_get_nowait
    queues.Queue.put_nowait = traced_put_nowait


def install(program, virtual=False, slow_ms=100.0):
    """Patches asyncio for recording (once) and tells the recorder how.
    @program names the loops' program; @virtual switches on the virtual
    clock; a step longer than @slow_ms is a slow step."""
    global _installed
    BaseEventLoop = base_events.BaseEventLoop
    Selector = selector_events.BaseSelectorEventLoop
    if _installed:
        return
    _installed = True

    orig_call_soon = BaseEventLoop.call_soon
    def directory(module):
        return os.path.dirname(os.path.abspath(module.__file__)) + os.sep

    # Sites (where a task was created, where an error was raised) are the
    # program's frames: asyncio's only when asyncio itself made the task,
    # braid's never.
    _recorder.configure(
        virtual=virtual, slow_ms=slow_ms, reasons=reasons_table(),
        task_type=asyncio.Task, gathering_type=tasks._GatheringFuture,
        cancelled_type=asyncio.CancelledError, call_soon=orig_call_soon,
        lib_dirs=(directory(asyncio),),
        hidden_dirs=(directory(sys.modules[__package__]),),
        boundaries=(events.Handle._run.__code__,))
    # asyncio accepts any collections.abc.Coroutine as a task's coroutine.
    collections.abc.Coroutine.register(_recorder.Task)
    housekeeping = _housekeeping_codes()
    wrap = _recorder.wrap
    task_created = _recorder.task_created

    orig_create_task = BaseEventLoop.create_task

    def create_task(self, coro, *args, **kwargs):
        if (coroutines.iscoroutine(coro)
                and getattr(coro, "cr_code", None) not in housekeeping):
            wrapped = wrap(coro)
        else:
            wrapped = coro
        task = orig_create_task(self, wrapped, *args, **kwargs)
        if wrapped is not coro:
            task_created(wrapped, task, self)
        return task

    orig_init = Selector.__init__

    def __init__(self, *args, **kwargs):
        orig_init(self, *args, **kwargs)
        if not _recorder.recording():
            return
        recorder = _recorder.Loop(self, program)
        self._braid = recorder
        # An instance attribute: _run_once's self._selector.select(...)
        # calls the recorder, which calls the selector's own select.
        self._selector.select = recorder

    orig_close = BaseEventLoop.close

    def close(self):
        was_closed = self.is_closed()
        orig_close(self)
        recorder = getattr(self, "_braid", None)
        if recorder is not None and not was_closed:
            recorder.closed()

    # The loop's recorder is read with getattr, never through the loop's
    # __dict__: reading __dict__ makes CPython 3.11+ keep the instance's
    # attributes in a real dict from then on, and every attribute read of
    # the loop (_run_once, call_soon...) slower (15% on a sleep(0)
    # ping-pong).
    orig_run_forever = BaseEventLoop.run_forever

    def run_forever(self):
        recorder = getattr(self, "_braid", None)
        if recorder is not None:
            recorder.run_begin()
        try:
            return orig_run_forever(self)
        finally:
            if recorder is not None:
                recorder.run_end()

    orig_call_later = BaseEventLoop.call_later
    set_result_unless_cancelled = futures._set_result_unless_cancelled
    mark_sleep = _recorder.mark_sleep

    def call_later(self, delay, callback, *args, context=None):
        # asyncio.sleep's timer: the future it sets is a sleep's, which
        # says what a task waits on when no coroutine in the chain of its
        # awaits does (an async generator's sleep).
        if callback is set_result_unless_cancelled and args:
            mark_sleep(args[0], delay)
        return orig_call_later(self, delay, callback, *args, context=context)

    orig_run_in_executor = BaseEventLoop.run_in_executor

    def run_in_executor(self, executor, func, *args):
        fut = orig_run_in_executor(self, executor, func, *args)
        recorder = getattr(self, "_braid", None)
        if recorder is not None:
            recorder.executor_future(fut)
        return fut

    orig_call_exception_handler = BaseEventLoop.call_exception_handler
    never_retrieved = ("Task exception was never retrieved",
                       "Future exception was never retrieved")

    # Bound here, not looked up in the module: asyncio reports tasks freed
    # while the interpreter shuts down, when module globals are gone.
    recording = _recorder.recording
    report_never_retrieved = _recorder.never_retrieved
    report_destroyed = _recorder.destroyed_pending
    set_quiet = _recorder.quiet

    def call_exception_handler(self, context):
        quiet = False
        try:
            message = context.get("message")
            if recording():
                if message in never_retrieved and "exception" in context:
                    report_never_retrieved(context.get("future"),
                                           context["exception"])
                    quiet = True
                elif (message == "Task was destroyed but it is pending!"
                      and context.get("task") is not None):
                    report_destroyed(context["task"])
                    quiet = True
        except Exception:
            pass  # the recorder never stands in the way of asyncio's report
        # What asyncio prints about a problem the trace records as one is
        # not the program's output.
        if quiet:
            set_quiet(True)
        try:
            return orig_call_exception_handler(self, context)
        finally:
            if quiet:
                set_quiet(False)

    BaseEventLoop.create_task = create_task
    BaseEventLoop.call_soon = _recorder.instancemethod(_recorder.call_soon)
    BaseEventLoop.close = close
    BaseEventLoop.run_forever = run_forever
    BaseEventLoop.call_later = call_later
    BaseEventLoop.run_in_executor = run_in_executor
    BaseEventLoop.call_exception_handler = call_exception_handler
    Selector.__init__ = __init__
    if virtual:
        orig_time = BaseEventLoop.time

        def time(self):
            recorder = getattr(self, "_braid", None)
            if recorder is None:
                return orig_time(self)
            return recorder.time()

        BaseEventLoop.time = time

    _hook_holds()
    _hook_queue_items()

    if sys.stdout is not None:
        sys.stdout = _recorder.Output(sys.stdout, 1)
    if sys.stderr is not None:
        sys.stderr = _recorder.Output(sys.stderr, 2)
