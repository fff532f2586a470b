/* recorder.h: what the files of braid._recorder share.
 *
 * braid._recorder is the CPython extension that turns what asyncio does
 * into braid_events and hands them to libbraid-trace (braid_trace_record),
 * the recorder the C runtime uses: one writer of the format. Its parts:
 * module.c (the module, the session, ids of Python objects, the events
 * the Python hooks report), task.c (the coroutine wrapper that sees each
 * step of a task), loop.c (one object per event loop: the selector's
 * select, hence iterations, polls and the virtual clock; call_soon, hence
 * wake-ups) and output.c (the stdout and stderr wrappers that record the
 * program's lines). python/DESIGN.md says why asyncio is hooked there.
 *
 * Everything runs with the GIL held, on the thread of the loop the event
 * belongs to; the per-thread state (which task runs, which loop) is
 * thread-local because each thread may run a loop of its own.
 */
#ifndef BRAID_PY_RECORDER_H
#define BRAID_PY_RECORDER_H

#define PY_SSIZE_T_CLEAN
#include <Python.h>

#include <stdbool.h>
#include <stdint.h>

#include <braid/braid-hooks.h>

/* The loop object (loop.c): one per asyncio event loop, stored as the
 * loop's _braid attribute and installed as its selector's select. */
typedef struct rec_loop
{
  PyObject_HEAD
  vectorcallfunc vectorcall; /* the select wrapper (loop.c) */
  uint64_t id;
  bool is_virtual;
  bool closed;
  bool in_iteration;      /* an iteration began and has not ended */
  bool deadlock_said;     /* this blocking episode was reported */
  double vnow;            /* virtual time in seconds (loop.time()) */
  uint64_t stamp_base;    /* event time of virtual time 0 */
  uint64_t iteration;     /* iterations begun, from 1 */
  uint64_t iter_start;    /* monotonic ns when the iteration began */
  uint64_t iter_steps;    /* monotonic ns spent in task steps in it */
  double clock_resolution;
  PyObject *loop_ref;     /* weakref to the asyncio loop */
  PyObject *selector;     /* the loop's selector (strong) */
  PyObject *select;       /* the selector's own select (bound method) */
  PyObject *ready;        /* loop._ready, the ready deque */
  PyObject *threads;      /* weakrefs to run_in_executor futures */
} rec_loop;

/* The task wrapper (task.c): the coroutine a traced Task runs. */
typedef struct rec_task
{
  PyObject_HEAD
  PyObject *coro;         /* the program's coroutine */
  PyObject *task_ref;     /* weakref to the Task, NULL before it exists */
  uint64_t id;
  uint32_t wait_reason;   /* what the last suspension waits on */
  uint64_t wait_object;
  bool created;           /* TASK_CREATED was recorded */
  bool ended;             /* an end event was recorded */
} rec_task;

/* The state of the thread: the task whose step runs (0: none), the loop
 * that runs here (borrowed from the loop's run, see loop.c), the last
 * event time given (events of one thread never go back in time), and
 * whether output is being recorded (not while asyncio prints its own
 * diagnostics). */
typedef struct rec_thread
{
  uint64_t task;
  rec_loop *loop;
  uint64_t last_stamp;
  int quiet;
} rec_thread;

extern _Thread_local rec_thread rec_tls;

/* The process-wide state, set by configure() and start(). */
typedef struct rec_state
{
  bool active;              /* a recording is on */
  bool is_virtual;          /* BRAID_CLOCK=virtual */
  uint64_t slow_ns;         /* a step longer than this is a slow step */
  PyObject *reasons;        /* dict: code object -> reason | how << 8 */
  PyObject *task_type;      /* asyncio.Task */
  PyObject *gathering_type; /* asyncio.tasks._GatheringFuture */
  PyObject *cancelled_type; /* asyncio.CancelledError */
  PyObject *orig_call_soon; /* BaseEventLoop.call_soon as asyncio has it */
  PyObject *lib_dirs;       /* tuple of str: asyncio's directory */
  PyObject *hidden_dirs;    /* tuple of str: braid's, never a site */
  PyObject *site_skip;      /* dict: code object -> site kind (cache) */
  PyObject *objects;        /* dict: address -> (weakref, id, reason) */
  Py_ssize_t objects_prune; /* prune dead entries past this size */
  PyObject *failed;         /* list of [weakref task, id, armed] */
  const PyMethodDef *wakeup_def; /* the Task's task_wakeup, once seen */
} rec_state;

extern rec_state rec;

/* An interned str of the C string @literal, made at the first use of
 * each call site and kept: attribute names on hot paths are not made
 * again at every lookup. NULL (with an error) only if that allocation
 * failed. */
#define REC_ID(literal)                                                      \
  ({                                                                         \
    static PyObject *rec_id_;                                                \
    if (rec_id_ == NULL)                                                     \
      rec_id_ = PyUnicode_InternFromString (literal);                        \
    rec_id_;                                                                 \
  })

/* How the reasons table says to find the object of a wait (bits 8-15). */
enum
{
  REC_HOW_FUTURE = 0, /* the future the task yielded */
  REC_HOW_SELF = 1,   /* the frame's self (an Event, Lock, Queue...) */
  REC_HOW_SLEEP = 2,  /* a new timer; value: the frame's delay */
};

