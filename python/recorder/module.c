/* module.c: the braid._recorder module, the session, and ids.
 *
 * Owns what every part of the recorder shares: the process-wide state
 * (rec), set once by configure() from the Python hooks (braid/_hooks.py)
 * and start(); the thread state (rec_tls); the clock every event is
 * stamped with; the number space of task and object ids; the table that
 * gives a Python object (a future, a Lock, a Queue...) one id for its
 * life; the list of failed tasks whose error nobody has read yet; and the
 * module functions the hooks call for the rare events (a loop closed, a
 * diagnostic asyncio reports). Recording goes through
 * braid_trace_record(), libbraid-trace's entry point for a foreign
 * runtime: the same rings, writer thread and file as the C runtime.
 *
 * Hot path: rec_stamp and rec_emit, called by every event (a clock read
 * and the recorder's append); rec_check_retrieved, called at each step's
 * edges, which is one compare while no failed task waits to be read.
 */
#include "recorder.h"

#include <math.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include <braid/braid-trace.h>

rec_state rec;
_Thread_local rec_thread rec_tls;

/* The creation of the last task created on this thread, held back until
 * the next event of the thread: asyncio.create_task(coro, name=...) and
 * TaskGroup.create_task name the task after the loop made it, and
 * nothing is recorded in between, so the event keeps its place and time
 * and gets the final name. */
typedef struct held_creation
{
  rec_task *task;     /* strong; NULL when nothing is held */
  uint64_t time, creator, loop;
  PyObject *name;     /* the name when it was made (its fallback) */
  PyObject *function;
  PyObject *file;
  int line;
} held_creation;

static _Thread_local held_creation held;

static _Atomic uint64_t next_id;
/* The last virtual event time of any thread: the time of an event on a
 * thread that runs no loop (a worker's output) under the virtual clock. */
static _Atomic uint64_t last_virtual;

uint64_t
rec_new_id (void)
{
  return atomic_fetch_add_explicit (&next_id, 1, memory_order_relaxed) + 1;
}

uint64_t
rec_monotonic_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t) ts.tv_sec * 1000000000u + (uint64_t) ts.tv_nsec;
}

uint64_t
rec_stamp (void)
{
  uint64_t t;
  if (rec.is_virtual)
    {
      rec_loop *l = rec_tls.loop;
      if (l != NULL)
        {
          t = l->stamp_base + (uint64_t) llround (l->vnow * 1e9);
          atomic_store_explicit (&last_virtual, t, memory_order_relaxed);
        }
      else
        t = atomic_load_explicit (&last_virtual, memory_order_relaxed);
    }
  else
    t = rec_monotonic_ns ();
  if (t < rec_tls.last_stamp)
    t = rec_tls.last_stamp;
  rec_tls.last_stamp = t;
  return t;
}

uint64_t
rec_stamp_real (uint64_t real)
{
  if (rec.is_virtual)
    return rec_stamp ();
  if (real < rec_tls.last_stamp)
    real = rec_tls.last_stamp;
  rec_tls.last_stamp = real;
  return real;
}

void
rec_emit (braid_event *ev)
{
  if (held.task != NULL)
    rec_flush_created ();
  if (ev->time_ns == 0)
    ev->time_ns = rec_stamp ();
  braid_trace_record (ev);
}

PyObject *
rec_getattr_delegate (PyObject *self, PyObject *name, PyObject *inner)
{
  PyObject *v = PyObject_GenericGetAttr (self, name);
  if (v != NULL || inner == NULL
      || !PyErr_ExceptionMatches (PyExc_AttributeError))
    return v;
  PyErr_Clear ();
  return PyObject_GetAttr (inner, name);
}

const char *
rec_utf8 (PyObject *s)
{
  if (s == NULL || !PyUnicode_Check (s))
    return NULL;
  const char *u = PyUnicode_AsUTF8 (s);
  if (u == NULL)
    PyErr_Clear ();
  return u;
}

/* ---------------------------------------------------------------------
 * Object ids
 * ------------------------------------------------------------------ */

/* Drops the entries of objects that died. The table is keyed by address,
 * and an entry is only trusted while its weakref still points at the
 * object asked about, so a dead entry is harmless; this bounds its size. */
