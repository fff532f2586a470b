/* test-diagnostics.c: asyncio's warnings with sites, on stderr
 * (runtime/ORDERING.md rules 27-28, and 41: an abandoned task), the
 * deadlock report and the slow step. Each case runs in a subprocess so
 * its stderr can be checked.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <glib.h>

#include "braid-internal.h"

static const int fails_raise_line = __LINE__ + 4;
static void *
fails (void *arg)
{
  braid_raise (BRAID_VALUE_ERROR, "lost %d", 7);
  return NULL;
}

static const int spawn_line = __LINE__ + 4;
static void *
fire_and_forget_main (void *arg)
{
  braid_task *t = braid_spawn (fails, NULL);
  braid_task_unref (t); /* the loop's reference is now the last one */
  braid_yield ();
  braid_print ("after\n");
  braid_yield ();
  return NULL;
}

/* Rule 27: reported when the loop drops its reference to the finished
 * task (nobody else holds one), with the creation and raise sites, before
 * the main task's next step. */
static void
test_never_retrieved_when_last_reference_drops (void)
{
  if (g_test_subprocess ())
    {
      braid_run (fire_and_forget_main, NULL, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("after\n");
  char *want = g_strdup_printf (
      "braid: Task exception was never retrieved\n"
      "  task: Task-2 (function fails, created at *test-diagnostics.c:%d by "
      "Task-1)\n"
      "  error: ValueError: lost 7 (raised at *test-diagnostics.c:%d in "
      "fails)\n",
      spawn_line, fails_raise_line);
  g_test_trap_assert_stderr (want);
  g_free (want);
}

static void *
awaited_main (void *arg)
{
  braid_task *t = braid_spawn (fails, NULL);
  g_assert_cmpint (braid_await_task (t, NULL), ==, BRAID_EFAILED);
  braid_error_clear ();
  braid_task_unref (t);
  braid_task *u = braid_spawn (fails, NULL);
  braid_yield ();
  braid_yield ();
  g_assert_nonnull (braid_task_error (u)); /* reading marks it retrieved */
  braid_task_unref (u);
  return NULL;
}

static void
test_retrieved_errors_are_not_reported (void)
{
  if (g_test_subprocess ())
    {
      braid_run (awaited_main, NULL, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("");
}

static braid_task *kept;

static void *
keep_main (void *arg)
{
  kept = braid_spawn (fails, NULL);
  braid_yield ();
  braid_yield ();
  return NULL;
}

/* Rule 27: a failed task still referenced when its loop closes. */
static void
test_never_retrieved_at_loop_close (void)
{
  if (g_test_subprocess ())
    {
      braid_run (keep_main, NULL, NULL);
      fprintf (stderr, "closed\n");
      braid_task_unref (kept); /* reported once only */
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("braid: Task exception was never retrieved\n"
                             "  task: Task-2 (function fails, *)\n"
                             "  error: ValueError: lost 7 *\nclosed\n");
}

static void *
sleeps_long (void *arg)
{
  braid_sleep (50);
  return NULL;
}

static void *
gathered_child (void *arg)
{
  braid_sleep (60);
  return NULL;
}

static void
complete_future (void *data)
{
  braid_future_set_result (data, NULL);
}

/* Rule 28: a task pending when its loop closes, naming what it waits on;
 * a gather's child is exempt. */
static void
test_destroyed_pending_at_loop_close (void)
{
  if (g_test_subprocess ())
    {
      braid_loop *loop = braid_loop_new ();
      braid_loop_set_clock (loop, BRAID_CLOCK_VIRTUAL);
      braid_task *a = braid_loop_spawn (loop, NULL, sleeps_long, NULL);
      braid_task *g = braid_loop_spawn (loop, NULL, gathered_child, NULL);
      braid__future_set_gathered (braid_task_future (g));
      braid_future *f = braid_future_new (loop);
      braid__call_later (loop, 1000000, complete_future, f);
      braid_loop_run_until_complete (loop, f, NULL);
      braid_future_unref (f);
      braid_task_unref (a);
      braid_task_unref (g);
      braid_loop_close (loop);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr (
      "braid: Task was destroyed but it is pending!\n"
      "  task: Task-* (function sleeps_long, created at "
      "*test-diagnostics.c:* by the main program), waiting on a sleep\n");
  /* The pattern's wildcards would also match a second report, so the
   * gathered child's absence is checked on its own. */
  g_test_trap_assert_stderr_unmatched ("*gathered_child*");
}

/* A plain future's error nobody read is reported when it is freed. */
static void
test_future_exception_never_retrieved (void)
{
  if (g_test_subprocess ())
    {
      braid_loop *loop = braid_loop_new ();
      braid_future *f = braid_future_new (loop);
      braid_raise_at (BRAID_OS_ERROR, "io.c", 5, "read_all", "broken pipe");
      braid_error *e = braid_error_catch (BRAID_OS_ERROR);
      braid_future_set_error (f, e);
      braid_error_unref (e);
      braid_future_unref (f);
      braid_loop_close (loop);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("braid: Future exception was never retrieved\n"
                             "  future: id *\n"
                             "  error: OSError: broken pipe (raised at "
                             "io.c:5 in read_all)\n");
}

static void
raising_callback (braid_future *f, void *data)
{
  braid_raise (BRAID_VALUE_ERROR, "oops");
}

/* An error a callback leaves current is reported and cleared (asyncio's
 * "Exception in callback"); the thread's own error is kept. */
static void
test_error_left_by_a_callback_is_reported (void)
{
  if (g_test_subprocess ())
    {
      braid_loop *loop = braid_loop_new ();
      braid_future *f = braid_future_new (loop);
      braid_future_add_done_callback (f, raising_callback, NULL);
      braid_future_set_result (f, NULL);
      braid_raise (BRAID_RUNTIME_ERROR, "the thread's own");
      g_assert_cmpint (braid_loop_run_until_complete (loop, f, NULL), ==, 0);
      g_assert_cmpstr (braid_error_message (braid_error_current ()), ==,
                       "the thread's own");
      braid_error_clear ();
      braid_future_unref (f);
      braid_loop_close (loop);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* The callback is a static function of the test: no symbol names it,
   * the registration's site does. */
  g_test_trap_assert_stderr ("braid: error in callback raising_callback "
                             "(added at *test-diagnostics.c:*): ValueError: "
                             "oops (raised at *test-diagnostics.c:* in "
                             "raising_callback)\n");
}

static braid_future *never;

static void *
waits_forever (void *arg)
{
  braid_await (never, NULL);
  return NULL;
}

/* Every task waits on something nobody can complete: run_until_complete
 * returns BRAID_EDEADLK after naming each waiting task. */
static void
test_deadlock_is_reported_and_returned (void)
{
  if (g_test_subprocess ())
    {
      braid_loop *loop = braid_loop_new ();
      never = braid_future_new (loop);
      braid_task *a = braid_loop_spawn (loop, "waiter", waits_forever, NULL);
      int rc
          = braid_loop_run_until_complete (loop, braid_task_future (a), NULL);
      g_assert_cmpint (rc, ==, BRAID_EDEADLK);
      g_assert_true (
          braid_error_is (braid_error_current (), BRAID_RUNTIME_ERROR));
      braid_error_clear ();
      braid_future_cancel (never, NULL);
      rc = braid_loop_run_until_complete (loop, braid_task_future (a), NULL);
      g_assert_cmpint (rc, ==, BRAID_ECANCELLED);
      braid_error_clear ();
      braid_task_unref (a);
      braid_future_unref (never);
      braid_loop_close (loop);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr (
      "braid: deadlock: no task can run and nothing can wake any of them (1 "
      "waiting)\n"
      "  waiter (function waits_forever, created at *) waits on a future (id "
      "*)\n");
}

static void *
blocks (void *arg)
{
  usleep (120 * 1000); /* the time.sleep mistake */
  braid_yield ();
  return NULL;
}

static void
test_slow_step_names_the_task (void)
{
  if (g_test_subprocess ())
    {
      braid_loop *loop = braid_loop_new ();
      braid_loop_set_slow_step_ns (loop, 30 * 1000000ull);
      braid_task *a = braid_loop_spawn (loop, "blocker", blocks, NULL);
      braid_loop_run_until_complete (loop, braid_task_future (a), NULL);
      braid_task_unref (a);
      braid_loop_close (loop);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("braid: slow step: blocker (function blocks, "
                             "created at *) held the loop for at least * ms "
                             "without suspending (threshold 30 ms)*");
}

static void *
never_yields (void *arg)
{
  (void)arg;
  usleep (450 * 1000); /* a step that does not yield for a long while */
  fprintf (stderr, "step ends\n");
  return NULL;
}

/* A step still running at 10 times the threshold is reported by the
 * watchdog thread while it runs, once, besides the report at its end. */
static void
test_step_still_running_is_reported_while_it_runs (void)
{
  if (g_test_subprocess ())
    {
      braid_loop *loop = braid_loop_new ();
      braid_loop_set_slow_step_ns (loop, 20 * 1000000ull);
      braid_task *a = braid_loop_spawn (loop, "spinner", never_yields, NULL);
      braid_loop_run_until_complete (loop, braid_task_future (a), NULL);
      braid_task_unref (a);
      braid_loop_close (loop);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr (
      "braid: task 'spinner' (never_yields, created at "
      "*test-diagnostics.c:*) has held the loop for 0.* s without "
      "yielding\nstep ends\nbraid: slow step: spinner *");
  g_test_trap_assert_stderr_unmatched ("*has held*has held*");
}

static void
run_blocker_with_env (const char *ms)
{
  setenv ("BRAID_SLOW_STEP_MS", ms, 1);
  braid_loop *loop = braid_loop_new ();
  braid_task *a = braid_loop_spawn (loop, "blocker", blocks, NULL);
  braid_loop_run_until_complete (loop, braid_task_future (a), NULL);
  braid_task_unref (a);
  braid_loop_close (loop);
}

/* BRAID_SLOW_STEP_MS sets the threshold; 0 disables the report. */
static void
test_slow_step_threshold_from_the_environment (void)
{
  if (g_test_subprocess ())
    {
      run_blocker_with_env ("40");
      run_blocker_with_env ("0");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("braid: slow step: blocker *(threshold 40 "
                             "ms): a blocking call in a task?\n");
}

/* ------------------------------------------------------------------
 * Rule 41: a pending task that nothing can wake any more is reported
 * when that becomes true. The hook collects the names reported since the
 * last drop; the log is what the twin, abandoned_task_is_reported in
 * tests/runtime/python/core_rules.py, prints under CPython.
 * ------------------------------------------------------------------ */

static GPtrArray *abandon_reported;
static GString *abandon_log;

static void
abandon_hook (void *user_data, const braid_event *event)
{
  if (event->kind == BRAID_EV_TASK_DESTROYED_PENDING)
    g_ptr_array_add (abandon_reported, g_strdup (event->str1));
}

static gint
compare_names (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char *const *)a, *(char *const *)b);
}

/* Logs "WORD:NAMES", the tasks reported since the last call, sorted ("-"
 * for none). */
static void
dropped (const char *word)
{
  g_ptr_array_sort (abandon_reported, compare_names);
  g_string_append_printf (abandon_log, "%s%s:", abandon_log->len ? " " : "",
                          word);
  if (abandon_reported->len == 0)
    g_string_append (abandon_log, "-");
  for (guint i = 0; i < abandon_reported->len; i++)
    g_string_append_printf (abandon_log, "%s%s", i ? "," : "",
                            (char *)g_ptr_array_index (abandon_reported, i));
  g_ptr_array_set_size (abandon_reported, 0);
}

static void *
waits_on (void *arg)
{
  if (braid_await (arg, NULL) < 0)
    braid_error_clear ();
  return NULL;
}

static void *
sleeps_briefly (void *arg)
{
  braid_sleep (0.01);
  return NULL;
}

static void
install_abandon_hook (void)
{
  abandon_reported = g_ptr_array_new_with_free_func (g_free);
  abandon_log = g_string_new (NULL);
  g_assert_cmpint (braid_hooks_install (abandon_hook, NULL), ==, 0);
}

static const int lost_line = __LINE__ + 5;
static void *
abandon_main (void *arg)
{
  braid_future *f = braid_future_new (NULL);
  braid_task *lost = braid_spawn_named ("lost", waits_on, f);
  braid_future *held = braid_future_new (NULL);
  braid_task *kept_task = braid_spawn_named ("kept", waits_on, held);
  braid_future *g = braid_future_new (NULL);
  braid_task *inner = braid_spawn_named ("inner", waits_on, g);
  braid_task *outer
      = braid_spawn_named ("outer", waits_on, braid_task_future (inner));
  braid_task *sleepy = braid_spawn_named ("sleepy", sleeps_briefly, NULL);

  braid_yield ();
  braid_task_unref (lost);
  dropped ("task"); /* its future is still held */
  braid_future_unref (f);
  dropped ("future");
  braid_task_unref (kept_task);
  dropped ("kept");
  braid_task_unref (sleepy);
  dropped ("sleepy");
  braid_task_unref (inner);
  dropped ("inner");
  braid_task_unref (outer);
  dropped ("outer");
  braid_future_unref (g);
  dropped ("chain");
  braid_future_set_result (held, NULL);
  braid_future_unref (held);
  braid_sleep (0.05);
  g_string_append (abandon_log, " end");
  printf ("%s\n", abandon_log->str);
  return NULL;
}

/* Rule 41, with its twin: reported at the drop of the last reference from
 * outside the tasks that wait (the future's after the task's; the bottom
 * future's of a chain of two tasks), with name, site and what it waits
 * on; a task whose future is still held, a sleeping task, a chain whose
 * bottom future is held, are not. */
static void
test_abandoned_task_is_reported_when_nothing_can_wake_it (void)
{
  if (g_test_subprocess ())
    {
      install_abandon_hook ();
      g_assert_cmpint (braid_run (abandon_main, NULL, NULL), ==, 0);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  /* The twin's log, word for word (check_core_twins.py reads it here). */
  char *log = g_strdup_printf ("%s\n", "task:- future:lost kept:- sleepy:- "
                                       "inner:- outer:- chain:inner,outer end");
  g_test_trap_assert_stdout (log);
  g_free (log);
  char *want = g_strdup_printf (
      "braid: Task was destroyed but it is pending!\n"
      "  task: lost (function waits_on, created at *test-diagnostics.c:%d "
      "by Task-*), waiting on a future (id *)\n"
      "  nothing can wake it: no reference to it, or to what it waits on, "
      "is left outside the tasks that wait\n"
      "braid: Task was destroyed but it is pending!\n"
      "  task: inner (function waits_on, *), waiting on a future (id *)\n"
      "  nothing can wake it: *\n"
      "braid: Task was destroyed but it is pending!\n"
      "  task: outer (function waits_on, *), waiting on task inner (id *)\n"
      "  nothing can wake it: *\n",
      lost_line);
  g_test_trap_assert_stderr (want);
  g_free (want);
  /* Reported once: the loop's close does not report them again. */
  g_test_trap_assert_stderr_unmatched ("*pending!*pending!*pending!*pending!*");
}

static void
complete_and_release (void *data)
{
  braid_future_set_result (data, NULL);
  braid_future_unref (data);
}

/* Waits on a future only its own stack holds. */
static void *
waits_on_its_own (void *arg)
{
  braid_future *mine = braid_future_new (NULL);
  if (braid_await (mine, NULL) < 0)
    braid_error_clear ();
  braid_future_unref (mine);
  return NULL;
}

static void *
not_reported_main (void *arg)
{
  /* A callback that will complete the future holds a reference. */
  braid_future *f = braid_future_new (NULL);
  braid_task *t = braid_spawn (waits_on, f);
  braid_handle_unref (braid_call_later (NULL, 0.01, complete_and_release,
                                        braid_future_ref (f)));
  braid_yield ();
  braid_task_unref (t);
  braid_future_unref (f);
  dropped ("callback");
  /* Counted references do not show this task as abandoned (CPython's
   * collector would free it), so nothing is reported: the rule never
   * guesses. */
  braid_task *own = braid_spawn (waits_on_its_own, NULL);
  braid_yield ();
  braid_task_unref (own);
  dropped ("own");
  braid_sleep (0.05);
  printf ("%s\n", abandon_log->str);
  return NULL;
}

/* Rule 41's limits: a future that a pending callback holds a reference to
 * is not abandoned, and a task waiting on a future only its own stack
 * holds is not reported (braid's own cases: CPython decides on its
 * collector, not on counted references). braid_run cancels that task at
 * its end, silently. */
static void
test_abandoned_rule_reports_only_what_references_prove (void)
{
  if (g_test_subprocess ())
    {
      install_abandon_hook ();
      g_assert_cmpint (braid_run (not_reported_main, NULL, NULL), ==, 0);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("callback:- own:-\n");
  g_test_trap_assert_stderr ("");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func (
      "/runtime/diagnostics/never-retrieved-when-last-reference-drops",
      test_never_retrieved_when_last_reference_drops);
  g_test_add_func ("/runtime/diagnostics/retrieved-errors-are-not-reported",
                   test_retrieved_errors_are_not_reported);
  g_test_add_func ("/runtime/diagnostics/never-retrieved-at-loop-close",
                   test_never_retrieved_at_loop_close);
  g_test_add_func ("/runtime/diagnostics/future-exception-never-retrieved",
                   test_future_exception_never_retrieved);
  g_test_add_func ("/runtime/diagnostics/error-left-by-a-callback-is-reported",
                   test_error_left_by_a_callback_is_reported);
  g_test_add_func ("/runtime/diagnostics/destroyed-pending-at-loop-close",
                   test_destroyed_pending_at_loop_close);
  g_test_add_func ("/runtime/diagnostics/deadlock-is-reported-and-returned",
                   test_deadlock_is_reported_and_returned);
  g_test_add_func ("/runtime/diagnostics/slow-step-names-the-task",
                   test_slow_step_names_the_task);
  g_test_add_func (
      "/runtime/diagnostics/step-still-running-is-reported-while-it-runs",
      test_step_still_running_is_reported_while_it_runs);
  g_test_add_func (
      "/runtime/diagnostics/slow-step-threshold-from-the-environment",
      test_slow_step_threshold_from_the_environment);
  g_test_add_func ("/runtime/diagnostics/"
                   "abandoned-task-is-reported-when-nothing-can-wake-it",
                   test_abandoned_task_is_reported_when_nothing_can_wake_it);
  g_test_add_func (
      "/runtime/diagnostics/abandoned-rule-reports-only-what-references-prove",
      test_abandoned_rule_reports_only_what_references_prove);
  return g_test_run ();
}
