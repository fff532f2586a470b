/* wait.c: asyncio.wait (braid_wait, braid_wait_tasks).
 *
 * Owns the wait state of one call: a private waiter future the calling task
 * suspends on (reported as BRAID_WAIT_WAIT on a BRAID_OBJ_WAIT object), the
 * optional timeout timer, and one done callback per distinct future
 * (asyncio's _on_completion). wait never reads a result, never raises a
 * future's error into the caller and never cancels the futures (ORDERING.md
 * rule 18). As in asyncio, FIRST_EXCEPTION reads each finished future's
 * error, which marks it retrieved. Like asyncio's set(fs), a future passed
 * twice counts once: the return value is the number of distinct done
 * futures, while done[] is filled for every argument.
 *
 * Lifetime: the state is reference counted because a done callback may
 * already sit in the ready queue when the caller returns (its future
 * completed in the same iteration as the waiter): the caller, every
 * callback still registered or queued, and the armed timer each hold one
 * reference.
 *
 * Hot path: on_completion, once per future, O(1).
 */
#include <stdlib.h>

#include "combinator-private.h"

typedef struct wait_state wait_state;

typedef struct wait_entry
{
  wait_state *w;
  braid_future *future; /* borrowed: the caller holds it */
  bool registered;      /* the callback has not run yet */
} wait_entry;

struct wait_state
{
  int refs;
  braid_future *waiter; /* reference */
  braid__timer *timer;  /* armed timeout, or NULL */
  size_t counter;       /* futures not finished yet */
  braid_return_when when;
  size_t nentries;
  wait_entry entries[];
};

static void
wait_unref (wait_state *w)
{
  if (--w->refs > 0)
    return;
  braid_future_unref (w->waiter);
  free (w);
}

static void
release_waiter (wait_state *w)
{
  if (!braid_future_done (w->waiter))
    braid_future_set_result (w->waiter, NULL);
}

static void
cancel_timer (wait_state *w)
{
  if (w->timer)
    {
      braid__timer_cancel (w->timer);
      w->timer = NULL;
      wait_unref (w);
    }
}

static void
on_timeout (void *data)
{
  wait_state *w = data;

  w->timer = NULL;
  release_waiter (w);
  wait_unref (w);
}

/* asyncio's _on_completion: the condition is checked with the same
 * short-circuit, so the last future's error is not read. */
static void
on_completion (braid_future *future, void *data)
{
  wait_entry *e = data;
  wait_state *w = e->w;

  e->registered = false;
  w->counter--;
  if (w->counter == 0 || w->when == BRAID_FIRST_COMPLETED
      || (w->when == BRAID_FIRST_EXCEPTION && !braid_future_cancelled (future)
          && braid_future_error (future) != NULL))
    {
      cancel_timer (w);
      release_waiter (w);
    }
  wait_unref (w);
}

int
braid_wait (braid_future *const *futures, size_t n, double timeout,
            braid_return_when when, bool *done)
{
  braid_loop *loop;
  wait_state *w;
  uint64_t delay_ns, id;
  size_t ndone = 0;
  bool *first;
  int rc = 0;

  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_wait");
  if (n == 0 || !futures)
    return braid__raise_code (BRAID_EINVAL,
                              "braid_wait (the set of futures is empty)");
  if (when != BRAID_ALL_COMPLETED && when != BRAID_FIRST_COMPLETED
      && when != BRAID_FIRST_EXCEPTION)
    return braid__raise_code (BRAID_EINVAL,
                              "braid_wait (invalid return_when value)");
  for (size_t i = 0; i < n; i++)
    if (!futures[i])
      return braid__raise_code (BRAID_EINVAL, "braid_wait");
  delay_ns = braid__seconds_to_ns (timeout, &rc);
  if (rc < 0)
    return rc;

  w = calloc (1, sizeof *w + n * sizeof w->entries[0]);
  if (!w)
    return braid__raise_code (BRAID_ENOMEM, "braid_wait");
  loop = braid__future_loop (futures[0]);
  w->waiter = braid__future_new_private (loop);
  w->refs = 1;
  w->when = when;

  /* asyncio works on set(fs): each distinct future counts once. The
   * done[] array doubles as the scratch space for it. */
  first = done ? done : malloc (n * sizeof *first);
  if (!first || braid__dedup_futures (futures, n, first) == (size_t)-1)
    {
      if (first != done)
        free (first);
      wait_unref (w);
      return braid__raise_code (BRAID_ENOMEM, "braid_wait");
    }
  for (size_t i = 0; i < n; i++)
    if (first[i])
      w->entries[w->nentries++] = (wait_entry){ w, futures[i], false };
  if (first != done)
    free (first);
  w->counter = w->nentries;

  id = braid__object_id_new ();
  braid__object_created (loop, id, BRAID_OBJ_WAIT, "wait");
  if (delay_ns != UINT64_MAX)
    {
      w->refs++;
      w->timer = braid__call_later (loop, delay_ns, on_timeout, w);
    }
  /* Futures already done get their callback queued too, as in asyncio, so
   * even then the caller suspends. */
  for (size_t j = 0; j < w->nentries; j++)
    {
      w->refs++;
      w->entries[j].registered = true;
      braid_future_add_done_callback (w->entries[j].future, on_completion,
                                      &w->entries[j]);
    }

  rc = braid__await_as (w->waiter, BRAID_WAIT_WAIT, id, NULL);

  /* asyncio's finally: disarm the timer, unregister the callbacks. A
   * callback already queued cannot be removed; it keeps its reference and
   * finds the waiter done. */
  cancel_timer (w);
  for (size_t j = 0; j < w->nentries; j++)
    if (w->entries[j].registered)
      {
        int removed = braid_future_remove_done_callback (
            w->entries[j].future, on_completion, &w->entries[j]);
        if (removed > 0)
          {
            w->entries[j].registered = false;
            wait_unref (w);
          }
      }
  if (rc == 0)
    {
      for (size_t j = 0; j < w->nentries; j++)
        if (braid_future_done (w->entries[j].future))
          ndone++;
      if (done)
        for (size_t i = 0; i < n; i++)
          done[i] = braid_future_done (futures[i]);
      rc = (int)ndone;
    }
  wait_unref (w);
  return rc;
}

int
braid_wait_tasks (braid_task *const *tasks, size_t n, double timeout,
                  braid_return_when when, bool *done)
{
  braid_future **futures;
  int rc;

  if (n == 0 || !tasks)
    return braid__raise_code (BRAID_EINVAL,
                              "braid_wait_tasks (the set of tasks is empty)");
  futures = malloc (n * sizeof *futures);
  if (!futures)
    return braid__raise_code (BRAID_ENOMEM, "braid_wait_tasks");
  for (size_t i = 0; i < n; i++)
    {
      if (!tasks[i])
        {
          free (futures);
          return braid__raise_code (BRAID_EINVAL, "braid_wait_tasks");
        }
      futures[i] = braid_task_future (tasks[i]);
    }
  rc = braid_wait (futures, n, timeout, when, done);
  free (futures);
  return rc;
}
