/* loop.c: one recorder object per asyncio event loop.
 *
 * A rec_loop is made when a selector event loop is (braid/_hooks.py
 * patches BaseSelectorEventLoop.__init__): it records LOOP_CREATED, and
 * becomes both the loop's _braid attribute and its selector's select.
 * asyncio's _run_once calls select exactly once per iteration, before
 * the I/O callbacks and due timers join the ready queue and the
 * iteration's handles run, so the call is where a POLL and an
 * ITERATION_BEGIN go: the loop-step axis and the iterations of a trace
 * line up with asyncio's. The same place runs the virtual clock: when
 * nothing is ready, no I/O is watched and no executor job is out, the
 * wait for the next timer takes no time and the loop's time (time(),
 * which the hooks install as loop.time) jumps to it, like Trio's
 * MockClock with autojump; with I/O or a thread at work, the loop really
 * waits and the virtual clock advances by the time it waited, as the C
 * runtime's does. A select with nothing ready, nothing to wait for and
 * every task waiting is a deadlock, recorded before asyncio blocks.
 *
 * call_soon (installed as BaseEventLoop.call_soon) is how a future wakes
 * the Tasks waiting on it: asyncio schedules each one's task_wakeup.
 * That moment is the wake-up, and whatever task runs then is its cause.
 *
 * Hot path: the select wrapper (two events and a few attribute reads per
 * iteration) and call_soon (a type check per callback, an event per
 * wake-up).
 */
#include "recorder.h"

#include <math.h>

static PyObject *
loop_asyncio (rec_loop *l)
{
  return l->loop_ref ? rec_weak (l->loop_ref) : NULL;
}

rec_loop *
rec_loop_of (PyObject *loop)
{
  if (loop == NULL || loop == Py_None)
    return NULL;
  PyObject *l = PyObject_GetAttr (loop, REC_ID ("_braid"));
  if (l == NULL)
    {
      PyErr_Clear ();
      return NULL;
    }
  /* The loop holds its rec_loop: borrowed is safe while the loop is. */
  rec_loop *r = Py_IS_TYPE (l, &rec_loop_type) ? (rec_loop *) l : NULL;
  Py_DECREF (l);
  return r;
}

/* Makes @l the loop of this thread (a strong reference): the virtual
 * clock of this thread's events. */
static void
set_thread_loop (rec_loop *l)
{
  if (rec_tls.loop == l)
    return;
  Py_XINCREF (l);
  rec_loop *old = rec_tls.loop;
  rec_tls.loop = l;
  Py_XDECREF (old);
}

/* Whether the loop watches any file descriptor besides its self-pipe:
 * sockets, pipes, a server. */
static int
io_alive (rec_loop *l)
{
  PyObject *map = PyObject_CallMethodNoArgs (l->selector, REC_ID ("get_map"));
  if (map == NULL)
    {
      PyErr_Clear ();
      return 1;
    }
  Py_ssize_t n = PyObject_Size (map);
  Py_DECREF (map);
  if (n < 0)
    {
      PyErr_Clear ();
      return 1;
    }
  return n > 1;
}

/* How many executor jobs of the loop are still out (their futures not
 * done); forgets the done ones. */
static Py_ssize_t
threads_pending (rec_loop *l)
{
  if (l->threads == NULL)
    return 0;
  Py_ssize_t n = PyList_GET_SIZE (l->threads);
  for (Py_ssize_t i = n - 1; i >= 0; i--)
    {
      PyObject *fut = rec_weak (PyList_GET_ITEM (l->threads, i));
      int done = 1;
      if (fut != NULL)
        {
          PyObject *r = PyObject_CallMethodNoArgs (fut, REC_ID ("done"));
          done = r == NULL || PyObject_IsTrue (r) != 0;
          Py_XDECREF (r);
        }
      if (done)
        PySequence_DelItem (l->threads, i);
    }
  PyErr_Clear ();
  return PyList_GET_SIZE (l->threads);
}

/* Records a deadlock before the loop blocks for good: nothing is ready,
 * no timer is due, no I/O is watched, no executor job is out, no signal
 * handler and no other thread could wake it, and tasks wait. */
