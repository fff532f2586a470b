/* test-as-completed.c: braid_as_completed_* against asyncio.as_completed
 * (ORDERING.md rule 18). Each expected log is what the Python twin prints:
 * python3 tests/runtime/python/as_completed.py <case>.
 */
#include <stdint.h>

#include "combinator-test-util.h"


/* python: yields_in_completion_order */
static void *
yields_in_completion_order (void *unused)
{
  sleeping_child_spec sa = { "a", 0.03, false };
  sleeping_child_spec sb = { "b", 0.01, false };
  sleeping_child_spec sc = { "c", 0.02, true };
  braid_task *t[3];
  braid_as_completed *it;

  t[0] = braid_spawn (sleeping_child, &sa);
  t[1] = braid_spawn (sleeping_child, &sb);
  t[2] = braid_spawn (sleeping_child, &sc);
  it = braid_as_completed_new_tasks (t, 3, BRAID_NO_TIMEOUT);
  g_assert_nonnull (it);
  while (braid_as_completed_remaining (it) > 0)
    {
      braid_future *which = NULL;
      void *res = NULL;
      int rc = braid_as_completed_next (it, &which, &res);
      g_assert_nonnull (which);
      if (rc == 0)
        note ("got=%s", (const char *)res);
      else
        note ("error=%s", catch_message (BRAID_VALUE_ERROR));
    }
  /* Past the end: InvalidStateError. */
  g_assert_cmpint (braid_as_completed_next (it, NULL, NULL), ==,
                   BRAID_EINVALSTATE);
  braid_error_clear ();
  braid_as_completed_free (it);
  for (int i = 0; i < 3; i++)
    braid_task_unref (t[i]);
  return NULL;
}

static void
test_yields_in_completion_order (void)
{
  check_run (yields_in_completion_order,
             "a-start b-start c-start b-done got=b c-raise error=c a-done "
             "got=a");
}

/* python: timeout_leaves_tasks_running */
static void *
timeout_leaves_tasks_running (void *unused)
{
  sleeping_child_spec sa = { "a", 0.01, false };
  sleeping_child_spec sb = { "b", 0.05, false };
  sleeping_child_spec sc = { "c", 0.06, false };
  braid_task *t[3];
  braid_as_completed *it;
  void *res;

  t[0] = braid_spawn (sleeping_child, &sa);
  t[1] = braid_spawn (sleeping_child, &sb);
  t[2] = braid_spawn (sleeping_child, &sc);
  it = braid_as_completed_new_tasks (t, 3, 0.02);
  while (braid_as_completed_remaining (it) > 0)
    {
      int rc = braid_as_completed_next (it, NULL, &res);
      if (rc == 0)
        note ("got=%s", (const char *)res);
      else
        {
          g_assert_cmpint (rc, ==, BRAID_ETIMEDOUT);
          g_assert_nonnull (catch_message (BRAID_TIMEOUT_ERROR));
          note ("timeout");
        }
    }
  braid_as_completed_free (it);
  note ("cancelled=%s,%s", braid_task_cancelled (t[1]) ? "True" : "False",
        braid_task_cancelled (t[2]) ? "True" : "False");
  g_assert_cmpint (braid_await_task (t[1], &res), ==, 0);
  note ("b=%s", (const char *)res);
  g_assert_cmpint (braid_await_task (t[2], &res), ==, 0);
  note ("c=%s", (const char *)res);
  for (int i = 0; i < 3; i++)
    braid_task_unref (t[i]);
  return NULL;
}

static void
test_timeout_leaves_tasks_running (void)
{
  check_run (timeout_leaves_tasks_running,
             "a-start b-start c-start a-done got=a timeout timeout "
             "cancelled=False,False b-done b=b c-done c=c");
  g_assert_true (saw_suspension_on (BRAID_WAIT_WAIT, BRAID_OBJ_WAIT));
}

/* python: next_resumes_two_iterations_after_completion */
static void *
next_resumes_two_iterations_after_completion (void *unused)
{
  braid_future *fut = braid_future_new (NULL);
  waker_args w = { fut, 1, "complete", 5 };
  braid_as_completed *it = braid_as_completed_new (&fut, 1, BRAID_NO_TIMEOUT);
  braid_task *t1, *t2;
  void *res = NULL;

  t1 = braid_spawn (ticker, GINT_TO_POINTER (6));
  t2 = braid_spawn (waker, &w);
  g_assert_cmpint (braid_as_completed_next (it, NULL, &res), ==, 0);
  note ("got=%d", (int)(intptr_t)res);
  braid_as_completed_free (it);
  g_assert_cmpint (braid_sleep (0.01), ==, 0);
  braid_task_unref (t1);
  braid_task_unref (t2);
  braid_future_unref (fut);
  return NULL;
}

static void
test_next_resumes_two_iterations_after_completion (void)
{
  check_run (next_resumes_two_iterations_after_completion,
             "tick0 tick1 complete tick2 tick3 got=5 tick4 tick5");
}

/* Freeing the iterator early, with futures still running, leaves them
 * running and leaks nothing (checked under ASan). */
static void *
free_early_leaves_futures_running (void *unused)
{
  sleeping_child_spec sa = { "a", 0.01, false };
  braid_task *a = braid_spawn (sleeping_child, &sa);
  braid_as_completed *it = braid_as_completed_new_tasks (&a, 1, 0.5);

  braid_as_completed_free (it);
  g_assert_cmpint (braid_await_task (a, NULL), ==, 0);
  note ("cancelled=%s", braid_task_cancelled (a) ? "True" : "False");
  braid_task_unref (a);
  return NULL;
}

static void
test_free_early_leaves_futures_running (void)
{
  check_run (free_early_leaves_futures_running,
             "a-start a-done cancelled=False");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  test_util_init ();
  g_test_add_func ("/runtime/as-completed/yields-in-completion-order",
                   test_yields_in_completion_order);
  g_test_add_func ("/runtime/as-completed/timeout-leaves-tasks-running",
                   test_timeout_leaves_tasks_running);
  g_test_add_func (
      "/runtime/as-completed/next-resumes-two-iterations-after-completion",
      test_next_resumes_two_iterations_after_completion);
  g_test_add_func ("/runtime/as-completed/free-early-leaves-futures-running",
                   test_free_early_leaves_futures_running);
  return g_test_run ();
}
