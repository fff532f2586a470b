/* test-wait.c: braid_wait against asyncio.wait (ORDERING.md rule 18).
 * Each expected log is what the Python twin prints:
 * python3 tests/runtime/python/wait.py <case>.
 */
#include <stdint.h>

#include "combinator-test-util.h"


/* "D" for done, "P" for pending, in argument order. */
static const char *
flags (const bool *done, size_t n)
{
  static char buf[16];

  for (size_t i = 0; i < n; i++)
    buf[i] = done[i] ? 'D' : 'P';
  buf[n] = '\0';
  return buf;
}

/* python: first_completed_returns_done_and_pending */
static void *
first_completed_returns_done_and_pending (void *unused)
{
  sleeping_child_spec sa = { "a", 0.02, false };
  sleeping_child_spec sb = { "b", 0.01, true };
  sleeping_child_spec sc = { "c", 0.03, false };
  braid_task *t[3];
  bool done[3];
  int n;

  t[0] = braid_spawn (sleeping_child, &sa);
  t[1] = braid_spawn (sleeping_child, &sb);
  t[2] = braid_spawn (sleeping_child, &sc);
  n = braid_wait_tasks (t, 3, BRAID_NO_TIMEOUT, BRAID_FIRST_COMPLETED, done);
  /* wait never raises the tasks' errors. */
  g_assert_null (braid_error_current ());
  note ("first=%s:%d", flags (done, 3), n);
  n = braid_wait_tasks (t, 3, BRAID_NO_TIMEOUT, BRAID_ALL_COMPLETED, done);
  note ("all=%s:%d", flags (done, 3), n);
  note ("b-error=%s", braid_error_message (braid_task_error (t[1])));
  for (int i = 0; i < 3; i++)
    braid_task_unref (t[i]);
  return NULL;
}

static void
test_first_completed_returns_done_and_pending (void)
{
  check_run (first_completed_returns_done_and_pending,
             "a-start b-start c-start b-raise first=PDP:1 a-done c-done "
             "all=DDD:3 b-error=b");
}

/* python: first_exception_returns_after_the_failure */
static void *
first_exception_returns_after_the_failure (void *unused)
{
  sleeping_child_spec sa = { "a", 0.01, false };
  sleeping_child_spec sb = { "b", 0.02, true };
  sleeping_child_spec sc = { "c", 0.03, false };
  braid_task *t[3];
  bool done[3];
  int n;

  t[0] = braid_spawn (sleeping_child, &sa);
  t[1] = braid_spawn (sleeping_child, &sb);
  t[2] = braid_spawn (sleeping_child, &sc);
  n = braid_wait_tasks (t, 3, BRAID_NO_TIMEOUT, BRAID_FIRST_EXCEPTION, done);
  g_assert_null (braid_error_current ());
  note ("first-exception=%s:%d", flags (done, 3), n);
  g_assert_cmpint (braid_await_task (t[2], NULL), ==, 0);
  /* FIRST_EXCEPTION read b's error, as asyncio's f.exception() does, so
   * dropping b reports nothing. */
  for (int i = 0; i < 3; i++)
    braid_task_unref (t[i]);
  return NULL;
}

static void
test_first_exception_returns_after_the_failure (void)
{
  check_run (first_exception_returns_after_the_failure,
             "a-start b-start c-start a-done b-raise first-exception=DDP:2 "
             "c-done");
}

/* python: timeout_returns_pending_without_cancelling */
static void *
timeout_returns_pending_without_cancelling (void *unused)
{
  sleeping_child_spec sa = { "a", 0.05, false };
  braid_task *a = braid_spawn (sleeping_child, &sa);
  void *res = NULL;
  bool done[1];
  int n;

  n = braid_wait_tasks (&a, 1, 0.02, BRAID_ALL_COMPLETED, done);
  note ("timeout=%s:%d cancelled=%s", flags (done, 1), n,
        braid_task_cancelled (a) ? "True" : "False");
  g_assert_cmpint (braid_await_task (a, &res), ==, 0);
  note ("a=%s", (const char *)res);
  braid_task_unref (a);
  return NULL;
}

static void
test_timeout_returns_pending_without_cancelling (void)
{
  check_run (timeout_returns_pending_without_cancelling,
             "a-start timeout=P:0 cancelled=False a-done a=a");
}

/* python: waiter_resumes_two_iterations_after_completion. Even a future
 * already done goes through its queued callback. */
static void *
waiter_resumes_two_iterations_after_completion (void *unused)
{
  braid_future *fut = braid_future_new (NULL);
  waker_args w = { fut, 1, "complete", 0 };
  braid_task *t1, *t2;

  t1 = braid_spawn (ticker, GINT_TO_POINTER (6));
  t2 = braid_spawn (waker, &w);
  note ("resumed=%d", braid_wait (&fut, 1, BRAID_NO_TIMEOUT, BRAID_ALL_COMPLETED, NULL));
  note ("again=%d", braid_wait (&fut, 1, BRAID_NO_TIMEOUT, BRAID_ALL_COMPLETED, NULL));
  g_assert_cmpint (braid_sleep (0.01), ==, 0);
  braid_task_unref (t1);
  braid_task_unref (t2);
  braid_future_unref (fut);
  return NULL;
}

static void
test_waiter_resumes_two_iterations_after_completion (void)
{
  check_run (waiter_resumes_two_iterations_after_completion,
             "tick0 tick1 complete tick2 tick3 resumed=1 tick4 tick5 again=1");
}

/* A tracer sees the caller suspended as WAIT on a wait object. */
static void
test_suspends_as_wait_on_a_wait_object (void)
{
  check_run (timeout_returns_pending_without_cancelling,
             "a-start timeout=P:0 cancelled=False a-done a=a");
  g_assert_true (saw_suspension_on (BRAID_WAIT_WAIT, BRAID_OBJ_WAIT));
}

static void *
empty_set_is_a_value_error (void *unused)
{
  bool done[1];

  g_assert_cmpint (braid_wait (NULL, 0, BRAID_NO_TIMEOUT, BRAID_ALL_COMPLETED, done), ==,
                   BRAID_EINVAL);
  g_assert_nonnull (catch_message (BRAID_VALUE_ERROR));
  note ("ok");
  return NULL;
}

static void
test_empty_set_is_a_value_error (void)
{
  check_run (empty_set_is_a_value_error, "ok");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  test_util_init ();
  g_test_add_func ("/runtime/wait/first-completed-returns-done-and-pending",
                   test_first_completed_returns_done_and_pending);
  g_test_add_func ("/runtime/wait/first-exception-returns-after-the-failure",
                   test_first_exception_returns_after_the_failure);
  g_test_add_func ("/runtime/wait/timeout-returns-pending-without-cancelling",
                   test_timeout_returns_pending_without_cancelling);
  g_test_add_func (
      "/runtime/wait/waiter-resumes-two-iterations-after-completion",
      test_waiter_resumes_two_iterations_after_completion);
  g_test_add_func ("/runtime/wait/empty-set-is-a-value-error",
                   test_empty_set_is_a_value_error);
  g_test_add_func ("/runtime/wait/suspends-as-wait-on-a-wait-object",
                   test_suspends_as_wait_on_a_wait_object);
  return g_test_run ();
}
