/* test-io-thread.c: braid_to_thread (asyncio.to_thread) on libuv's thread
 * pool: the function runs on another thread, the loop keeps running other
 * tasks meanwhile, and cancelling the caller neither interrupts running
 * work nor leaves it writing into a freed stack.
 */
#include <glib.h>
#include <pthread.h>
#include <unistd.h>

#include <braid/braid.h>

typedef struct
{
  pthread_t caller;
  pthread_t worker;
  int ticks_seen_by_worker_end;
  int value;
} job;

static volatile int ticks;

static void *
blocking_work (void *arg)
{
  job *j = arg;
  j->worker = pthread_self ();
  /* Long enough for the ticker to run several times meanwhile. */
  usleep (200 * 1000);
  j->ticks_seen_by_worker_end = ticks;
  j->value = 42;
  return GINT_TO_POINTER (7);
}

static void *
ticker (void *arg)
{
  (void)arg;
  for (int i = 0; i < 50; i++)
    {
      ticks++;
      if (braid_sleep (0.01) < 0)
        return NULL;
    }
  return NULL;
}

static void *
runs_elsewhere_main (void *arg)
{
  (void)arg;
  job j = { 0 };
  j.caller = pthread_self ();
  ticks = 0;
  braid_task *t = braid_spawn (ticker, NULL);
  void *r = NULL;
  g_assert_cmpint (braid_to_thread (blocking_work, &j, &r), ==, 0);
  g_assert_cmpint (GPOINTER_TO_INT (r), ==, 7);
  g_assert_cmpint (j.value, ==, 42);
  g_assert_false (pthread_equal (j.caller, j.worker));
  /* The loop ran the ticker while the thread slept. */
  g_assert_cmpint (j.ticks_seen_by_worker_end, >=, 5);
  braid_task_cancel (t, NULL);
  braid_await_task (t, NULL);
  braid_error_clear ();
  braid_task_unref (t);
  return NULL;
}

static void
test_runs_on_another_thread_while_loop_runs (void)
{
  g_assert_cmpint (braid_run (runs_elsewhere_main, NULL, NULL), ==, 0);
}

typedef struct
{
  int stack_word; /* written by the thread: must still be alive */
} stack_job;

static void *
slow_writer (void *arg)
{
  usleep (150 * 1000);
  ((stack_job *)arg)->stack_word = 99;
  return GINT_TO_POINTER (5);
}

static void *
cancelled_caller (void *arg)
{
  int *out = arg;
  stack_job sj = { 0 };
  void *r = NULL;
  int rc = braid_to_thread (slow_writer, &sj, &r);
  /* The caller was kept until the thread was done with its stack. */
  out[0] = rc;
  out[1] = sj.stack_word;
  out[2] = GPOINTER_TO_INT (r);
  /* Swallow the cancellation: the task ends normally. */
  braid_error_clear ();
  return NULL;
}

static void *
cancel_main (void *arg)
{
  (void)arg;
  int out[3] = { 0 };
  braid_task *t = braid_spawn (cancelled_caller, out);
  g_assert_cmpint (braid_sleep (0.03), ==, 0);
  g_assert_true (braid_task_cancel (t, "stop"));
  int rc = braid_await_task (t, NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_cmpint (out[0], ==, BRAID_ECANCELLED);
  g_assert_cmpint (out[1], ==, 99);
  g_assert_cmpint (out[2], ==, 5);
  braid_task_unref (t);
  return NULL;
}

static void
test_cancel_waits_for_running_work (void)
{
  g_assert_cmpint (braid_run (cancel_main, NULL, NULL), ==, 0);
}

static void *
outside_main (void *arg)
{
  (void)arg;
  return NULL;
}

static void
test_outside_a_task_is_refused (void)
{
  g_assert_cmpint (braid_to_thread (outside_main, NULL, NULL), ==,
                   BRAID_ENOTASK);
  braid_error_clear ();
}

/* Work still queued when its caller is cancelled never runs. The pool has
 * UV_THREADPOOL_SIZE threads (set to 2 in main), so two sleepers keep the
 * third job queued. */
static volatile int queued_ran;

static void *
sleeper (void *arg)
{
  (void)arg;
  usleep (150 * 1000);
  return NULL;
}

static void *
mark_ran (void *arg)
{
  (void)arg;
  queued_ran = 1;
  return NULL;
}

static void *
sleeper_task (void *arg)
{
  (void)arg;
  braid_to_thread (sleeper, NULL, NULL);
  return NULL;
}

static void *
queued_task (void *arg)
{
  int *rc = arg;
  void *r = (void *)1;
  *rc = braid_to_thread (mark_ran, NULL, &r);
  g_assert_null (r);
  braid_error_clear ();
  return NULL;
}

static void *
queued_main (void *arg)
{
  (void)arg;
  queued_ran = 0;
  braid_task *s1 = braid_spawn (sleeper_task, NULL);
  braid_task *s2 = braid_spawn (sleeper_task, NULL);
  braid_yield ();
  int rc = 1;
  braid_task *q = braid_spawn (queued_task, &rc);
  braid_yield ();
  gint64 t0 = g_get_monotonic_time ();
  g_assert_true (braid_task_cancel (q, NULL));
  g_assert_cmpint (braid_await_task (q, NULL), ==, 0);
  /* The wait ended at once, not after the sleepers. */
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 100 * 1000);
  g_assert_cmpint (rc, ==, BRAID_ECANCELLED);
  braid_await_task (s1, NULL);
  braid_await_task (s2, NULL);
  braid_sleep (0.02);
  g_assert_cmpint (queued_ran, ==, 0);
  braid_task_unref (q);
  braid_task_unref (s1);
  braid_task_unref (s2);
  return NULL;
}

static void
test_cancelled_queued_work_never_runs (void)
{
  g_assert_cmpint (braid_run (queued_main, NULL, NULL), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_setenv ("UV_THREADPOOL_SIZE", "2", TRUE);
  g_test_add_func ("/runtime/io/to-thread/runs-on-another-thread-while-the-"
                   "loop-runs",
                   test_runs_on_another_thread_while_loop_runs);
  g_test_add_func ("/runtime/io/to-thread/cancel-waits-for-running-work",
                   test_cancel_waits_for_running_work);
  g_test_add_func ("/runtime/io/to-thread/cancelled-queued-work-never-runs",
                   test_cancelled_queued_work_never_runs);
  g_test_add_func ("/runtime/io/to-thread/outside-a-task-is-refused",
                   test_outside_a_task_is_refused);
  return g_test_run ();
}
