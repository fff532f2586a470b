/* test-wait-for.c: braid_wait_for against asyncio.wait_for of CPython 3.11
 * (ORDERING.md rule 19). Each expected log is what the Python twin prints:
 * python3 tests/runtime/python/wait_for.py <case>.
 */
#include <stdint.h>

#include "combinator-test-util.h"

typedef struct inner_spec
{
  double delay;
  bool swallow;
  int cleanup_yields;
} inner_spec;

/* Sleeps @delay and returns 7. When cancelled, cleans up for
 * @cleanup_yields iterations, then returns 42 if @swallow, else re-raises
 * the CancelledError. */
static void *
inner (void *arg)
{
  const inner_spec *s = arg;
  braid_error *err;

  note ("inner-start");
  if (braid_sleep (s->delay) == 0)
    {
      note ("inner-done");
      return (void *)(intptr_t)7;
    }
  note ("inner-cancelled");
  err = braid_error_catch (BRAID_CANCELLED_ERROR);
  g_assert_nonnull (err);
  for (int i = 0; i < s->cleanup_yields; i++)
    {
      g_assert_cmpint (braid_yield (), ==, 0);
      note ("inner-cleanup%d", i);
    }
  if (s->swallow)
    {
      braid_error_unref (err);
      return (void *)(intptr_t)42;
    }
  braid_reraise (err);
  braid_error_unref (err);
  return NULL;
}

/* python: returns_result_in_time */
static void *
returns_result_in_time (void *unused)
{
  inner_spec s = { 0.01, false, 0 };
  braid_task *t = braid_spawn (inner, &s);
  void *res = NULL;

  g_assert_cmpint (braid_wait_for (braid_task_future (t), 0.05, &res), ==, 0);
  note ("result=%d", (int)(intptr_t)res);
  braid_task_unref (t);
  return NULL;
}

static void
test_returns_result_in_time (void)
{
  check_run (returns_result_in_time, "inner-start inner-done result=7");
}

/* python: timeout_cancels_then_raises */
static void *
timeout_cancels_then_raises (void *unused)
{
  inner_spec s = { 1, false, 1 };
  braid_task *t = braid_spawn (inner, &s);
  braid_error *err;
  int rc;

  rc = braid_wait_for (braid_task_future (t), 0.02, NULL);
  g_assert_cmpint (rc, ==, BRAID_ETIMEDOUT);
  err = braid_error_catch (BRAID_TIMEOUT_ERROR);
  g_assert_nonnull (err);
  g_assert_nonnull (braid_error_cause (err));
  note ("timeout cause=%s",
        braid_error_get_type (braid_error_cause (err))->name);
  braid_error_unref (err);
  note ("inner-cancelled?=%s", braid_task_cancelled (t) ? "True" : "False");
  braid_task_unref (t);
  return NULL;
}

static void
test_timeout_cancels_then_raises (void)
{
  check_run (timeout_cancels_then_raises,
             "inner-start inner-cancelled inner-cleanup0 timeout "
             "cause=CancelledError inner-cancelled?=True");
  g_assert_true (saw_suspension_on (BRAID_WAIT_WAIT, BRAID_OBJ_WAIT));
}

/* python: swallowed_cancel_returns_result */
static void *
swallowed_cancel_returns_result (void *unused)
{
  inner_spec s = { 1, true, 0 };
  braid_task *t = braid_spawn (inner, &s);
  void *res = NULL;

  g_assert_cmpint (braid_wait_for (braid_task_future (t), 0.02, &res), ==, 0);
  note ("result=%d", (int)(intptr_t)res);
  braid_task_unref (t);
  return NULL;
}

static void
test_swallowed_cancel_returns_result (void)
{
  check_run (swallowed_cancel_returns_result,
             "inner-start inner-cancelled result=42");
}

/* python: zero_timeout_cancels_at_once. The inner task is cancelled before
 * its first step, so its body never runs (rule 14). */
