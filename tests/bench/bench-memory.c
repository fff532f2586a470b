/* bench-memory.c: resident memory per sleeping task, and that a million
 * concurrent tasks run to completion.
 *
 *   bench-memory [N]
 *
 * One task spawns N tasks (default 1,000,000) that each sleep 1 s, yields
 * once so that every one of them runs its first step and is asleep, reads
 * the resident set size, then awaits them all and checks that every one
 * completed. Prints the growth of the resident set divided by N (and in
 * all), the times taken and how many tasks completed. This is a benchmark: it prints
 * figures and asserts nothing about time or memory; it fails only if a
 * task did not complete.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include <braid/braid.h>

static long n_tasks = 1000000;
static long completed;
static long rss_before, rss_sleeping;
static double spawn_s, total_s;

static uint64_t
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* rss_bytes: the resident set size from /proc/self/statm, or -1. */
static long
rss_bytes (void)
{
  long size, resident = -1;
  FILE *f = fopen ("/proc/self/statm", "r");

  if (f == NULL)
    return -1;
  if (fscanf (f, "%ld %ld", &size, &resident) != 2)
    resident = -1;
  fclose (f);
  return resident < 0 ? -1 : resident * sysconf (_SC_PAGESIZE);
}

/* sleeper: sleeps 1 s and counts itself when it wakes. */
static void *
sleeper (void *arg)
{
  if (braid_sleep (1.0) < 0)
    return NULL;
  completed++;
  return NULL;
}

static void *
main_task (void *arg)
{
  braid_task **tasks = malloc ((size_t)n_tasks * sizeof *tasks);
  uint64_t start = now_ns ();
  long spawned = 0;

  if (tasks == NULL)
    {
      braid_raise (BRAID_MEMORY_ERROR, "no memory for %ld task pointers",
                   n_tasks);
      return NULL;
    }
  rss_before = rss_bytes ();
  for (; spawned < n_tasks; spawned++)
    tasks[spawned] = braid_spawn (sleeper, NULL);
  /* The spawned tasks' first steps run before this yield returns: every
   * task is asleep when the resident set is read. */
  if (braid_yield () < 0)
    goto out;
  spawn_s = (double)(now_ns () - start) / 1e9;
  rss_sleeping = rss_bytes ();
  for (long i = 0; i < spawned; i++)
    if (braid_await_task (tasks[i], NULL) < 0)
      goto out;
  total_s = (double)(now_ns () - start) / 1e9;

out:
  for (long i = 0; i < spawned; i++)
    braid_task_unref (tasks[i]);
  free (tasks);
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc > 1)
    {
      char *end;

      n_tasks = strtol (argv[1], &end, 10);
      if (argc > 2 || *end != '\0' || n_tasks <= 0)
        {
          fprintf (stderr, "usage: %s [N]\n", argv[0]);
          return 2;
        }
    }
  if (braid_run (main_task, NULL, NULL) < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  printf ("memory: %.0f bytes/task resident with %ld tasks asleep "
          "(+%.1f MiB; spawn and first steps %.2f s, all done in %.2f s; "
          "%ld/%ld completed)\n",
          (double)(rss_sleeping - rss_before) / (double)n_tasks, n_tasks,
          (double)(rss_sleeping - rss_before) / (1024.0 * 1024.0), spawn_s,
          total_s, completed, n_tasks);
  printf ("bench memory-bytes-per-sleeping-task %.0f B\n",
          (double)(rss_sleeping - rss_before) / (double)n_tasks);
  printf ("bench memory-spawn-s %.3f s\n", spawn_s);
  if (completed != n_tasks)
    {
      fprintf (stderr, "bench-memory: only %ld of %ld tasks completed\n",
               completed, n_tasks);
      return 1;
    }
  return 0;
}
