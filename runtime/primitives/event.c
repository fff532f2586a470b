/* event.c: asyncio.Event (braid_event_*).
 *
 * Owns the flag and the FIFO of waiters. set() completes every pending
 * waiter's future inline, in waiting order, so the hooks see the setting
 * task as the waker and each waiter resumes in the next iteration
 * (ORDERING.md rules 22 and 11); a wait on a set event never suspends
 * (rule 8).
 *
 * Hot path: braid_event_wait on a set event (one branch).
 */
#include <stdlib.h>

#include "waiters.h"

struct braid_async_event
{
  uint64_t id; /* the BRAID_OBJ_EVENT object */
  bool value;
  braid__waiters waiters;
};

braid_async_event *
braid_event_new (braid_loop *loop)
{
  braid_async_event *ev = calloc (1, sizeof *ev);

  if (!ev)
    abort ();
  ev->id = braid__object_id_new ();
  braid__object_created (loop, ev->id, BRAID_OBJ_EVENT, "event");
  return ev;
}

void
braid_event_free (braid_async_event *ev)
{
  free (ev);
}

bool
braid_event_is_set (const braid_async_event *ev)
{
  return ev->value;
}

void
braid_event_set (braid_async_event *ev)
{
  if (ev->value)
    return;
  ev->value = true;
  for (braid__waiter *w = ev->waiters.head; w; w = w->next)
    braid__waiter_wake (w);
}

void
braid_event_clear (braid_async_event *ev)
{
  ev->value = false;
}

int
braid_event_wait (braid_async_event *ev)
{
  braid__waiter w;

  if (ev->value)
    return 0;
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_event_wait");
  return braid__waiter_wait (&ev->waiters, &w, BRAID_WAIT_EVENT, ev->id);
}
