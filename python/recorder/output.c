/* output.c: the program's output lines, tied to the task that wrote them.
 *
 * The hooks replace sys.stdout and sys.stderr with an Output each, which
 * passes every write to the stream it wraps, unchanged and first, then
 * records each completed line as a BRAID_EV_OUTPUT of the task whose step
 * is running on this thread (none in a callback or outside the loop). A
 * line is complete at its newline: the part of a write after the last
 * newline waits for the next write of the same thread (print() writes
 * the text and its end separately). Every other attribute (encoding,
 * fileno, buffer, flush...) is the wrapped stream's.
 *
 * Hot path: write(), once or twice per print(): a lookup of the thread's
 * unfinished line, one search for a newline and, per line, one event.
 */
#include "recorder.h"

typedef struct rec_output
{
  PyObject_HEAD
  PyObject *stream;  /* the wrapped text stream */
  PyObject *partials; /* dict: thread ident -> its unfinished line */
  int number;        /* 1 stdout, 2 stderr */
} rec_output;

/* The Outputs made, to record their unfinished lines at stop. */
#define MAX_OUTPUTS 8
static rec_output *outputs[MAX_OUTPUTS];

static void
emit_line (rec_output *o, PyObject *line)
{
  PyObject *bytes
    = PyUnicode_AsEncodedString (line, "utf-8", "backslashreplace");
  if (bytes == NULL)
    {
      PyErr_Clear ();
      return;
    }
  rec_check_retrieved ();
  braid_event ev = {
    .kind = BRAID_EV_OUTPUT,
    .task = rec_tls.task,
    .str1 = PyBytes_AS_STRING (bytes),
    .value = PyBytes_GET_SIZE (bytes),
    .line = o->number,
  };
  rec_emit (&ev);
  Py_DECREF (bytes);
}

/* Records the complete lines of @text, keeping what follows the last
 * newline as the unfinished line of the calling thread: each thread's
 * lines are its own (two threads that print at once interleave their
 * writes on the stream, not in the lines recorded). */
static void
record_text (rec_output *o, PyObject *text)
{
  PyObject *key = PyLong_FromUnsignedLong (PyThread_get_thread_ident ());
  if (key == NULL)
    {
      PyErr_Clear ();
      return;
    }
  PyObject *partial = PyDict_GetItemWithError (o->partials, key);
  Py_XINCREF (partial);
  Py_ssize_t len = PyUnicode_GET_LENGTH (text);
  Py_ssize_t from = 0;
  Py_ssize_t nl;
  while ((nl = PyUnicode_FindChar (text, '\n', from, len, 1)) >= 0)
    {
      PyObject *line = PyUnicode_Substring (text, from, nl);
      if (line != NULL && partial != NULL)
        Py_SETREF (line, PyUnicode_Concat (partial, line));
      Py_CLEAR (partial);
      if (line != NULL)
        {
          emit_line (o, line);
          Py_DECREF (line);
        }
      from = nl + 1;
    }
  if (from < len)
    {
      PyObject *rest = PyUnicode_Substring (text, from, len);
      if (rest != NULL && partial != NULL)
        Py_SETREF (rest, PyUnicode_Concat (partial, rest));
      Py_XSETREF (partial, rest);
    }
  if (partial != NULL)
    PyDict_SetItem (o->partials, key, partial);
  else if (PyDict_DelItem (o->partials, key) != 0)
    PyErr_Clear (); /* no unfinished line to drop */
  Py_XDECREF (partial);
  Py_DECREF (key);
  PyErr_Clear ();
}

/* write(text): the wrapped stream's write, then the lines recorded. */
static PyObject *
output_write (PyObject *self, PyObject *text)
{
  rec_output *o = (rec_output *) self;
  PyObject *r = PyObject_CallMethodOneArg (o->stream, REC_ID ("write"), text);
  if (r == NULL)
    return NULL;
  if (rec.active && !rec_tls.quiet && PyUnicode_Check (text))
    record_text (o, text);
  return r;
}

