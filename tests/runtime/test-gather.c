/* test-gather.c: braid_gather against asyncio.gather (ORDERING.md rules
 * 16, 17 and 11). Each expected log is what the Python twin prints:
 * python3 tests/runtime/python/gather.py <case>.
 */
#include <stdint.h>

#include "combinator-test-util.h"

typedef struct child_spec
{
  const char *name;
  double delay;
  bool fail;
  intptr_t result;
  int cleanup_yields;
} child_spec;

/* Sleeps @delay, then raises ValueError(name) or returns @result. */
static void *
child (void *arg)
{
  const child_spec *s = arg;

  note ("%s-start", s->name);
  if (braid_sleep (s->delay) < 0)
    return NULL;
  if (s->fail)
    {
      note ("%s-raise", s->name);
      braid_raise (BRAID_VALUE_ERROR, "%s", s->name);
      return NULL;
    }
  note ("%s-done", s->name);
  return (void *)s->result;
}

/* Sleeps "forever"; when cancelled, cleans up for @cleanup_yields
 * iterations and re-raises the CancelledError. */
static void *
sleeper (void *arg)
{
  const child_spec *s = arg;
  braid_error *err;

  note ("%s-start", s->name);
  if (braid_sleep (10) == 0)
    return NULL;
  note ("%s-cancelled", s->name);
  err = braid_error_catch (BRAID_CANCELLED_ERROR);
  g_assert_nonnull (err);
  for (int i = 0; i < s->cleanup_yields; i++)
    {
      g_assert_cmpint (braid_yield (), ==, 0);
      note ("%s-cleanup%d", s->name, i);
    }
  braid_reraise (err);
  braid_error_unref (err);
  return NULL;
}

/* python: results_in_argument_order */
static void *
results_in_argument_order (void *unused)
{
  child_spec sa = { "a", 0.03, false, 1, 0 };
  child_spec sb = { "b", 0.01, false, 2, 0 };
  child_spec sc = { "c", 0.02, false, 3, 0 };
  braid_task *t[4];
  void *res[4];

  t[0] = braid_spawn (child, &sa);
  t[1] = braid_spawn (child, &sb);
  t[3] = braid_spawn (child, &sc);
  t[2] = t[0]; /* a duplicate argument counts once */
  g_assert_cmpint (braid_gather_tasks (t, 4, res, NULL, 0), ==, 0);
  note ("results=%d,%d,%d,%d", (int)(intptr_t)res[0], (int)(intptr_t)res[1],
        (int)(intptr_t)res[2], (int)(intptr_t)res[3]);
  braid_task_unref (t[0]);
  braid_task_unref (t[1]);
  braid_task_unref (t[3]);
  return NULL;
}

static void
test_results_in_argument_order (void)
{
  check_run (results_in_argument_order,
             "a-start b-start c-start b-done c-done a-done results=1,2,1,3");
}

/* The gather future's result is the list: awaiting it gives each
 * argument's result in argument order, a duplicate twice; with
 * return_exceptions a failed child's entry is NULL (Python lists its
 * exception, which braid_gather hands out in @errors).
 * python: gather_future_result_is_the_list */
static void *
gather_future_result_is_the_list (void *unused)
{
  child_spec sa = { "a", 0.03, false, 1, 0 };
  child_spec sb = { "b", 0.01, true, 0, 0 };
  child_spec sc = { "c", 0.02, false, 3, 0 };
  braid_task *t[3];
  braid_future *f[4], *outer, *empty;
  void **list = NULL;

  t[0] = braid_spawn (child, &sa);
  t[1] = braid_spawn (child, &sb);
  t[2] = braid_spawn (child, &sc);
  f[0] = braid_task_future (t[0]);
  f[1] = braid_task_future (t[1]);
  f[2] = f[0];
  f[3] = braid_task_future (t[2]);
  outer = braid_gather_future (f, 4, BRAID_GATHER_RETURN_EXCEPTIONS);
  g_assert_cmpint (braid_await (outer, (void **)&list), ==, 0);
  note ("results=%d,%s,%d,%d", (int)(intptr_t)list[0],
        list[1] ? "?" : "ValueError", (int)(intptr_t)list[2],
        (int)(intptr_t)list[3]);
  /* The list is the future's: reading it again gives the same one. */
  void **again = NULL;
  g_assert_cmpint (braid_future_result (outer, (void **)&again), ==, 0);
  g_assert_true (again == list);
  braid_future_unref (outer);
  empty = braid_gather_future (NULL, 0, 0);
  list = (void **)&list;
  g_assert_cmpint (braid_await (empty, (void **)&list), ==, 0);
  note ("empty=%s", list ? "?" : "[]");
  braid_future_unref (empty);
  for (int i = 0; i < 3; i++)
    braid_task_unref (t[i]);
  return NULL;
}

