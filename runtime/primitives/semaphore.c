/* semaphore.c: asyncio.Semaphore and BoundedSemaphore
 * (braid_semaphore_*), as CPython 3.11.7's locks.py.
 *
 * Owns the counter, the bound, and the FIFO of waiters. release() adds a
 * slot and, if a task waits, takes it straight back off for the oldest
 * waiter while completing its future inline: the slot is kept for that
 * waiter, so a newcomer cannot take it (rule 21). A woken waiter that is
 * cancelled before it runs gives its slot to the next waiter. Every
 * permit taken and given back is reported to the hooks (who holds them).
 *
 * Hot path: the uncontended acquire and release.
 */
#include <stdlib.h>

#include "waiters.h"

struct braid_semaphore
{
  uint64_t id; /* the BRAID_OBJ_SEMAPHORE object */
  int value;
  int bound; /* -1: unbounded */
  braid__waiters waiters;
  uint32_t magic; /* BRAID__MAGIC_SEMAPHORE until freed */
};

/* Aborts naming @call for a NULL or freed semaphore. */
#define check_sem(sem, call)                                                   \
  braid__check_object (sem, call, "semaphore",                                 \
                       (sem)->magic == BRAID__MAGIC_SEMAPHORE)

static braid_semaphore *
semaphore_new (braid_loop *loop, int value, int bound)
{
  braid_semaphore *sem;

  if (value < 0)
    {
      braid__raise_as (BRAID_VALUE_ERROR, BRAID_EINVAL,
                       "Semaphore initial value must be >= 0");
      return NULL;
    }
  sem = braid__xcalloc (1, sizeof *sem);
  sem->magic = BRAID__MAGIC_SEMAPHORE;
  sem->value = value;
  sem->bound = bound;
  sem->id = braid__object_id_new ();
  braid__object_created (loop, sem->id, BRAID_OBJ_SEMAPHORE,
                         bound >= 0 ? "bounded semaphore" : "semaphore");
  return sem;
}

braid_semaphore *
braid_semaphore_new (braid_loop *loop, int value)
{
  return semaphore_new (loop, value, -1);
}

braid_semaphore *
braid_bounded_semaphore_new (braid_loop *loop, int value)
{
  return semaphore_new (loop, value, value);
}

void
braid_semaphore_free (braid_semaphore *sem)
{
  if (!sem)
    return;
  check_sem (sem, "braid_semaphore_free");
  if (sem->waiters.n > 0)
    braid__abort ("braid_semaphore_free", "tasks are waiting on the semaphore");
  braid__forget (sem->magic);
  free (sem);
}

/* braid_semaphore_locked without the check, for the other calls. */
static bool
sem_locked (const braid_semaphore *sem)
{
  if (sem->value == 0)
    return true;
  for (const braid__waiter *w = sem->waiters.head; w; w = w->next)
    if (!braid__waiter_cancelled (w))
      return true;
  return false;
}

bool
braid_semaphore_locked (const braid_semaphore *sem)
{
  check_sem (sem, "braid_semaphore_locked");
  return sem_locked (sem);
}

int
braid_semaphore_value (const braid_semaphore *sem)
{
  check_sem (sem, "braid_semaphore_value");
  return sem->value;
}

/* asyncio's _wake_up_next: hands a slot to the oldest waiter not yet
 * woken. */
static void
wake_up_next (braid_semaphore *sem)
{
  for (braid__waiter *w = sem->waiters.head; w; w = w->next)
    if (!braid__waiter_done (w))
      {
        sem->value--;
        braid__waiter_wake (w);
        return;
      }
}

int
braid_semaphore_acquire (braid_semaphore *sem)
{
  braid__waiter w;
  int rc;

  check_sem (sem, "braid_semaphore_acquire");
  if (!sem_locked (sem))
    {
      sem->value--;
      braid__report_hold (BRAID_EV_ACQUIRED, sem->id, BRAID_OBJ_SEMAPHORE,
                          sem->value);
      return 0;
    }
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_semaphore_acquire");
  rc = braid__waiter_wait (&sem->waiters, &w, BRAID_WAIT_SEMAPHORE, sem->id);
  if (rc < 0)
    {
      if (!w.fut_cancelled)
        {
          /* We were handed a slot but cannot use it: pass it on. */
          sem->value++;
          wake_up_next (sem);
        }
      return rc;
    }
  /* The permit was kept for us by the release that woke us. */
  braid__report_hold (BRAID_EV_ACQUIRED, sem->id, BRAID_OBJ_SEMAPHORE,
                      sem->value);
  if (sem->value > 0)
    wake_up_next (sem);
  return 0;
}

int
braid_semaphore_release (braid_semaphore *sem)
{
  check_sem (sem, "braid_semaphore_release");
  if (sem->bound >= 0 && sem->value >= sem->bound)
    return braid__raise_as (BRAID_VALUE_ERROR, BRAID_EINVAL,
                            "BoundedSemaphore released too many times");
  sem->value++;
  braid__report_hold (BRAID_EV_RELEASED, sem->id, BRAID_OBJ_SEMAPHORE,
                      sem->value);
  wake_up_next (sem);
  return 0;
}
