/* test-shield.c: braid_shield against asyncio.shield (ORDERING.md rules 20
 * and 11). Each expected log is what the Python twin prints:
 * python3 tests/runtime/python/shield.py <case>.
 */
#include <stdint.h>

#include "combinator-test-util.h"

typedef struct inner_spec
{
  double delay;
  bool fail;
} inner_spec;

static void *
inner (void *arg)
{
  const inner_spec *s = arg;

  note ("inner-start");
  if (braid_sleep (s->delay) < 0)
    return NULL;
  if (s->fail)
    {
      note ("inner-raise");
      braid_raise (BRAID_VALUE_ERROR, "inner");
      return NULL;
    }
  note ("inner-done");
  return (void *)(intptr_t)5;
}

static void *
caller (void *arg)
{
  braid_future *outer = braid_shield (braid_task_future (arg));
  int rc = braid_await (outer, NULL);

  braid_future_unref (outer);
  if (rc == 0)
    note ("caller-returned");
  else if (rc == BRAID_ECANCELLED)
    note ("caller-cancelled");
  return NULL;
}

/* python: outer_cancel_leaves_inner_running */
static void *
outer_cancel_leaves_inner_running (void *unused)
{
  inner_spec s = { 0.02, false };
  braid_task *t = braid_spawn (inner, &s);
  braid_task *c = braid_spawn (caller, t);
  void *res = NULL;

  braid_yield ();
  braid_yield ();
  note ("cancel");
  braid_task_cancel (c, NULL);
  if (braid_await_task (c, NULL) == BRAID_ECANCELLED)
    braid_error_clear ();
  note ("inner-cancelled=%s", braid_task_cancelled (t) ? "True" : "False");
  g_assert_cmpint (braid_await_task (t, &res), ==, 0);
  note ("inner=%d", (int)(intptr_t)res);
  braid_task_unref (c);
  braid_task_unref (t);
  return NULL;
}

static void
test_outer_cancel_leaves_inner_running (void)
{
  check_run (outer_cancel_leaves_inner_running,
             "inner-start cancel caller-cancelled inner-cancelled=False "
             "inner-done inner=5");
}

/* python: outer_cancel_then_inner_error_is_reported. As in asyncio, once
 * the outer future is cancelled the shield stops listening to the inner
 * task, so nobody reads its later error: it is reported once. */
static void *
outer_cancel_then_inner_error_is_reported (void *unused)
{
  inner_spec s = { 0.02, true };
  braid_task *t = braid_spawn (inner, &s);
  braid_task *c = braid_spawn (caller, t);

  braid_yield ();
  braid_task_cancel (c, NULL);
  g_assert_cmpint (braid_sleep (0.05), ==, 0);
  note ("inner-done=%s", braid_task_done (t) ? "True" : "False");
  braid_task_unref (c);
  braid_task_unref (t);
  return NULL;
}

static void
test_outer_cancel_then_inner_error_is_reported (void)
{
  g_assert_cmpint (run_main (outer_cancel_then_inner_error_is_reported, NULL),
                   ==, 0);
  g_assert_cmpstr (test_log->str, ==,
                   "inner-start caller-cancelled inner-raise inner-done=True");
  g_assert_cmpint (test_never_retrieved, ==, 1);
}

/* python: inner_cancel_cancels_outer */
static void *
inner_cancel_cancels_outer (void *unused)
{
  inner_spec s = { 1, false };
  braid_task *t = braid_spawn (inner, &s);
  braid_future *outer = braid_shield (braid_task_future (t));

  braid_yield ();
  note ("cancel-inner");
  braid_task_cancel (t, NULL);
  if (braid_await (outer, NULL) == BRAID_ECANCELLED)
    {
      braid_error_clear ();
      note ("outer-cancelled=%s",
            braid_future_cancelled (outer) ? "True" : "False");
    }
  braid_future_unref (outer);
  braid_task_unref (t);
  return NULL;
}

static void
test_inner_cancel_cancels_outer (void)
{
  check_run (inner_cancel_cancels_outer,
             "inner-start cancel-inner outer-cancelled=True");
}

/* python: awaiter_resumes_two_iterations_after_inner */
static void *
awaiter_resumes_two_iterations_after_inner (void *unused)
{
  braid_future *fut = braid_future_new (NULL);
  waker_args w = { fut, 1, "complete", 9 };
  braid_task *t1 = braid_spawn (ticker, GINT_TO_POINTER (6));
  braid_task *t2 = braid_spawn (waker, &w);
  braid_future *outer = braid_shield (fut);
  void *res = NULL;

  g_assert_cmpint (braid_await (outer, &res), ==, 0);
  note ("resumed=%d", (int)(intptr_t)res);
  g_assert_cmpint (braid_sleep (0.01), ==, 0);
  braid_future_unref (outer);
  braid_future_unref (fut);
  braid_task_unref (t1);
  braid_task_unref (t2);
  return NULL;
}

static void
test_awaiter_resumes_two_iterations_after_inner (void)
{
  check_run (awaiter_resumes_two_iterations_after_inner,
             "tick0 tick1 complete tick2 tick3 resumed=9 tick4 tick5");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  test_util_init ();
  g_test_add_func ("/runtime/shield/outer-cancel-leaves-inner-running",
                   test_outer_cancel_leaves_inner_running);
  g_test_add_func ("/runtime/shield/outer-cancel-then-inner-error-is-reported",
                   test_outer_cancel_then_inner_error_is_reported);
  g_test_add_func ("/runtime/shield/inner-cancel-cancels-outer",
                   test_inner_cancel_cancels_outer);
  g_test_add_func ("/runtime/shield/awaiter-resumes-two-iterations-after-inner",
                   test_awaiter_resumes_two_iterations_after_inner);
  return g_test_run ();
}