static void
test_gather_future_result_is_the_list (void)
{
  check_run (gather_future_result_is_the_list,
             "a-start b-start c-start b-raise c-done a-done "
             "results=1,ValueError,1,3 empty=[]");
}

/* python: first_error_while_others_keep_running */
static void *
first_error_while_others_keep_running (void *unused)
{
  child_spec sa = { "a", 0.02, true, 0, 0 };
  child_spec sb = { "b", 0.01, true, 0, 0 };
  child_spec sc = { "c", 0.03, false, 3, 0 };
  braid_task *t[3];
  int rc;

  t[0] = braid_spawn (child, &sa);
  t[1] = braid_spawn (child, &sb);
  t[2] = braid_spawn (child, &sc);
  rc = braid_gather_tasks (t, 3, NULL, NULL, 0);
  g_assert_cmpint (rc, ==, BRAID_EFAILED);
  note ("gather-error=%s", catch_message (BRAID_VALUE_ERROR));
  note ("c-done?=%s", braid_task_done (t[2]) ? "True" : "False");
  g_assert_cmpint (braid_sleep (0.05), ==, 0);
  note ("c-done?=%s", braid_task_done (t[2]) ? "True" : "False");
  /* Dropping the tasks must not report a's error, which failed after the
   * gather: the gather's callback read it. */
  for (int i = 0; i < 3; i++)
    braid_task_unref (t[i]);
  return NULL;
}

static void
test_first_error_while_others_keep_running (void)
{
  check_run (first_error_while_others_keep_running,
             "a-start b-start c-start b-raise gather-error=b c-done?=False "
             "a-raise c-done c-done?=True");
}

/* python: return_exceptions_makes_errors_results */
static void *
return_exceptions_makes_errors_results (void *unused)
{
  child_spec sa = { "a", 0.02, true, 0, 0 };
  child_spec sb = { "b", 0.01, false, 2, 0 };
  braid_task *t[2];
  void *res[2];
  braid_error *errs[2];

  t[0] = braid_spawn (child, &sa);
  t[1] = braid_spawn (child, &sb);
  g_assert_cmpint (
      braid_gather_tasks (t, 2, res, errs, BRAID_GATHER_RETURN_EXCEPTIONS), ==,
      0);
  g_assert_nonnull (errs[0]);
  g_assert_null (errs[1]);
  note ("results=%s:%s,%d", braid_error_get_type (errs[0])->name,
        braid_error_message (errs[0]), (int)(intptr_t)res[1]);
  braid_task_unref (t[0]);
  braid_task_unref (t[1]);
  return NULL;
}

static void
test_return_exceptions_makes_errors_results (void)
{
  check_run (return_exceptions_makes_errors_results,
             "a-start b-start b-done a-raise results=ValueError:a,2");
}

/* Rule 32: with RETURN_EXCEPTIONS a cancelled task is listed as a
 * CancelledError with no message, a cancelled future with its message,
 * and listing hands nothing out (rule 31).
 * python: cancelled_children_listed_by_return_exceptions */
