/* test-wait-for.c: braid_wait_for and braid_wait_for_call against
 * asyncio.wait_for of CPython 3.11 (ORDERING.md rules 19 and 40). Each
 * expected log is what the Python twin prints:
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
  /* `raise TimeoutError() from exc`: printed as the direct cause. */
  g_assert_true (braid_error_cause_explicit (err));
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

/* The caller of braid_wait_for_call, for the callee to compare with. */
static braid_task *call_caller;

/* The call awaited by braid_wait_for_call: logs whether it runs in the
 * caller's task, yields once and returns 5, or raises ValueError("boom")
 * after its yield when @arg is not NULL. */
static void *
body (void *arg)
{
  note ("body same-task=%s",
        braid_task_current () == call_caller ? "True" : "False");
  if (braid_yield () < 0)
    return NULL;
  if (arg)
    {
      note ("body-raise");
      braid_raise (BRAID_VALUE_ERROR, "boom");
      return NULL;
    }
  note ("body-done");
  return (void *)(intptr_t)5;
}

static void *
other (void *unused)
{
  note ("other");
  return NULL;
}

/* Calls body through braid_wait_for_call with @timeout while another task
 * is ready, and logs the result. */
static void *
call_with_timeout (double timeout)
{
  braid_task *t = braid_spawn (other, NULL);
  void *res = NULL;
  int created;

  call_caller = braid_task_current ();
  created = test_tasks_created;
  g_assert_cmpint (braid_wait_for_call (body, NULL, timeout, &res), ==, 0);
  note ("result=%d tasks=%d", (int)(intptr_t)res, test_tasks_created - created);
  g_assert_cmpint (braid_await_task (t, NULL), ==, 0);
  braid_task_unref (t);
  return NULL;
}

/* python: no_timeout_is_a_plain_await. Rule 40: the call runs at once in
 * the caller's task, before the task that was ready, and makes no task. */
static void *
no_timeout_is_a_plain_await (void *unused)
{
  return call_with_timeout (BRAID_NO_TIMEOUT);
}

static void
test_no_timeout_is_a_plain_await (void)
{
  check_run (no_timeout_is_a_plain_await,
             "body same-task=True other body-done result=5 tasks=0");
}

/* python: call_with_timeout_runs_in_a_task_of_its_own. With a timeout the
 * call is a task, whose first step comes after the one already ready. */
static void *
call_with_timeout_runs_in_a_task_of_its_own (void *unused)
{
  return call_with_timeout (10);
}

static void
test_call_with_timeout_runs_in_a_task_of_its_own (void)
{
  check_run (call_with_timeout_runs_in_a_task_of_its_own,
             "other body same-task=False body-done result=5 tasks=1");
}

/* python: call_with_zero_timeout_never_runs. The call's task is cancelled
 * before its first step (rule 14). */
static void *
call_with_zero_timeout_never_runs (void *unused)
{
  call_caller = braid_task_current ();
  g_assert_cmpint (braid_wait_for_call (body, NULL, 0, NULL), ==,
                   BRAID_ETIMEDOUT);
  g_assert_nonnull (catch_message (BRAID_TIMEOUT_ERROR));
  note ("timeout");
  return NULL;
}

static void
test_call_with_zero_timeout_never_runs (void)
{
  check_run (call_with_zero_timeout_never_runs, "timeout");
}

/* python: inline_call_fails_with_its_error. The error of the inline call
 * is the caller's, raised where the call raised it. */
static void *
inline_call_fails_with_its_error (void *unused)
{
  const char *msg;

  call_caller = braid_task_current ();
  g_assert_cmpint (braid_wait_for_call (body, "fail", BRAID_NO_TIMEOUT, NULL),
                   ==, BRAID_EFAILED);
  g_assert_cmpstr (braid_error_function (braid_error_current ()), ==, "body");
  msg = catch_message (BRAID_VALUE_ERROR);
  g_assert_nonnull (msg);
  note ("caught=ValueError:%s", msg);
  return NULL;
}

static void
test_inline_call_fails_with_its_error (void)
{
  check_run (inline_call_fails_with_its_error,
             "body same-task=True body-raise caught=ValueError:boom");
}

/* braid's own: an error current before the inline call is not taken for
 * the call's failure, and is current again after it succeeded. */
static void *
inline_call_keeps_the_callers_error (void *unused)
{
  braid_error *before;
  void *res = NULL;

  call_caller = braid_task_current ();
  braid_raise (BRAID_TYPE_ERROR, "from before");
  before = braid_error_current ();
  g_assert_cmpint (braid_wait_for_call (body, NULL, BRAID_NO_TIMEOUT, &res), ==,
                   0);
  g_assert_cmpint ((int)(intptr_t)res, ==, 5);
  g_assert_true (braid_error_current () == before);
  braid_error_clear ();
  return NULL;
}

static void
test_inline_call_keeps_the_callers_error (void)
{
  check_run (inline_call_keeps_the_callers_error,
             "body same-task=True body-done");
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
  g_test_add_func ("/runtime/wait-for/no-timeout-is-a-plain-await",
                   test_no_timeout_is_a_plain_await);
  g_test_add_func (
      "/runtime/wait-for/call-with-timeout-runs-in-a-task-of-its-own",
      test_call_with_timeout_runs_in_a_task_of_its_own);
  g_test_add_func ("/runtime/wait-for/call-with-zero-timeout-never-runs",
                   test_call_with_zero_timeout_never_runs);
  g_test_add_func ("/runtime/wait-for/inline-call-fails-with-its-error",
                   test_inline_call_fails_with_its_error);
  g_test_add_func ("/runtime/wait-for/inline-call-keeps-the-callers-error",
                   test_inline_call_keeps_the_callers_error);
  return g_test_run ();
}
