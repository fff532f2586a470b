/* test-future.c: futures and awaiting (runtime/ORDERING.md rules 10-12):
 * callbacks are queued in registration order and never run inline, an
 * awaiter resumes one iteration after the completion, and the
 * InvalidStateError cases. Logs compared with
 * tests/runtime/python/core_rules.py.
 */
#include "braid-internal.h"
#include "test-core-util.h"

static void
cb_note (braid_future *f, void *data)
{
  note ("%s", (const char *)data);
}

static void *
callbacks_main (void *arg)
{
  braid_future *f = braid_future_new (NULL);
  braid_future_add_done_callback (f, cb_note, "cb1");
  braid_future_add_done_callback (f, cb_note, "cb2");
  braid_future_set_result (f, NULL);
  note ("set");
  braid_future_add_done_callback (f, cb_note, "cb3");
  note ("added");
  braid_yield ();
  note ("main");
  braid_yield ();
  braid_future_unref (f);
  return NULL;
}

/* Rule 10. */
static void
test_callbacks_are_queued_in_registration_order (void)
{
  g_assert_cmpstr (run_logged (callbacks_main, NULL, true, NULL), ==,
                   "| set added | cb1 cb2 cb3 main | |");
}

static void *
quick_child (void *arg)
{
  note ("child");
  return NULL;
}

static void *
ticker4 (void *arg)
{
  for (int i = 0; i < 4; i++)
    {
      note ("t%d", i);
      braid_yield ();
    }
  return NULL;
}

static void *
awaiter_main (void *arg)
{
  braid_task *tk = braid_spawn (ticker4, NULL);
  braid_task *c = braid_spawn (quick_child, NULL);
  braid_await_task (c, NULL);
  note ("main-resumed");
  braid_await_task (tk, NULL);
  braid_task_unref (c);
  braid_task_unref (tk);
  return NULL;
}

/* Rule 11: the child ends in the iteration of t0; main resumes in the
 * next one, beside t1. */
static void
test_awaiter_resumes_one_iteration_after_completion (void)
{
  g_assert_cmpstr (run_logged (awaiter_main, NULL, true, NULL), ==,
                   "| | t0 child | t1 main-resumed | t2 | t3 | | |");
}

static void *
invalid_state_main (void *arg)
{
  braid_future *f = braid_future_new (NULL);
  void *r;
  g_assert_cmpint (braid_future_result (f, &r), ==, BRAID_EINVALSTATE);
  g_assert_true (
      braid_error_is (braid_error_current (), BRAID_INVALID_STATE_ERROR));
  braid_error_clear ();
  g_assert_null (braid_future_error (f));
  g_assert_true (
      braid_error_is (braid_error_current (), BRAID_INVALID_STATE_ERROR));
  braid_error_clear ();
  g_assert_cmpint (braid_future_set_result (f, GINT_TO_POINTER (1)), ==, 0);
  g_assert_cmpint (braid_future_set_result (f, NULL), ==, BRAID_EINVALSTATE);
  g_assert_true (
      braid_error_is (braid_error_current (), BRAID_INVALID_STATE_ERROR));
  braid_error_clear ();
  braid_raise (BRAID_VALUE_ERROR, "late");
  braid_error *e = braid_error_catch (BRAID_VALUE_ERROR);
  g_assert_cmpint (braid_future_set_error (f, e), ==, BRAID_EINVALSTATE);
  braid_error_clear ();
  braid_error_unref (e);
  g_assert_false (braid_future_cancel (f, NULL));
  g_assert_false (braid_future_cancelled (f));
  g_assert_cmpint (braid_future_result (f, &r), ==, 0);
  g_assert_cmpint (GPOINTER_TO_INT (r), ==, 1);
  braid_future_unref (f);
  return NULL;
}

/* Rule 12. */
static void
test_pending_read_and_double_completion_are_invalid_state (void)
{
  run_logged (invalid_state_main, NULL, true, NULL);
}

static void *
error_future_main (void *arg)
{
  braid_future *f = braid_future_new (NULL);
  braid_raise (BRAID_VALUE_ERROR, "bad %d", 3);
  braid_error *e = braid_error_catch (BRAID_EXCEPTION);
  g_assert_nonnull (e);
  g_assert_null (braid_error_current ());
  g_assert_cmpint (braid_future_set_error (f, e), ==, 0);
  g_assert_cmpint (braid_await (f, NULL), ==, BRAID_EFAILED);
  g_assert_true (braid_error_current () == e);
  braid_error_clear ();
  braid_error_unref (e);
  /* A cancelled future raises CancelledError with its message. */
  braid_future *g = braid_future_new (NULL);
  g_assert_true (braid_future_cancel (g, "stop"));
  g_assert_true (braid_future_cancelled (g));
  g_assert_cmpint (braid_await (g, NULL), ==, BRAID_ECANCELLED);
  g_assert_cmpstr (braid_error_message (braid_error_current ()), ==, "stop");
  braid_error_clear ();
  /* remove_done_callback removes every registration of fn + data. */
  braid_future *h = braid_future_new (NULL);
  braid_future_add_done_callback (h, cb_note, "x");
  braid_future_add_done_callback (h, cb_note, "y");
  braid_future_add_done_callback (h, cb_note, "x");
  g_assert_cmpint (braid_future_remove_done_callback (h, cb_note, "x"), ==, 2);
  braid_future_set_result (h, NULL);
  braid_yield ();
  braid_future_unref (f);
  braid_future_unref (g);
  braid_future_unref (h);
  return NULL;
}

static void
test_await_raises_the_futures_error (void)
{
  g_assert_cmpstr (run_logged (error_future_main, NULL, true, NULL), ==,
                   "| | y |");
  g_assert_cmpint (core_count_never_retrieved, ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  core_test_init ();
  g_test_add_func ("/runtime/future/callbacks-are-queued-in-registration-order",
                   test_callbacks_are_queued_in_registration_order);
  g_test_add_func (
      "/runtime/future/awaiter-resumes-one-iteration-after-completion",
      test_awaiter_resumes_one_iteration_after_completion);
  g_test_add_func (
      "/runtime/future/pending-read-and-double-completion-are-invalid-state",
      test_pending_read_and_double_completion_are_invalid_state);
  g_test_add_func ("/runtime/future/await-raises-the-futures-error",
                   test_await_raises_the_futures_error);
  return g_test_run ();
}
