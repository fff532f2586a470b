/* task.c: the coroutine wrapper that sees every step of a traced task.
 *
 * A traced asyncio Task (the C Task, unchanged) runs a rec_task instead
 * of the program's coroutine: the loop's create_task hands it one
 * (braid/_hooks.py). asyncio's Task steps its coroutine with PyIter_Send,
 * which calls the am_send slot here, and throws into it (cancellation)
 * through its throw() method; each call is one step: RESUMED before it,
 * and after it what the coroutine did: it yielded a future to wait on
 * (SUSPENDED, on what: the chain of awaits says, see classify), yielded
 * None (a bare yield: sleep(0)), returned (COMPLETED, or CANCELLED when
 * the task was cancelled in that step) or raised (FAILED with the raise
 * site, or CANCELLED). Everything else of the coroutine (its repr,
 * cr_frame, cr_await, __qualname__) is the program's coroutine's, so the
 * task's repr and asyncio's diagnostics read as they do untraced.
 *
 * Hot path: step_begin and step_end around every step. A yield costs two
 * events and two clock reads; a wait on a future adds a walk down the
 * awaits of the task (two attribute reads per coroutine in the chain) and
 * a table lookup per code object.
 */
#include "recorder.h"

#include <math.h>

/* The object kind an object a task waits on is recorded as. */
static uint32_t
kind_of_reason (uint32_t reason)
{
  switch (reason)
    {
    case BRAID_WAIT_SLEEP:
      return BRAID_OBJ_TIMER;
    case BRAID_WAIT_TASK:
      return BRAID_OBJ_TASK;
    case BRAID_WAIT_GATHER:
      return BRAID_OBJ_GATHER;
    case BRAID_WAIT_WAIT:
      return BRAID_OBJ_WAIT;
    case BRAID_WAIT_EVENT:
      return BRAID_OBJ_EVENT;
    case BRAID_WAIT_LOCK:
      return BRAID_OBJ_LOCK;
    case BRAID_WAIT_SEMAPHORE:
      return BRAID_OBJ_SEMAPHORE;
    case BRAID_WAIT_CONDITION:
      return BRAID_OBJ_CONDITION;
    case BRAID_WAIT_QUEUE:
      return BRAID_OBJ_QUEUE;
    case BRAID_WAIT_IO:
      return BRAID_OBJ_IO;
    default:
      return BRAID_OBJ_FUTURE;
    }
}

/* A local variable of the frame of coroutine or generator @coro (new
 * reference), NULL without an error when it has none. */
static PyObject *
frame_local (PyObject *coro, const char *name)
{
  PyObject *frame = PyObject_GetAttr (
    coro, PyCoro_CheckExact (coro)       ? REC_ID ("cr_frame")
          : PyAsyncGen_CheckExact (coro) ? REC_ID ("ag_frame")
                                         : REC_ID ("gi_frame"));
  if (frame == NULL || !PyFrame_Check (frame))
    {
      Py_XDECREF (frame);
      PyErr_Clear ();
      return NULL;
    }
  PyObject *locals = PyFrame_GetLocals ((PyFrameObject *) frame);
  Py_DECREF (frame);
  if (locals == NULL)
    {
      PyErr_Clear ();
      return NULL;
    }
  PyObject *value = PyMapping_GetItemString (locals, name);
  Py_DECREF (locals);
  if (value == NULL)
    PyErr_Clear ();
  return value;
}

/* The id of the task or future @fut as an object of a wait of *reason;
 * a future marked as a sleep's or a thread's (rec_object_mark) makes a
 * plain future wait that kind of wait, and gives *value. */
static uint64_t
future_id (PyObject *fut, uint32_t *reason, int64_t *value)
{
  if (rec.task_type && PyObject_TypeCheck (fut, (PyTypeObject *) rec.task_type))
    {
      rec_task *t = rec_task_of (fut);
      if (t != NULL)
        return t->id;
    }
  rec_mark mark;
  uint64_t id = rec_object_id (fut, kind_of_reason (*reason), &mark);
  if (mark.reason != 0
      && (*reason == BRAID_WAIT_FUTURE || *reason == mark.reason))
    {
      *reason = mark.reason;
      *value = mark.value;
    }
  return id;
}

