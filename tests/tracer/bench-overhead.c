/* bench-overhead.c: what tracing costs a program that does nothing but
 * switch tasks: two tasks ping-ponging with sleep(0), run untraced and
 * then traced into a file, same process, same loop code. Prints the time
 * per switch of each run and their ratio (target: traced <= 2x).
 * Usage: bench-tracer-overhead [YIELDS PER TASK] (default 500,000).
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "braid.h"
#include "trace-test-util.h"

static long yields_per_task;

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void *
player (void *arg)
{
  for (long i = 0; i < yields_per_task; i++)
    if (braid_yield () < 0)
      return NULL;
  return NULL;
}

static void *
ping_pong (void *arg)
{
  braid_task *a = braid_spawn_named ("ping", player, NULL);
  braid_task *b = braid_spawn_named ("pong", player, NULL);
  braid_await_task (a, NULL);
  braid_await_task (b, NULL);
  braid_task_unref (a);
  braid_task_unref (b);
  return NULL;
}

static double
timed_run (void)
{
  double t0 = now_s ();
  if (braid_run (ping_pong, NULL, NULL) != 0)
    {
      fprintf (stderr, "braid_run failed\n");
      exit (1);
    }
  return now_s () - t0;
}

/* Runs the ping-pong traced with rings of @ring records per thread and
 * prints the figures against @untraced. */
static void
traced_run (const char *label, size_t ring, double untraced)
{
  double switches = 2.0 * (double) yields_per_task;
  char *path = test_trace_path ("overhead.db");
  if (braid__trace_begin (path, 1, ring) != 0)
    exit (1);
  double traced = timed_run ();
  double t0 = now_s ();
  braid_trace_stop ();
  double drain = now_s () - t0;
  uint64_t events = atomic_load (&braid__the_session.n_events);
  printf ("%s\n", label);
  printf ("  traced:   %.1f ns per sleep(0) switch (%.3f s, %llu events, "
          "%.1f per switch, %llu observer waits)\n",
          traced * 1e9 / switches, traced, (unsigned long long) events,
          (double) events / switches,
          (unsigned long long) atomic_load (
            &braid__the_session.n_observer_waits));
  printf ("  ratio:    %.2fx traced/untraced (target <= 2x)\n",
          traced / untraced);
  printf ("  drain:    %.3f s after the run to store the rest\n", drain);
  remove_trace (path);
  g_free (path);
}

int
main (int argc, char **argv)
{
  long sustained = argc > 1 ? atol (argv[1]) : 500000;
  double switches;

  /* Burst: the whole run fits in the ring, so this is the cost of the
   * hook itself, the writer catching up afterwards. */
  yields_per_task = 100000;
  switches = 2.0 * (double) yields_per_task;
  timed_run (); /* warm up: stacks, pages, caches */
  double untraced = timed_run ();
  printf ("untraced:   %.1f ns per sleep(0) switch (%ld yields per task)\n",
          untraced * 1e9 / switches, yields_per_task);
  traced_run ("burst (fits in a 2M-record ring):", (size_t) 1 << 21,
              untraced);

  /* Sustained: far more events than a default ring holds, so the run
   * goes at the pace of the writer (lossless). */
  yields_per_task = sustained;
  switches = 2.0 * (double) yields_per_task;
  untraced = timed_run ();
  printf ("untraced:   %.1f ns per sleep(0) switch (%ld yields per task)\n",
          untraced * 1e9 / switches, yields_per_task);
  traced_run ("sustained (default 32K-record ring, lossless):", 0,
              untraced);
  return 0;
}