/* module.c */

/* The next id of the number space tasks and objects share (from 1). */
uint64_t rec_new_id (void);
/* The time of an event now: the thread's loop's virtual clock, or
 * CLOCK_MONOTONIC; never before the thread's previous event. */
uint64_t rec_stamp (void);
/* Monotonic nanoseconds (for durations, whatever the event clock). */
uint64_t rec_monotonic_ns (void);
/* Records @ev, stamping it when its time_ns is 0 and the clock is not
 * virtual (a virtual time 0 is a time). Call only when rec.active. */
void rec_emit (braid_event *ev);
/* What an object was marked with when it got its id: a wait on it is
 * a wait of @reason (0: none), with @value (a sleep's delay in ns). */
typedef struct rec_mark
{
  uint32_t reason;
  int64_t value;
} rec_mark;

/* The id of @obj in the object table, recording its OBJECT_CREATED of
 * kind @kind (a braid_object_kind) the first time; *mark (may be NULL)
 * gets what it was marked with. An object that cannot be weakly
 * referenced gets a new id each time. 0 on error (the Python error is
 * cleared). */
uint64_t rec_object_id (PyObject *obj, uint32_t kind, rec_mark *mark);
/* Gives @obj its id now, marked with @mark (a thread's future, a sleep's
 * future). Returns the id. */
uint64_t rec_object_mark (PyObject *obj, uint32_t kind, rec_mark mark);
/* The wrapper of a Task (its _coro), borrowed; NULL when the task is not
 * traced. Clears any error. */
rec_task *rec_task_of (PyObject *task);
/* Looks at the failed tasks whose error nobody read yet: records an
 * ERROR_RETRIEVED for each one read since the last look. */
void rec_check_retrieved (void);
/* A failed task @task_ref (weakref) of id @id, whose error may be read. */
void rec_watch_failed (PyObject *task_ref, uint64_t id);
/* @self's attribute @name, or when @self has none, @inner's (unless
 * @inner is NULL): the getattro of a wrapper that stands in for @inner. */
PyObject *rec_getattr_delegate (PyObject *self, PyObject *name,
                                PyObject *inner);
/* PyObject_GetOptionalAttr (CPython 3.13) under its earlier name: 1 and
 * a new reference, 0 and NULL when there is no such attribute (no
 * error), -1 on an error. */
#if PY_VERSION_HEX < 0x030D0000
#define PyObject_GetOptionalAttr _PyObject_LookupAttr
#endif

/* The object @ref (a weakref) refers to, borrowed, or NULL when it is
 * gone (no error set): PyWeakref_GetObject's contract, which CPython
 * 3.13 deprecates for PyWeakref_GetRef. */
static inline PyObject *
rec_weak (PyObject *ref)
{
#if PY_VERSION_HEX >= 0x030D0000
  PyObject *obj = NULL;
  if (PyWeakref_GetRef (ref, &obj) < 0)
    PyErr_Clear ();
  Py_XDECREF (obj); /* borrowed: someone else keeps it alive */
  return obj;
#else
  PyObject *obj = PyWeakref_GetObject (ref);
  if (obj == NULL)
    PyErr_Clear ();
  return obj == Py_None ? NULL : obj;
#endif
}

/* UTF-8 of a str (NULL on error, cleared; valid while @s lives). */
const char *rec_utf8 (PyObject *s);
/* The event time of a step's edge read at monotonic @real: @real itself
 * on the monotonic clock (one reading serves both), the virtual time
 * otherwise. */
uint64_t rec_stamp_real (uint64_t real);
/* Fills the error fields of @ev (str1 type, str2 message, str3 raise
 * file, line) from the exception @exc. The strings stay valid while
 * *keep lives (a new reference, maybe NULL, to release after the event
 * is recorded). Never leaves an error set. */
void rec_describe_error (PyObject *exc, braid_event *ev, PyObject **keep);

/* Records a new task: @proxy wraps its coroutine and @task is the Task
 * made with it, on loop @loop (its rec_loop or NULL). 0 or -1 with an
 * error set. */
int rec_task_created (rec_task *proxy, PyObject *task, rec_loop *loop);

/* Records the creation held back by rec_task_created, if any (rec_emit
 * does before any other event of the thread). */
void rec_flush_created (void);

/* task.c */
extern PyTypeObject rec_task_type;

/* loop.c */
extern PyTypeObject rec_loop_type;
/* The rec_loop of an asyncio loop (its _braid attribute), borrowed;
 * NULL without an error when it has none. */
rec_loop *rec_loop_of (PyObject *loop);
/* Ends the iteration running on @l (the loop stops or polls again):
 * reports the callbacks that held it too long. */
void rec_loop_end_iteration (rec_loop *l);
/* BaseEventLoop.call_soon, installed in its place (METH_FASTCALL). */
PyObject *rec_call_soon (PyObject *module, PyObject *const *args,
                         Py_ssize_t nargs, PyObject *kwnames);

/* output.c */
extern PyTypeObject rec_output_type;
/* Records what is left of every stream's last line (at stop). */
void rec_output_flush_all (void);

#endif /* BRAID_PY_RECORDER_H */
