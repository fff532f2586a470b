/* lock.c: asyncio.Lock (braid_lock_*), as CPython 3.11's locks.py.
 *
 * Owns the locked flag and the FIFO of waiters. release() clears the flag
 * and completes the oldest waiter's future inline; that waiter stays in
 * the queue until it runs, so the lock reads unlocked meanwhile but a
 * newcomer, seeing a queue with a live waiter, queues behind it (rule 21).
 * A waiter cancelled after it was woken passes the wake-up on. Every
 * acquisition and release is reported to the hooks (who holds the lock).
 *
 * Hot path: the uncontended acquire and release (no future, rule 8).
 */
#include <stdlib.h>

#include "waiters.h"

struct braid_lock
{
  uint64_t id; /* the BRAID_OBJ_LOCK object */
  bool locked;
  braid__waiters waiters;
  uint32_t magic; /* BRAID__MAGIC_LOCK until freed */
};

/* Aborts naming @call for a NULL or freed lock. */
#define check_lock(lock, call)                                                 \
  braid__check_object (lock, call, "lock", (lock)->magic == BRAID__MAGIC_LOCK)

braid_lock *
braid_lock_new (braid_loop *loop)
{
  braid_lock *lock = braid__xcalloc (1, sizeof *lock);

  lock->magic = BRAID__MAGIC_LOCK;
  lock->id = braid__object_id_new ();
  braid__object_created (loop, lock->id, BRAID_OBJ_LOCK, "lock");
  return lock;
}

void
braid_lock_free (braid_lock *lock)
{
  if (!lock)
    return;
  check_lock (lock, "braid_lock_free");
  if (lock->waiters.n > 0)
    braid__abort ("braid_lock_free", "tasks are waiting on the lock");
  braid__forget (lock->magic);
  free (lock);
}

bool
braid_lock_locked (const braid_lock *lock)
{
  check_lock (lock, "braid_lock_locked");
  return lock->locked;
}

/* asyncio's _wake_up_first: wakes the oldest waiter unless it is already
 * woken (or cancelled). */
static void
wake_up_first (braid_lock *lock)
{
  if (lock->waiters.head)
    braid__waiter_wake (lock->waiters.head);
}

/* True if every queued waiter was cancelled (asyncio's
 * `all(w.cancelled() for w in self._waiters)`). */
static bool
all_waiters_cancelled (const braid_lock *lock)
{
  for (const braid__waiter *w = lock->waiters.head; w; w = w->next)
    if (!braid__waiter_cancelled (w))
      return false;
  return true;
}

int
braid_lock_acquire (braid_lock *lock)
{
  braid__waiter w;
  int rc;

  check_lock (lock, "braid_lock_acquire");
  if (!lock->locked && all_waiters_cancelled (lock))
    {
      lock->locked = true;
      braid__report_hold (BRAID_EV_ACQUIRED, lock->id, BRAID_OBJ_LOCK, 0);
      return 0;
    }
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_lock_acquire");
  rc = braid__waiter_wait (&lock->waiters, &w, BRAID_WAIT_LOCK, lock->id);
  if (rc < 0)
    {
      /* Cancelled: if the lock is free (maybe released for us), the next
       * waiter gets the chance instead. */
      if (!lock->locked)
        wake_up_first (lock);
      return rc;
    }
  lock->locked = true;
  braid__report_hold (BRAID_EV_ACQUIRED, lock->id, BRAID_OBJ_LOCK, 0);
  return 0;
}

int
braid_lock_release (braid_lock *lock)
{
  check_lock (lock, "braid_lock_release");
  if (!lock->locked)
    return braid_raise (BRAID_RUNTIME_ERROR, "Lock is not acquired.");
  lock->locked = false;
  /* Reported before the wake-up, so a hand-over reads in order: the
   * release, then the WOKEN of the next holder. */
  braid__report_hold (BRAID_EV_RELEASED, lock->id, BRAID_OBJ_LOCK, 0);
  wake_up_first (lock);
  return 0;
}
