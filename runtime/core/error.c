/* error.c: error types, error objects, and the current error of each task
 * (or thread, outside tasks): raise, catch, re-raise, the codes that go
 * with them, and braid_strerror.
 *
 * Hot path: none on success. braid_error_current is one thread-local read
 * plus a field read. Raising allocates (an error is an object).
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "braid-private.h"

const braid_error_type braid_base_exception_type = { "BaseException", NULL };
const braid_error_type braid_exception_type
    = { "Exception", &braid_base_exception_type };
const braid_error_type braid_cancelled_error_type
    = { "CancelledError", &braid_base_exception_type };
const braid_error_type braid_timeout_error_type
    = { "TimeoutError", &braid_exception_type };
const braid_error_type braid_invalid_state_error_type
    = { "InvalidStateError", &braid_exception_type };
const braid_error_type braid_value_error_type
    = { "ValueError", &braid_exception_type };
const braid_error_type braid_runtime_error_type
    = { "RuntimeError", &braid_exception_type };
const braid_error_type braid_memory_error_type
    = { "MemoryError", &braid_exception_type };
const braid_error_type braid_os_error_type
    = { "OSError", &braid_exception_type };
const braid_error_type braid_type_error_type
    = { "TypeError", &braid_exception_type };
/* Python's names: a group of Exceptions is an ExceptionGroup (an
 * Exception); one with any other sub-error a BaseExceptionGroup. */
const braid_error_type braid_group_error_type
    = { "ExceptionGroup", &braid_exception_type };
const braid_error_type braid_base_group_error_type
    = { "BaseExceptionGroup", &braid_base_exception_type };

/* The current error outside tasks (the loop's thread between runs, or a
 * callback run by the loop). */
static BRAID_TLS braid_error *thread_error;

void *
braid__xmalloc (size_t n)
{
  void *p = malloc (n ? n : 1);
  if (!p)
    braid__abort ("malloc", "out of memory");
  return p;
}

void *
braid__xcalloc (size_t n, size_t m)
{
  void *p = calloc (n ? n : 1, m ? m : 1);
  if (!p)
    braid__abort ("calloc", "out of memory");
  return p;
}

char *
braid__xstrdup (const char *s)
{
  if (!s)
    return NULL;
  char *d = strdup (s);
  if (!d)
    braid__abort ("strdup", "out of memory");
  return d;
}

void
braid__abort (const char *call, const char *what)
{
  fprintf (stderr, "braid: %s: %s\n", call, what);
  fflush (stderr);
  abort ();
}

const char *
braid_strerror (int code)
{
  switch (code)
    {
    case BRAID_OK:
      return "success";
    case BRAID_EFAILED:
      return "an error was raised";
    case BRAID_ECANCELLED:
      return "cancelled";
    case BRAID_ETIMEDOUT:
      return "timed out";
    case BRAID_EINVAL:
      return "invalid argument";
    case BRAID_EINVALSTATE:
      return "invalid state";
    case BRAID_ENOTASK:
      return "must be called from a task";
    case BRAID_EDEADLK:
      return "deadlock";
    case BRAID_EXLOOP:
      return "object belongs to another loop";
    case BRAID_ENOMEM:
      return "out of memory";
    case BRAID_EBUSY:
      return "busy";
    case BRAID_ECLOSED:
      return "loop closed";
    case BRAID_EQUEUEFULL:
      return "queue full";
    case BRAID_EQUEUEEMPTY:
      return "queue empty";
    case BRAID_ESTOP:
      return "async iteration stopped";
    case BRAID_EGENEXIT:
      return "generator exit";
    default:
      if (code < 0 && code > -5000)
        return uv_strerror (code);
      return "unknown error";
    }
}

static braid_error **
current_slot (void)
{
  braid_task *t = braid__tls_task;
  return t ? &t->error : &thread_error;
}

/* The current slot gets new contents: whatever is current now is being
 * handled again (or nothing is current). */
static inline void
slot_fresh (void)
{
  braid_task *t = braid__tls_task;
  if (t)
    t->error_stale = false;
}

static int
code_for_type (const braid_error_type *type)
{
  for (const braid_error_type *p = type; p; p = p->base)
    {
      if (p == BRAID_CANCELLED_ERROR)
        return BRAID_ECANCELLED;
      if (p == BRAID_TIMEOUT_ERROR)
        return BRAID_ETIMEDOUT;
      /* One code for the end of an iteration, whoever raises it: a
       * generator's next() or the program's own iterator. */
      if (p == BRAID_STOP_ASYNC_ITERATION)
        return BRAID_ESTOP;
    }
  return BRAID_EFAILED;
}

/* Copies @file and @func into one block owned by @e (file first), so the
 * error stays printable after whatever they pointed into is gone: a
 * stack buffer of the raising call, a task's stack, a loop, a module
 * that was unloaded. */
