/* error-group.c: group errors (Python's ExceptionGroup, raised by task
 * groups) and their sub-errors, plus braid__raise_as, which raises an error
 * with a return code of its own (QueueFull -> BRAID_EQUEUEFULL, ...).
 *
 * A braid_error has no room for sub-errors, and its struct belongs to the
 * core (braid-private.h), which this file only reads. So the sub-errors of
 * each group error live in a side table here: an entry holds a reference
 * on the group error and on each sub-error. An entry whose group error is
 * referenced by the table alone can never be asked for again: every new
 * group and every look-up prunes those. (The core change that would remove
 * the table: a destructor slot in struct braid_error.)
 *
 * Not hot: one group error per failed task group.
 */
#define _GNU_SOURCE
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "braid-private.h"

typedef struct group_entry
{
  braid_error *group; /* reference */
  braid_error **subs; /* references */
  size_t n;
} group_entry;

static BRAID_TLS group_entry *table;
static BRAID_TLS size_t ntable, captable;

static void
entry_free (group_entry *e)
{
  for (size_t i = 0; i < e->n; i++)
    braid_error_unref (e->subs[i]);
  free (e->subs);
  braid_error_unref (e->group);
}

/* Drops the entries whose group error nobody else holds. */
static void
prune (void)
{
  size_t j = 0;

  for (size_t i = 0; i < ntable; i++)
    {
      if (table[i].group->refcount == 1)
        entry_free (&table[i]);
      else
        table[j++] = table[i];
    }
  ntable = j;
  if (ntable == 0)
    {
      free (table);
      table = NULL;
      captable = 0;
    }
}

static const group_entry *
find (const braid_error *group)
{
  prune ();
  for (size_t i = 0; i < ntable; i++)
    if (table[i].group == group)
      return &table[i];
  return NULL;
}

braid_error *
braid__error_group_new (const char *message, braid_error *const *errors,
                        size_t n)
{
  braid_error *group;
  group_entry *e;

  prune ();
  group = braid__error_new (BRAID_GROUP_ERROR, BRAID_EFAILED, NULL, 0,
                            "braid_task_group_wait", message);
  if (ntable == captable)
    {
      size_t cap = captable ? captable * 2 : 8;
      group_entry *t = braid__xmalloc (cap * sizeof *t);
      if (ntable)
        memcpy (t, table, ntable * sizeof *t);
      free (table);
      table = t;
      captable = cap;
    }
  e = &table[ntable++];
  e->group = braid_error_ref (group);
  e->n = n;
  e->subs = braid__xmalloc ((n ? n : 1) * sizeof *e->subs);
  for (size_t i = 0; i < n; i++)
    e->subs[i] = braid_error_ref (errors[i]);
  return group;
}

size_t
braid_error_group_count (const braid_error *error)
{
  const group_entry *e = error ? find (error) : NULL;
  return e ? e->n : 0;
}

braid_error *
braid_error_group_get (const braid_error *error, size_t index)
{
  const group_entry *e = error ? find (error) : NULL;
  return e && index < e->n ? e->subs[index] : NULL;
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