static PyObject *
output_writelines (PyObject *self, PyObject *lines)
{
  PyObject *it = PyObject_GetIter (lines);
  if (it == NULL)
    return NULL;
  PyObject *item;
  while ((item = PyIter_Next (it)) != NULL)
    {
      PyObject *r = output_write (self, item);
      Py_DECREF (item);
      if (r == NULL)
        {
          Py_DECREF (it);
          return NULL;
        }
      Py_DECREF (r);
    }
  Py_DECREF (it);
  if (PyErr_Occurred ())
    return NULL;
  Py_RETURN_NONE;
}

void
rec_output_flush_all (void)
{
  for (int i = 0; i < MAX_OUTPUTS; i++)
    {
      rec_output *o = outputs[i];
      if (o == NULL || PyDict_GET_SIZE (o->partials) == 0)
        continue;
      Py_ssize_t pos = 0;
      PyObject *key, *line;
      while (PyDict_Next (o->partials, &pos, &key, &line))
        emit_line (o, line);
      PyDict_Clear (o->partials);
    }
}

static PyObject *
output_new (PyTypeObject *type, PyObject *args, PyObject *kw)
{
  static char *names[] = { "stream", "number", NULL };
  PyObject *stream;
  int number;
  if (!PyArg_ParseTupleAndKeywords (args, kw, "Oi:Output", names, &stream,
                                    &number))
    return NULL;
  rec_output *o = (rec_output *) type->tp_alloc (type, 0);
  if (o == NULL)
    return NULL;
  o->stream = Py_NewRef (stream);
  o->number = number;
  o->partials = PyDict_New ();
  if (o->partials == NULL)
    {
      Py_DECREF (o);
      return NULL;
    }
  for (int i = 0; i < MAX_OUTPUTS; i++)
    if (outputs[i] == NULL)
      {
        outputs[i] = o;
        break;
      }
  return (PyObject *) o;
}

static PyObject *
output_getattro (PyObject *self, PyObject *name)
{
  return rec_getattr_delegate (self, name, ((rec_output *) self)->stream);
}

static PyObject *
output_repr (PyObject *self)
{
  return PyObject_Repr (((rec_output *) self)->stream);
}

static PyObject *
output_get_wrapped (PyObject *self, void *closure)
{
  return Py_NewRef (((rec_output *) self)->stream);
}

static void
output_dealloc (PyObject *self)
{
  rec_output *o = (rec_output *) self;
  for (int i = 0; i < MAX_OUTPUTS; i++)
    if (outputs[i] == o)
      outputs[i] = NULL;
  Py_CLEAR (o->stream);
  Py_CLEAR (o->partials);
  Py_TYPE (self)->tp_free (self);
}

static PyMethodDef output_methods[] = {
  { "write", output_write, METH_O,
    "write(text): writes text to the stream and records its lines." },
  { "writelines", output_writelines, METH_O,
    "writelines(lines): write() of each line." },
  { NULL, NULL, 0, NULL },
};

static PyGetSetDef output_getset[] = {
  { "__wrapped__", output_get_wrapped, NULL, "the wrapped stream", NULL },
  { NULL, NULL, NULL, NULL, NULL },
};

PyTypeObject rec_output_type = {
  PyVarObject_HEAD_INIT (NULL, 0)
  .tp_name = "braid._recorder.Output",
  .tp_doc = "Output(stream, number): a text stream whose lines are "
            "recorded as the program's output (1 stdout, 2 stderr).",
  .tp_basicsize = sizeof (rec_output),
  .tp_flags = Py_TPFLAGS_DEFAULT,
  .tp_new = output_new,
  .tp_dealloc = output_dealloc,
  .tp_repr = output_repr,
  .tp_getattro = output_getattro,
  .tp_methods = output_methods,
  .tp_getset = output_getset,
};