static void
set_site (braid_error *e, const char *file, int line, const char *func)
{
  size_t lf = file ? strlen (file) + 1 : 0;
  size_t lg = func ? strlen (func) + 1 : 0;
  e->line = line;
  if (lf + lg == 0)
    return;
  char *block = braid__xmalloc (lf + lg);
  if (file)
    {
      memcpy (block, file, lf);
      e->file = block;
    }
  if (func)
    {
      memcpy (block + lf, func, lg);
      e->func = block + lf;
    }
}

static void
free_site (braid_error *e)
{
  free ((char *)(e->file ? e->file : e->func));
}

/* A new error (refcount 1, not current) that takes ownership of
 * @message. */
static braid_error *
error_alloc (const braid_error_type *type, int code, const char *file, int line,
             const char *func, char *message)
{
  braid_error *e = braid__xcalloc (1, sizeof *e);
  e->refcount = 1;
  e->magic = BRAID__MAGIC_ERROR;
  e->type = type ? type : BRAID_EXCEPTION;
  e->code = code ? code : code_for_type (e->type);
  e->message = message;
  set_site (e, file, line, func);
  return e;
}

braid_error *
braid__error_new (const braid_error_type *type, int code, const char *file,
                  int line, const char *func, const char *message)
{
  return error_alloc (type, code, file, line, func,
                      braid__xstrdup (message ? message : ""));
}

int
braid__error_set_current (braid_error *error)
{
  braid_error **slot = current_slot ();
  braid_error *old = *slot;
  *slot = error;
  slot_fresh ();
  braid_error_unref (old);
  return error ? error->code : 0;
}

braid_error *
braid__error_steal_current (void)
{
  braid_error **slot = current_slot ();
  braid_error *e = *slot;
  *slot = NULL;
  slot_fresh ();
  return e;
}

static int
raise_with_code (const braid_error_type *type, int code, const char *file,
                 int line, const char *func, char *message)
{
  braid_error *e = error_alloc (type, code, file, line, func, message);
  braid_error **slot = current_slot ();
  braid_task *t = braid__tls_task;
  /* The error being handled becomes the context (Python's __context__):
   * its reference moves. One left current across an await is not being
   * handled any more (braid__task_suspend marks it stale): it is
   * replaced, not chained. */
  if (BRAID_UNLIKELY (t && t->error_stale))
    {
      braid_error_unref (*slot);
      *slot = NULL;
      t->error_stale = false;
    }
  e->cause = *slot;
  *slot = e;
  return e->code;
}

int
braid_raise_atv (const braid_error_type *type, const char *file, int line,
                 const char *func, const char *fmt, va_list ap)
{
  char *msg = NULL;
  if (!fmt || vasprintf (&msg, fmt, ap) < 0)
    msg = braid__xstrdup ("");
  return raise_with_code (type, 0, file, line, func, msg);
}

int
braid_raise_at (const braid_error_type *type, const char *file, int line,
                const char *func, const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int rc = braid_raise_atv (type, file, line, func, fmt, ap);
  va_end (ap);
  return rc;
}

braid_error *
braid_error_new_at (const braid_error_type *type, const char *file, int line,
                    const char *func, const char *fmt, ...)
{
  char *msg = NULL;
  va_list ap;
  va_start (ap, fmt);
  if (!fmt || vasprintf (&msg, fmt, ap) < 0)
    msg = braid__xstrdup ("");
  va_end (ap);
  return error_alloc (type, 0, file, line, func, msg);
}

/* True when @error is @cause or one of its causes: making @cause the
 * cause of @error would close a loop in the chain. */
static bool
chain_contains (const braid_error *cause, const braid_error *error)
{
  for (const braid_error *c = cause; c; c = c->cause)
    if (c == error)
      return true;
  return false;
}

int
braid_error_set_cause (braid_error *error, braid_error *cause)
{
  braid__check_object (error, "braid_error_set_cause", "error",
                       ERROR_ALIVE (error));
  if (cause)
    braid__check_object (cause, "braid_error_set_cause", "cause",
                         ERROR_ALIVE (cause));
  if (chain_contains (cause, error))
    return braid__raise_code_on (BRAID_EINVAL, "braid_error_set_cause",
                                 "the cause leads back to the error");
  braid_error *old = error->cause;
  error->cause = braid_error_ref (cause);
  error->cause_explicit = true;
  braid_error_unref (old);
  return 0;
}

int
braid_raise_from (braid_error *error, braid_error *cause)
{
  braid__check_object (error, "braid_raise_from", "error",
                       ERROR_ALIVE (error));
  int rc = braid_error_set_cause (error, cause);
  if (rc < 0)
    return rc;
  return braid__error_set_current (braid_error_ref (error));
}