static void *
cancelled_children_listed_by_return_exceptions (void *unused)
{
  child_spec sa = { "a", 0, false, 0, 0 };
  braid_task *a = braid_spawn (sleeper, &sa);
  braid_future *f[2] = { braid_task_future (a), braid_future_new (NULL) };
  braid_error *errs[2];

  braid_yield ();
  braid_task_cancel (a, "bye");
  braid_future_cancel (f[1], "fm");
  g_assert_cmpint (
      braid_gather (f, 2, NULL, errs, BRAID_GATHER_RETURN_EXCEPTIONS), ==, 0);
  note ("results=%s:%s,%s:%s", braid_error_get_type (errs[0])->name,
        braid_error_message (errs[0]), braid_error_get_type (errs[1])->name,
        braid_error_message (errs[1]));
  g_assert_cmpint (braid_await (f[0], NULL), ==, BRAID_ECANCELLED);
  note ("task:%s", catch_message (BRAID_CANCELLED_ERROR));
  braid_future_unref (f[1]);
  braid_task_unref (a);
  return NULL;
}

static void
test_cancelled_children_listed_by_return_exceptions (void)
{
  check_run (cancelled_children_listed_by_return_exceptions,
             "a-start a-cancelled results=CancelledError:,CancelledError:fm "
             "task:bye");
}

typedef struct gatherer_args
{
  braid_task *children[3];
  braid_gather_flags flags;
} gatherer_args;

static void *
gatherer (void *arg)
{
  gatherer_args *g = arg;
  int rc = braid_gather_tasks (g->children, 3, NULL, NULL, g->flags);

  if (rc == 0)
    note ("gather-returned");
  else if (rc == BRAID_ECANCELLED)
    /* Leave the CancelledError current: the task ends cancelled. */
    note ("gather-cancelled:%s", braid_error_message (braid_error_current ()));
  return NULL;
}

/* python: cancel_scenario. c cleans up over 3 more iterations, a over 1,
 * b at once; the gather's arguments are c, a, b. Without
 * return_exceptions the gather ends while c still cleans up. */
static void *
cancel_scenario (void *arg)
{
  child_spec sa = { "a", 0, false, 0, 1 };
  child_spec sb = { "b", 0, false, 0, 0 };
  child_spec sc = { "c", 0, false, 0, 3 };
  gatherer_args ga;
  braid_task *a, *b, *c, *g, *t;

  a = braid_spawn (sleeper, &sa);
  b = braid_spawn (sleeper, &sb);
  c = braid_spawn (sleeper, &sc);
  ga = (gatherer_args){ { c, a, b }, GPOINTER_TO_INT (arg) };
  g = braid_spawn (gatherer, &ga);
  braid_yield ();
  braid_yield ();
  t = braid_spawn (ticker, GINT_TO_POINTER (6));
  braid_yield ();
  note ("cancel");
  braid_task_cancel (g, "stop");
  if (braid_await_task (g, NULL) == BRAID_ECANCELLED)
    {
      braid_error_clear ();
      note ("g-cancelled=%s", braid_task_cancelled (g) ? "True" : "False");
    }
  note ("done=%s", braid_task_done (a) ? "True" : "False");
  note ("done=%s", braid_task_done (b) ? "True" : "False");
  note ("done=%s", braid_task_done (c) ? "True" : "False");
  g_assert_cmpint (braid_await_task (t, NULL), ==, 0);
  braid_task_unref (a);
  braid_task_unref (b);
  braid_task_unref (c);
  braid_task_unref (g);
  braid_task_unref (t);
  return NULL;
}

static void
test_cancel_cancels_children_in_argument_order (void)
{
  g_assert_cmpint (run_main (cancel_scenario, GINT_TO_POINTER (0)), ==, 0);
  g_assert_cmpstr (test_log->str, ==,
                   "a-start b-start c-start tick0 cancel tick1 c-cancelled "
                   "a-cancelled b-cancelled tick2 c-cleanup0 a-cleanup0 tick3 "
                   "c-cleanup1 gather-cancelled:stop tick4 c-cleanup2 "
                   "g-cancelled=True done=True done=True done=True tick5");
  g_assert_cmpint (test_never_retrieved, ==, 0);
}