static void
objects_prune (void)
{
  PyObject *dead = PyList_New (0);
  if (dead == NULL)
    {
      PyErr_Clear ();
      return;
    }
  Py_ssize_t pos = 0;
  PyObject *key, *value;
  while (PyDict_Next (rec.objects, &pos, &key, &value))
    if (rec_weak (PyTuple_GET_ITEM (value, 0)) == NULL)
      PyList_Append (dead, key);
  for (Py_ssize_t i = 0; i < PyList_GET_SIZE (dead); i++)
    PyDict_DelItem (rec.objects, PyList_GET_ITEM (dead, i));
  Py_DECREF (dead);
  PyErr_Clear ();
  rec.objects_prune = 2 * PyDict_GET_SIZE (rec.objects) + 1024;
}

/* rec_object_id, giving a new entry the mark @mark. */
static uint64_t
object_id_mark (PyObject *obj, uint32_t kind, rec_mark mark,
                rec_mark *mark_out)
{
  if (mark_out != NULL)
    *mark_out = (rec_mark) { 0, 0 };
  PyObject *key = PyLong_FromVoidPtr (obj);
  if (key == NULL)
    {
      PyErr_Clear ();
      return 0;
    }
  PyObject *entry = PyDict_GetItemWithError (rec.objects, key);
  if (entry != NULL
      && rec_weak (PyTuple_GET_ITEM (entry, 0)) == obj)
    {
      Py_DECREF (key);
      if (mark_out != NULL)
        {
          mark_out->reason = (uint32_t) PyLong_AsUnsignedLong (
            PyTuple_GET_ITEM (entry, 2));
          mark_out->value = PyLong_AsLongLong (PyTuple_GET_ITEM (entry, 3));
        }
      return PyLong_AsUnsignedLongLong (PyTuple_GET_ITEM (entry, 1));
    }
  PyErr_Clear ();
  uint64_t id = rec_new_id ();
  PyObject *ref = PyWeakref_NewRef (obj, NULL);
  if (ref != NULL)
    {
      PyObject *value
        = Py_BuildValue ("(NKIL)", ref, (unsigned long long) id,
                         (unsigned int) mark.reason, (long long) mark.value);
      if (value == NULL || PyDict_SetItem (rec.objects, key, value) != 0)
        PyErr_Clear ();
      Py_XDECREF (value);
      if (PyDict_GET_SIZE (rec.objects) > rec.objects_prune)
        objects_prune ();
    }
  else
    PyErr_Clear (); /* not weakly referenceable: a new id each time */
  Py_DECREF (key);
  if (mark_out != NULL)
    *mark_out = mark;
  braid_event ev = {
    .kind = BRAID_EV_OBJECT_CREATED,
    .object = id,
    .reason = kind,
    .other = rec_tls.task,
  };
  rec_emit (&ev);
  return id;
}

uint64_t
rec_object_id (PyObject *obj, uint32_t kind, rec_mark *mark)
{
  return object_id_mark (obj, kind, (rec_mark) { 0, 0 }, mark);
}

uint64_t
rec_object_mark (PyObject *obj, uint32_t kind, rec_mark mark)
{
  return object_id_mark (obj, kind, mark, NULL);
}

/* mark_sleep(future, delay): @future is what asyncio.sleep(@delay)
 * waits on (its timer calls _set_result_unless_cancelled on it): a
 * wait on it is a sleep, whatever chain of awaits leads there. */
static PyObject *
mod_mark_sleep (PyObject *module, PyObject *args)
{
  PyObject *fut;
  double delay;
  if (!PyArg_ParseTuple (args, "Od:mark_sleep", &fut, &delay))
    return NULL;
  if (rec.active)
    rec_object_mark (fut, BRAID_OBJ_TIMER,
                     (rec_mark) { BRAID_WAIT_SLEEP,
                                  delay > 0 && delay < 1e9
                                    ? (int64_t) llround (delay * 1e9)
                                    : 0 });
  Py_RETURN_NONE;
}