static void
check_deadlock (rec_loop *l, PyObject *loop)
{
  if (l->deadlock_said || io_alive (l) || threads_pending (l) > 0)
    return;
  PyObject *handlers = PyObject_GetAttr (loop, REC_ID ("_signal_handlers"));
  int has_handlers = handlers != NULL && PyObject_IsTrue (handlers) > 0;
  Py_XDECREF (handlers);
  PyErr_Clear ();
  if (has_handlers)
    return;
  PyObject *threading = PyImport_ImportModule ("threading");
  PyObject *count = threading
                      ? PyObject_CallMethodNoArgs (threading, REC_ID ("active_count"))
                      : NULL;
  long threads = count ? PyLong_AsLong (count) : 2;
  Py_XDECREF (threading);
  Py_XDECREF (count);
  PyErr_Clear ();
  if (threads != 1)
    return;
  PyObject *asyncio = PyImport_ImportModule ("asyncio");
  PyObject *tasks = asyncio ? PyObject_CallMethod (asyncio, "all_tasks", "O",
                                                   loop)
                            : NULL;
  Py_XDECREF (asyncio);
  PyObject *list = tasks ? PySequence_List (tasks) : NULL;
  Py_XDECREF (tasks);
  if (list == NULL || PyList_GET_SIZE (list) == 0)
    {
      Py_XDECREF (list);
      PyErr_Clear ();
      return;
    }
  l->deadlock_said = true;
  braid_event ev = {
    .kind = BRAID_EV_DEADLOCK,
    .value = PyList_GET_SIZE (list),
  };
  rec_emit (&ev);
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE (list); i++)
    {
      rec_task *t = rec_task_of (PyList_GET_ITEM (list, i));
      if (t == NULL)
        continue;
      braid_event each = {
        .kind = BRAID_EV_DEADLOCK_TASK,
        .task = t->id,
        .reason = t->wait_reason,
        .object = t->wait_object,
      };
      rec_emit (&each);
    }
  Py_DECREF (list);
}

/* The number of handles the iteration about to run will start with: the
 * ready queue, the I/O events, and the timers due by @end (asyncio's
 * _scheduled heap, walked only through the due entries). */
static Py_ssize_t
ready_count (rec_loop *l, PyObject *loop, PyObject *events, double end)
{
  Py_ssize_t n = l->ready ? PyObject_Size (l->ready) : 0;
  if (n < 0)
    n = 0;
  if (events != NULL && PyList_Check (events))
    n += PyList_GET_SIZE (events);
  PyObject *heap = PyObject_GetAttr (loop, REC_ID ("_scheduled"));
  if (heap != NULL && PyList_Check (heap) && PyList_GET_SIZE (heap) > 0)
    {
      Py_ssize_t size = PyList_GET_SIZE (heap);
      Py_ssize_t *stack = PyMem_Malloc (size * sizeof *stack);
      Py_ssize_t top = 0;
      if (stack != NULL)
        stack[top++] = 0;
      while (top > 0)
        {
          Py_ssize_t i = stack[--top];
          PyObject *when
            = PyObject_GetAttr (PyList_GET_ITEM (heap, i), REC_ID ("_when"));
          double w = when ? PyFloat_AsDouble (when) : INFINITY;
          Py_XDECREF (when);
          if (!(w < end))
            continue;
          n++;
          if (2 * i + 1 < size)
            stack[top++] = 2 * i + 1;
          if (2 * i + 2 < size)
            stack[top++] = 2 * i + 2;
        }
      PyMem_Free (stack);
    }
  Py_XDECREF (heap);
  PyErr_Clear ();
  return n;
}

/* rec_loop_end_iteration with the iteration's end already read. */
static void
end_iteration_at (rec_loop *l, uint64_t now)
{
  if (!l->in_iteration)
    return;
  l->in_iteration = false;
  uint64_t held = now > l->iter_start ? now - l->iter_start : 0;
  held = held > l->iter_steps ? held - l->iter_steps : 0;
  if (held >= rec.slow_ns && rec.active)
    {
      /* The iteration's callbacks, not its task steps (each is timed on
       * its own), held the loop: asyncio's slow callback. */
      braid_event ev = {
        .kind = BRAID_EV_SLOW_STEP,
        .value = (int64_t) held,
      };
      rec_emit (&ev);
    }
}

