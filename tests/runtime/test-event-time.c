/* test-event-time.c: the timestamps the runtime puts on events
 * (braid-hooks.h, time_ns): never below the previous event's, on the
 * monotonic clock close to CLOCK_MONOTONIC, and the virtual time under the
 * virtual clock (output lines, on stderr here, are events too).
 */
#include <time.h>

#include <braid/braid.h>
#include <glib.h>
#include "plain-hook.h"

static uint64_t first_ns, last_ns, n_events, n_backwards, worst_ahead_ns;

static uint64_t
monotonic_ns (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void
check_time_plain (void *data, const braid_event *ev)
{
  bool real_clock = data != NULL;
  if (n_events == 0)
    first_ns = ev->time_ns;
  else if (ev->time_ns < last_ns)
    n_backwards++;
  last_ns = ev->time_ns;
  n_events++;
  if (real_clock)
    {
      /* An event time is a reading taken before the hook ran: it may not
       * be later than a reading taken now (beyond the counter's
       * extrapolation error, far below a microsecond). */
      uint64_t now = monotonic_ns ();
      if (ev->time_ns > now && ev->time_ns - now > worst_ahead_ns)
        worst_ahead_ns = ev->time_ns - now;
    }
}
PLAIN_HOOK (check_time, check_time_plain)

static void *
pinger (void *arg)
{
  for (int i = 0; i < 2000; i++)
    {
      if (i % 100 == 0)
        braid_eprint ("%s %d\n", (const char *)arg, i);
      if (i % 500 == 0)
        braid_sleep (0.002);
      else
        braid_yield ();
    }
  return NULL;
}

static void *
two_pingers (void *arg)
{
  braid_task *t[2] = { braid_spawn_named ("a", pinger, "a"),
                       braid_spawn_named ("b", pinger, "b") };
  braid_gather_tasks (t, 2, NULL, NULL, BRAID_GATHER_DEFAULT);
  braid_task_unref (t[0]);
  braid_task_unref (t[1]);
  return NULL;
}

static void
run_checked (braid_clock_kind clock)
{
  first_ns = last_ns = n_events = n_backwards = worst_ahead_ns = 0;
  void *real = clock == BRAID_CLOCK_MONOTONIC ? (void *)1 : NULL;
  g_assert_cmpint (braid_hooks_install (check_time, real), ==, 0);
  braid_loop *loop = braid_loop_new ();
  braid_loop_set_clock (loop, clock);
  braid_task *t = braid_loop_spawn (loop, "main", two_pingers, NULL);
  g_assert_cmpint (
      braid_loop_run_until_complete (loop, braid_task_future (t), NULL), ==, 0);
  braid_task_unref (t);
  braid_loop_close (loop);
  g_assert_cmpint (braid_hooks_uninstall (check_time), ==, 0);
}

static void
test_event_times_never_go_backwards_on_the_real_clock (void)
{
  run_checked (BRAID_CLOCK_MONOTONIC);
  g_assert_cmpuint (n_events, >, 8000);
  g_assert_cmpuint (n_backwards, ==, 0);
  g_test_message ("worst ahead of CLOCK_MONOTONIC: %" G_GUINT64_FORMAT " ns",
                  worst_ahead_ns);
  g_assert_cmpuint (worst_ahead_ns, <, 1000000);
}

/* The counter's rate is measured once per process: a loop after the
 * first converts with it from its first event (clock.c). Its times must
 * be as close to CLOCK_MONOTONIC as the first loop's, from the start:
 * within a few microseconds (the rate's error over the millisecond
 * between two anchors), never ahead by more. */
static void
test_a_later_loop_uses_the_measured_rate_from_its_start (void)
{
  run_checked (BRAID_CLOCK_MONOTONIC); /* runs 8 ms: measures the rate */
  run_checked (BRAID_CLOCK_MONOTONIC);
  g_assert_cmpuint (n_events, >, 8000);
  g_assert_cmpuint (n_backwards, ==, 0);
  g_test_message (
      "second loop, worst ahead of CLOCK_MONOTONIC: %" G_GUINT64_FORMAT " ns",
      worst_ahead_ns);
  g_assert_cmpuint (worst_ahead_ns, <, 50000);
}

static void
test_event_times_are_virtual_time_on_the_virtual_clock (void)
{
  run_checked (BRAID_CLOCK_VIRTUAL);
  g_assert_cmpuint (n_backwards, ==, 0);
  /* The loop was switched to the virtual clock after its creation was
   * stamped: virtual time continues from there. Each pinger sleeps 4 x
   * 2 ms of virtual time, concurrently: the last event is exactly 8 ms
   * after the first. */
  g_assert_cmpuint (last_ns - first_ns, ==, 8000000);
}

/* The times of the one wait on the thread pool of the run. */
static uint64_t thread_suspended_ns, thread_woken_ns;

static void
record_thread_wait_plain (void *data, const braid_event *ev)
{
  if (ev->reason != BRAID_WAIT_THREAD)
    return;
  if (ev->kind == BRAID_EV_TASK_SUSPENDED)
    thread_suspended_ns = ev->time_ns;
  else if (ev->kind == BRAID_EV_TASK_WOKEN)
    thread_woken_ns = ev->time_ns;
}
PLAIN_HOOK (record_thread_wait, record_thread_wait_plain)

static void *
sleep_20_ms (void *arg)
{
  struct timespec ts = { 0, 20000000 };
  nanosleep (&ts, NULL);
  return NULL;
}

static void *
await_thread_work (void *arg)
{
  g_assert_cmpint (braid_to_thread (sleep_20_ms, NULL, NULL), ==, 0);
  return NULL;
}

/* A wake-up by a completion the loop learns of in a poll (here the
 * thread pool's, the same path as a socket's) is stamped when the loop
 * learns of it, not with the last reading before the poll (the waiting
 * task's suspension): nothing else happens in between that would read
 * the clock. */
static void
test_wake_after_a_poll_is_stamped_after_it (void)
{
  thread_suspended_ns = thread_woken_ns = 0;
  g_assert_cmpint (braid_hooks_install (record_thread_wait, NULL), ==, 0);
  g_assert_cmpint (braid_run (await_thread_work, NULL, NULL), ==, 0);
  g_assert_cmpint (braid_hooks_uninstall (record_thread_wait), ==, 0);
  g_assert_cmpuint (thread_suspended_ns, !=, 0);
  g_assert_cmpuint (thread_woken_ns, >=, thread_suspended_ns + 20000000);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/runtime/event-time/never-backwards-on-the-real-clock",
                   test_event_times_never_go_backwards_on_the_real_clock);
  g_test_add_func ("/runtime/event-time/later-loop-uses-the-measured-rate",
                   test_a_later_loop_uses_the_measured_rate_from_its_start);
  g_test_add_func ("/runtime/event-time/virtual-time-on-the-virtual-clock",
                   test_event_times_are_virtual_time_on_the_virtual_clock);
  g_test_add_func ("/runtime/event-time/wake-after-a-poll-is-stamped-after-it",
                   test_wake_after_a_poll_is_stamped_after_it);
  return g_test_run ();
}