rec_task *
rec_task_of (PyObject *task)
{
  PyObject *coro = PyObject_GetAttr (task, REC_ID ("_coro"));
  if (coro == NULL)
    {
      PyErr_Clear ();
      return NULL;
    }
  /* The Task holds its coroutine: borrowed is safe while the task is. */
  rec_task *t = Py_IS_TYPE (coro, &rec_task_type) ? (rec_task *) coro : NULL;
  Py_DECREF (coro);
  return t;
}

/* ---------------------------------------------------------------------
 * Failed tasks whose error may still be read
 * ------------------------------------------------------------------ */

typedef struct failed_entry
{
  PyObject *ref; /* weakref to the Task */
  uint64_t id;
  bool armed;    /* its _log_traceback was seen true (error set) */
} failed_entry;

static failed_entry *failed;
static size_t n_failed, cap_failed;

void
rec_watch_failed (PyObject *task_ref, uint64_t id)
{
  if (n_failed == cap_failed)
    {
      size_t cap = cap_failed ? cap_failed * 2 : 16;
      failed_entry *f = PyMem_Realloc (failed, cap * sizeof *f);
      if (f == NULL)
        return;
      failed = f;
      cap_failed = cap;
    }
  Py_INCREF (task_ref);
  failed[n_failed++] = (failed_entry) { task_ref, id, false };
}

static void
failed_remove (size_t i)
{
  Py_DECREF (failed[i].ref);
  failed[i] = failed[--n_failed];
}

void
rec_check_retrieved (void)
{
  if (n_failed == 0 || !rec.active)
    return;
  /* A task's error counts as read once asyncio has set it (the task's
   * _log_traceback became true after its step ended) and then cleared
   * the flag, which result(), exception() and an await of it do. */
  for (size_t i = 0; i < n_failed;)
    {
      PyObject *task = rec_weak (failed[i].ref);
      if (task == NULL)
        {
          failed_remove (i);
          continue;
        }
      PyObject *flag = PyObject_GetAttr (task, REC_ID ("_log_traceback"));
      int set = flag ? PyObject_IsTrue (flag) : -1;
      Py_XDECREF (flag);
      if (set < 0)
        {
          PyErr_Clear ();
          failed_remove (i);
          continue;
        }
      if (set)
        failed[i].armed = true;
      else if (failed[i].armed)
        {
          braid_event ev = {
            .kind = BRAID_EV_ERROR_RETRIEVED,
            .object = failed[i].id,
            .other = rec_tls.task,
          };
          rec_emit (&ev);
          failed_remove (i);
          continue;
        }
      i++;
    }
}

static void
failed_forget (uint64_t id)
{
  for (size_t i = 0; i < n_failed; i++)
    if (failed[i].id == id)
      {
        failed_remove (i);
        return;
      }
}

/* ---------------------------------------------------------------------
 * Sites
 * ------------------------------------------------------------------ */

/* What a frame of @code is to the search for the program's site:
 * SITE_PROGRAM, SITE_LIBRARY (asyncio's or braid's files), or
 * SITE_BOUNDARY (asyncio's Handle._run: the loop calling a callback or
 * a task's step, above which the frames are the loop's caller, not what
 * made the call). Cached per code object. */
enum
{
  SITE_PROGRAM = 0,
  SITE_LIBRARY = 1,
  SITE_BOUNDARY = 2,
  SITE_HIDDEN = 3, /* braid's own frames: never a site */
};

static int
site_kind (PyCodeObject *code)
{
  PyObject *cached = PyDict_GetItemWithError (rec.site_skip, (PyObject *) code);
  if (cached != NULL)
    return (int) PyLong_AsLong (cached);
  PyErr_Clear ();
  int kind = SITE_PROGRAM;
  PyObject *file = code->co_filename;
  PyObject *dirs[2] = { rec.lib_dirs, rec.hidden_dirs };
  for (int d = 0; d < 2; d++)
    for (Py_ssize_t i = 0; dirs[d] && i < PyTuple_GET_SIZE (dirs[d]); i++)
      if (PyUnicode_Tailmatch (file, PyTuple_GET_ITEM (dirs[d], i), 0,
                               PY_SSIZE_T_MAX, -1)
          > 0)
        kind = d == 0 ? SITE_LIBRARY : SITE_HIDDEN;
  PyErr_Clear ();
  PyObject *value = PyLong_FromLong (kind);
  if (value == NULL
      || PyDict_SetItem (rec.site_skip, (PyObject *) code, value) != 0)
    PyErr_Clear ();
  Py_XDECREF (value);
  return kind;
}

