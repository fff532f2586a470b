/* test-timeout.c: braid_timeout_* scopes against asyncio.timeout (CPython
 * 3.11, ORDERING.md rule 19). Each expected log is what the Python twin
 * prints: python3 tests/runtime/python/timeout.py <case>.
 */
#include "combinator-test-util.h"

/* python: scope_turns_cancel_into_timeout */
static void *
scope_turns_cancel_into_timeout (void *unused)
{
  braid_timeout *scope = braid_timeout_enter (0.02);
  braid_error *err;
  bool expired;
  int rc;

  g_assert_nonnull (scope);
  note ("sleeping");
  rc = braid_sleep (1);
  if (rc == 0)
    note ("not-reached");
  g_assert_cmpint (rc, ==, BRAID_ECANCELLED);
  expired = braid_timeout_expired (scope);
  rc = braid_timeout_exit (scope, rc);
  g_assert_cmpint (rc, ==, BRAID_ETIMEDOUT);
  err = braid_error_catch (BRAID_TIMEOUT_ERROR);
  g_assert_nonnull (err);
  g_assert_nonnull (braid_error_cause (err));
  g_assert_true (braid_error_cause_explicit (err));
  note ("timeout cause=%s",
        braid_error_get_type (braid_error_cause (err))->name);
  braid_error_unref (err);
  note ("expired=%s cancelling=%d", expired ? "True" : "False",
        braid_task_cancelling (braid_task_current ()));
  return NULL;
}

static void
test_scope_turns_cancel_into_timeout (void)
{
  check_run (scope_turns_cancel_into_timeout,
             "sleeping timeout cause=CancelledError expired=True "
             "cancelling=0");
  /* A tracer sees the scope as a timeout object. */
  g_assert_true (saw_object (BRAID_OBJ_TIMEOUT));
}

/* The task's scope expires; while it cleans up, another task cancels it:
 * that cancellation must come out of the scope as a CancelledError. */
static void *
scoped (void *unused)
{
  braid_timeout *scope = braid_timeout_enter (0.02);
  int rc = braid_sleep (1);

  if (rc == BRAID_ECANCELLED)
    {
      braid_error *err = braid_error_catch (BRAID_CANCELLED_ERROR);
      note ("t-deadline");
      braid_error_unref (err);
      rc = braid_sleep (0.01);
      if (rc == 0)
        note ("not-reached");
    }
  rc = braid_timeout_exit (scope, rc);
  if (rc == BRAID_ETIMEDOUT)
    {
      braid_error_clear ();
      note ("t-timeout");
    }
  else if (rc == BRAID_ECANCELLED)
    note ("t-cancelled"); /* the error stays current: the task is cancelled */
  return NULL;
}

/* python: outside_cancel_is_not_swallowed */
static void *
outside_cancel_is_not_swallowed (void *unused)
{
  braid_task *t = braid_spawn (scoped, NULL);

  g_assert_cmpint (braid_sleep (0.025), ==, 0);
  note ("cancel");
  braid_task_cancel (t, NULL);
  if (braid_await_task (t, NULL) == BRAID_ECANCELLED)
    braid_error_clear ();
  note ("t-cancelled=%s", braid_task_cancelled (t) ? "True" : "False");
  braid_task_unref (t);
  return NULL;
}

static void
test_outside_cancel_is_not_swallowed (void)
{
  check_run (outside_cancel_is_not_swallowed,
             "t-deadline cancel t-cancelled t-cancelled=True");
}

/* python: unexpired_scope_passes_through */
static void *
unexpired_scope_passes_through (void *unused)
{
  braid_timeout *scope = braid_timeout_enter (0.05);
  bool expired;
  int rc;

  rc = braid_sleep (0.01);
  expired = braid_timeout_expired (scope);
  g_assert_cmpint (braid_timeout_exit (scope, rc), ==, 0);
  note ("expired=%s", expired ? "True" : "False");

  scope = braid_timeout_enter (0.05);
  rc = braid_raise (BRAID_VALUE_ERROR, "inner");
  rc = braid_timeout_exit (scope, rc);
  g_assert_cmpint (rc, ==, BRAID_EFAILED);
  note ("error=%s", catch_message (BRAID_VALUE_ERROR));
  return NULL;
}

