/* test-loop-order.c: the loop's ordering rules (runtime/ORDERING.md rules
 * 1-9). Each test runs the C twin of a function of
 * tests/runtime/python/core_rules.py and compares the log with what
 * CPython 3.11 prints for it ("|" starts an iteration).
 */
#include <unistd.h>

#include "braid-internal.h"
#include "test-core-util.h"

static void *
snap_b (void *arg)
{
  note ("b1");
  return NULL;
}

static void *
snap_c (void *arg)
{
  note ("c1");
  return NULL;
}

static void *
snap_a (void *arg)
{
  note ("a1");
  braid_task_unref (braid_spawn (snap_c, NULL));
  braid_yield ();
  note ("a2");
  return NULL;
}

static void *
snapshot_main (void *arg)
{
  braid_task *t1 = braid_spawn (snap_a, NULL);
  braid_task *t2 = braid_spawn (snap_b, NULL);
  note ("main");
  braid_yield ();
  note ("main2");
  g_assert_cmpint (braid_await_task (t1, NULL), ==, 0);
  g_assert_cmpint (braid_await_task (t2, NULL), ==, 0);
  braid_task_unref (t1);
  braid_task_unref (t2);
  return NULL;
}

/* Rule 1: c is queued during the second iteration, so it runs in the
 * third, with a2 behind it. */
static void
test_iteration_runs_its_snapshot_only (void)
{
  g_assert_cmpstr (run_logged (snapshot_main, NULL, true, NULL), ==,
                   "| main | a1 b1 main2 | c1 a2 | |");
}

static void *
sleeper_50ms (void *arg)
{
  note ("s0");
  /* Long enough not to be due two iterations later even under valgrind,
   * short of the slow-step threshold. */
  braid_sleep (0.05);
  note ("s1");
  return NULL;
}

static void *
spinner_blocking (void *arg)
{
  for (int i = 0; i < 4; i++)
    {
      note ("y%d", i);
      braid_yield ();
      if (i == 1)
        usleep (80000); /* the timer becomes due while y2 is ready */
    }
  return NULL;
}

static void *
timers_after_ready_main (void *arg)
{
  braid_task *t1 = braid_spawn (sleeper_50ms, NULL);
  braid_task *t2 = braid_spawn (spinner_blocking, NULL);
  braid_await_task (t1, NULL);
  braid_await_task (t2, NULL);
  braid_task_unref (t1);
  braid_task_unref (t2);
  return NULL;
}

/* Rule 2: the timer is due when the iteration running y2 begins, but its
 * wake-up goes behind what was ready: s1 comes after y3. */
static void
test_due_timers_run_after_what_was_ready (void)
{
  g_assert_cmpstr (run_logged (timers_after_ready_main, NULL, false, NULL), ==,
                   "| | s0 y0 | y1 | y2 | y3 | s1 | |");
}

static void *
sleep_then_note (void *arg)
{
  const char *name = arg;
  braid_sleep (name[0] == 'a' ? 0.01 : name[0] == 'b' ? 0.02 : 0.03);
  note ("%s", name);
  return NULL;
}

static void *
deadline_order_main (void *arg)
{
  braid_task *t[3];
  t[0] = braid_spawn (sleep_then_note, "c");
  t[1] = braid_spawn (sleep_then_note, "a");
  t[2] = braid_spawn (sleep_then_note, "b");
  for (int i = 0; i < 3; i++)
    {
      braid_await_task (t[i], NULL);
      braid_task_unref (t[i]);
    }
  return NULL;
}

/* Rule 3: timers fire by deadline, not by arming order; each fires in its
 * own iteration and its task runs in the next. */
static void
test_timers_fire_in_deadline_order (void)
{
  g_assert_cmpstr (run_logged (deadline_order_main, NULL, true, NULL), ==,
                   "| | | | a | | b | | c | |");
}

static void *
child_n (void *arg)
{
  note ("child%d", GPOINTER_TO_INT (arg));
  return NULL;
}

static void *
creation_main (void *arg)
{
  braid_task *t1 = braid_spawn (child_n, GINT_TO_POINTER (1));
  braid_task *t2 = braid_spawn (child_n, GINT_TO_POINTER (2));
  note ("spawned");
  braid_yield ();
  note ("yielded");
  braid_await_task (t1, NULL);
  braid_await_task (t2, NULL);
  braid_task_unref (t1);
  braid_task_unref (t2);
  return NULL;
}

/* Rule 4. */
static void
test_spawn_only_schedules_first_steps_in_creation_order (void)
{
  g_assert_cmpstr (run_logged (creation_main, NULL, true, NULL), ==,
                   "| spawned | child1 child2 yielded |");
}

static void *
rr_worker (void *arg)
{
  for (int i = 0; i < 3; i++)
    {
      note ("%s%d", (const char *)arg, i);
      braid_yield ();
    }
  return NULL;
}

