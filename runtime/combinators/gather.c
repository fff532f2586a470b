/* gather.c: asyncio.gather (braid_gather_future, braid_gather,
 * braid_gather_tasks).
 *
 * Owns the gather state: the outer future, the de-duplicated children in
 * argument order, and the done callback each child runs (asyncio's
 * _done_callback). The outer future's cancel is overridden through
 * braid__future_set_cancel_fn (asyncio's _GatheringFuture.cancel) so that
 * cancelling the gather, or the task awaiting it, cancels the unfinished
 * children in argument order and the outer future completes only when the
 * children report back (ORDERING.md rules 16, 17 and 11).
 *
 * Hot path: child_done, once per child. It is O(1) except for the last
 * child, which walks the children once.
 *
 * Lifetime: the state is reference counted. The children's callbacks hold
 * one reference until the last child finished; the blocking braid_gather
 * holds one while it waits.
 * The state holds a reference on the outer future and on every child.
 */
#include <stdlib.h>
#include <string.h>

#include "combinator-private.h"

typedef struct gather
{
  int refs;
  uint64_t id;             /* the BRAID_OBJ_GATHER object */
  braid_future *outer;     /* reference */
  braid_future **children; /* unique children, references */
  size_t nfuts;
  braid_future **args; /* every argument, borrowed from children */
  size_t nargs;
  size_t nfinished;
  bool return_exceptions;
  bool cancel_requested; /* asyncio's _cancel_requested */
  char *cancel_msg;      /* the message of the cancel request */
} gather;

static void
gather_unref (gather *g)
{
  if (--g->refs > 0)
    return;
  for (size_t i = 0; i < g->nfuts; i++)
    braid_future_unref (g->children[i]);
  braid_future_unref (g->outer);
  free (g->children);
  free (g->args);
  free (g->cancel_msg);
  free (g);
}

/* Makes a CancelledError with @msg without leaving it current. */
static braid_error *
new_cancelled_error (const char *msg)
{
  braid_raise (BRAID_CANCELLED_ERROR, "%s", msg ? msg : "");
  return braid_error_catch (BRAID_CANCELLED_ERROR);
}

/* The end of the children's lifetime in the state: the override on the
 * outer future goes (it is done by now) and the callbacks' reference. */
static void
children_finished (gather *g)
{
  braid__future_set_cancel_fn (g->outer, NULL, NULL);
  gather_unref (g);
}

/* The gather's result (asyncio's list): each argument's result, in
 * argument order, duplicates included; NULL for a child that failed or
 * was cancelled (with return_exceptions: its error is the child's). */
static void **
result_list (gather *g)
{
  void **list = braid__xcalloc (g->nargs, sizeof *list);

  for (size_t i = 0; i < g->nargs; i++)
    if (!braid_future_cancelled (g->args[i])
        && !braid_future_error (g->args[i]))
      braid_future_result (g->args[i], &list[i]);
  return list;
}

/* asyncio's _done_callback: runs once per child, in completion order. */
static void
child_done (braid_future *fut, void *data)
{
  gather *g = data;
  braid_future *outer = g->outer;

  g->nfinished++;
  if (braid_future_done (outer))
    {
      /* The gather already failed or was cancelled: read the error so it
       * counts as retrieved (rule 16). */
      if (!braid_future_cancelled (fut))
        (void)braid_future_error (fut);
      goto out;
    }

  if (!g->return_exceptions)
    {
      /* Rule 32: a cancelled child fails the gather with its
       * CancelledError (read as a reader does, which hands a task's error
       * out, rule 31): the gather ends with an exception, not cancelled,
       * as 3.11's _GatheringFuture does. */
      if (braid_future_cancelled (fut))
        {
          braid_error *err = braid__future_cancelled_error (fut);
          braid__future_fail (outer, err);
          braid_error_unref (err);
          goto out;
        }
      braid_error *err = braid_future_error (fut);
      if (err)
        {
          braid__future_fail (outer, err);
          goto out;
        }
    }

  if (g->nfinished == g->nfuts)
    {
      /* Every child is done. asyncio reads each exception() while it builds
       * the result list, which marks them retrieved: do the same. */
      for (size_t i = 0; i < g->nfuts; i++)
        if (!braid_future_cancelled (g->children[i]))
          (void)braid_future_error (g->children[i]);
      if (g->cancel_requested)
        {
          /* Cancelled with return_exceptions: propagate the cancellation.
           * asyncio builds the error from the last child. */
          braid_future *last = g->children[g->nfuts - 1];
          braid_error *err;
          if (braid_future_cancelled (last))
            err = braid__future_cancelled_error (last);
          else
            err = new_cancelled_error (g->cancel_msg);
          braid__future_fail (outer, err);
          braid_error_unref (err);
        }
      else
        braid__future_set_owned_result (outer, result_list (g));
    }

out:
  if (g->nfinished == g->nfuts)
    children_finished (g);
}

/* asyncio's _GatheringFuture.cancel: passes the request on to every child,
 * in argument order (duplicates included, as asyncio iterates them). A
 * task's future is cancelled as a task by braid_future_cancel (a request
 * delivered at its suspension point), as asyncio's child.cancel(). Only
 * called through the outer future's cancel override, which
 * braid_future_cancel runs while the outer future is pending. */
static bool
gather_cancel (gather *g, const char *msg)
{
  bool ret = false;

  for (size_t i = 0; i < g->nargs; i++)
    if (!braid_future_done (g->args[i])
        && braid_future_cancel (g->args[i], msg))
      ret = true;
  if (ret)
    {
      g->cancel_requested = true;
      free (g->cancel_msg);
      g->cancel_msg = msg ? strdup (msg) : NULL;
    }
  return ret;
}