static void
test_unexpired_scope_passes_through (void)
{
  check_run (unexpired_scope_passes_through, "expired=False error=inner");
}

/* python: reschedule_moves_the_deadline */
static void *
reschedule_moves_the_deadline (void *unused)
{
  braid_timeout *scope = braid_timeout_enter (BRAID_NO_TIMEOUT);
  int rc;

  braid_timeout_reschedule (scope, 0.01);
  rc = braid_timeout_exit (scope, braid_sleep (1));
  if (rc == BRAID_ETIMEDOUT && catch_message (BRAID_TIMEOUT_ERROR))
    note ("timeout");
  return NULL;
}

static void
test_reschedule_moves_the_deadline (void)
{
  check_run (reschedule_moves_the_deadline, "timeout");
}

/* python: zero_delay_expires_at_next_suspension */
static void *
zero_delay_expires_at_next_suspension (void *unused)
{
  braid_timeout *scope = braid_timeout_enter (0);
  int rc;

  note ("in");
  rc = braid_yield ();
  if (rc == 0)
    note ("not-reached");
  rc = braid_timeout_exit (scope, rc);
  if (rc == BRAID_ETIMEDOUT && catch_message (BRAID_TIMEOUT_ERROR))
    note ("timeout");
  return NULL;
}

static void
test_zero_delay_expires_at_next_suspension (void)
{
  check_run (zero_delay_expires_at_next_suspension, "in timeout");
}

/* python: negative_delays_are_already_past */
static void *
negative_delays_are_already_past (void *unused)
{
  braid_task *tk = braid_spawn (ticker, GINT_TO_POINTER (4));
  g_assert_cmpint (braid_sleep (-1), ==, 0);
  note ("slept");
  braid_timeout *scope = braid_timeout_enter (-1);
  int rc = braid_timeout_exit (scope, braid_sleep (1));
  if (rc == BRAID_ETIMEDOUT && catch_message (BRAID_TIMEOUT_ERROR))
    note ("scope-timeout");
  braid_future *fut = braid_future_new (NULL);
  rc = braid_wait_for (fut, -1, NULL);
  if (rc == BRAID_ETIMEDOUT && catch_message (BRAID_TIMEOUT_ERROR))
    note ("wait_for-timeout cancelled=%s",
          braid_future_cancelled (fut) ? "True" : "False");
  braid_future_unref (fut);
  fut = braid_future_new (NULL);
  bool done = false;
  note ("wait-done=%d", braid_wait (&fut, 1, -1, BRAID_ALL_COMPLETED, &done));
  braid_as_completed *it = braid_as_completed_new (&fut, 1, -1);
  rc = braid_as_completed_next (it, NULL, NULL);
  if (rc == BRAID_ETIMEDOUT && catch_message (BRAID_TIMEOUT_ERROR))
    note ("as_completed-timeout");
  braid_as_completed_free (it);
  braid_future_cancel (fut, NULL);
  braid_future_unref (fut);
  g_assert_cmpint (braid_await_task (tk, NULL), ==, 0);
  braid_task_unref (tk);
  return NULL;
}

/* Rule 35: a negative delay is a time already past, as in asyncio; "no
 * timeout" is BRAID_NO_TIMEOUT. */
static void
test_negative_delays_are_already_past (void)
{
  check_run (negative_delays_are_already_past,
             "tick0 slept tick1 tick2 scope-timeout tick3 wait_for-timeout "
             "cancelled=True wait-done=0 as_completed-timeout");
}

/* python: reschedule_of_an_expiring_scope_is_an_error */
static void *
reschedule_of_an_expiring_scope_is_an_error (void *unused)
{
  braid_timeout *scope = braid_timeout_enter (0);
  int rc = braid_sleep (1);
  if (rc == BRAID_ECANCELLED)
    {
      braid_error *cancel = braid_error_catch (BRAID_CANCELLED_ERROR);
      note ("expired=%s", braid_timeout_expired (scope) ? "True" : "False");
      if (braid_timeout_reschedule (scope, 10) < 0)
        note ("reschedule:%s", catch_message (BRAID_RUNTIME_ERROR));
      rc = braid_reraise (cancel);
      braid_error_unref (cancel);
    }
  rc = braid_timeout_exit (scope, rc);
  if (rc == BRAID_ETIMEDOUT && catch_message (BRAID_TIMEOUT_ERROR))
    note ("timeout");
  return NULL;
}