/* The next object down a chain of awaits from @cur (a new reference,
 * NULL at the end), and the code of @cur in *code (new reference, NULL
 * when it has none): a coroutine's cr_await, a generator's gi_yieldfrom,
 * an async generator's ag_await. An async generator's asend object (what
 * `async for` and an asynccontextmanager await) leads to its generator;
 * it shows no attribute for it, so its first field is read, as CPython
 * lays the object out (checked to be an async generator). */
static PyObject *
await_next (PyObject *cur, PyObject **code)
{
  *code = NULL;
  if (Py_IS_TYPE (cur, &_PyAsyncGenASend_Type))
    {
      PyObject *gen = *(PyObject **) ((char *) cur + sizeof (PyObject));
      if (gen != NULL && PyAsyncGen_CheckExact (gen))
        return Py_NewRef (gen);
      return NULL;
    }
  PyObject *code_name, *next_name;
  if (PyCoro_CheckExact (cur))
    code_name = REC_ID ("cr_code"), next_name = REC_ID ("cr_await");
  else if (PyGen_CheckExact (cur))
    code_name = REC_ID ("gi_code"), next_name = REC_ID ("gi_yieldfrom");
  else if (PyAsyncGen_CheckExact (cur))
    code_name = REC_ID ("ag_code"), next_name = REC_ID ("ag_await");
  else
    return NULL;
  *code = PyObject_GetAttr (cur, code_name);
  PyObject *next = PyObject_GetAttr (cur, next_name);
  if (next == Py_None)
    Py_CLEAR (next);
  PyErr_Clear ();
  return next;
}

/* What a task that yielded @fut waits on: *reason, *object, *value (a
 * sleep's delay). The chain of awaits from the task's coroutine down to
 * the future is walked outside in; the first coroutine whose code the
 * reasons table knows (asyncio.sleep, Event.wait, Queue.get, a stream's
 * read...) names the wait, so that a Condition's wait on its Lock is a
 * wait on the Condition. Without one, the future itself says: a Task, a
 * gather, a sleep's or a thread's future, or a plain future. */
static void
classify (rec_task *t, PyObject *fut, uint32_t *reason, uint64_t *object,
          int64_t *value)
{
  *reason = BRAID_WAIT_FUTURE;
  *object = 0;
  *value = 0;
  PyObject *cur = Py_NewRef (t->coro);
  PyObject *hit_coro = NULL;
  long hit = -1;
  for (int depth = 0; cur != NULL && depth < 64; depth++)
    {
      PyObject *code;
      PyObject *next = await_next (cur, &code);
      PyObject *v = code ? PyDict_GetItemWithError (rec.reasons, code) : NULL;
      Py_XDECREF (code);
      if (v != NULL)
        {
          hit = PyLong_AsLong (v);
          hit_coro = cur;
          Py_XDECREF (next);
          cur = NULL;
          break;
        }
      Py_DECREF (cur);
      cur = next;
    }
  Py_XDECREF (cur);
  PyErr_Clear ();

  if (hit >= 0)
    {
      *reason = (uint32_t) (hit & 0xff);
      int how = (int) (hit >> 8);
      if (how == REC_HOW_SELF)
        {
          PyObject *self = frame_local (hit_coro, "self");
          if (self != NULL)
            *object = rec_object_id (self, kind_of_reason (*reason), NULL);
          Py_XDECREF (self);
        }
      if (*object == 0)
        *object = future_id (fut, reason, value);
      if (how == REC_HOW_SLEEP && *value == 0)
        {
          /* A sleep whose timer the hooks did not see: its delay. */
          PyObject *delay = frame_local (hit_coro, "delay");
          double d = delay ? PyFloat_AsDouble (delay) : 0;
          Py_XDECREF (delay);
          PyErr_Clear ();
          if (d > 0 && d < 1e9)
            *value = (int64_t) llround (d * 1e9);
        }
      Py_DECREF (hit_coro);
      return;
    }
  if (rec.task_type
      && PyObject_TypeCheck (fut, (PyTypeObject *) rec.task_type))
    *reason = BRAID_WAIT_TASK;
  else if ((PyObject *) Py_TYPE (fut) == rec.gathering_type)
    *reason = BRAID_WAIT_GATHER;
  else
    {
      /* Not an asyncio future at all (a bad yield, which the Task turns
       * into an error at its next step): some other wait. */
      PyObject *blocking;
      if (PyObject_GetOptionalAttr (fut, REC_ID ("_asyncio_future_blocking"),
                                    &blocking)
          == 0)
        *reason = BRAID_WAIT_OTHER;
      Py_XDECREF (blocking);
      PyErr_Clear ();
    }
  *object = future_id (fut, reason, value);
}

