/* bench-spawner.c: a sample-like program that makes a large trace for the
 * viewer's benchmark: N tasks (named worker-<i>, padded to NAME_LEN
 * characters) each yield Y times, printing a line every 10 yields, and
 * main awaits them all.
 *
 *   bench-viewer-spawner [N [Y [NAME_LEN [kill]]]]   (defaults 10000 33 0)
 *
 * Run it with BRAID_TRACE=file.db: about 2.2 events per yield per task.
 * With "kill" it sends itself SIGKILL once the run is over and the
 * tracer's writer has had time to store every event: the trace is then
 * left as the batches of an interrupted recording, never finalized.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <braid/braid.h>

static int n_tasks = 10000, n_yields = 33, name_len = 0;

static void *
worker (void *arg)
{
  intptr_t id = (intptr_t)arg;
  for (int i = 0; i < n_yields; i++)
    {
      if (i % 10 == 9)
        braid_print ("worker %ld step %d\n", (long)id, i);
      if (braid_yield () < 0)
        return NULL;
    }
  return NULL;
}

static void *
main_task (void *arg)
{
  braid_task **tasks = calloc ((size_t)n_tasks, sizeof *tasks);
  char *name = malloc ((size_t)name_len + 32);
  for (int i = 0; i < n_tasks; i++)
    {
      int len = snprintf (name, 32, "worker-%d", i);
      /* Very long names test the labels' ellipsizing. */
      while (len < name_len)
        name[len++] = 'x';
      name[len] = '\0';
      tasks[i] = braid_spawn_named (name, worker, (void *)(intptr_t)i);
    }
  for (int i = 0; i < n_tasks; i++)
    {
      braid_await_task (tasks[i], NULL);
      braid_task_unref (tasks[i]);
    }
  free (name);
  free (tasks);
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc > 1)
    n_tasks = atoi (argv[1]);
  if (argc > 2)
    n_yields = atoi (argv[2]);
  if (argc > 3)
    name_len = atoi (argv[3]);
  if (n_tasks < 1 || n_yields < 0 || name_len < 0)
    {
      fprintf (stderr, "usage: bench-viewer-spawner [N [Y [NAME_LEN]]]\n");
      return 2;
    }
  int kill_self = argc > 4 && strcmp (argv[4], "kill") == 0;
  int rc = braid_run (main_task, NULL, NULL) == 0 ? 0 : 1;
  if (kill_self)
    {
      /* The writer drains the rings every millisecond or so and commits
       * what it drained: half a second is ample for the last of them. */
      struct timespec pause = { 0, 500 * 1000 * 1000 };
      nanosleep (&pause, NULL);
      raise (SIGKILL);
    }
  return rc;
}
