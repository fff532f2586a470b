/* test-run.c: braid_run (asyncio.run) and explicit loops
 * (runtime/ORDERING.md rule 26).
 */
#include <stdio.h>

#include "braid-internal.h"
#include "test-core-util.h"

static void *
forever (void *arg)
{
  int rc = braid_sleep (100);
  g_assert_cmpint (rc, ==, BRAID_ECANCELLED);
  note ("cleanup");
  return NULL;
}

static void *
run_main (void *arg)
{
  note ("%s", braid_task_name (braid_task_current ()));
  braid_task *t = braid_spawn (forever, NULL);
  note ("%s", braid_task_name (t));
  braid_task_unref (t);
  braid_yield ();
  note ("main-end");
  return "result";
}

static void
run_names_subprocess (void)
{
  void *r = NULL;
  int rc = braid_run (run_main, NULL, &r);
  printf ("%s rc=%d %s\n", core_log->str, rc, (const char *)r);
}

/* Rule 26: main is Task-1 in a fresh process and names count up; the
 * pending task is cancelled and awaited before braid_run returns. */
static void
test_main_is_task_1_and_pending_tasks_are_cancelled (void)
{
  if (g_test_subprocess ())
    {
      run_names_subprocess ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("Task-1 Task-2 main-end cleanup rc=0 result\n");
  g_test_trap_assert_stderr ("");
}

/* Rule 26: when main finishes, braid_run closes the async generators
 * left suspended at a yield, so their cleanup runs before it returns. */
static braid_agen *left_open;

static void
counting_generator (braid_agen *gen, void *arg)
{
  for (intptr_t i = 0;; i++)
    if (braid_agen_yield (gen, (void *)i) < 0)
      {
        note ("generator-cleanup");
        braid_error_clear ();
        return;
      }
}

static void *
main_leaving_a_generator_open (void *arg)
{
  left_open = braid_agen_new (counting_generator, NULL);
  void *v = NULL;
  g_assert_cmpint (braid_agen_next (left_open, &v), ==, 0);
  note ("main-end");
  return NULL;
}

static void
test_run_closes_generators_left_open (void)
{
  if (g_test_subprocess ())
    {
      int rc = braid_run (main_leaving_a_generator_open, NULL, NULL);
      printf ("%s rc=%d done=%d\n", core_log->str, rc,
              braid_agen_done (left_open));
      braid_agen_free (left_open);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("main-end generator-cleanup rc=0 done=1\n");
}

static void *
failing_main (void *arg)
{
  braid_raise (BRAID_VALUE_ERROR, "main failed");
  return NULL;
}

static void
test_run_returns_the_main_tasks_error (void)
{
  int rc = braid_run (failing_main, NULL, NULL);
  g_assert_cmpint (rc, ==, BRAID_EFAILED);
  braid_error *e = braid_error_current ();
  g_assert_true (braid_error_is (e, BRAID_VALUE_ERROR));
  g_assert_cmpstr (braid_error_message (e), ==, "main failed");
  braid_error_clear ();
}

static void *
add_one (void *arg)
{
  braid_sleep (0.001);
  return (void *)((intptr_t)arg + 1);
}

/* asyncio's explicit loop: tasks created before the loop runs, then
 * run_until_complete, twice on the same loop, then close. */
static void
test_explicit_loop_spawn_before_run (void)
{
  braid_loop *loop = braid_loop_new ();
  g_assert_nonnull (loop);
  g_assert_null (braid_loop_current ());
  braid_task *a = braid_loop_spawn (loop, "first", add_one, (void *)41);
  braid_task *b = braid_loop_spawn (loop, NULL, add_one, (void *)1);
  g_assert_cmpstr (braid_task_name (a), ==, "first");
  void *r = NULL;
  g_assert_cmpint (
      braid_loop_run_until_complete (loop, braid_task_future (a), &r), ==, 0);
  g_assert_cmpint ((intptr_t)r, ==, 42);
  g_assert_cmpint (
      braid_loop_run_until_complete (loop, braid_task_future (b), &r), ==, 0);
  g_assert_cmpint ((intptr_t)r, ==, 2);
  /* A future that is already done still runs one iteration. */
  g_assert_cmpint (
      braid_loop_run_until_complete (loop, braid_task_future (a), &r), ==, 0);
  braid_task_unref (a);
  braid_task_unref (b);
  g_assert_cmpint (braid_loop_close (loop), ==, 0);
}

static void *
noop (void *arg)
{
  return NULL;
}

/* Names count up across the process (through the carries of the decimal
 * name), and a task given a name takes no number, as in asyncio. */
static void
test_task_names_count_up_across_the_process (void)
{
  if (g_test_subprocess ())
    {
      for (int round = 0; round < 2; round++)
        {
          braid_loop *loop = braid_loop_new ();
          for (int i = 1; i <= 1005; i++)
            {
              int n = round * 1005 + i;
              if (i == 500)
                {
                  braid_task *named = braid_loop_spawn (loop, "x", noop, NULL);
                  g_assert_cmpstr (braid_task_name (named), ==, "x");
                  braid_task_unref (named);
                }
              braid_task *t = braid_loop_spawn (loop, NULL, noop, NULL);
              char want[32];
              snprintf (want, sizeof want, "Task-%d", n);
              if (i % 7 == 0 || i < 20 || (i > 95 && i < 105) || i > 995)
                g_assert_cmpstr (braid_task_name (t), ==, want);
              braid_task_unref (t);
            }
          braid_future *done = braid_future_new (loop);
          braid_future_set_result (done, NULL);
          g_assert_cmpint (braid_loop_run_until_complete (loop, done, NULL), ==,
                           0);
          braid_future_unref (done);
          braid_loop_close (loop);
        }
      printf ("ok\n");
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("ok\n");
  g_test_trap_assert_stderr ("");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  /* The subprocesses print core_log even when no task noted anything. */
  core_log = g_string_new (NULL);
  g_test_add_func (
      "/runtime/run/main-is-task-1-and-pending-tasks-are-cancelled",
      test_main_is_task_1_and_pending_tasks_are_cancelled);
  g_test_add_func ("/runtime/run/closes-generators-left-open",
                   test_run_closes_generators_left_open);
  g_test_add_func ("/runtime/run/returns-the-main-tasks-error",
                   test_run_returns_the_main_tasks_error);
  g_test_add_func ("/runtime/run/task-names-count-up-across-the-process",
                   test_task_names_count_up_across_the_process);
  g_test_add_func ("/runtime/run/explicit-loop-spawn-before-run",
                   test_explicit_loop_spawn_before_run);
  return g_test_run ();
}
