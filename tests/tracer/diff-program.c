/* diff-program.c: a program whose schedule changes at a known point, for
 * the tests of `braid diff` (test-diff.c).
 *
 * The main task spawns the workers "a", "b" and "c" and gathers them.
 * Each worker runs ROUNDS rounds (4), yielding with sleep(0) after each,
 * so with the virtual clock the loop's iterations are: 1, the main task;
 * 2, the first step of a, b and c; 2 + r, round r of each (from 1); then
 * the iteration in which the workers complete. The arguments change one
 * thing each:
 *
 *   sleep-at=R   worker b sleeps 1 ms instead of yielding after round R
 *                (from 0): its step in iteration R + 2 ends on a sleep,
 *                the first divergence from a run without it
 *   c-rounds=N   worker c runs N rounds instead of ROUNDS: with N more
 *                than ROUNDS, only c's and the main task's steps change
 *   c-sleep=S    worker c sleeps S seconds before its last step: only
 *                the times change, not the order
 *
 * Nothing here is hot.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid.h>

enum
{
  ROUNDS = 4
};

static int sleep_at = -1;
static int c_rounds = ROUNDS;
static double c_sleep = 0;

static void *
worker (void *arg)
{
  const char *name = arg;
  int rounds = strcmp (name, "c") == 0 ? c_rounds : ROUNDS;
  for (int r = 0; r < rounds; r++)
    {
      braid_print ("%s %d\n", name, r);
      double delay = strcmp (name, "b") == 0 && r == sleep_at ? 0.001 : 0;
      if (braid_sleep (delay) < 0)
        return NULL;
    }
  if (strcmp (name, "c") == 0 && c_sleep > 0 && braid_sleep (c_sleep) < 0)
    return NULL;
  return NULL;
}

static void *
main_task (void *arg)
{
  static const char *const names[] = { "a", "b", "c" };
  braid_task *tasks[3];
  for (int i = 0; i < 3; i++)
    tasks[i] = braid_spawn_named (names[i], worker, (void *)names[i]);
  braid_gather_tasks (tasks, 3, NULL, NULL, BRAID_GATHER_DEFAULT);
  for (int i = 0; i < 3; i++)
    braid_task_unref (tasks[i]);
  return NULL;
}

int
main (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    {
      const char *a = argv[i];
      if (strncmp (a, "sleep-at=", 9) == 0)
        sleep_at = atoi (a + 9);
      else if (strncmp (a, "c-rounds=", 9) == 0)
        c_rounds = atoi (a + 9);
      else if (strncmp (a, "c-sleep=", 8) == 0)
        c_sleep = atof (a + 8);
      else
        {
          fprintf (stderr, "usage: %s [sleep-at=R] [c-rounds=N] [c-sleep=S]\n",
                   argv[0]);
          return 2;
        }
    }
  if (braid_run (main_task, NULL, NULL) < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  return 0;
}