void
rec_loop_end_iteration (rec_loop *l)
{
  if (l->in_iteration)
    end_iteration_at (l, rec_monotonic_ns ());
}

/* select(timeout): the selector's select, recording the poll and the
 * iteration that follows, and running the virtual clock. A vectorcall:
 * asyncio calls it once per iteration. */
static PyObject *
loop_select (PyObject *self, PyObject *const *args, size_t nargsf,
             PyObject *kwnames)
{
  rec_loop *l = (rec_loop *) self;
  PyObject *loop = loop_asyncio (l);
  if (!rec.active || loop == NULL)
    return PyObject_Vectorcall (l->select, args, nargsf, kwnames);
  Py_ssize_t nargs = PyVectorcall_NARGS (nargsf);
  PyObject *timeout = nargs > 0 ? args[0] : Py_None;
  if (kwnames != NULL && PyTuple_GET_SIZE (kwnames) == 1 && nargs == 0
      && PyUnicode_CompareWithASCIIString (PyTuple_GET_ITEM (kwnames, 0),
                                           "timeout")
           == 0)
    timeout = args[0];
  double wait = -1; /* forever */
  if (timeout != Py_None)
    {
      wait = PyFloat_AsDouble (timeout);
      if (wait == -1 && PyErr_Occurred ())
        return NULL;
      if (wait < 0)
        wait = 0;
    }
  Py_INCREF (loop);
  set_thread_loop (l);

  uint64_t start = rec_monotonic_ns ();
  end_iteration_at (l, start);
  int jumped = 0;
  PyObject *events = NULL;
  if (l->is_virtual && wait != 0)
    {
      PyObject *zero = PyLong_FromLong (0);
      events = zero ? PyObject_CallOneArg (l->select, zero) : NULL;
      Py_XDECREF (zero);
      if (events != NULL && PyObject_Size (events) == 0)
        {
          if (wait > 0 && !io_alive (l) && threads_pending (l) == 0)
            {
              /* Nothing can happen before the next timer: go there. */
              l->vnow += wait;
              jumped = 1;
            }
          else
            {
              if (wait < 0)
                check_deadlock (l, loop);
              Py_DECREF (events);
              events = PyObject_Vectorcall (l->select, args, nargsf, kwnames);
              double waited = (rec_monotonic_ns () - start) / 1e9;
              l->vnow += wait >= 0 && waited > wait ? wait : waited;
            }
        }
    }
  else
    {
      if (wait < 0)
        check_deadlock (l, loop);
      events = PyObject_Vectorcall (l->select, args, nargsf, kwnames);
    }
  if (events == NULL)
    {
      Py_DECREF (loop);
      return NULL;
    }
  uint64_t end = rec_monotonic_ns ();
  l->deadlock_said = false;

  uint64_t now = rec_stamp_real (end);
  braid_event poll = {
    .kind = BRAID_EV_POLL,
    .time_ns = now,
    .object = l->id,
    .value = wait == 0 || jumped ? 0 : (int64_t) (end - start),
    .other = (uint64_t) jumped,
  };
  rec_emit (&poll);
  double due_by = (l->is_virtual ? l->vnow : end / 1e9) + l->clock_resolution;
  braid_event begin = {
    .kind = BRAID_EV_ITERATION_BEGIN,
    .time_ns = now,
    .object = l->id,
    .value = (int64_t) ++l->iteration,
    .other = (uint64_t) ready_count (l, loop, events, due_by),
  };
  rec_emit (&begin);
  rec_check_retrieved ();
  l->in_iteration = true;
  l->iter_start = end;
  l->iter_steps = 0;
  Py_DECREF (loop);
  return events;
}

/* Loop(loop, program): the recorder of asyncio loop @loop (made by a
 * selector event loop's __init__; its selector and ready queue exist). */