static void
test_cancel_with_return_exceptions_waits_for_all (void)
{
  g_assert_cmpint (run_main (cancel_scenario,
                             GINT_TO_POINTER (BRAID_GATHER_RETURN_EXCEPTIONS)),
                   ==, 0);
  g_assert_cmpstr (test_log->str, ==,
                   "a-start b-start c-start tick0 cancel tick1 c-cancelled "
                   "a-cancelled b-cancelled tick2 c-cleanup0 a-cleanup0 tick3 "
                   "c-cleanup1 tick4 c-cleanup2 tick5 gather-cancelled:stop "
                   "g-cancelled=True done=True done=True done=True");
  g_assert_cmpint (test_never_retrieved, ==, 0);
}

/* python: awaiter_resumes_two_iterations_after_child */
static void *
awaiter_resumes_two_iterations_after_child (void *unused)
{
  braid_future *fut = braid_future_new (NULL);
  waker_args w = { fut, 1, "complete-child", 7 };
  braid_task *t1, *t2;
  void *res[1];

  t1 = braid_spawn (ticker, GINT_TO_POINTER (6));
  t2 = braid_spawn (waker, &w);
  g_assert_cmpint (braid_gather (&fut, 1, res, NULL, 0), ==, 0);
  note ("resumed=%d", (int)(intptr_t)res[0]);
  g_assert_cmpint (braid_sleep (0.01), ==, 0);
  braid_task_unref (t1);
  braid_task_unref (t2);
  braid_future_unref (fut);
  return NULL;
}

static void
test_awaiter_resumes_two_iterations_after_child (void)
{
  check_run (awaiter_resumes_two_iterations_after_child,
             "tick0 tick1 complete-child tick2 tick3 resumed=7 tick4 tick5");
}

static void *
identity (void *arg)
{
  braid_yield ();
  return arg;
}

/* Past the small-input scan, de-duplication sorts: the results must still
 * follow argument order, repeats included. */
static void *
many_children_with_duplicates (void *unused)
{
  enum
  {
    NTASKS = 20,
    NARGS = 50
  };
  braid_task *tasks[NTASKS], *args[NARGS];
  void *res[NARGS];
  int wrong = 0;

  for (int i = 0; i < NTASKS; i++)
    tasks[i] = braid_spawn (identity, GINT_TO_POINTER (i));
  for (int i = 0; i < NARGS; i++)
    args[i] = tasks[(i * 7) % NTASKS];
  g_assert_cmpint (braid_gather_tasks (args, NARGS, res, NULL, 0), ==, 0);
  for (int i = 0; i < NARGS; i++)
    wrong += GPOINTER_TO_INT (res[i]) != (i * 7) % NTASKS;
  note ("wrong=%d", wrong);
  for (int i = 0; i < NTASKS; i++)
    braid_task_unref (tasks[i]);
  return NULL;
}

static void
test_many_children_with_duplicates (void)
{
  check_run (many_children_with_duplicates, "wrong=0");
}

/* A tracer sees the awaiter suspended as GATHER on a gather object. */
static void
test_suspends_as_gather_on_a_gather_object (void)
{
  check_run (results_in_argument_order,
             "a-start b-start c-start b-done c-done a-done results=1,2,1,3");
  g_assert_true (saw_suspension_on (BRAID_WAIT_GATHER, BRAID_OBJ_GATHER));
}

/* Cancelling the gather future itself (not its awaiter) also reaches the
 * children, in argument order. python: gather_future_cancel */
static void *
gather_future_cancel (void *unused)
{
  child_spec sa = { "a", 0, false, 0, 0 };
  child_spec sb = { "b", 0, false, 0, 0 };
  braid_future *f[2];
  braid_future *outer;
  braid_task *a, *b;
  int rc;

  a = braid_spawn (sleeper, &sa);
  b = braid_spawn (sleeper, &sb);
  f[0] = braid_task_future (b);
  f[1] = braid_task_future (a);
  outer = braid_gather_future (f, 2, 0);
  braid_yield ();
  note ("cancel=%s", braid_future_cancel (outer, "bye") ? "True" : "False");
  note ("outer-done=%s", braid_future_done (outer) ? "True" : "False");
  rc = braid_await (outer, NULL);
  g_assert_cmpint (rc, ==, BRAID_ECANCELLED);
  note ("outer:%s", catch_message (BRAID_CANCELLED_ERROR));
  braid_future_unref (outer);
  braid_task_unref (a);
  braid_task_unref (b);
  return NULL;
}