/* Starts a step of @t. Returns the monotonic time it began. */
static uint64_t
step_begin (rec_task *t)
{
  uint64_t real = rec_monotonic_ns ();
  rec_tls.task = t->id;
  t->wait_reason = BRAID_WAIT_NONE;
  t->wait_object = 0;
  braid_event ev = {
    .kind = BRAID_EV_TASK_RESUMED,
    .task = t->id,
    .time_ns = rec_stamp_real (real),
  };
  rec_emit (&ev);
  rec_check_retrieved ();
  return real;
}

/* The message of a cancellation: the CancelledError's first argument. */
static PyObject *
cancel_message (PyObject *exc)
{
  PyObject *args = PyObject_GetAttr (exc, REC_ID ("args"));
  PyObject *msg = NULL;
  if (args != NULL && PyTuple_Check (args) && PyTuple_GET_SIZE (args) > 0)
    msg = PyObject_Str (PyTuple_GET_ITEM (args, 0));
  Py_XDECREF (args);
  PyErr_Clear ();
  return msg;
}

/* Ends the step of @t begun at monotonic @start, which ended with
 * @status: @yielded is what the coroutine yielded (PYGEN_NEXT); for
 * PYGEN_ERROR the error is set and stays set (a StopIteration from
 * throw() is a return). */