static PyObject *
loop_new (PyTypeObject *type, PyObject *args, PyObject *kw)
{
  static char *names[] = { "loop", "program", NULL };
  PyObject *loop;
  const char *program;
  if (!PyArg_ParseTupleAndKeywords (args, kw, "Os:Loop", names, &loop,
                                    &program))
    return NULL;
  rec_loop *l = (rec_loop *) type->tp_alloc (type, 0);
  if (l == NULL)
    return NULL;
  l->vectorcall = loop_select;
  l->id = rec_new_id ();
  l->is_virtual = rec.is_virtual;
  l->stamp_base = rec_tls.last_stamp;
  l->clock_resolution = 1e-9;
  l->loop_ref = PyWeakref_NewRef (loop, NULL);
  l->selector = PyObject_GetAttr (loop, REC_ID ("_selector"));
  l->select = l->selector ? PyObject_GetAttr (l->selector, REC_ID ("select"))
                          : NULL;
  l->ready = PyObject_GetAttr (loop, REC_ID ("_ready"));
  l->threads = PyList_New (0);
  if (l->loop_ref == NULL || l->select == NULL || l->ready == NULL
      || l->threads == NULL)
    {
      Py_DECREF (l);
      return NULL;
    }
  PyObject *res = PyObject_GetAttr (loop, REC_ID ("_clock_resolution"));
  if (res != NULL)
    l->clock_resolution = PyFloat_AsDouble (res);
  Py_XDECREF (res);
  PyErr_Clear ();
  if (rec.active)
    {
      braid_event ev = {
        .kind = BRAID_EV_LOOP_CREATED,
        .time_ns = l->is_virtual ? l->stamp_base : 0,
        .object = l->id,
        .value = l->is_virtual,
        .str1 = program,
      };
      rec_emit (&ev);
    }
  return (PyObject *) l;
}

/* time(): the loop's virtual time in seconds. */
static PyObject *
loop_time (PyObject *self, PyObject *unused)
{
  return PyFloat_FromDouble (((rec_loop *) self)->vnow);
}

/* run_begin(): the loop starts running on this thread. */
static PyObject *
loop_run_begin (PyObject *self, PyObject *unused)
{
  set_thread_loop ((rec_loop *) self);
  Py_RETURN_NONE;
}

/* run_end(): the loop stopped running (its last iteration ended). */
static PyObject *
loop_run_end (PyObject *self, PyObject *unused)
{
  rec_loop_end_iteration ((rec_loop *) self);
  Py_RETURN_NONE;
}

/* closed(): the loop was closed. */
static PyObject *
loop_closed (PyObject *self, PyObject *unused)
{
  rec_loop *l = (rec_loop *) self;
  if (l->closed)
    Py_RETURN_NONE;
  l->closed = true;
  rec_loop_end_iteration (l);
  if (rec.active)
    {
      rec_loop *outer = rec_tls.loop;
      Py_XINCREF (outer);
      set_thread_loop (l);
      braid_event ev = { .kind = BRAID_EV_LOOP_CLOSED, .object = l->id };
      rec_emit (&ev);
      set_thread_loop (outer == l ? NULL : outer);
      Py_XDECREF (outer);
    }
  Py_RETURN_NONE;
}

/* executor_future(fut): @fut is the future of a job run_in_executor
 * handed to a thread: a wait on it is a wait on a thread, and the
 * virtual clock does not jump while it is out. */
static PyObject *
loop_executor_future (PyObject *self, PyObject *fut)
{
  rec_loop *l = (rec_loop *) self;
  if (!rec.active)
    Py_RETURN_NONE;
  PyObject *ref = PyWeakref_NewRef (fut, NULL);
  if (ref == NULL)
    return NULL;
  int rc = PyList_Append (l->threads, ref);
  Py_DECREF (ref);
  if (rc != 0)
    return NULL;
  rec_object_mark (fut, BRAID_OBJ_FUTURE, (rec_mark) { BRAID_WAIT_THREAD, 0 });
  Py_RETURN_NONE;
}

static PyObject *
loop_get_id (PyObject *self, void *closure)
{
  return PyLong_FromUnsignedLongLong (((rec_loop *) self)->id);
}

static int
loop_traverse (PyObject *self, visitproc visit, void *arg)
{
  rec_loop *l = (rec_loop *) self;
  Py_VISIT (l->loop_ref);
  Py_VISIT (l->selector);
  Py_VISIT (l->select);
  Py_VISIT (l->ready);
  Py_VISIT (l->threads);
  return 0;
}

static int
loop_clear (PyObject *self)
{
  rec_loop *l = (rec_loop *) self;
  Py_CLEAR (l->loop_ref);
  Py_CLEAR (l->selector);
  Py_CLEAR (l->select);
  Py_CLEAR (l->ready);
  Py_CLEAR (l->threads);
  return 0;
}

