/* test-misuse.c: what the API does with misuse: a code and an error for
 * what it can report, an abort naming the call for what it cannot.
 */
#include <math.h>
#include <stdio.h>

#include "braid-internal.h"
#include "test-core-util.h"

static void
expect_error (int rc, int code, const braid_error_type *type)
{
  g_assert_cmpint (rc, ==, code);
  g_assert_true (braid_error_is (braid_error_current (), type));
  braid_error_clear ();
}

static void
test_awaiting_outside_a_task_is_enotask (void)
{
  braid_loop *loop = braid_loop_new ();
  braid_future *f = braid_future_new (loop);
  expect_error (braid_await (f, NULL), BRAID_ENOTASK, BRAID_RUNTIME_ERROR);
  expect_error (braid_sleep (1), BRAID_ENOTASK, BRAID_RUNTIME_ERROR);
  expect_error (braid_yield (), BRAID_ENOTASK, BRAID_RUNTIME_ERROR);
  g_assert_null (braid_task_current ());
  braid_future_unref (f);
  braid_loop_close (loop);
}

static braid_loop *other_loop;

static void *
misuse_main (void *arg)
{
  braid_task *self = braid_task_current ();
  expect_error (braid_await_task (self, NULL), BRAID_EDEADLK,
                BRAID_RUNTIME_ERROR);
  braid_future *f = braid_future_new (other_loop);
  expect_error (braid_await (f, NULL), BRAID_EXLOOP, BRAID_RUNTIME_ERROR);
  braid_future_unref (f);
  expect_error (braid_sleep (-1), BRAID_EINVAL, BRAID_VALUE_ERROR);
  expect_error (braid_sleep (NAN), BRAID_EINVAL, BRAID_VALUE_ERROR);
  /* A nested run on the running loop's thread. */
  braid_future *g = braid_future_new (NULL);
  expect_error (braid_loop_run_until_complete (braid_loop_current (), g, NULL),
                BRAID_EBUSY, BRAID_RUNTIME_ERROR);
  braid_future_unref (g);
  return NULL;
}

static void
test_misuse_inside_a_task_raises (void)
{
  other_loop = braid_loop_new ();
  run_logged (misuse_main, NULL, true, NULL);
  braid_loop_close (other_loop);
}

/* A future nobody can complete: the loop runs out of work. */
static void
test_run_with_nothing_to_do_is_edeadlk (void)
{
  if (g_test_subprocess ())
    {
      braid_loop *loop = braid_loop_new ();
      braid_future *f = braid_future_new (loop);
      expect_error (braid_loop_run_until_complete (loop, f, NULL),
                    BRAID_EDEADLK, BRAID_RUNTIME_ERROR);
      braid_future_unref (f);
      g_assert_cmpint (braid_loop_close (loop), ==, 0);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("braid: deadlock: * (0 waiting)\n");
}

static void
test_null_task_aborts_naming_the_call (void)
{
  if (g_test_subprocess ())
    {
      braid_task_cancel (NULL, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*braid_task_cancel: NULL task*");
}

static void *
nothing (void *arg)
{
  return NULL;
}

static void
test_spawn_outside_a_loop_aborts (void)
{
  if (g_test_subprocess ())
    {
      braid_spawn (nothing, NULL);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*braid_spawn: no running loop*");
}

static gpointer
run_elsewhere (gpointer loop)
{
  braid_future *f = braid_future_new (loop);
  braid_loop_run_until_complete (loop, f, NULL);
  return NULL;
}

/* A loop is used by the thread that created it only. */
static void
test_loop_from_another_thread_aborts (void)
{
  if (g_test_subprocess ())
    {
      braid_loop *loop = braid_loop_new ();
      GThread *th = g_thread_new ("other", run_elsewhere, loop);
      g_thread_join (th);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_failed ();
  g_test_trap_assert_stderr ("*braid_loop_run_until_complete: the loop "
                             "belongs to another thread*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  core_test_init ();
  g_test_add_func ("/runtime/misuse/awaiting-outside-a-task-is-enotask",
                   test_awaiting_outside_a_task_is_enotask);
  g_test_add_func ("/runtime/misuse/inside-a-task-raises",
                   test_misuse_inside_a_task_raises);
  g_test_add_func ("/runtime/misuse/run-with-nothing-to-do-is-edeadlk",
                   test_run_with_nothing_to_do_is_edeadlk);
  g_test_add_func ("/runtime/misuse/null-task-aborts-naming-the-call",
                   test_null_task_aborts_naming_the_call);
  g_test_add_func ("/runtime/misuse/spawn-outside-a-loop-aborts",
                   test_spawn_outside_a_loop_aborts);
  g_test_add_func ("/runtime/misuse/loop-from-another-thread-aborts",
                   test_loop_from_another_thread_aborts);
  return g_test_run ();
}
