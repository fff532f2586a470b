/* live-program.c: a program that keeps running, for the tests and the
 * benchmark of live traces (a trace read while it is being written).
 *
 *   live-program SECONDS [RATE] [WORKERS]
 *
 * Spawns WORKERS tasks (4 by default) named worker0, worker1... that run
 * for SECONDS of wall time (0: until killed). Each prints "worker0 tick N"
 * every 100 ms; between prints it yields (sleep(0)) in bursts sized so
 * that the whole program records about RATE events per second (each
 * yield is a suspend, a resume and an iteration: 0, the default, means
 * no bursts, only the ticks and 1 ms sleeps). It prints "live-program
 * done" when it ends by itself. Nothing here is hot; the wall clock
 * paces the bursts, so the rate holds under the monotonic clock only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <braid/braid.h>

static double seconds = 1;
static double rate = 0;
static int n_workers = 4;

static double
now_s (void)
{
  struct timespec ts;
  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (double) ts.tv_sec + (double) ts.tv_nsec / 1e9;
}

static void *
worker (void *arg)
{
  int id = (int) (intptr_t) arg;
  double start = now_s (), next_tick = start, last = start;
  long tick = 0;
  /* Yields per worker per second: about three events each. */
  double yields_per_s = rate / 3.0 / n_workers;
  double owed = 0;
  for (;;)
    {
      double t = now_s ();
      if (seconds > 0 && t - start >= seconds)
        break;
      /* Owed by the time that passed, so that the rate holds however
       * long the bursts and the sleeps take. */
      owed += (t - last) * yields_per_s;
      last = t;
      if (t >= next_tick)
        {
          braid_print ("worker%d tick %ld\n", id, tick++);
          next_tick += 0.1;
        }
      for (; owed >= 1; owed--)
        if (braid_sleep (0) < 0)
          return NULL;
      if (braid_sleep (0.001) < 0)
        return NULL;
    }
  return NULL;
}

static void *
main_task (void *arg)
{
  (void) arg;
  braid_task **tasks = calloc ((size_t) n_workers, sizeof *tasks);
  if (tasks == NULL)
    return NULL;
  for (int i = 0; i < n_workers; i++)
    {
      char name[32];
      snprintf (name, sizeof name, "worker%d", i);
      tasks[i] = braid_spawn_named (name, worker, (void *) (intptr_t) i);
    }
  braid_gather_tasks (tasks, (size_t) n_workers, NULL, NULL,
                      BRAID_GATHER_DEFAULT);
  for (int i = 0; i < n_workers; i++)
    braid_task_unref (tasks[i]);
  free (tasks);
  braid_print ("live-program done\n");
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc < 2 || argc > 4)
    {
      fprintf (stderr, "usage: %s SECONDS [RATE] [WORKERS]\n", argv[0]);
      return 2;
    }
  seconds = atof (argv[1]);
  if (argc > 2)
    rate = atof (argv[2]);
  if (argc > 3)
    n_workers = atoi (argv[3]);
  if (seconds < 0 || rate < 0 || n_workers < 1 || n_workers > 10000)
    {
      fprintf (stderr, "%s: bad arguments\n", argv[0]);
      return 2;
    }
  setvbuf (stdout, NULL, _IOLBF, 0);
  return braid_run (main_task, NULL, NULL) == 0 ? 0 : 1;
}