static void
loop_dealloc (PyObject *self)
{
  PyObject_GC_UnTrack (self);
  loop_clear (self);
  Py_TYPE (self)->tp_free (self);
}

static PyMethodDef loop_methods[] = {
  { "time", loop_time, METH_NOARGS,
    "time(): the loop's virtual time, in seconds." },
  { "run_begin", loop_run_begin, METH_NOARGS,
    "run_begin(): the loop starts running on this thread." },
  { "run_end", loop_run_end, METH_NOARGS,
    "run_end(): the loop stopped running." },
  { "closed", loop_closed, METH_NOARGS, "closed(): the loop was closed." },
  { "executor_future", loop_executor_future, METH_O,
    "executor_future(fut): fut waits for a job in a thread." },
  { NULL, NULL, 0, NULL },
};

static PyGetSetDef loop_getset[] = {
  { "id", loop_get_id, NULL, "the loop's id in the trace", NULL },
  { NULL, NULL, NULL, NULL, NULL },
};

PyTypeObject rec_loop_type = {
  PyVarObject_HEAD_INIT (NULL, 0)
  .tp_name = "braid._recorder.Loop",
  .tp_doc = "Loop(loop, program): the recorder of an asyncio event loop; "
            "calling it is the loop's selector's select.",
  .tp_basicsize = sizeof (rec_loop),
  .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC
              | Py_TPFLAGS_HAVE_VECTORCALL,
  .tp_vectorcall_offset = offsetof (rec_loop, vectorcall),
  .tp_new = loop_new,
  .tp_call = PyVectorcall_Call,
  .tp_dealloc = loop_dealloc,
  .tp_traverse = loop_traverse,
  .tp_clear = loop_clear,
  .tp_methods = loop_methods,
  .tp_getset = loop_getset,
};

/* ---------------------------------------------------------------------
 * call_soon: wake-ups
 * ------------------------------------------------------------------ */

/* Whether @cb is a Task's task_wakeup bound to its Task, which asyncio
 * schedules when the future the Task waits on is done. */
static PyObject *
wakeup_task (PyObject *cb)
{
  if (!PyCFunction_Check (cb))
    return NULL;
  PyCFunctionObject *f = (PyCFunctionObject *) cb;
  if (rec.wakeup_def == NULL)
    {
      PyObject *self = PyCFunction_GET_SELF (cb);
      if (self == NULL || strcmp (f->m_ml->ml_name, "task_wakeup") != 0
          || !PyObject_TypeCheck (self, (PyTypeObject *) rec.task_type))
        return NULL;
      rec.wakeup_def = f->m_ml;
    }
  if (f->m_ml != rec.wakeup_def)
    return NULL;
  return PyCFunction_GET_SELF (cb);
}

PyObject *
rec_call_soon (PyObject *module, PyObject *const *args, Py_ssize_t nargs,
               PyObject *kwnames)
{
  if (rec.active && nargs >= 3)
    {
      PyObject *task = wakeup_task (args[1]);
      rec_task *t = task ? rec_task_of (task) : NULL;
      if (t != NULL && !t->ended)
        {
          PyObject *fut = args[2];
          PyObject *c = PyObject_CallMethodNoArgs (fut, REC_ID ("cancelled"));
          int cancelled = c != NULL && PyObject_IsTrue (c) > 0;
          Py_XDECREF (c);
          PyErr_Clear ();
          if (cancelled)
            {
              /* The future it waited on was cancelled: Task.cancel() of
               * this task, by whatever task runs now. */
              braid_event req = {
                .kind = BRAID_EV_CANCEL_REQUESTED,
                .task = t->id,
                .other = rec_tls.task,
                .object = t->wait_object,
              };
              rec_emit (&req);
            }
          braid_event ev = {
            .kind = BRAID_EV_TASK_WOKEN,
            .task = t->id,
            .other = rec_tls.task,
            .object = t->wait_object,
            .reason = t->wait_reason,
          };
          rec_emit (&ev);
        }
    }
  return PyObject_Vectorcall (rec.orig_call_soon, args, nargs, kwnames);
}