static bool
outer_cancel_fn (braid_future *outer, const char *msg, void *data)
{
  return gather_cancel (data, msg);
}

/* Creates the gather for @futures; returns the outer future (new
 * reference) and, if @state is not NULL, a reference on the state. NULL
 * with an error raised on failure. */
static braid_future *
gather_new (braid_future *const *futures, size_t n, braid_gather_flags flags,
            gather **state)
{
  braid_loop *loop = NULL;
  braid_future *outer;
  bool *first = NULL;
  gather *g;

  if (state)
    *state = NULL;
  if (n > 0 && !futures)
    {
      braid__raise_code (BRAID_EINVAL, "braid_gather_future");
      return NULL;
    }
  for (size_t i = 0; i < n; i++)
    {
      if (!futures[i])
        {
          braid__raise_code (BRAID_EINVAL, "braid_gather_future");
          return NULL;
        }
      braid_loop *l = braid__future_loop (futures[i]);
      if (loop && l != loop)
        {
          braid_raise (BRAID_VALUE_ERROR,
                       "braid_gather: futures are attached to different "
                       "loops");
          return NULL;
        }
      loop = l;
    }

  outer = braid_future_new (loop);
  if (!outer)
    {
      braid__raise_code (BRAID_ENOMEM, "braid_gather_future");
      return NULL;
    }
  if (n == 0)
    {
      /* asyncio returns a future that already holds the empty list. */
      braid_future_set_result (outer, NULL);
      return outer;
    }

  g = calloc (1, sizeof *g);
  if (!g)
    goto fail_outer;
  g->children = calloc (n, sizeof *g->children);
  g->args = calloc (n, sizeof *g->args);
  if (!g->children || !g->args)
    goto fail_state;
  g->outer = outer;
  g->return_exceptions = (flags & BRAID_GATHER_RETURN_EXCEPTIONS) != 0;
  g->nargs = n;

  /* De-duplicate: a repeated argument is the same child (asyncio's
   * arg_to_fut). */
  first = malloc (n * sizeof *first);
  if (!first || braid__dedup_futures (futures, n, first) == (size_t)-1)
    goto fail_state;
  for (size_t i = 0; i < n; i++)
    {
      if (first[i])
        g->children[g->nfuts++] = braid_future_ref (futures[i]);
      g->args[i] = futures[i];
    }
  free (first);

  g->id = braid__object_id_new ();
  braid__object_created (loop, g->id, BRAID_OBJ_GATHER, "gather");

  /* References: the children's callbacks, and the caller's if it asked
   * for the state. */
  braid_future_ref (outer);
  g->refs = 1 + (state ? 1 : 0);
  braid__future_set_cancel_fn (outer, outer_cancel_fn, g);
  for (size_t i = 0; i < g->nfuts; i++)
    {
      braid__future_set_gathered (g->children[i]);
      braid_future_add_done_callback (g->children[i], child_done, g);
    }
  if (state)
    *state = g;
  return outer;

fail_state:
  free (first);
  free (g->children);
  free (g->args);
  free (g);
fail_outer:
  braid_future_unref (outer);
  braid__raise_code (BRAID_ENOMEM, "braid_gather_future");
  return NULL;
}

braid_future *
braid_gather_future (braid_future *const *futures, size_t n,
                     braid_gather_flags flags)
{
  return gather_new (futures, n, flags, NULL);
}

int
braid_gather (braid_future *const *futures, size_t n, void **results,
              braid_error **errors, braid_gather_flags flags)
{
  gather *g;
  braid_future *outer;
  int rc;

  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_gather");
  outer = gather_new (futures, n, flags, &g);
  if (!outer)
    {
      braid_error *err = braid_error_current ();
      return err ? braid_error_code (err) : BRAID_EFAILED;
    }

  rc = braid__await_as (outer, BRAID_WAIT_GATHER, g ? g->id : 0, NULL);
  if (rc == 0)
    for (size_t i = 0; i < n; i++)
      {
        /* Every child is done once the outer future succeeded; a
         * cancelled one is listed as asyncio lists it (rule 32). */
        braid_error *err = braid_future_cancelled (futures[i])
                               ? braid__future_cancel_entry (futures[i])
                               : braid_future_error (futures[i]);
        if (errors)
          errors[i] = err;
        if (results)
          {
            results[i] = NULL;
            if (!err)
              braid_future_result (futures[i], &results[i]);
          }
      }
  if (g)
    gather_unref (g);
  braid_future_unref (outer);
  return rc;
}

int
braid_gather_tasks (braid_task *const *tasks, size_t n, void **results,
                    braid_error **errors, braid_gather_flags flags)
{
  braid_future **futures;
  int rc;

  if (n == 0)
    return braid_gather (NULL, 0, results, errors, flags);
  if (!tasks)
    return braid__raise_code (BRAID_EINVAL, "braid_gather_tasks");
  futures = malloc (n * sizeof *futures);
  if (!futures)
    return braid__raise_code (BRAID_ENOMEM, "braid_gather_tasks");
  for (size_t i = 0; i < n; i++)
    {
      if (!tasks[i])
        {
          free (futures);
          return braid__raise_code (BRAID_EINVAL, "braid_gather_tasks");
        }
      futures[i] = braid_task_future (tasks[i]);
    }
  rc = braid_gather (futures, n, results, errors, flags);
  free (futures);
  return rc;
}