/* The site of a call into asyncio (a task's creation): the innermost
 * frame of the program, searched up to the loop's call of the running
 * callback or step; when there is none (asyncio made the task in a
 * callback of its own), the innermost frame. *file gets a new reference
 * to its file name (NULL when there are no frames), *line its line. */
static void
caller_site (PyObject **file, int *line)
{
  *file = NULL;
  *line = 0;
  PyFrameObject *f = PyEval_GetFrame ();
  Py_XINCREF (f);
  for (int depth = 0; f != NULL && depth < 256; depth++)
    {
      PyCodeObject *code = PyFrame_GetCode (f);
      int kind = site_kind (code);
      if (kind == SITE_BOUNDARY)
        {
          Py_DECREF (code);
          break;
        }
      if (kind == SITE_PROGRAM || (kind == SITE_LIBRARY && *file == NULL))
        {
          Py_XSETREF (*file, Py_NewRef (code->co_filename));
          *line = PyFrame_GetLineNumber (f);
        }
      Py_DECREF (code);
      if (kind == SITE_PROGRAM)
        break;
      PyFrameObject *back = PyFrame_GetBack (f);
      Py_DECREF (f);
      f = back;
    }
  Py_XDECREF (f);
}

/* Where @exc was raised: the innermost frame of its traceback that is
 * the program's (an error raised inside asyncio, such as a timeout, is
 * said at the program's line that called it), else the innermost. */
static void
raise_site (PyObject *exc, PyObject **file, int *line)
{
  *file = NULL;
  *line = 0;
  int found_program = 0;
  PyObject *tb = PyException_GetTraceback (exc);
  for (int depth = 0; tb != NULL && tb != Py_None && depth < 1024; depth++)
    {
      PyObject *frame = PyObject_GetAttr (tb, REC_ID ("tb_frame"));
      PyObject *lineno = PyObject_GetAttr (tb, REC_ID ("tb_lineno"));
      if (frame != NULL && lineno != NULL && PyFrame_Check (frame))
        {
          PyCodeObject *code = PyFrame_GetCode ((PyFrameObject *) frame);
          int kind = site_kind (code);
          int program = kind == SITE_PROGRAM;
          if (program || (kind == SITE_LIBRARY && !found_program))
            {
              Py_XSETREF (*file, Py_NewRef (code->co_filename));
              *line = (int) PyLong_AsLong (lineno);
              found_program |= program;
            }
          Py_DECREF (code);
        }
      Py_XDECREF (frame);
      Py_XDECREF (lineno);
      PyObject *next = PyObject_GetAttr (tb, REC_ID ("tb_next"));
      Py_DECREF (tb);
      tb = next;
    }
  Py_XDECREF (tb);
  PyErr_Clear ();
}

void
rec_describe_error (PyObject *exc, braid_event *ev, PyObject **keep)
{
  PyObject *type = PyType_GetQualName (Py_TYPE (exc));
  PyObject *msg = PyObject_Str (exc);
  if (msg == NULL)
    PyErr_Clear ();
  PyObject *file = NULL;
  int line = 0;
  raise_site (exc, &file, &line);
  ev->str1 = rec_utf8 (type);
  ev->str2 = rec_utf8 (msg);
  ev->str3 = rec_utf8 (file);
  ev->line = line;
  *keep = Py_BuildValue ("(NNN)", type ? type : Py_NewRef (Py_None),
                         msg ? msg : Py_NewRef (Py_None),
                         file ? file : Py_NewRef (Py_None));
  if (*keep == NULL)
    PyErr_Clear ();
}

/* ---------------------------------------------------------------------
 * Module functions
 * ------------------------------------------------------------------ */

