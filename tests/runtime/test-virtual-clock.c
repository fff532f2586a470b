/* test-virtual-clock.c: the virtual clock. When nothing is ready and no
 * I/O is active, time jumps to the next timer deadline: a program that
 * only sleeps runs at once, and the same program prints the same thing
 * (times included) every run.
 */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#include "braid-internal.h"
#include "test-core-util.h"

static void *
napper (void *arg)
{
  double d = *(double *)arg;
  braid_loop *loop = braid_loop_current ();
  for (int i = 0; i < 3; i++)
    {
      braid_sleep (d);
      note ("%s@%llu", braid_task_name (braid_task_current ()),
            (unsigned long long)braid_loop_now_ns (loop));
    }
  return NULL;
}

static void *
program (void *arg)
{
  static double d1 = 0.3, d2 = 0.5, d3 = 0.0001;
  braid_task *t[3];
  t[0] = braid_spawn_named ("a", napper, &d1);
  t[1] = braid_spawn_named ("b", napper, &d2);
  t[2] = braid_spawn_named ("c", napper, &d3);
  for (int i = 0; i < 3; i++)
    {
      braid_await_task (t[i], NULL);
      braid_task_unref (t[i]);
    }
  return NULL;
}

static void
test_same_program_same_output_every_run (void)
{
  char *first = g_strdup (run_logged (program, NULL, true, NULL));
  const char *second = run_logged (program, NULL, true, NULL);
  g_assert_cmpstr (first, ==, second);
  /* The times are exact multiples of the delays. */
  g_assert_nonnull (strstr (first, "a@300000000"));
  g_assert_nonnull (strstr (first, "b@1500000000"));
  g_assert_nonnull (strstr (first, "c@300000 "));
  g_free (first);
}

static void *
long_sleep (void *arg)
{
  uint64_t before = braid_loop_now_ns (braid_loop_current ());
  g_assert_cmpint (braid_sleep (1000), ==, 0);
  uint64_t after = braid_loop_now_ns (braid_loop_current ());
  g_assert_cmpuint (after - before, >=, 1000ull * 1000000000ull);
  return NULL;
}

/* A 1000 s sleep completes; the loop's clock reads 1000 s later while the
 * real clock moved by less than a second. */
static void
test_thousand_second_sleep_takes_no_real_time (void)
{
  gint64 t0 = g_get_monotonic_time ();
  run_logged (long_sleep, NULL, true, NULL);
  g_assert_cmpint (g_get_monotonic_time () - t0, <, 1000000);
}

static void
test_env_selects_the_virtual_clock (void)
{
  setenv ("BRAID_CLOCK", "virtual", 1);
  braid_loop *loop = braid_loop_new ();
  unsetenv ("BRAID_CLOCK");
  g_assert_cmpint (braid_loop_get_clock (loop), ==, BRAID_CLOCK_VIRTUAL);
  g_assert_cmpuint (braid_loop_now_ns (loop), ==, 0);
  braid_task *t = braid_loop_spawn (loop, NULL, long_sleep, NULL);
  g_assert_cmpint (
      braid_loop_run_until_complete (loop, braid_task_future (t), NULL), ==, 0);
  /* The clock cannot change once the loop has run. */
  g_assert_cmpint (braid_loop_set_clock (loop, BRAID_CLOCK_MONOTONIC), ==,
                   BRAID_EBUSY);
  braid_error_clear ();
  braid_task_unref (t);
  braid_loop_close (loop);
  loop = braid_loop_new ();
  g_assert_cmpint (braid_loop_get_clock (loop), ==, BRAID_CLOCK_MONOTONIC);
  braid_loop_close (loop);
}

static void
never_fires (uv_timer_t *h)
{
  (void)h;
}

static void *
sleep_with_io_active (void *arg)
{
  braid_loop *loop = braid_loop_current ();
  uv_timer_t *io = arg;
  uv_timer_init (braid_loop_uv (loop), io);
  uv_timer_start (io, never_fires, 60 * 1000, 0); /* keeps I/O active */
  gint64 real0 = g_get_monotonic_time ();
  uint64_t virt0 = braid_loop_now_ns (loop);
  g_assert_cmpint (braid_sleep (0.05), ==, 0);
  gint64 real = g_get_monotonic_time () - real0;
  uint64_t virt = braid_loop_now_ns (loop) - virt0;
  /* No jump: the clock moved with the real time the poll was blocked. */
  g_assert_cmpuint (virt, >=, 50000000);
  g_assert_cmpint (real, >=, 40000);
  uv_timer_stop (io);
  uv_close ((uv_handle_t *)io, NULL);
  return NULL;
}

/* With I/O active the virtual clock does not jump: a sleep takes its real
 * time, and the clock advances by the time the loop blocked. */
static void
test_with_io_active_time_follows_the_poll (void)
{
  static uv_timer_t io;
  run_logged (sleep_with_io_active, &io, true, NULL);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  core_test_init ();
  g_test_add_func ("/runtime/virtual-clock/same-program-same-output-every-run",
                   test_same_program_same_output_every_run);
  g_test_add_func (
      "/runtime/virtual-clock/thousand-second-sleep-takes-no-real-time",
      test_thousand_second_sleep_takes_no_real_time);
  g_test_add_func ("/runtime/virtual-clock/env-selects-the-virtual-clock",
                   test_env_selects_the_virtual_clock);
  g_test_add_func (
      "/runtime/virtual-clock/with-io-active-time-follows-the-poll",
      test_with_io_active_time_follows_the_poll);
  return g_test_run ();
}
