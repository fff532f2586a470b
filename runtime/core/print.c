/* print.c: braid_print and braid_eprint, the program's output: written to
 * stdout/stderr, flushed at each newline, each complete line reported to
 * the hooks (BRAID_EV_OUTPUT) with the task that wrote it, so a trace
 * holds the program's output at its moment.
 *
 * Hot path: none; a partial line is kept (per thread and stream) only
 * while a hook is installed, to report it whole.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "braid-private.h"

typedef struct line_buf
{
  char *data;
  size_t len, cap;
} line_buf;

static __thread line_buf pending[2];

static void
emit_line (int stream, const char *text, size_t len)
{
  braid_task *t = braid__tls_task;
  braid_loop *loop = braid__tls_loop;
  braid_event ev = { 0 };
  ev.kind = BRAID_EV_OUTPUT;
  ev.time_ns = loop ? braid__event_time (loop) : braid__monotonic_ns ();
  ev.task = t ? t->fut.id : 0;
  ev.str1 = text;
  ev.value = (int64_t)len;
  ev.line = stream;
  braid__hook_call (&ev);
}

static void
buf_append (line_buf *b, const char *s, size_t n)
{
  if (b->len + n + 1 > b->cap)
    {
      size_t cap = b->cap ? b->cap : 128;
      while (cap < b->len + n + 1)
        cap *= 2;
      char *d = realloc (b->data, cap);
      if (!d)
        return;
      b->data = d;
      b->cap = cap;
    }
  memcpy (b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = 0;
}

/* Reports every complete line of @text (with the partial line kept from
 * earlier calls) to the hooks. */
static void
report_lines (int stream, const char *text, size_t n)
{
  line_buf *b = &pending[stream - 1];
  const char *p = text, *end = text + n;
  while (p < end)
    {
      const char *nl = memchr (p, '\n', (size_t)(end - p));
      if (!nl)
        {
          buf_append (b, p, (size_t)(end - p));
          return;
        }
      if (b->len)
        {
          buf_append (b, p, (size_t)(nl - p));
          emit_line (stream, b->data, b->len);
          b->len = 0;
        }
      else
        {
          /* The hook gets a NUL-terminated copy of the line. */
          char small[256];
          size_t len = (size_t)(nl - p);
          if (len < sizeof small)
            {
              memcpy (small, p, len);
              small[len] = 0;
              emit_line (stream, small, len);
            }
          else
            {
              buf_append (b, p, len);
              emit_line (stream, b->data, b->len);
              b->len = 0;
            }
        }
      p = nl + 1;
    }
}

/* Prints to stdout (@stream 1) or stderr (2) for @call. */
static int
vprint (const char *call, int stream, const char *fmt, va_list ap)
{
  braid__check_arg (fmt, call, "format");
  char stackbuf[512];
  va_list ap2;
  va_copy (ap2, ap);
  int n = vsnprintf (stackbuf, sizeof stackbuf, fmt, ap);
  char *text = stackbuf;
  if (n < 0)
    {
      va_end (ap2);
      return n;
    }
  if ((size_t)n >= sizeof stackbuf)
    {
      text = braid__xmalloc ((size_t)n + 1);
      vsnprintf (text, (size_t)n + 1, fmt, ap2);
    }
  va_end (ap2);
  FILE *out = stream == 1 ? stdout : stderr;
  fwrite (text, 1, (size_t)n, out);
  if (memchr (text, '\n', (size_t)n))
    fflush (out);
  if (BRAID_UNLIKELY (braid__hooks_active))
    report_lines (stream, text, (size_t)n);
  if (text != stackbuf)
    free (text);
  return n;
}

int
braid_printv (const char *fmt, va_list ap)
{
  return vprint ("braid_printv", 1, fmt, ap);
}

int
braid_print (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int n = vprint ("braid_print", 1, fmt, ap);
  va_end (ap);
  return n;
}

int
braid_eprint (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  int n = vprint ("braid_eprint", 2, fmt, ap);
  va_end (ap);
  return n;
}