static PyObject *
mod_configure (PyObject *module, PyObject *args, PyObject *kw)
{
  static char *names[] = { "virtual",   "slow_ms",    "reasons",
                           "task_type", "gathering_type", "cancelled_type",
                           "call_soon", "lib_dirs",   "hidden_dirs",
                           "boundaries", NULL };
  int is_virtual;
  double slow_ms;
  PyObject *reasons, *task_type, *gathering_type, *cancelled_type,
    *call_soon, *lib_dirs, *hidden_dirs, *boundaries;
  if (!PyArg_ParseTupleAndKeywords (
        args, kw, "pdO!OOOOO!O!O!:configure", names, &is_virtual, &slow_ms,
        &PyDict_Type, &reasons, &task_type, &gathering_type, &cancelled_type,
        &call_soon, &PyTuple_Type, &lib_dirs, &PyTuple_Type, &hidden_dirs,
        &PyTuple_Type, &boundaries))
    return NULL;
  rec.is_virtual = is_virtual;
  rec.slow_ns = slow_ms > 0 ? (uint64_t) (slow_ms * 1e6) : UINT64_MAX;
  Py_XSETREF (rec.reasons, Py_NewRef (reasons));
  Py_XSETREF (rec.task_type, Py_NewRef (task_type));
  Py_XSETREF (rec.gathering_type, Py_NewRef (gathering_type));
  Py_XSETREF (rec.cancelled_type, Py_NewRef (cancelled_type));
  Py_XSETREF (rec.orig_call_soon, Py_NewRef (call_soon));
  Py_XSETREF (rec.lib_dirs, Py_NewRef (lib_dirs));
  Py_XSETREF (rec.hidden_dirs, Py_NewRef (hidden_dirs));
  if (rec.site_skip == NULL && (rec.site_skip = PyDict_New ()) == NULL)
    return NULL;
  PyObject *boundary = PyLong_FromLong (SITE_BOUNDARY);
  if (boundary == NULL)
    return NULL;
  for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE (boundaries); i++)
    if (PyDict_SetItem (rec.site_skip, PyTuple_GET_ITEM (boundaries, i),
                        boundary)
        != 0)
      {
        Py_DECREF (boundary);
        return NULL;
      }
  Py_DECREF (boundary);
  if (rec.objects == NULL && (rec.objects = PyDict_New ()) == NULL)
    return NULL;
  rec.objects_prune = 1024;
  Py_RETURN_NONE;
}

/* The end of the interpreter (Py_FinalizeEx, after the last finalizer
 * ran: asyncio's reports of tasks freed at shutdown are in the trace):
 * the trace is closed, whether the process then exits or kills itself
 * with SIGINT as Python does after a KeyboardInterrupt, which skips
 * the C library's atexit handlers. No Python API here. */
static void
stop_at_exit (void)
{
  if (!rec.active)
    return;
  rec.active = false;
  braid_trace_stop ();
}

static PyObject *
mod_start (PyObject *module, PyObject *args)
{
  const char *path, *program, *arguments;
  if (!PyArg_ParseTuple (args, "sss:start", &path, &program, &arguments))
    return NULL;
  if (rec.reasons == NULL)
    {
      PyErr_SetString (PyExc_RuntimeError, "configure() was not called");
      return NULL;
    }
  braid_trace_start_options options = {
    .program = program,
    .arguments = arguments,
    .foreign = true,
  };
  int rc;
  Py_BEGIN_ALLOW_THREADS
  rc = braid_trace_start_with (path, &options);
  Py_END_ALLOW_THREADS
  if (rc != 0)
    {
      /* The recorder has said why on stderr. */
      PyErr_Format (PyExc_OSError, "cannot record a trace to %s", path);
      return NULL;
    }
  rec.active = true;
  static bool registered;
  if (!registered && Py_AtExit (stop_at_exit) == 0)
    registered = true;
  Py_RETURN_NONE;
}

/* flush_output(): records every stream's unfinished line (the program
 * is ending; its last line had no newline). */
static PyObject *
mod_flush_output (PyObject *module, PyObject *unused)
{
  if (rec.active)
    {
      rec_flush_created ();
      rec_output_flush_all ();
    }
  Py_RETURN_NONE;
}