static void
test_gather_future_cancel_cancels_children (void)
{
  check_run (gather_future_cancel,
             "a-start b-start cancel=True outer-done=False b-cancelled "
             "a-cancelled outer:bye");
}

/* Awaits @f and notes NAME:MESSAGE cancelled=STATE. */
static void
note_cancelled_await (const char *name, braid_future *f)
{
  g_assert_cmpint (braid_await (f, NULL), ==, BRAID_ECANCELLED);
  const char *msg = catch_message (BRAID_CANCELLED_ERROR);
  note ("%s:%s cancelled=%s", name, msg,
        braid_future_cancelled (f) ? "True" : "False");
}

/* Rule 32: a cancelled child fails the gather with its CancelledError
 * (cancelled() stays false, as 3.11's _GatheringFuture), a shield of the
 * gather ends the same way, and the gather took the child's error: the
 * task's next reader gets one with no message (rule 31).
 * python: child_cancelled_gather_ends_with_an_exception */
static void *
child_cancelled_gather_ends_with_an_exception (void *unused)
{
  child_spec sa = { "a", 0, false, 0, 0 };
  braid_task *a = braid_spawn (sleeper, &sa);
  braid_future *f = braid_task_future (a);
  braid_future *g = braid_gather_future (&f, 1, 0);
  braid_future *s = braid_shield (g);
  braid_yield ();
  braid_task_cancel (a, "bye");
  note_cancelled_await ("gather", g);
  note_cancelled_await ("shield", s);
  note_cancelled_await ("task", f);
  braid_future_unref (s);
  braid_future_unref (g);
  braid_task_unref (a);
  return NULL;
}

static void
test_child_cancelled_gather_ends_with_an_exception (void)
{
  check_run (child_cancelled_gather_ends_with_an_exception,
             "a-start a-cancelled gather:bye cancelled=False "
             "shield:bye cancelled=False task: cancelled=True");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  test_util_init ();
  g_test_add_func ("/runtime/gather/results-in-argument-order",
                   test_results_in_argument_order);
  g_test_add_func ("/runtime/gather/first-error-while-others-keep-running",
                   test_first_error_while_others_keep_running);
  g_test_add_func ("/runtime/gather/return-exceptions-makes-errors-results",
                   test_return_exceptions_makes_errors_results);
  g_test_add_func ("/runtime/gather/cancel-cancels-children-in-argument-order",
                   test_cancel_cancels_children_in_argument_order);
  g_test_add_func (
      "/runtime/gather/cancel-with-return-exceptions-waits-for-all",
      test_cancel_with_return_exceptions_waits_for_all);
  g_test_add_func (
      "/runtime/gather/cancelled-children-listed-by-return-exceptions",
      test_cancelled_children_listed_by_return_exceptions);
  g_test_add_func (
      "/runtime/gather/child-cancelled-gather-ends-with-an-exception",
      test_child_cancelled_gather_ends_with_an_exception);
  g_test_add_func ("/runtime/gather/future-cancel-cancels-children",
                   test_gather_future_cancel_cancels_children);
  g_test_add_func ("/runtime/gather/awaiter-resumes-two-iterations-after-child",
                   test_awaiter_resumes_two_iterations_after_child);
  g_test_add_func ("/runtime/gather/gather-future-result-is-the-list",
                   test_gather_future_result_is_the_list);
  g_test_add_func ("/runtime/gather/many-children-with-duplicates",
                   test_many_children_with_duplicates);
  g_test_add_func ("/runtime/gather/suspends-as-gather-on-a-gather-object",
                   test_suspends_as_gather_on_a_gather_object);
  return g_test_run ();
}
