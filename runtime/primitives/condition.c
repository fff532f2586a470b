/* condition.c: asyncio.Condition (braid_condition_*), as CPython 3.11's
 * locks.py.
 *
 * Owns the FIFO of notified-or-waiting tasks and, when created without
 * one, its lock. wait() releases the lock, waits for a notify, then takes
 * the lock again through the lock's own FIFO queue, retrying when it is
 * cancelled meanwhile so the lock is always held on return (rule 22).
 * notify(n) completes the n oldest pending waiters' futures inline.
 *
 * Not hot.
 */
#include <stdlib.h>

#include "waiters.h"

struct braid_condition
{
  uint64_t id; /* the BRAID_OBJ_CONDITION object */
  braid_lock *lock;
  bool own_lock;
  braid__waiters waiters;
  uint32_t magic; /* BRAID__MAGIC_CONDITION until freed */
};

/* Aborts naming @call for a NULL or freed condition. */
#define check_cond(cond, call)                                                 \
  braid__check_object (cond, call, "condition",                                \
                       (cond)->magic == BRAID__MAGIC_CONDITION)

braid_condition *
braid_condition_new (braid_loop *loop, braid_lock *lock)
{
  braid_condition *cond = braid__xcalloc (1, sizeof *cond);

  cond->magic = BRAID__MAGIC_CONDITION;
  cond->own_lock = lock == NULL;
  cond->lock = lock ? lock : braid_lock_new (loop);
  cond->id = braid__object_id_new ();
  braid__object_created (loop, cond->id, BRAID_OBJ_CONDITION, "condition");
  return cond;
}

void
braid_condition_free (braid_condition *cond)
{
  if (!cond)
    return;
  check_cond (cond, "braid_condition_free");
  if (cond->waiters.n > 0)
    braid__abort ("braid_condition_free", "tasks are waiting on the condition");
  if (cond->own_lock)
    braid_lock_free (cond->lock);
  braid__forget (cond->magic);
  free (cond);
}

braid_lock *
braid_condition_lock (braid_condition *cond)
{
  check_cond (cond, "braid_condition_lock");
  return cond->lock;
}

int
braid_condition_acquire (braid_condition *cond)
{
  check_cond (cond, "braid_condition_acquire");
  return braid_lock_acquire (cond->lock);
}

int
braid_condition_release (braid_condition *cond)
{
  check_cond (cond, "braid_condition_release");
  return braid_lock_release (cond->lock);
}

bool
braid_condition_locked (const braid_condition *cond)
{
  check_cond (cond, "braid_condition_locked");
  return braid_lock_locked (cond->lock);
}

int
braid_condition_wait (braid_condition *cond)
{
  braid__waiter w;
  braid_error *pending = NULL;
  bool cancelled = false;
  int rc;

  check_cond (cond, "braid_condition_wait");
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_condition_wait");
  if (!braid_lock_locked (cond->lock))
    return braid_raise (BRAID_RUNTIME_ERROR, "cannot wait on un-acquired lock");
  braid_lock_release (cond->lock);
  rc = braid__waiter_wait (&cond->waiters, &w, BRAID_WAIT_CONDITION, cond->id);
  if (rc < 0)
    pending = braid_error_catch (BRAID_BASE_EXCEPTION);

  /* asyncio's `finally`: the lock must be held again, even if the wait
   * was cancelled; a cancellation while re-acquiring is remembered. */
  for (;;)
    {
      int arc = braid_lock_acquire (cond->lock);
      if (arc == 0)
        break;
      braid_error *err = braid_error_catch (BRAID_CANCELLED_ERROR);
      if (!err)
        {
          /* Not a cancellation: nothing sensible to retry. */
          braid_error_unref (pending);
          return arc;
        }
      braid_error_unref (err);
      cancelled = true;
    }
  if (cancelled)
    {
      rc = braid_raise (BRAID_CANCELLED_ERROR, "%s", "");
      braid_error_unref (pending);
      return rc;
    }
  if (pending)
    {
      rc = braid_reraise (pending);
      braid_error_unref (pending);
      return rc;
    }
  return 0;
}

int
braid_condition_wait_for (braid_condition *cond,
                          void *(*predicate) (void *data), void *data,
                          void **value)
{
  void *v;

  check_cond (cond, "braid_condition_wait_for");
  braid__check_arg (predicate, "braid_condition_wait_for", "predicate");
  /* asyncio's wait_for returns the predicate's last result. */
  while (!(v = predicate (data)))
    {
      int rc = braid_condition_wait (cond);
      if (rc < 0)
        return rc;
    }
  if (value)
    *value = v;
  return 0;
}

int
braid_condition_notify (braid_condition *cond, size_t n)
{
  size_t idx = 0;

  check_cond (cond, "braid_condition_notify");
  if (!braid_lock_locked (cond->lock))
    return braid_raise (BRAID_RUNTIME_ERROR,
                        "cannot notify on un-acquired lock");
  for (braid__waiter *w = cond->waiters.head; w && idx < n; w = w->next)
    if (braid__waiter_wake (w))
      idx++;
  return 0;
}

int
braid_condition_notify_all (braid_condition *cond)
{
  check_cond (cond, "braid_condition_notify_all");
  return braid_condition_notify (cond, cond->waiters.n);
}