static PyObject *
mod_stop (PyObject *module, PyObject *unused)
{
  if (!rec.active)
    Py_RETURN_NONE;
  rec_flush_created ();
  rec_output_flush_all ();
  rec.active = false;
  int rc;
  Py_BEGIN_ALLOW_THREADS
  rc = braid_trace_stop ();
  Py_END_ALLOW_THREADS
  if (rc != 0)
    {
      PyErr_SetString (PyExc_OSError, "the trace could not be closed");
      return NULL;
    }
  Py_RETURN_NONE;
}

static PyObject *
mod_recording (PyObject *module, PyObject *unused)
{
  return PyBool_FromLong (rec.active);
}

/* wrap(coro): the coroutine a new Task should run, a rec_task around
 * @coro while recording, @coro itself otherwise. */
static PyObject *
mod_wrap (PyObject *module, PyObject *coro)
{
  if (!rec.active || Py_IS_TYPE (coro, &rec_task_type))
    return Py_NewRef (coro);
  rec_task *t = PyObject_GC_New (rec_task, &rec_task_type);
  if (t == NULL)
    return NULL;
  t->coro = Py_NewRef (coro);
  t->task_ref = NULL;
  t->id = rec_new_id ();
  t->wait_reason = 0;
  t->wait_object = 0;
  t->created = false;
  t->ended = false;
  PyObject_GC_Track (t);
  return (PyObject *) t;
}

/* task_created(proxy, task, loop): records the creation of @task, made
 * by the calling frame's task on @loop. */
static PyObject *
mod_task_created (PyObject *module, PyObject *args)
{
  PyObject *proxy, *task, *loop;
  if (!PyArg_ParseTuple (args, "O!OO:task_created", &rec_task_type, &proxy,
                         &task, &loop))
    return NULL;
  rec_loop *l = rec_loop_of (loop);
  if (rec_task_created ((rec_task *) proxy, task, l) != 0)
    return NULL;
  Py_RETURN_NONE;
}


void
rec_flush_created (void)
{
  rec_task *t = held.task;
  if (t == NULL)
    return;
  held.task = NULL;
  PyObject *type, *value, *tb;
  PyErr_Fetch (&type, &value, &tb);
  PyObject *name = NULL;
  PyObject *task = t->task_ref ? rec_weak (t->task_ref) : NULL;
  if (task != NULL)
    name = PyObject_CallMethodNoArgs (task, REC_ID ("get_name"));
  PyErr_Clear ();
  braid_event ev = {
    .kind = BRAID_EV_TASK_CREATED,
    .time_ns = held.time,
    .task = t->id,
    .other = held.creator,
    .object = held.loop,
    .str1 = rec_utf8 (name ? name : held.name),
    .str2 = rec_utf8 (held.function),
    .str3 = rec_utf8 (held.file),
    .line = held.line,
  };
  braid_trace_record (&ev);
  Py_XDECREF (name);
  Py_CLEAR (held.name);
  Py_CLEAR (held.function);
  Py_CLEAR (held.file);
  Py_DECREF (t);
  PyErr_Restore (type, value, tb);
}

int
rec_task_created (rec_task *t, PyObject *task, rec_loop *l)
{
  if (t->created || !rec.active)
    return 0;
  rec_flush_created ();
  t->created = true;
  Py_XSETREF (t->task_ref, PyWeakref_NewRef (task, NULL));
  if (t->task_ref == NULL)
    return -1;
  held.name = PyObject_CallMethodNoArgs (task, REC_ID ("get_name"));
  if (held.name == NULL)
    PyErr_Clear ();
  held.function = PyObject_GetAttr (t->coro, REC_ID ("__qualname__"));
  if (held.function == NULL)
    PyErr_Clear ();
  caller_site (&held.file, &held.line);
  held.time = rec_stamp ();
  held.creator = rec_tls.task;
  held.loop = l ? l->id : 0;
  held.task = (rec_task *) Py_NewRef (t);
  return 0;
}

/* never_retrieved(future, exc): asyncio reports that nobody read the
 * error @exc of @future (a Task or a Future), as it frees it. */