static void
step_end (rec_task *t, PySendResult status, PyObject *yielded,
          uint64_t start)
{
  PyObject *type = NULL, *exc = NULL, *tb = NULL;
  if (status == PYGEN_ERROR)
    {
      PyErr_Fetch (&type, &exc, &tb);
      PyErr_NormalizeException (&type, &exc, &tb);
      if (exc != NULL && tb != NULL)
        PyException_SetTraceback (exc, tb);
    }
  uint64_t real = rec_monotonic_ns ();
  uint64_t held = real - start;
  rec_loop *l = rec_tls.loop;
  if (l != NULL)
    l->iter_steps += held;
  if (held >= rec.slow_ns)
    {
      braid_event ev = {
        .kind = BRAID_EV_SLOW_STEP,
        .task = t->id,
        .value = (int64_t) held,
      };
      rec_emit (&ev);
    }
  rec_check_retrieved ();

  braid_event ev = { .task = t->id, .time_ns = rec_stamp_real (real) };
  PyObject *keep = NULL;
  if (status == PYGEN_NEXT)
    {
      uint32_t reason = BRAID_WAIT_YIELD;
      uint64_t object = 0;
      int64_t value = 0;
      if (yielded != Py_None)
        classify (t, yielded, &reason, &object, &value);
      t->wait_reason = reason;
      t->wait_object = object;
      ev.kind = BRAID_EV_TASK_SUSPENDED;
      ev.reason = reason;
      ev.object = object;
      ev.value = value;
    }
  else if (status == PYGEN_RETURN
           || (exc != NULL
               && PyErr_GivenExceptionMatches (exc, PyExc_StopIteration)))
    {
      /* asyncio ends a task that returned in the step it was cancelled
       * in as cancelled (Task.__step: _must_cancel). */
      PyObject *task = t->task_ref ? rec_weak (t->task_ref) : NULL;
      int must_cancel = 0;
      if (task != NULL)
        {
          PyObject *flag = PyObject_GetAttr (task, REC_ID ("_must_cancel"));
          must_cancel = flag != NULL && PyObject_IsTrue (flag) > 0;
          Py_XDECREF (flag);
          if (must_cancel)
            {
              PyObject *msg = PyObject_GetAttr (task, REC_ID ("_cancel_message"));
              if (msg != NULL && msg != Py_None)
                keep = PyObject_Str (msg);
              Py_XDECREF (msg);
            }
          PyErr_Clear ();
        }
      ev.kind = must_cancel ? BRAID_EV_TASK_CANCELLED
                            : BRAID_EV_TASK_COMPLETED;
      ev.str2 = rec_utf8 (keep);
      t->ended = true;
    }
  else if (exc != NULL && rec.cancelled_type
           && PyErr_GivenExceptionMatches (exc, rec.cancelled_type))
    {
      keep = cancel_message (exc);
      ev.kind = BRAID_EV_TASK_CANCELLED;
      ev.str2 = rec_utf8 (keep);
      t->ended = true;
    }
  else
    {
      ev.kind = BRAID_EV_TASK_FAILED;
      if (exc != NULL)
        rec_describe_error (exc, &ev, &keep);
      t->ended = true;
      if (t->task_ref != NULL)
        rec_watch_failed (t->task_ref, t->id);
    }
  rec_emit (&ev);
  Py_XDECREF (keep);
  PyErr_Clear ();
  if (status == PYGEN_ERROR)
    PyErr_Restore (type, exc, tb);
}

/* Whether @t still has its coroutine (the garbage collector clears it
 * when it breaks a cycle the wrapper is in); sets an error if not. */
static int
has_coro (rec_task *t)
{
  if (t->coro != NULL)
    return 1;
  PyErr_SetString (PyExc_RuntimeError, "the task's coroutine is gone");
  return 0;
}

static PySendResult
task_am_send (PyObject *self, PyObject *arg, PyObject **result)
{
  rec_task *t = (rec_task *) self;
  *result = NULL;
  if (!has_coro (t))
    return PYGEN_ERROR;
  if (!rec.active || !t->created)
    return PyIter_Send (t->coro, arg, result);
  uint64_t outer = rec_tls.task;
  uint64_t start = step_begin (t);
  PySendResult status = PyIter_Send (t->coro, arg, result);
  step_end (t, status, status == PYGEN_NEXT ? *result : NULL, start);
  rec_tls.task = outer;
  return status;
}

/* send(value): one step, as PyIter_Send takes it. */
static PyObject *
task_send (PyObject *self, PyObject *value)
{
  PyObject *result = NULL;
  PySendResult status = task_am_send (self, value, &result);
  if (status == PYGEN_NEXT)
    return result;
  if (status == PYGEN_RETURN)
    {
      /* StopIteration(result): its value is result, even a tuple. */
      PyObject *stop = PyObject_CallOneArg (PyExc_StopIteration, result);
      Py_XDECREF (result);
      if (stop != NULL)
        {
          PyErr_SetObject (PyExc_StopIteration, stop);
          Py_DECREF (stop);
        }
    }
  return NULL;
}

/* throw(...): a step that begins by raising in the coroutine (asyncio
 * cancels a task this way). */
static PyObject *
task_throw (PyObject *self, PyObject *args)
{
  rec_task *t = (rec_task *) self;
  if (!has_coro (t))
    return NULL;
  PyObject *method = PyObject_GetAttr (t->coro, REC_ID ("throw"));
  if (method == NULL)
    return NULL;
  if (!rec.active || !t->created)
    {
      PyObject *r = PyObject_Call (method, args, NULL);
      Py_DECREF (method);
      return r;
    }
  uint64_t outer = rec_tls.task;
  uint64_t start = step_begin (t);
  PyObject *r = PyObject_Call (method, args, NULL);
  Py_DECREF (method);
  step_end (t, r != NULL ? PYGEN_NEXT : PYGEN_ERROR, r, start);
  rec_tls.task = outer;
  return r;
}