static void *
round_robin_main (void *arg)
{
  braid_task *t[3];
  t[0] = braid_spawn (rr_worker, "a");
  t[1] = braid_spawn (rr_worker, "b");
  t[2] = braid_spawn (rr_worker, "c");
  for (int i = 0; i < 3; i++)
    {
      braid_await_task (t[i], NULL);
      braid_task_unref (t[i]);
    }
  return NULL;
}

/* Rules 5 and 6: a step runs to its next suspension; sleep(0) sends the
 * task to the back of the queue, so the workers take turns. */
static void
test_sleep_zero_is_a_round_robin_yield (void)
{
  g_assert_cmpstr (run_logged (round_robin_main, NULL, true, NULL), ==,
                   "| | a0 b0 c0 | a1 b1 c1 | a2 b2 c2 | | |");
}

static braid_future *shared_future;

static void *
fut_waiter (void *arg)
{
  note ("w-wait");
  braid_await (shared_future, NULL);
  note ("w-woken");
  return NULL;
}

static void *
fut_spinner (void *arg)
{
  for (int i = 0; i < 3; i++)
    {
      note ("s%d", i);
      braid_yield ();
    }
  braid_future_set_result (shared_future, NULL);
  note ("s-set");
  return NULL;
}

static void *
waiting_main (void *arg)
{
  shared_future = braid_future_new (NULL);
  braid_task *t1 = braid_spawn (fut_waiter, NULL);
  braid_task *t2 = braid_spawn (fut_spinner, NULL);
  braid_await_task (t1, NULL);
  braid_await_task (t2, NULL);
  braid_task_unref (t1);
  braid_task_unref (t2);
  braid_future_unref (shared_future);
  return NULL;
}

/* Rule 7: the waiter takes no turn while the spinner yields; it is woken
 * by the completion, one iteration later. */
static void
test_waiting_task_is_not_in_the_ready_queue (void)
{
  g_assert_cmpstr (run_logged (waiting_main, NULL, true, NULL), ==,
                   "| | w-wait s0 | s1 | s2 | s-set | w-woken | |");
}

static void *
other_task (void *arg)
{
  note ("other");
  return NULL;
}

static void *
done_main (void *arg)
{
  braid_future *f = braid_future_new (NULL);
  braid_future_set_result (f, GINT_TO_POINTER (5));
  braid_task *t = braid_spawn (other_task, NULL);
  note ("before");
  void *r = NULL;
  g_assert_cmpint (braid_await (f, &r), ==, 0);
  g_assert_cmpint (GPOINTER_TO_INT (r), ==, 5);
  note ("after");
  braid_await_task (t, NULL);
  braid_task_unref (t);
  braid_future_unref (f);
  return NULL;
}

/* Rule 8. */
static void
test_awaiting_a_done_future_does_not_suspend (void)
{
  g_assert_cmpstr (run_logged (done_main, NULL, true, NULL), ==,
                   "| before after | other | |");
}

static void
note_timer (void *data)
{
  note ("timer");
}

static void *
sleeper_woke (void *arg)
{
  braid_sleep (0.01);
  note ("woke");
  return NULL;
}

static void *
k_plus_1_main (void *arg)
{
  braid_task *t = braid_spawn (sleeper_woke, NULL);
  braid_yield ();
  /* A timer with the same deadline marks the iteration the sleep's timer
   * fires in (the virtual clock makes the deadlines equal). */
  braid__call_later (braid_loop_current (), 10000000, note_timer, NULL);
  braid_await_task (t, NULL);
  braid_task_unref (t);
  return NULL;
}

/* Rule 9: the sleep's timer fires in iteration k, the task runs in k+1. */
static void
test_sleep_timer_fires_in_k_task_runs_in_k_plus_1 (void)
{
  g_assert_cmpstr (run_logged (k_plus_1_main, NULL, true, NULL), ==,
                   "| | | timer | woke | |");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  core_test_init ();
  g_test_add_func ("/runtime/loop/iteration-runs-its-snapshot-only",
                   test_iteration_runs_its_snapshot_only);
  g_test_add_func ("/runtime/loop/due-timers-run-after-what-was-ready",
                   test_due_timers_run_after_what_was_ready);
  g_test_add_func ("/runtime/loop/timers-fire-in-deadline-order",
                   test_timers_fire_in_deadline_order);
  g_test_add_func ("/runtime/task/spawn-only-schedules-first-steps-in-order",
                   test_spawn_only_schedules_first_steps_in_creation_order);
  g_test_add_func ("/runtime/sleep/zero-is-a-round-robin-yield",
                   test_sleep_zero_is_a_round_robin_yield);
  g_test_add_func ("/runtime/task/waiting-task-is-not-in-the-ready-queue",
                   test_waiting_task_is_not_in_the_ready_queue);
  g_test_add_func ("/runtime/await/done-future-does-not-suspend",
                   test_awaiting_a_done_future_does_not_suspend);
  g_test_add_func ("/runtime/sleep/timer-fires-in-k-task-runs-in-k-plus-1",
                   test_sleep_timer_fires_in_k_task_runs_in_k_plus_1);
  return g_test_run ();
}