static PyObject *
mod_never_retrieved (PyObject *module, PyObject *args)
{
  PyObject *fut, *exc;
  if (!PyArg_ParseTuple (args, "OO:never_retrieved", &fut, &exc))
    return NULL;
  if (!rec.active)
    Py_RETURN_NONE;
  rec_task *t = PyObject_TypeCheck (fut, (PyTypeObject *) rec.task_type)
                  ? rec_task_of (fut)
                  : NULL;
  uint64_t id = t ? t->id : rec_object_id (fut, BRAID_OBJ_FUTURE, NULL);
  if (t != NULL)
    failed_forget (id);
  braid_event ev = {
    .kind = BRAID_EV_ERROR_NEVER_RETRIEVED,
    .task = t ? id : 0,
    .object = id,
  };
  PyObject *keep = NULL;
  if (PyExceptionInstance_Check (exc))
    rec_describe_error (exc, &ev, &keep);
  rec_emit (&ev);
  Py_XDECREF (keep);
  Py_RETURN_NONE;
}

/* destroyed_pending(task): asyncio frees @task while it is pending. */
static PyObject *
mod_destroyed_pending (PyObject *module, PyObject *task)
{
  if (!rec.active)
    Py_RETURN_NONE;
  rec_task *t = rec_task_of (task);
  if (t == NULL || t->ended)
    Py_RETURN_NONE;
  t->ended = true;
  braid_event ev = {
    .kind = BRAID_EV_TASK_DESTROYED_PENDING,
    .task = t->id,
  };
  rec_emit (&ev);
  Py_RETURN_NONE;
}

/* quiet(on): while on, this thread's output is not recorded (asyncio
 * printing its own diagnostic, which the trace has as a problem). */
static PyObject *
mod_quiet (PyObject *module, PyObject *on)
{
  int q = PyObject_IsTrue (on);
  if (q < 0)
    return NULL;
  rec_tls.quiet += q ? 1 : -1;
  if (rec_tls.quiet < 0)
    rec_tls.quiet = 0;
  Py_RETURN_NONE;
}

/* hold(obj, kind, acquired): the running task took (@acquired true) or
 * gave back a Lock or a Semaphore's permit, @obj, of braid_object_kind
 * @kind: a BRAID_EV_ACQUIRED or BRAID_EV_RELEASED, as libbraid's
 * primitives report them. */
static PyObject *
mod_hold (PyObject *module, PyObject *args)
{
  PyObject *obj;
  unsigned int kind;
  int acquired;
  if (!PyArg_ParseTuple (args, "OIp:hold", &obj, &kind, &acquired))
    return NULL;
  if (rec.active && (kind == BRAID_OBJ_LOCK || kind == BRAID_OBJ_SEMAPHORE))
    {
      braid_event ev = {
        .kind = acquired ? BRAID_EV_ACQUIRED : BRAID_EV_RELEASED,
        .task = rec_tls.task,
        .object = rec_object_id (obj, kind, NULL),
        .reason = kind,
      };
      rec_emit (&ev);
    }
  Py_RETURN_NONE;
}

/* queue_item(queue, op): the running task got an item from the asyncio
 * Queue @queue (@op BRAID_QUEUE_OP_GET) or put one into it (PUT; the
 * hooks call it for a bounded queue only): a BRAID_EV_QUEUE_ITEM, as
 * libbraid's queues report them, with the items left in the queue. */
static PyObject *
mod_queue_item (PyObject *module, PyObject *args)
{
  PyObject *queue;
  unsigned int op;
  if (!PyArg_ParseTuple (args, "OI:queue_item", &queue, &op))
    return NULL;
  if (rec.active && (op == BRAID_QUEUE_OP_GET || op == BRAID_QUEUE_OP_PUT))
    {
      /* asyncio's qsize() is len(self._queue), for each kind of queue. */
      Py_ssize_t n = -1;
      PyObject *items = PyObject_GetAttr (queue, REC_ID ("_queue"));
      if (items != NULL)
        n = PyObject_Length (items);
      Py_XDECREF (items);
      if (n < 0)
        {
          PyErr_Clear ();
          n = 0;
        }
      braid_event ev = {
        .kind = BRAID_EV_QUEUE_ITEM,
        .task = rec_tls.task,
        .object = rec_object_id (queue, BRAID_OBJ_QUEUE, NULL),
        .reason = op,
        .value = n,
      };
      rec_emit (&ev);
    }
  Py_RETURN_NONE;
}

