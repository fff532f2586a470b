/* waiters.c: waiting on a primitive's FIFO of futures (see waiters.h).
 *
 * Owns the future of each wait: created when the task begins waiting,
 * released when the wait ends. Hot path: braid__waiter_wait.
 */
#include "waiters.h"

int
braid__waiter_wait (braid__waiters *list, braid__waiter *w,
                    braid_wait_reason reason, uint64_t object_id)
{
  int rc;

  w->fut = braid__future_new_private (NULL);
  w->fut_cancelled = false;
  braid__waiters_push (list, w);
  rc = braid__await_as (w->fut, reason, object_id, NULL);
  w->fut_cancelled = braid_future_cancelled (w->fut);
  /* asyncio's `finally: self._waiters.remove(fut)`. */
  braid__waiters_remove (list, w);
  braid_future_unref (w->fut);
  w->fut = NULL;
  return rc;
}

bool
braid__waiter_wake (braid__waiter *w)
{
  if (braid_future_done (w->fut))
    return false;
  braid_future_set_result (w->fut, NULL);
  return true;
}

bool
braid__waiter_done (const braid__waiter *w)
{
  return braid_future_done (w->fut);
}

bool
braid__waiter_cancelled (const braid__waiter *w)
{
  return braid_future_cancelled (w->fut);
}
