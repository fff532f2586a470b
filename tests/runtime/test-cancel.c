/* test-cancel.c: cancellation (runtime/ORDERING.md rules 13-15, 30, 31). Logs
 * compared with tests/runtime/python/core_rules.py.
 */
#include "braid-internal.h"
#include "test-core-util.h"

static braid_future *waited;

static void *
cancel_waiter (void *arg)
{
  int rc = braid_await (waited, NULL);
  g_assert_cmpint (rc, ==, BRAID_ECANCELLED);
  note ("caught:%s", braid_error_message (braid_error_current ()));
  note ("fut-cancelled:%s", braid_future_cancelled (waited) ? "True" : "False");
  return NULL; /* the CancelledError stays current: the task ends cancelled */
}

static void *
ticker3 (void *arg)
{
  for (int i = 0; i < 3; i++)
    {
      note ("t%d", i);
      braid_yield ();
    }
  return NULL;
}

static void *
cancel_waiting_main (void *arg)
{
  waited = braid_future_new (NULL);
  braid_task *w = braid_spawn (cancel_waiter, NULL);
  braid_task *tk = braid_spawn (ticker3, NULL);
  braid_yield ();
  note ("cancel:%s", braid_task_cancel (w, "bye") ? "True" : "False");
  note ("cancelled-now:%s", braid_task_cancelled (w) ? "True" : "False");
  if (braid_await_task (w, NULL) == BRAID_ECANCELLED)
    note ("main-sees-cancel");
  braid_error_clear ();
  note ("cancelled:%s", braid_task_cancelled (w) ? "True" : "False");
  braid_await_task (tk, NULL);
  braid_task_unref (w);
  braid_task_unref (tk);
  braid_future_unref (waited);
  return NULL;
}

/* Rule 13: cancel() only requests; the awaited future is cancelled and
 * the task wakes with the message in the next iteration. */
static void
test_cancel_wakes_the_waiter_next_iteration_with_message (void)
{
  g_assert_cmpstr (run_logged (cancel_waiting_main, NULL, true, NULL), ==,
                   "| | t0 cancel:True cancelled-now:False | t1 caught:bye "
                   "fut-cancelled:True | t2 main-sees-cancel cancelled:True "
                   "| | |");
}

static void *
body (void *arg)
{
  note ("body");
  return NULL;
}

static void *
cancel_before_start_main (void *arg)
{
  braid_task *t = braid_spawn (body, NULL);
  braid_task_cancel (t, NULL);
  if (braid_await_task (t, NULL) == BRAID_ECANCELLED)
    note ("cancelled");
  braid_error_clear ();
  g_assert_true (braid_task_cancelled (t));
  braid_task_unref (t);
  return NULL;
}

/* Rule 14. */
static void
test_cancelled_before_first_step_never_runs_body (void)
{
  g_assert_cmpstr (run_logged (cancel_before_start_main, NULL, true, NULL), ==,
                   "| | | cancelled |");
}

static void *
swallower (void *arg)
{
  if (braid_sleep (10) == BRAID_ECANCELLED)
    {
      braid_error *e = braid_error_catch (BRAID_CANCELLED_ERROR);
      g_assert_cmpstr (braid_error_message (e), ==, "x");
      braid_error_unref (e);
      note ("c1:%d", braid_task_cancelling (braid_task_current ()));
    }
  g_assert_cmpint (braid_yield (), ==, 0);
  note ("c2");
  return GINT_TO_POINTER (7);
}

static void *
self_cancel (void *arg)
{
  braid_task_cancel (braid_task_current (), NULL);
  note ("still-running");
  if (braid_yield () == BRAID_ECANCELLED)
    note ("self-cancelled");
  return NULL;
}

