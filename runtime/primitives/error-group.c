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

#include "braid-private.h"

braid_error *
braid__error_group_new (const char *message, braid_error *const *errors,
                        size_t n)
{
  braid_error *group = braid__error_new (BRAID_GROUP_ERROR, BRAID_EFAILED, NULL,
                                         0, "braid_task_group_wait", message);
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
