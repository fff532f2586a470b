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
  uint32_t magic; /* BRAID__MAGIC_EVENT until freed */
};

/* Aborts naming @call for a NULL or freed event. */
#define check_event(ev, call)                                                  \
  braid__check_object (ev, call, "event", (ev)->magic == BRAID__MAGIC_EVENT)

braid_async_event *
braid_event_new (braid_loop *loop)
{
  braid_async_event *ev = braid__xcalloc (1, sizeof *ev);

  ev->magic = BRAID__MAGIC_EVENT;
  ev->id = braid__object_id_new ();
  braid__object_created (loop, ev->id, BRAID_OBJ_EVENT, "event");
  return ev;
}

void
braid_event_free (braid_async_event *ev)
{
  if (!ev)
    return;
  check_event (ev, "braid_event_free");
  if (ev->waiters.n > 0)
    braid__abort ("braid_event_free", "tasks are waiting on the event");
  braid__forget (ev->magic);
  free (ev);
}

bool
braid_event_is_set (const braid_async_event *ev)
{
  check_event (ev, "braid_event_is_set");
  return ev->value;
}

void
braid_event_set (braid_async_event *ev)
{
  check_event (ev, "braid_event_set");
  if (ev->value)
    return;
  ev->value = true;
  for (braid__waiter *w = ev->waiters.head; w; w = w->next)
    braid__waiter_wake (w);
}

void
braid_event_clear (braid_async_event *ev)
{
  check_event (ev, "braid_event_clear");
  ev->value = false;
}

int
braid_event_wait (braid_async_event *ev)
{
  braid__waiter w;

  check_event (ev, "braid_event_wait");
  if (ev->value)
    return 0;
  if (!braid_task_current ())
    return braid__raise_code (BRAID_ENOTASK, "braid_event_wait");
  return braid__waiter_wait (&ev->waiters, &w, BRAID_WAIT_EVENT, ev->id);
}
