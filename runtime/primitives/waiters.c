/* waiters.c: waiting on a primitive's FIFO of futures (see waiters.h).
 *
 * Owns the future of each wait: created when the task begins waiting,
 * released when the wait ends, and the report of what a task did on a
 * primitive: who holds a lock or a permit, who got or put a queue's item
 * (braid__emit_primitive). Hot path: braid__waiter_wait.
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

void
braid__emit_primitive (braid_event_kind kind, uint64_t object,
                       uint32_t reason, int64_t value)
{
  braid_task *t = braid_task_current ();
  /* The loop running on this thread stamps the event with its clock (the
   * virtual one included); outside any loop, the monotonic clock. */
  braid__emit_simple (braid__tls_loop, kind, t ? t->fut.id : 0, 0, object,
                      value, reason);
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
