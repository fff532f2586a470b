/* timeout.c: asyncio.timeout scopes (braid_timeout_*), as CPython 3.11's
 * timeouts.py.
 *
 * Owns the scope: its state (entered, expiring, expired), the task it
 * guards, the task's cancelling() count when the scope was entered, and the
 * armed deadline. At the deadline the scope cancels the task (a plain
 * braid_task_cancel, so the CancelledError arrives at the task's current or
 * next suspension). braid_timeout_exit then uncancels the task and, if no
 * other cancellation request arrived meanwhile (the count is back to what it
 * was at entry) and the scoped code ended with exactly a CancelledError,
 * raises a TimeoutError caused by it (ORDERING.md rule 19). A cancellation
 * from outside therefore still propagates.
 *
 * A deadline in the future is a timer; one already passed is a call_soon,
 * as in asyncio. A call_soon cannot be withdrawn, so each arming is a
 * small ticket: the scope forgets a disarmed ticket and the callback then
 * does nothing. The scope is reference counted so a queued ticket can
 * outlive braid_timeout_exit.
 *
 * Not hot: one scope per block.
 */
#include <math.h>
#include <stdlib.h>

#include "combinator-private.h"

typedef enum scope_state
{
  SCOPE_ENTERED,
  SCOPE_EXPIRING,
  SCOPE_EXPIRED,
  SCOPE_EXITED,
} scope_state;

typedef struct ticket
{
  braid_timeout *scope;
} ticket;

struct braid_timeout
{
  int refs;
  scope_state state;
  uint64_t id; /* the BRAID_OBJ_TIMEOUT object */
  braid_loop *loop;
  braid_task *task;    /* reference */
  int cancelling;      /* the task's cancelling() at entry */
  ticket *armed;       /* the live ticket, or NULL */
  braid__timer *timer; /* its timer, NULL for a call_soon */
};

static void
scope_unref (braid_timeout *scope)
{
  if (--scope->refs > 0)
    return;
  braid_task_unref (scope->task);
  free (scope);
}

/* asyncio's Timeout._on_timeout. */
static void
fire (void *data)
{
  ticket *t = data;
  braid_timeout *scope = t->scope;

  if (scope->armed == t)
    {
      scope->armed = NULL;
      scope->timer = NULL;
      if (scope->state == SCOPE_ENTERED)
        {
          braid_task_cancel (scope->task, NULL);
          scope->state = SCOPE_EXPIRING;
        }
    }
  free (t);
  scope_unref (scope);
}

/* Disarms the deadline. A timer is cancelled with its ticket; a queued
 * call_soon keeps its ticket and finds it forgotten. */
static void
disarm (braid_timeout *scope)
{
  ticket *t = scope->armed;

  if (!t)
    return;
  scope->armed = NULL;
  if (scope->timer)
    {
      braid__timer_cancel (scope->timer);
      scope->timer = NULL;
      free (t);
      scope_unref (scope);
    }
}

/* asyncio's Timeout.reschedule with a relative delay; @seconds is known
 * not to be NaN. */
static void
arm (braid_timeout *scope, double seconds)
{
  ticket *t;
  int rc = 0;

  disarm (scope);
  if (isinf (seconds) && seconds > 0)
    return; /* BRAID_NO_TIMEOUT */
  t = malloc (sizeof *t);
  if (!t)
    abort ();
  t->scope = scope;
  scope->refs++;
  scope->armed = t;
  /* Rule 35: a deadline already past (asyncio's when <= loop.time())
   * expires through call_soon. */
  if (seconds <= 0)
    braid__call_soon (scope->loop, fire, t);
  else
    scope->timer = braid__call_later (
        scope->loop, braid__seconds_to_ns (seconds, &rc), fire, t);
}

braid_timeout *
braid_timeout_enter (double seconds)
{
  braid_task *task = braid_task_current ();
  braid_timeout *scope;

  if (!task)
    {
      braid__raise_code (BRAID_ENOTASK, "braid_timeout_enter");
      return NULL;
    }
  if (seconds != seconds)
    {
      braid__raise_code (BRAID_EINVAL, "braid_timeout_enter (NaN delay)");
      return NULL;
    }
  scope = calloc (1, sizeof *scope);
  if (!scope)
    {
      braid__raise_code (BRAID_ENOMEM, "braid_timeout_enter");
      return NULL;
    }
  scope->refs = 1;
  scope->state = SCOPE_ENTERED;
  scope->loop = braid_loop_current ();
  scope->task = braid_task_ref (task);
  scope->cancelling = braid_task_cancelling (task);
  scope->id = braid__object_id_new ();
  braid__object_created (scope->loop, scope->id, BRAID_OBJ_TIMEOUT, "timeout");
  arm (scope, seconds);
  return scope;
}

int
braid_timeout_reschedule (braid_timeout *scope, double seconds)
{
  /* asyncio's _State values, as its message names them. */
  static const char *const state_names[] = {
    [SCOPE_ENTERED] = "active",
    [SCOPE_EXPIRING] = "expiring",
    [SCOPE_EXPIRED] = "expired",
    [SCOPE_EXITED] = "finished",
  };

  if (!scope)
    return 0;
  if (seconds != seconds)
    return braid__raise_code (BRAID_EINVAL,
                              "braid_timeout_reschedule (NaN delay)");
  /* Rule 36: a scope whose deadline already fired cannot be moved. */
  if (scope->state != SCOPE_ENTERED)
    return braid_raise (BRAID_RUNTIME_ERROR,
                        "Cannot change state of %s Timeout",
                        state_names[scope->state]);
  arm (scope, seconds);
  return 0;
}

bool
braid_timeout_expired (const braid_timeout *scope)
{
  return scope
         && (scope->state == SCOPE_EXPIRING || scope->state == SCOPE_EXPIRED);
}

int
braid_timeout_exit (braid_timeout *scope, int rc)
{
  if (!scope)
    return rc;
  disarm (scope);
  if (scope->state == SCOPE_EXPIRING)
    {
      braid_error *err = braid_error_current ();
      scope->state = SCOPE_EXPIRED;
      /* asyncio checks `exc_type is CancelledError`: the exact type. */
      if (braid_task_uncancel (scope->task) <= scope->cancelling && rc < 0
          && err && braid_error_get_type (err) == BRAID_CANCELLED_ERROR)
        {
          /* `raise TimeoutError from exc_val` (3.11.3 on). */
          rc = braid__raise_timeout_from_current ("the timeout scope expired");
        }
    }
  else if (scope->state == SCOPE_ENTERED)
    scope->state = SCOPE_EXITED;
  scope_unref (scope);
  return rc;
}

int
braid__raise_timeout_from_current (const char *message)
{
  braid_error *cancel = braid_error_ref (braid_error_current ());
  braid_error *timeout = braid_error_new (BRAID_TIMEOUT_ERROR, "%s", message);
  int rc = braid_raise_from (timeout, cancel);
  braid_error_unref (timeout);
  braid_error_unref (cancel);
  return rc;
}
