/* bench-spawn.c: the cost of spawning a trivial task and awaiting it, with
 * a warm stack pool (asyncio's `await create_task(f())`).
 *
 *   bench-spawn [N]
 *
 * One task spawns and awaits N (default 2,000,000) tasks one after the
 * other, after a warm-up of 10,000 pairs, and prints nanoseconds per pair,
 * in prose and as the line "bench spawn-await-ns VALUE ns": the best of
 * RUNS runs of N/RUNS pairs, a few milliseconds each (the machine is
 * shared, and a short run is more often one the scheduler left alone). The figure includes the loop
 * iterations the await costs (the child's first step, then the wake-up
 * of the awaiter). This is a benchmark: it prints figures and asserts
 * nothing about time.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <braid/braid.h>

#define RUNS 40

static long pairs = 2000000;
static long run_pairs; /* pairs / RUNS */
static double pair_ns;
static long completed;

static uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* trivial: counts itself and returns. */
static void *
trivial (void *arg)
{
  completed++;
  return NULL;
}

/* spawn_and_await: @n pairs; returns 0 or the first error code. */
static int
spawn_and_await (long n)
{
  for (long i = 0; i < n; i++)
    {
      braid_task *task = braid_spawn (trivial, NULL);
      int rc = braid_await_task (task, NULL);

      braid_task_unref (task);
      if (rc < 0)
        return rc;
    }
  return 0;
}

static void *
main_task (void *arg)
{
  if (spawn_and_await (10000) < 0)
    return NULL;
  for (int run = 0; run < RUNS; run++)
    {
      uint64_t start = now_ns ();
      double ns;

      if (spawn_and_await (run_pairs) < 0)
        return NULL;
      ns = (double)(now_ns () - start) / (double)run_pairs;
      if (run == 0 || ns < pair_ns)
        pair_ns = ns;
    }
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc > 1)
    {
      char *end;

      pairs = strtol (argv[1], &end, 10);
      if (argc > 2 || *end != '\0' || pairs <= 0)
        {
          fprintf (stderr, "usage: %s [N]\n", argv[0]);
          return 2;
        }
    }
  run_pairs = pairs / RUNS > 0 ? pairs / RUNS : 1;
  if (braid_run (main_task, NULL, NULL) < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  if (completed != RUNS * run_pairs + 10000)
    {
      fprintf (stderr, "bench-spawn: %ld of %ld tasks completed\n", completed,
               RUNS * run_pairs + 10000);
      return 1;
    }
  printf ("spawn+await: %.1f ns/pair, best of %d runs of %ld pairs (warm "
          "stack pool)\n",
          pair_ns, RUNS, run_pairs);
  printf ("bench spawn-await-ns %.2f ns\n", pair_ns);
  return 0;
}
