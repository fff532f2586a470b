/* wait-for.c: asyncio.wait_for (braid_wait_for, and braid_wait_for_call
 * on a function call: the coroutine form), as in CPython 3.11.
 *
 * With no timeout (BRAID_NO_TIMEOUT) both are plain awaits in the
 * caller's task, as 3.11's `return await fut`: a future is awaited, a
 * function is called inline and gets no task of its own (ORDERING.md rule
 * 40). With a timeout, a function runs in a task of its own (asyncio's
 * ensure_future) and is waited for as a future is.
 *
 * Owns one call's waiter state: a private waiter future the caller suspends
 * on (reported as BRAID_WAIT_WAIT on a BRAID_OBJ_WAIT object), released
 * either by a done callback on the awaited future or by the timeout timer
 * (asyncio's _release_waiter). On timeout the future is cancelled and
 * awaited through a second waiter (asyncio's _cancel_and_wait), then its
 * CancelledError becomes a TimeoutError; if it swallowed the cancellation
 * its result is returned. Cancelling the caller cancels the future and waits
 * for it the same way (ORDERING.md rule 19).
 *
 * Lifetime: a waiter state is reference counted because its done callback
 * may already be queued when the caller moves on: the caller, the
 * registered or queued callback, and the armed timer each hold one.
 *
 * Not hot: one state per call.
 */
#include <stdlib.h>

#include "combinator-private.h"

typedef struct waiter
{
  int refs;
  braid_future *waiter; /* reference */
  braid_future *future; /* borrowed: the one being waited for */
  braid__timer *timer;
  bool registered; /* the done callback has not run */
} waiter;

/* Drops @n references. */
static void
waiter_release (waiter *w, int n)
{
  w->refs -= n;
  if (w->refs > 0)
    return;
  braid_future_unref (w->waiter);
  free (w);
}

static void
release (waiter *w)
{
  if (!braid_future_done (w->waiter))
    braid_future_set_result (w->waiter, NULL);
}

static void
on_done (braid_future *future, void *data)
{
  waiter *w = data;

  w->registered = false;
  release (w);
  waiter_release (w, 1);
}

static void
on_timeout (void *data)
{
  waiter *w = data;

  w->timer = NULL;
  release (w);
  waiter_release (w, 1);
}

/* Creates a waiter on @future's loop with a done callback on @future.
 * NULL on OOM (raised). */
static waiter *
waiter_new (braid_future *future)
{
  waiter *w = calloc (1, sizeof *w);

  if (!w)
    goto fail;
  w->waiter = braid__future_new_private (braid__future_loop (future));
  w->future = future;
  w->refs = 2;
  w->registered = true;
  braid_future_add_done_callback (future, on_done, w);
  return w;

fail:
  braid__raise_code (BRAID_ENOMEM, "braid_wait_for");
  return NULL;
}

/* Unregisters the callback if it has not run (a queued one keeps its
 * reference) and disarms the timer, then drops the caller's reference. */
static void
waiter_finish (waiter *w)
{
  int drop = 1;

  if (w->registered
      && braid_future_remove_done_callback (w->future, on_done, w) > 0)
    {
      w->registered = false;
      drop++;
    }
  if (w->timer)
    {
      braid__timer_cancel (w->timer);
      w->timer = NULL;
      drop++;
    }
  waiter_release (w, drop);
}

/* asyncio's _cancel_and_wait: cancel @future and wait on a private waiter
 * until it is done, so this wait itself stays cancellable. Returns 0, or
 * the code of the caller's own cancellation. */
static int
cancel_and_wait (braid_future *future, uint64_t id)
{
  waiter *w = waiter_new (future);
  int rc;

  if (!w)
    return BRAID_ENOMEM;
  braid_future_cancel (future, NULL);
  rc = braid__await_as (w->waiter, BRAID_WAIT_WAIT, id, NULL);
  waiter_finish (w);
  return rc;
}

/* Reads @future's outcome; a CancelledError becomes a TimeoutError whose
 * cause it is. */
