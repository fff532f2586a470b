/* waiters.h: the FIFO of waiter futures every primitive keeps (asyncio's
 * `collections.deque` of futures in locks.py and queues.py), shared by
 * event.c, lock.c, semaphore.c, condition.c and queue.c. Internal.
 *
 * A waiter is a node that lives on the waiting task's stack for the
 * duration of its wait, so waiting allocates nothing but the future. The
 * waiting task awaits the node's future; whoever wakes it completes that
 * future inline (inside set/release/put), so the core reports the wake-up
 * with the waking task as its cause and the woken task resumes one
 * iteration later, as asyncio's Task.__wakeup does.
 *
 * Hot path: braid__waiter_wait (one future, one await) and the O(1) list
 * operations.
 */
#ifndef BRAID_WAITERS_H
#define BRAID_WAITERS_H

#include <stdbool.h>
#include <stddef.h>

#include "braid-private.h" /* braid__hooks_active, braid__emit_simple */

typedef struct braid__waiter
{
  braid_future *fut;
  struct braid__waiter *prev, *next;
  bool linked;        /* still in its list */
  bool fut_cancelled; /* after the wait: the future itself was cancelled
                         (the wait was interrupted, not woken) */
} braid__waiter;

typedef struct braid__waiters
{
  braid__waiter *head, *tail;
  size_t n;
} braid__waiters;

static inline void
braid__waiters_push (braid__waiters *list, braid__waiter *w)
{
  w->next = NULL;
  w->prev = list->tail;
  if (list->tail)
    list->tail->next = w;
  else
    list->head = w;
  list->tail = w;
  w->linked = true;
  list->n++;
}

/* Unlinks @w if it is still linked (asyncio's deque.remove). */
static inline void
braid__waiters_remove (braid__waiters *list, braid__waiter *w)
{
  if (!w->linked)
    return;
  if (w->prev)
    w->prev->next = w->next;
  else
    list->head = w->next;
  if (w->next)
    w->next->prev = w->prev;
  else
    list->tail = w->prev;
  w->prev = w->next = NULL;
  w->linked = false;
  list->n--;
}

/* Unlinks and returns the oldest waiter, or NULL (deque.popleft). */
static inline braid__waiter *
braid__waiters_pop (braid__waiters *list)
{
  braid__waiter *w = list->head;
  if (w)
    braid__waiters_remove (list, w);
  return w;
}

/* braid__waiter_wait:
 * Appends @w to @list with a new future, awaits it (reported to the hooks
 * as @reason on @object_id), and when the wait ends, however it ends,
 * unlinks @w if it is still linked and releases the future, recording in
 * @w->fut_cancelled whether the future itself was cancelled. Must be
 * called from a task. Returns braid_await's code: 0 when woken;
 * BRAID_ECANCELLED when the task was cancelled (whether before or after a
 * wake-up: check fut_cancelled). */
int braid__waiter_wait (braid__waiters *list, braid__waiter *w,
                        braid_wait_reason reason, uint64_t object_id);

/* braid__emit_primitive:
 * Reports that the current task (0 outside any task) did @kind on the
 * primitive @object, with @reason and @value as braid_event has them:
 * BRAID_EV_ACQUIRED or BRAID_EV_RELEASED of a lock or semaphore (@reason
 * its braid_object_kind, @value the permits left, 0 for a lock), or
 * BRAID_EV_QUEUE_ITEM (@reason the braid_queue_op, @value the items in
 * the queue). The loop running on this thread stamps the event with its
 * clock. Called behind a test of braid__hooks_active (braid__report_hold,
 * queue.c's report_item), so that it costs one branch when no hook is
 * installed. */
void braid__emit_primitive (braid_event_kind kind, uint64_t object,
                            uint32_t reason, int64_t value)
    __attribute__ ((noinline));

/* Reports that the current task acquired or released (@kind) the lock
 * or semaphore @object of object kind @okind, with @value permits left
 * (0 for a lock). */
static inline void
braid__report_hold (braid_event_kind kind, uint64_t object,
                    braid_object_kind okind, int64_t value)
{
  if (BRAID_UNLIKELY (braid__hooks_active))
    braid__emit_primitive (kind, object, okind, value);
}

/* Completes @w's future with a result if it is still pending. Returns true
 * if it did (the waiter is woken). */
bool braid__waiter_wake (braid__waiter *w);

/* True if @w's future is done (woken or cancelled). */
bool braid__waiter_done (const braid__waiter *w);

/* True if @w's future was cancelled. */
bool braid__waiter_cancelled (const braid__waiter *w);

#endif /* BRAID_WAITERS_H */
