/* error-group.c: group errors (Python's ExceptionGroup, raised by task
 * groups) and their sub-errors, plus braid__raise_as, which raises an error
 * with a return code of its own (QueueFull -> BRAID_EQUEUEFULL, ...).
 *
 * A group error holds its sub-errors itself (struct braid_error's subs
 * and nsubs, references the core releases with the error), so they can be
 * read on any thread for as long as the group error lives.
 *
 * Not hot: one group error per failed task group.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "braid-private.h"

braid_error *
braid__error_group_new (const char *message, braid_error *const *errors,
                        size_t n)
{
  const braid_error_type *type = BRAID_GROUP_ERROR;
  for (size_t i = 0; i < n; i++)
    if (!braid_error_is (errors[i], BRAID_EXCEPTION))
      type = BRAID_BASE_GROUP_ERROR;
  braid_error *group = braid__error_new (type, BRAID_EFAILED, NULL, 0,
                                         "braid_task_group_wait", message);
  if (n > 0)
    {
      group->subs = braid__xmalloc (n * sizeof *group->subs);
      for (size_t i = 0; i < n; i++)
        group->subs[i] = braid_error_ref (errors[i]);
      group->nsubs = n;
    }
  return group;
}

size_t
braid_error_group_count (const braid_error *error)
{
  return error ? error->nsubs : 0;
}

braid_error *
braid_error_group_get (const braid_error *error, size_t index)
{
  return error && index < error->nsubs ? error->subs[index] : NULL;
}

static bool
is_group (const braid_error *e)
{
  return e->type == BRAID_GROUP_ERROR || e->type == BRAID_BASE_GROUP_ERROR;
}

/* A group of @n @errors with @group's message, its count redone: the
 * message is str() of the group, "MESSAGE (N sub-exceptions)" (Python's
 * derive keeps MESSAGE). */
static braid_error *
derive (const braid_error *group, braid_error *const *errors, size_t n)
{
  const char *msg = group->message ? group->message : "";
  size_t len = braid__group_message_length (msg);
  char *text = NULL;
  if (asprintf (&text, "%.*s (%zu sub-exception%s)", (int)len, msg, n,
                n == 1 ? "" : "s")
      < 0)
    braid__abort ("braid_error_group_split", "out of memory");
  braid_error *d = braid__error_group_new (text, errors, n);
  free (text);
  return d;
}

/* Python's BaseExceptionGroup.split, recursively. */
static void
split (braid_error *e, const braid_error_type *type, braid_error **match,
       braid_error **rest)
{
  *match = *rest = NULL;
  if (braid_error_is (e, type))
    {
      *match = braid_error_ref (e);
      return;
    }
  if (!is_group (e))
    {
      *rest = braid_error_ref (e);
      return;
    }
  size_t n = e->nsubs, nm = 0, nr = 0;
  braid_error **m = braid__xmalloc ((n ? n : 1) * sizeof *m);
  braid_error **r = braid__xmalloc ((n ? n : 1) * sizeof *r);
  for (size_t i = 0; i < n; i++)
    {
      braid_error *sm, *sr;
      split (e->subs[i], type, &sm, &sr);
      if (sm)
        m[nm++] = sm;
      if (sr)
        r[nr++] = sr;
    }
  if (nm)
    *match = nr ? derive (e, m, nm) : braid_error_ref (e);
  if (nr)
    *rest = nm ? derive (e, r, nr) : braid_error_ref (e);
  for (size_t i = 0; i < nm; i++)
    braid_error_unref (m[i]);
  for (size_t i = 0; i < nr; i++)
    braid_error_unref (r[i]);
  free (m);
  free (r);
}

int
braid_error_group_split (braid_error *error, const braid_error_type *type,
                         braid_error **match, braid_error **rest)
{
  braid__check_object (error, "braid_error_group_split", "error",
                       ERROR_ALIVE (error));
  braid__check_arg (type, "braid_error_group_split", "type");
  braid__check_arg (match, "braid_error_group_split", "match");
  braid__check_arg (rest, "braid_error_group_split", "rest");
  split (error, type, match, rest);
  return 0;
}

int
braid__raise_as_at (const braid_error_type *type, int code, const char *file,
                    int line, const char *func, const char *fmt, ...)
{
  char *msg = NULL;
  va_list ap;
  braid_error *e;

  va_start (ap, fmt);
  if (vasprintf (&msg, fmt, ap) < 0)
    msg = NULL;
  va_end (ap);
  e = braid__error_new (type, code, file, line, func, msg ? msg : "");
  free (msg);
  /* As braid_raise: the error that was current becomes the cause. */
  e->cause = braid__error_steal_current ();
  return braid__error_set_current (e);
}