static int
result_or_timeout (braid_future *future, void **result)
{
  int rc = braid_future_result (future, result);
  braid_error *err = braid_error_current ();

  if (rc < 0 && err && braid_error_is (err, BRAID_CANCELLED_ERROR))
    /* 3.11's `raise exceptions.TimeoutError() from exc`. */
    return braid__raise_timeout_from_current ("braid_wait_for: timed out");
  return rc;
}

int
braid_wait_for (braid_future *future, double timeout, void **result)
{
  braid_loop *loop;
  waiter *w;
  uint64_t delay_ns, id;
  int rc = 0;

  if (!future)
    return braid__raise_code (BRAID_EINVAL, "braid_wait_for");
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_wait_for");
  delay_ns = braid__seconds_to_ns (timeout, &rc);
  if (rc < 0)
    return rc;
  /* No timeout: a plain await. */
  if (delay_ns == UINT64_MAX)
    return braid_await (future, result);

  loop = braid__future_loop (future);
  id = braid__object_id_new ();
  braid__object_created (loop, id, BRAID_OBJ_WAIT, "wait_for");

  if (timeout <= 0)
    {
      if (braid_future_done (future))
        return braid_future_result (future, result);
      rc = cancel_and_wait (future, id);
      if (rc < 0)
        return rc;
      return result_or_timeout (future, result);
    }

  w = waiter_new (future);
  if (!w)
    return BRAID_ENOMEM;
  w->refs++;
  w->timer = braid__call_later (loop, delay_ns, on_timeout, w);

  rc = braid__await_as (w->waiter, BRAID_WAIT_WAIT, id, NULL);
  if (rc == BRAID_ECANCELLED)
    {
      /* The caller was cancelled while waiting. */
      if (braid_future_done (future))
        {
          /* As CPython 3.11: the result wins over the cancellation. */
          braid_error_clear ();
          rc = braid_future_result (future, result);
        }
      else
        {
          braid_error *cancel = braid_error_catch (BRAID_CANCELLED_ERROR);
          waiter_finish (w);
          w = NULL;
          rc = cancel_and_wait (future, id);
          if (rc == 0)
            rc = cancel ? braid_reraise (cancel)
                        : braid_raise (BRAID_CANCELLED_ERROR, "%s", "");
          braid_error_unref (cancel);
        }
    }
  else if (rc == 0)
    {
      if (braid_future_done (future))
        rc = braid_future_result (future, result);
      else
        {
          /* The timeout passed. */
          waiter_finish (w);
          w = NULL;
          rc = cancel_and_wait (future, id);
          if (rc == 0)
            rc = result_or_timeout (future, result);
        }
    }
  if (w)
    waiter_finish (w);
  return rc;
}

/* braid_wait_for_call with no timeout: asyncio's `await coro` in the
 * caller's task. @fn starts with no current error, as a task's function
 * does, so that an error left from before is not taken for its failure;
 * the caller's is put back if @fn succeeds. */
static int
call_inline (braid_task_fn fn, void *arg, void **result)
{
  braid_error *outer = braid_error_catch (NULL);
  void *value = fn (arg);
  braid_error *err = braid_error_current ();

  if (err)
    {
      braid_error_unref (outer);
      return braid_error_code (err);
    }
  if (outer)
    {
      braid_reraise (outer);
      braid_error_unref (outer);
    }
  if (result)
    *result = value;
  return 0;
}

int
braid_wait_for_call_at (braid_task_fn fn, const char *fn_name, void *arg,
                        double timeout, void **result, const char *file,
                        int line)
{
  braid_task *task;
  uint64_t delay_ns;
  int rc = 0;

  if (!fn)
    return braid__raise_code (BRAID_EINVAL, "braid_wait_for_call");
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_wait_for_call");
  delay_ns = braid__seconds_to_ns (timeout, &rc);
  if (rc < 0)
    return rc;
  if (delay_ns == UINT64_MAX)
    return call_inline (fn, arg, result);

  /* asyncio's ensure_future: the task is named and placed as a spawn at
   * the caller's site. With a timeout of 0 or less it is cancelled before
   * its first step, so @fn never runs (rule 14). */
  task = braid_spawn_at (NULL, NULL, fn, fn_name, arg, file, line);
  rc = braid_wait_for (braid_task_future (task), timeout, result);
  braid_task_unref (task);
  return rc;
}