static void *
zero_timeout_cancels_at_once (void *unused)
{
  inner_spec s = { 1, false, 0 };
  braid_task *t = braid_spawn (inner, &s);

  g_assert_cmpint (braid_wait_for (braid_task_future (t), 0, NULL), ==,
                   BRAID_ETIMEDOUT);
  g_assert_nonnull (catch_message (BRAID_TIMEOUT_ERROR));
  note ("timeout");
  note ("inner-cancelled?=%s", braid_task_cancelled (t) ? "True" : "False");
  braid_task_unref (t);
  return NULL;
}

static void
test_zero_timeout_cancels_at_once (void)
{
  check_run (zero_timeout_cancels_at_once, "timeout inner-cancelled?=True");
}

static void *
caller (void *arg)
{
  braid_task *t = arg;

  if (braid_wait_for (braid_task_future (t), 10, NULL) == BRAID_ECANCELLED)
    note ("caller-cancelled");
  return NULL;
}

/* python: caller_cancel_cancels_inner */
static void *
caller_cancel_cancels_inner (void *unused)
{
  inner_spec s = { 1, false, 1 };
  braid_task *t = braid_spawn (inner, &s);
  braid_task *c = braid_spawn (caller, t);

  braid_yield ();
  braid_yield ();
  note ("cancel");
  braid_task_cancel (c, NULL);
  if (braid_await_task (c, NULL) == BRAID_ECANCELLED)
    braid_error_clear ();
  note ("cancelled=%s,%s", braid_task_cancelled (c) ? "True" : "False",
        braid_task_cancelled (t) ? "True" : "False");
  braid_task_unref (c);
  braid_task_unref (t);
  return NULL;
}

static void
test_caller_cancel_cancels_inner (void)
{
  check_run (caller_cancel_cancels_inner,
             "inner-start cancel inner-cancelled inner-cleanup0 "
             "caller-cancelled cancelled=True,True");
}

static void *
quick (void *unused)
{
  note ("quick-start");
  braid_yield ();
  note ("quick-done");
  return (void *)(intptr_t)7;
}

static void *
result_caller (void *arg)
{
  void *res = NULL;
  int rc = braid_wait_for (braid_task_future (arg), 10, &res);

  if (rc == 0)
    note ("caller-result=%d", (int)(intptr_t)res);
  else if (rc == BRAID_ECANCELLED)
    note ("caller-cancelled");
  return NULL;
}

/* python: result_wins_over_late_caller_cancel. CPython 3.11: the caller
 * is cancelled after the inner task finished but before the caller
 * resumed; wait_for returns the result and the caller is not cancelled. */
static void *
result_wins_over_late_caller_cancel (void *unused)
{
  braid_task *t = braid_spawn (quick, NULL);
  braid_task *c = braid_spawn (result_caller, t);

  braid_yield ();
  braid_yield ();
  note ("cancel inner-done=%s", braid_task_done (t) ? "True" : "False");
  braid_task_cancel (c, NULL);
  g_assert_cmpint (braid_await_task (c, NULL), ==, 0);
  note ("caller-cancelled?=%s", braid_task_cancelled (c) ? "True" : "False");
  braid_task_unref (c);
  braid_task_unref (t);
  return NULL;
}

static void
test_result_wins_over_late_caller_cancel (void)
{
  check_run (result_wins_over_late_caller_cancel,
             "quick-start quick-done cancel inner-done=True caller-result=7 "
             "caller-cancelled?=False");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  test_util_init ();
  g_test_add_func ("/runtime/wait-for/returns-result-in-time",
                   test_returns_result_in_time);
  g_test_add_func ("/runtime/wait-for/timeout-cancels-then-raises",
                   test_timeout_cancels_then_raises);
  g_test_add_func ("/runtime/wait-for/swallowed-cancel-returns-result",
                   test_swallowed_cancel_returns_result);
  g_test_add_func ("/runtime/wait-for/zero-timeout-cancels-at-once",
                   test_zero_timeout_cancels_at_once);
  g_test_add_func ("/runtime/wait-for/caller-cancel-cancels-inner",
                   test_caller_cancel_cancels_inner);
  g_test_add_func ("/runtime/wait-for/result-wins-over-late-caller-cancel",
                   test_result_wins_over_late_caller_cancel);
  return g_test_run ();
}