int
braid__raise_cancelled (const char *msg)
{
  return raise_with_code (BRAID_CANCELLED_ERROR, BRAID_ECANCELLED, NULL, 0,
                          NULL, braid__xstrdup (msg ? msg : ""));
}

int
braid__raise_code_on (int code, const char *call, const char *subject)
{
  const braid_error_type *type;
  const char *text;
  switch (code)
    {
    case BRAID_EINVAL:
      type = BRAID_VALUE_ERROR;
      text = "invalid argument";
      break;
    case BRAID_EINVALSTATE:
      type = BRAID_INVALID_STATE_ERROR;
      text = "invalid state";
      break;
    case BRAID_ENOMEM:
      type = BRAID_MEMORY_ERROR;
      text = "out of memory";
      break;
    case BRAID_ECANCELLED:
      type = BRAID_CANCELLED_ERROR;
      text = "cancelled";
      break;
    case BRAID_ETIMEDOUT:
      type = BRAID_TIMEOUT_ERROR;
      text = "timed out";
      break;
    case BRAID_ENOTASK:
      type = BRAID_RUNTIME_ERROR;
      text = "must be called from a task";
      break;
    case BRAID_EDEADLK:
      type = BRAID_RUNTIME_ERROR;
      text = "deadlock";
      break;
    case BRAID_EXLOOP:
      type = BRAID_RUNTIME_ERROR;
      text = "the object belongs to another loop";
      break;
    case BRAID_EBUSY:
      type = BRAID_RUNTIME_ERROR;
      text = "busy";
      break;
    case BRAID_ECLOSED:
      type = BRAID_RUNTIME_ERROR;
      text = "the loop is closed";
      break;
    default:
      if (code < 0 && code > -5000)
        {
          type = BRAID_OS_ERROR;
          text = uv_strerror (code);
        }
      else
        {
          type = BRAID_RUNTIME_ERROR;
          text = "failed";
        }
      break;
    }
  const char *about = subject ? subject : call ? call : "braid";
  char *msg = NULL;
  if (asprintf (&msg, "%s: %s", about, text) < 0)
    msg = braid__xstrdup (text);
  return raise_with_code (type, code, NULL, 0, call, msg);
}

int
braid__raise_code (int code, const char *what)
{
  return braid__raise_code_on (code, what, NULL);
}

int
braid_reraise (braid_error *error)
{
  braid__check_object (error, "braid_reraise", "error", ERROR_ALIVE (error));
  return braid__error_set_current (braid_error_ref (error));
}

braid_error *
braid_error_current (void)
{
  return *current_slot ();
}

braid_error *
braid_error_catch (const braid_error_type *type)
{
  braid_error **slot = current_slot ();
  braid_error *e = *slot;
  if (!e || !braid_error_is (e, type))
    return NULL;
  *slot = NULL;
  slot_fresh ();
  return e;
}

void
braid_error_clear (void)
{
  braid__error_set_current (NULL);
}

braid_error *
braid_error_ref (braid_error *error)
{
  if (error)
    {
      braid__check_object (error, "braid_error_ref", "error",
                           ERROR_ALIVE (error));
      error->refcount++;
    }
  return error;
}

void
braid_error_unref (braid_error *error)
{
  while (error)
    {
      braid__check_object (error, "braid_error_unref", "error",
                           ERROR_ALIVE (error));
      if (--error->refcount > 0)
        return;
      braid_error *cause = error->cause;
      for (size_t i = 0; i < error->nsubs; i++)
        braid_error_unref (error->subs[i]);
      free (error->subs);
      free (error->message);
      free_site (error);
      braid__forget (error->magic);
      free (error);
      error = cause;
    }
}

bool
braid_error_is (const braid_error *error, const braid_error_type *type)
{
  if (!error)
    return false;
  if (!type)
    return true;
  for (const braid_error_type *p = error->type; p; p = p->base)
    if (p == type)
      return true;
  return false;
}

const braid_error_type *
braid_error_get_type (const braid_error *error)
{
  return error ? error->type : NULL;
}

const char *
braid_error_message (const braid_error *error)
{
  return error ? error->message : NULL;
}

const char *
braid_error_file (const braid_error *error)
{
  return error ? error->file : NULL;
}

int
braid_error_line (const braid_error *error)
{
  return error ? error->line : 0;
}

const char *
braid_error_function (const braid_error *error)
{
  return error ? error->func : NULL;
}

braid_error *
braid_error_cause (const braid_error *error)
{
  return error ? error->cause : NULL;
}

bool
braid_error_cause_explicit (const braid_error *error)
{
  return error && error->cause_explicit;
}

int
braid_error_code (const braid_error *error)
{
  return error ? error->code : 0;
}