static void *
cancel_once_main (void *arg)
{
  braid_task *t = braid_spawn (swallower, NULL);
  braid_yield ();
  braid_task_cancel (t, "x");
  braid_task_cancel (t, "y");
  note ("cancelling:%d", braid_task_cancelling (t));
  void *r = NULL;
  g_assert_cmpint (braid_await_task (t, &r), ==, 0);
  note ("result:%d", GPOINTER_TO_INT (r));
  braid_task *t2 = braid_spawn (self_cancel, NULL);
  if (braid_await_task (t2, NULL) == BRAID_ECANCELLED)
    note ("t2:%s", braid_task_cancelled (t2) ? "True" : "False");
  braid_error_clear ();
  braid_task_unref (t);
  braid_task_unref (t2);
  return NULL;
}

/* Rule 15: two requests deliver one error (the first message), the task
 * may swallow it and finish normally; cancelling yourself takes effect
 * at your next suspension, even sleep(0). */
static void
test_cancel_is_delivered_once_and_can_be_swallowed (void)
{
  g_assert_cmpstr (run_logged (cancel_once_main, NULL, true, NULL), ==,
                   "| | cancelling:2 | c1:2 | c2 | result:7 | still-running "
                   "| self-cancelled | t2:True |");
}

static void *
finished_child (void *arg)
{
  return NULL;
}

static void *
uncancel_main (void *arg)
{
  braid_task *t = braid_spawn (finished_child, NULL);
  g_assert_true (braid_task_cancel (t, NULL));
  g_assert_true (braid_task_cancel (t, NULL));
  g_assert_cmpint (braid_task_cancelling (t), ==, 2);
  g_assert_cmpint (braid_task_uncancel (t), ==, 1);
  braid_await_task (t, NULL);
  braid_error_clear ();
  g_assert_false (braid_task_cancel (t, NULL));
  braid_task_unref (t);
  return NULL;
}

/* Rule 12/15: cancelling a finished task returns false; uncancel counts
 * down. */
static void
test_cancel_of_a_done_task_returns_false (void)
{
  run_logged (uncancel_main, NULL, true, NULL);
}

static void *
inner_task (void *arg)
{
  braid_sleep (10);
  note ("inner-cleanup");
  /* Cleanup may await: the error stays current meanwhile. */
  braid_error *e = braid_error_catch (BRAID_CANCELLED_ERROR);
  braid_yield ();
  note ("inner-done");
  if (e)
    {
      braid_reraise (e);
      braid_error_unref (e);
    }
  return NULL;
}

static void *
outer_task (void *arg)
{
  braid_task *t = braid_spawn (inner_task, NULL);
  if (braid_await_task (t, NULL) == BRAID_ECANCELLED)
    note ("outer-caught:%s", braid_task_cancelled (t) ? "True" : "False");
  braid_task_unref (t);
  return NULL;
}

static void *
cancel_awaits_task_main (void *arg)
{
  braid_task *o = braid_spawn (outer_task, NULL);
  braid_yield ();
  braid_yield ();
  braid_task_cancel (o, NULL);
  note ("cancel");
  if (braid_await_task (o, NULL) == BRAID_ECANCELLED)
    note ("main");
  braid_error_clear ();
  braid_task_unref (o);
  return NULL;
}

/* Rule 13: cancelling a task that awaits a task cancels the inner one; the
 * outer one wakes once the inner one has finished cancelling. */
static void
test_cancel_reaches_the_awaited_task (void)
{
  g_assert_cmpstr (run_logged (cancel_awaits_task_main, NULL, true, NULL), ==,
                   "| | | cancel | inner-cleanup | inner-done | "
                   "outer-caught:True | main |");
}

static int
level2 (void)
{
  int rc = braid_sleep (10);
  note ("level2-cleanup");
  return rc;
}

static void *
level1 (void *arg)
{
  level2 ();
  note ("level1-cleanup");
  return NULL;
}

static void *
cleanup_main (void *arg)
{
  braid_task *t = braid_spawn (level1, NULL);
  braid_yield ();
  braid_task_cancel (t, NULL);
  if (braid_await_task (t, NULL) == BRAID_ECANCELLED)
    note ("main");
  braid_error_clear ();
  braid_task_unref (t);
  return NULL;
}

/* Rule 15: the error returns up the C calls, so cleanup runs innermost
 * first. */