static PyObject *
task_close (PyObject *self, PyObject *unused)
{
  rec_task *t = (rec_task *) self;
  if (t->coro == NULL)
    Py_RETURN_NONE;
  return PyObject_CallMethodNoArgs (t->coro, REC_ID ("close"));
}

static PyObject *
task_get_wrapped (PyObject *self, void *closure)
{
  rec_task *t = (rec_task *) self;
  return has_coro (t) ? Py_NewRef (t->coro) : NULL;
}

static PyObject *
task_get_id (PyObject *self, void *closure)
{
  return PyLong_FromUnsignedLongLong (((rec_task *) self)->id);
}

/* Every attribute this type does not define is the coroutine's: the
 * Task's repr and asyncio's stack printing read cr_code, cr_frame,
 * __qualname__... */
static PyObject *
task_getattro (PyObject *self, PyObject *name)
{
  return rec_getattr_delegate (self, name, ((rec_task *) self)->coro);
}

static PyObject *
task_repr (PyObject *self)
{
  rec_task *t = (rec_task *) self;
  if (t->coro == NULL)
    return PyUnicode_FromFormat ("<braid task %llu, coroutine gone>",
                                 (unsigned long long) t->id);
  return PyObject_Repr (t->coro);
}

static int
task_traverse (PyObject *self, visitproc visit, void *arg)
{
  rec_task *t = (rec_task *) self;
  Py_VISIT (t->coro);
  Py_VISIT (t->task_ref);
  return 0;
}

static int
task_clear (PyObject *self)
{
  rec_task *t = (rec_task *) self;
  Py_CLEAR (t->coro);
  Py_CLEAR (t->task_ref);
  return 0;
}

static void
task_dealloc (PyObject *self)
{
  rec_task *t = (rec_task *) self;
  PyObject_GC_UnTrack (self);
  if (rec.active && t->created)
    {
      /* The Task that owned this wrapper is being freed with it. */
      braid_event ev = { .kind = BRAID_EV_TASK_FREED, .task = t->id };
      PyObject *type, *value, *tb;
      PyErr_Fetch (&type, &value, &tb);
      rec_emit (&ev);
      PyErr_Restore (type, value, tb);
    }
  task_clear (self);
  PyObject_GC_Del (self);
}

static PyMethodDef task_methods[] = {
  { "send", task_send, METH_O, "send(value): one step of the task." },
  { "throw", task_throw, METH_VARARGS,
    "throw(exc): a step that raises exc in the coroutine." },
  { "close", task_close, METH_NOARGS, "close(): closes the coroutine." },
  { NULL, NULL, 0, NULL },
};

static PyGetSetDef task_getset[] = {
  { "__wrapped__", task_get_wrapped, NULL, "the program's coroutine", NULL },
  { "braid_id", task_get_id, NULL, "the task's id in the trace", NULL },
  { NULL, NULL, NULL, NULL, NULL },
};

static PyAsyncMethods task_async = {
  .am_send = task_am_send,
};

PyTypeObject rec_task_type = {
  PyVarObject_HEAD_INIT (NULL, 0)
  .tp_name = "braid._recorder.Task",
  .tp_doc = "The coroutine of a traced asyncio Task: the program's "
            "coroutine, whose steps it records.",
  .tp_basicsize = sizeof (rec_task),
  .tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC,
  .tp_dealloc = task_dealloc,
  .tp_traverse = task_traverse,
  .tp_clear = task_clear,
  .tp_repr = task_repr,
  .tp_getattro = task_getattro,
  .tp_as_async = &task_async,
  .tp_methods = task_methods,
  .tp_getset = task_getset,
};
