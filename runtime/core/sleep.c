/* sleep.c: braid_sleep and braid_yield.
 *
 * sleep(0) is one bare yield (ORDERING.md rule 6): the task goes to the
 * back of the ready queue. sleep(d > 0) arms the timer embedded in the
 * task (no allocation); the timer fires in iteration k and queues the
 * task's wake-up, so it runs in k + 1 (rule 9). A cancellation while
 * sleeping cancels the timer and wakes the task with CancelledError in the
 * next iteration (rule 13).
 *
 * Hot path: braid_yield, the figure the sleep(0) benchmark measures.
 */
#include <math.h>

#include "braid-private.h"

int
braid_yield (void)
{
  braid_task *t = braid__tls_task;
  if (BRAID_UNLIKELY (!t))
    return braid__raise_code (BRAID_ENOTASK, "braid_yield");
  braid_loop *loop = t->loop;
  braid__entry *e = queue_push_slot (&loop->queue);
  e->kind = ENTRY_RESUME;
  e->a = t;
  t->wait_kind = WAITK_YIELD;
  t->wait_reason = BRAID_WAIT_YIELD;
  t->wait_object = 0;
  if (BRAID_UNLIKELY (braid__hooks_active))
    braid__emit_suspended (t, BRAID_WAIT_YIELD, 0, 0);
  braid__task_suspend (loop, t);
  t->wait_kind = WAITK_NONE;
  if (BRAID_UNLIKELY (t->must_cancel))
    return braid__task_deliver_cancel (t);
  return 0;
}

static void
sleep_fired (void *data)
{
  braid_task *t = data;
  braid__task_wake (t, NULL, t->sleep_timer.id);
}

int
braid_sleep_ns (uint64_t ns)
{
  if (ns == 0)
    return braid_yield ();
  braid_task *t = braid__tls_task;
  if (BRAID_UNLIKELY (!t))
    return braid__raise_code (BRAID_ENOTASK, "braid_sleep");
  braid_loop *loop = t->loop;
  braid__timer *timer = &t->sleep_timer;
  timer->fn = sleep_fired;
  timer->data = t;
  timer->id = 0;
  uint64_t now = braid__clock_read (loop);
  uint64_t deadline = ns > UINT64_MAX - now ? UINT64_MAX : now + ns;
  braid__timer_arm (loop, timer, deadline);
  t->wait_kind = WAITK_SLEEP;
  t->wait_reason = BRAID_WAIT_SLEEP;
  t->wake_cancelled = false;
  if (BRAID_UNLIKELY (braid__hooks_active))
    {
      t->wait_object = braid__timer_id (timer);
      braid__object_created (loop, timer->id, BRAID_OBJ_TIMER, NULL);
      braid__emit_suspended (t, BRAID_WAIT_SLEEP, timer->id, (int64_t)ns);
    }
  else
    t->wait_object = 0;
  if (BRAID_UNLIKELY (t->must_cancel))
    {
      /* asyncio: a pending cancellation cancels the sleep's future at once;
       * the task wakes with the error in the next iteration. */
      t->must_cancel = false;
      braid__timer_cancel (timer);
      t->wake_cancelled = true;
      free (t->wake_cancel_msg);
      t->wake_cancel_msg = t->cancel_msg;
      t->cancel_msg = NULL;
      braid__task_wake (t, t, timer->id);
    }
  braid__task_suspend (loop, t);
  t->wait_kind = WAITK_NONE;
  if (BRAID_UNLIKELY (t->wake_cancelled))
    {
      t->wake_cancelled = false;
      t->must_cancel = false;
      return braid__raise_cancelled (t->wake_cancel_msg);
    }
  if (BRAID_UNLIKELY (t->must_cancel))
    {
      if (t->closing)
        braid__timer_cancel (timer); /* the loop closes: it never fires */
      return braid__task_deliver_cancel (t);
    }
  return 0;
}

int
braid_sleep (double seconds)
{
  if (BRAID_UNLIKELY (isnan (seconds)))
    return braid__raise_code (BRAID_EINVAL, "braid_sleep (NaN delay)");
  /* Rule 35: a negative delay is a time already past, as asyncio's
   * sleep(delay <= 0) is its bare yield. */
  if (seconds <= 0)
    return braid_yield ();
  double ns = seconds * 1e9;
  if (ns >= 1.8e19)
    return braid_sleep_ns (UINT64_MAX);
  uint64_t n = (uint64_t)ns;
  return braid_sleep_ns (n ? n : 1);
}

uint64_t
braid__seconds_to_ns (double seconds, int *rc)
{
  if (rc)
    *rc = 0;
  if (isnan (seconds))
    {
      int code = braid__raise_code (BRAID_EINVAL, "timeout is NaN");
      if (rc)
        *rc = code;
      return 0;
    }
  if (isinf (seconds) && seconds > 0)
    return UINT64_MAX; /* BRAID_NO_TIMEOUT */
  if (seconds <= 0)
    return 0; /* rule 35: already past */
  double ns = seconds * 1e9;
  if (ns >= 1.8e19)
    return UINT64_MAX - 1;
  return (uint64_t)ns;
}