/* Rule 36: rescheduling a scope that is not in its entered state (its
 * deadline fired) is a RuntimeError, and the scope still expires. */
static void
test_reschedule_of_an_expiring_scope_is_an_error (void)
{
  check_run (reschedule_of_an_expiring_scope_is_an_error,
             "expired=True reschedule:Cannot change state of expiring "
             "Timeout timeout");
}

static const char *
tf (bool b)
{
  return b ? "True" : "False";
}

/* python: nested_scopes_convert_at_the_expired_one. Expiry is read before
 * each exit, since braid_timeout_exit frees the scope. */
static void *
nested_scopes_convert_at_the_expired_one (void *unused)
{
  braid_timeout *outer, *inner;
  bool outer_expired;
  int rc;

  /* The inner scope expires first. */
  outer = braid_timeout_enter (0.05);
  inner = braid_timeout_enter (0.01);
  rc = braid_sleep (1);
  note ("inner-caught expired=%s,%s", tf (braid_timeout_expired (inner)),
        tf (braid_timeout_expired (outer)));
  rc = braid_timeout_exit (inner, rc);
  g_assert_cmpint (rc, ==, BRAID_ETIMEDOUT);
  outer_expired = braid_timeout_expired (outer);
  rc = braid_timeout_exit (outer, rc);
  if (rc == BRAID_ETIMEDOUT && catch_message (BRAID_TIMEOUT_ERROR))
    note ("outer-caught expired=%s", tf (outer_expired));

  /* The outer scope expires first. */
  outer = braid_timeout_enter (0.01);
  inner = braid_timeout_enter (0.05);
  rc = braid_sleep (1);
  note ("inner-cancelled expired=%s,%s", tf (braid_timeout_expired (inner)),
        tf (braid_timeout_expired (outer)));
  rc = braid_timeout_exit (inner, rc);
  g_assert_cmpint (rc, ==, BRAID_ECANCELLED);
  outer_expired = braid_timeout_expired (outer);
  rc = braid_timeout_exit (outer, rc);
  if (rc == BRAID_ETIMEDOUT && catch_message (BRAID_TIMEOUT_ERROR))
    note ("outer-timeout expired=%s", tf (outer_expired));
  return NULL;
}

static void
test_nested_scopes_convert_at_the_expired_one (void)
{
  check_run (nested_scopes_convert_at_the_expired_one,
             "inner-caught expired=True,False outer-caught expired=False "
             "inner-cancelled expired=False,True outer-timeout expired=True");
}

static void
test_enter_outside_a_task_fails (void)
{
  g_assert_null (braid_timeout_enter (1));
  g_assert_nonnull (braid_error_current ());
  braid_error_clear ();
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  test_util_init ();
  g_test_add_func ("/runtime/timeout/scope-turns-cancel-into-timeout",
                   test_scope_turns_cancel_into_timeout);
  g_test_add_func ("/runtime/timeout/outside-cancel-is-not-swallowed",
                   test_outside_cancel_is_not_swallowed);
  g_test_add_func ("/runtime/timeout/unexpired-scope-passes-through",
                   test_unexpired_scope_passes_through);
  g_test_add_func ("/runtime/timeout/reschedule-moves-the-deadline",
                   test_reschedule_moves_the_deadline);
  g_test_add_func ("/runtime/timeout/zero-delay-expires-at-next-suspension",
                   test_zero_delay_expires_at_next_suspension);
  g_test_add_func ("/runtime/timeout/nested-scopes-convert-at-the-expired-one",
                   test_nested_scopes_convert_at_the_expired_one);
  g_test_add_func ("/runtime/timeout/negative-delays-are-already-past",
                   test_negative_delays_are_already_past);
  g_test_add_func (
      "/runtime/timeout/reschedule-of-an-expiring-scope-is-an-error",
      test_reschedule_of_an_expiring_scope_is_an_error);
  g_test_add_func ("/runtime/timeout/enter-outside-a-task-fails",
                   test_enter_outside_a_task_fails);
  return g_test_run ();
}