/* instancemethod(f): @f as a method: bound to the instance it is read
 * from, as a function defined in a class would be. */
static PyObject *
mod_instancemethod (PyObject *module, PyObject *f)
{
  return PyInstanceMethod_New (f);
}

static PyMethodDef module_methods[] = {
  { "configure", (PyCFunction) (void (*) (void)) mod_configure,
    METH_VARARGS | METH_KEYWORDS,
    "configure(virtual, slow_ms, reasons, task_type, gathering_type, "
    "cancelled_type, call_soon, lib_dirs, hidden_dirs, boundaries): what "
    "the hooks tell "
    "the recorder once, before start()." },
  { "start", mod_start, METH_VARARGS,
    "start(path, program, arguments): starts recording into the trace "
    "at path." },
  { "stop", mod_stop, METH_NOARGS,
    "stop(): flushes, marks the trace complete and closes it." },
  { "flush_output", mod_flush_output, METH_NOARGS,
    "flush_output(): records the streams' unfinished lines." },
  { "recording", mod_recording, METH_NOARGS,
    "recording(): whether a recording is on." },
  { "wrap", mod_wrap, METH_O,
    "wrap(coro): the coroutine a traced Task runs instead of coro." },
  { "task_created", mod_task_created, METH_VARARGS,
    "task_created(wrapper, task, loop): records a new task." },
  { "mark_sleep", mod_mark_sleep, METH_VARARGS,
    "mark_sleep(future, delay): future is what a sleep waits on." },
  { "never_retrieved", mod_never_retrieved, METH_VARARGS,
    "never_retrieved(future, exc): asyncio reports an unread error." },
  { "destroyed_pending", mod_destroyed_pending, METH_O,
    "destroyed_pending(task): asyncio frees a pending task." },
  { "quiet", mod_quiet, METH_O,
    "quiet(on): stop or resume recording this thread's output." },
  { "hold", mod_hold, METH_VARARGS,
    "hold(obj, kind, acquired): the running task took or gave back the "
    "Lock or Semaphore permit obj." },
  { "queue_item", mod_queue_item, METH_VARARGS,
    "queue_item(queue, op): the running task got an item from the "
    "Queue queue (op 1) or put one into it (op 2)." },
  { "instancemethod", mod_instancemethod, METH_O,
    "instancemethod(f): f as a method of the class it is set on." },
  { "call_soon", (PyCFunction) (void (*) (void)) rec_call_soon,
    METH_FASTCALL | METH_KEYWORDS,
    "call_soon(loop, callback, *args, context=None): asyncio's call_soon, "
    "recording which task a callback wakes." },
  { NULL, NULL, 0, NULL },
};

static struct PyModuleDef module_def = {
  PyModuleDef_HEAD_INIT,
  .m_name = "braid._recorder",
  .m_doc = "The recorder of the braid Python module: asyncio's events into "
           "a braid trace, through libbraid-trace.",
  .m_size = -1,
  .m_methods = module_methods,
};

PyMODINIT_FUNC PyInit__recorder (void);

PyMODINIT_FUNC
PyInit__recorder (void)
{
  if (PyType_Ready (&rec_task_type) < 0 || PyType_Ready (&rec_loop_type) < 0
      || PyType_Ready (&rec_output_type) < 0)
    return NULL;
  PyObject *m = PyModule_Create (&module_def);
  if (m == NULL)
    return NULL;
  if (PyModule_AddObjectRef (m, "Task", (PyObject *) &rec_task_type) < 0
      || PyModule_AddObjectRef (m, "Loop", (PyObject *) &rec_loop_type) < 0
      || PyModule_AddObjectRef (m, "Output", (PyObject *) &rec_output_type)
           < 0)
    {
      Py_DECREF (m);
      return NULL;
    }
  return m;
}