static void
test_cleanup_runs_innermost_first (void)
{
  g_assert_cmpstr (run_logged (cleanup_main, NULL, true, NULL), ==,
                   "| | | level2-cleanup level1-cleanup | main |");
}

static void *
late_canceller (void *arg)
{
  braid_future *done = braid_future_new (NULL);
  braid_future_set_result (done, GINT_TO_POINTER (1));
  braid_task_cancel (braid_task_current (), "late");
  void *v = NULL;
  g_assert_cmpint (braid_await (done, &v), ==, 0);
  note ("returns:%d", GPOINTER_TO_INT (v));
  braid_future_unref (done);
  return GINT_TO_POINTER (7);
}

/* Awaits @t @n times, noting what each read gives. */
static void
read_task_n_times (braid_task *t, int n)
{
  for (int i = 0; i < n; i++)
    {
      void *r = NULL;
      if (braid_await_task (t, &r) == 0)
        note ("result:%d", GPOINTER_TO_INT (r));
      else
        {
          braid_error *e = braid_error_catch (BRAID_CANCELLED_ERROR);
          g_assert_nonnull (e);
          note ("read%d:%s", i, braid_error_message (e));
          braid_error_unref (e);
        }
    }
}

static void *
cancel_after_last_suspension_main (void *arg)
{
  braid_task *t = braid_spawn (late_canceller, NULL);
  read_task_n_times (t, 2);
  note ("cancelled:%s", braid_task_cancelled (t) ? "True" : "False");
  braid_task_unref (t);
  return NULL;
}

/* Rule 30: a task whose cancellation was requested after its last
 * suspension (here it cancelled itself, and an await of a done future
 * does not suspend) ends cancelled when it returns; its result is
 * dropped and every reader sees the request's message. */
static void
test_cancel_after_last_suspension_still_ends_cancelled (void)
{
  g_assert_cmpstr (run_logged (cancel_after_last_suspension_main, NULL, true,
                               NULL),
                   ==,
                   "| | returns:1 | read0:late read1:late cancelled:True |");
}

static void *
long_sleeper (void *arg)
{
  braid_sleep (10);
  return NULL; /* the CancelledError stays current */
}

static void *
handed_out_once_main (void *arg)
{
  braid_task *t = braid_spawn (long_sleeper, NULL);
  braid_yield ();
  braid_task_cancel (t, "bye");
  read_task_n_times (t, 3);
  braid_task_unref (t);
  return NULL;
}

/* Rule 31: the CancelledError a cancelled task raised goes, with its
 * message, to its first reader; later readers get a new one with no
 * message (asyncio's Future._make_cancelled_error). */
static void
test_cancelled_error_is_handed_out_once (void)
{
  g_assert_cmpstr (run_logged (handed_out_once_main, NULL, true, NULL), ==,
                   "| | | | read0:bye read1: read2: |");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  core_test_init ();
  g_test_add_func (
      "/runtime/cancel/wakes-the-waiter-next-iteration-with-message",
      test_cancel_wakes_the_waiter_next_iteration_with_message);
  g_test_add_func ("/runtime/cancel/before-first-step-never-runs-the-body",
                   test_cancelled_before_first_step_never_runs_body);
  g_test_add_func ("/runtime/cancel/delivered-once-and-can-be-swallowed",
                   test_cancel_is_delivered_once_and_can_be_swallowed);
  g_test_add_func ("/runtime/cancel/done-task-returns-false",
                   test_cancel_of_a_done_task_returns_false);
  g_test_add_func ("/runtime/cancel/reaches-the-awaited-task",
                   test_cancel_reaches_the_awaited_task);
  g_test_add_func ("/runtime/cancel/cleanup-runs-innermost-first",
                   test_cleanup_runs_innermost_first);
  g_test_add_func ("/runtime/cancel/after-last-suspension-still-ends-cancelled",
                   test_cancel_after_last_suspension_still_ends_cancelled);
  g_test_add_func ("/runtime/cancel/cancelled-error-is-handed-out-once",
                   test_cancelled_error_is_handed_out_once);
  return g_test_run ();
}