/* Python's repr() of the string @text: single quotes unless it holds a
 * single quote and no double one; backslash, the quote and control bytes
 * escaped (bytes of UTF-8 sequences are kept, as Python keeps printable
 * characters). */
static void
put_str_repr (const char *text, FILE *out)
{
  char quote = strchr (text, '\'') && !strchr (text, '"') ? '"' : '\'';

  fputc (quote, out);
  for (const unsigned char *p = (const unsigned char *)text; *p; p++)
    {
      if (*p == '\\' || *p == (unsigned char)quote)
        fprintf (out, "\\%c", *p);
      else if (*p == '\n')
        fputs ("\\n", out);
      else if (*p == '\r')
        fputs ("\\r", out);
      else if (*p == '\t')
        fputs ("\\t", out);
      else if (*p < 0x20 || *p == 0x7f)
        fprintf (out, "\\x%02x", *p);
      else
        fputc (*p, out);
    }
  fputc (quote, out);
}

size_t
braid__group_message_length (const char *msg)
{
  size_t len = strlen (msg);
  const char *paren = strrchr (msg, '(');

  if (paren && paren > msg && paren[-1] == ' ' && len > 0 && msg[len - 1] == ')'
      && strstr (paren, " sub-exception"))
    return (size_t)(paren - 1 - msg);
  return len;
}

/* repr(): "ValueError('x')", "CancelledError()" for an empty message, a
 * group as "ExceptionGroup('msg', [ValueError('a'), ...])". */
static void
put_repr (const braid_error *e, FILE *out)
{
  fprintf (out, "%s(", e->type->name);
  if (e->subs)
    {
      char *msg = braid__xstrdup (e->message);
      msg[braid__group_message_length (msg)] = '\0';
      put_str_repr (msg, out);
      free (msg);
      fputs (", [", out);
      for (size_t i = 0; i < e->nsubs; i++)
        {
          if (i)
            fputs (", ", out);
          put_repr (e->subs[i], out);
        }
      fputc (']', out);
    }
  else if (e->message[0])
    put_str_repr (e->message, out);
  fputc (')', out);
}

/* traceback's last line of one error: "ValueError: x", or the bare name
 * when str() is empty. */
static void
put_line (const braid_error *e, FILE *out)
{
  if (e->message[0])
    fprintf (out, "%s: %s\n", e->type->name, e->message);
  else
    fprintf (out, "%s\n", e->type->name);
}

/* The chain oldest first, as traceback.print_exception does (without the
 * frames braid does not keep). */
static void
put_chain (const braid_error *e, FILE *out, unsigned depth)
{
  /* Python stops at an error it printed already; a chain cannot loop
   * here (braid_error_set_cause refuses that), so a depth limit as
   * deep as Python's recursion guard is enough. */
  if (e->cause && depth < 1000)
    {
      put_chain (e->cause, out, depth + 1);
      fputs (e->cause_explicit
                 ? "\nThe above exception was the direct cause of the "
                   "following exception:\n\n"
                 : "\nDuring handling of the above exception, another "
                   "exception occurred:\n\n",
             out);
    }
  put_line (e, out);
}

char *
braid_error_format (const braid_error *error, braid_error_style style)
{
  char *text = NULL;
  size_t len = 0;
  FILE *out;

  if (!error)
    return NULL;
  braid__check_object (error, "braid_error_format", "error",
                       ERROR_ALIVE (error));
  out = open_memstream (&text, &len);
  if (!out)
    braid__abort ("braid_error_format", "out of memory");
  switch (style)
    {
    case BRAID_ERROR_STR:
      fputs (error->message, out);
      break;
    case BRAID_ERROR_REPR:
      put_repr (error, out);
      break;
    case BRAID_ERROR_LINE:
      put_line (error, out);
      break;
    case BRAID_ERROR_CHAIN:
      put_chain (error, out, 0);
      break;
    default:
      fclose (out);
      free (text);
      braid__abort ("braid_error_format", "unknown style");
    }
  if (fclose (out) != 0)
    braid__abort ("braid_error_format", "out of memory");
  return text;
}

static void
print_one (const braid_error *e, FILE *out)
{
  fprintf (out, "%s: %s", e->type->name, e->message);
  if (e->file)
    fprintf (out, " (raised at %s:%d in %s)", e->file, e->line,
             e->func ? e->func : "?");
  else if (e->func)
    fprintf (out, " (raised by %s)", e->func);
  fputc ('\n', out);
}

void
braid_error_print (const braid_error *error, FILE *out)
{
  braid__check_arg (out, "braid_error_print", "stream");
  if (!error)
    return;
  print_one (error, out);
  for (const braid_error *c = error->cause; c; c = c->cause)
    {
      fputs ("  caused by ", out);
      print_one (c, out);
    }
}
