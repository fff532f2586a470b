/* task1_task2.c: "Tasks" of the dev.to article on asyncio fundamentals
 * (seed 001), as samples/python/task1_task2.py: gather(task1(), task2())
 * runs both; task1 sleeps 1 s first, so task2's line comes first.
 *
 * The article shows the output as "task2() will be executed immediately"
 * and "task1() will be executed after 1 second pause", which describes
 * what happens; CPython prints the program's own strings, and so does
 * this. The tasks are named task1 and task2 so that traces read well.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdio.h>

#include <braid/braid.h>

/* task1: sleeps 1 s, then prints. */
static void *
task1 (void *arg)
{
  (void)arg;
  if (braid_sleep (1) < 0)
    return NULL;
  braid_print ("This will be printed after 1 second pause\n");
  return NULL;
}

/* task2: prints at once. */
static void *
task2 (void *arg)
{
  (void)arg;
  braid_print ("This will be printed immediately\n");
  return NULL;
}

/* main_task: asyncio.gather(task1(), task2()). */
static void *
main_task (void *arg)
{
  braid_task *tasks[2];

  (void)arg;
  tasks[0] = braid_spawn_named ("task1", task1, NULL);
  tasks[1] = braid_spawn_named ("task2", task2, NULL);
  braid_gather_tasks (tasks, 2, NULL, NULL, BRAID_GATHER_DEFAULT);
  braid_task_unref (tasks[0]);
  braid_task_unref (tasks[1]);
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc > 1)
    {
      fprintf (stderr, "usage: %s\n", argv[0]);
      return 2;
    }
  /* Run the main function using braid_run (asyncio.run). */
  if (braid_run (main_task, NULL, NULL) < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  return 0;
}
