/* await_tasks.c: "Coroutines" and "Tasks" of the asyncio guide (seed 003),
 * as samples/python/await_tasks.py: two tasks of my_coroutine are created,
 * then awaited in turn. Both start before either finishes: creating a task
 * only schedules it, and the first await lets both run.
 *
 * The guide shows the pieces without running them; braid_run (asyncio.run)
 * of main is added. The tasks are named task1 and task2 so that traces
 * read well.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdio.h>

#include <braid/braid.h>

/* my_coroutine: Starting, a 1 s sleep, Finished. */
static void *
my_coroutine (void *arg)
{
  (void)arg;
  braid_print ("Starting\n");
  if (braid_sleep (1) < 0)
    return NULL;
  braid_print ("Finished\n");
  return NULL;
}

/* main_task: the guide's main(). Ends with the first task's error, if
 * any, current. */
static void *
main_task (void *arg)
{
  braid_task *task1, *task2;

  (void)arg;
  /* Create tasks */
  task1 = braid_spawn_named ("task1", my_coroutine, NULL);
  task2 = braid_spawn_named ("task2", my_coroutine, NULL);

  /* Wait for tasks to complete */
  if (braid_await_task (task1, NULL) == 0)
    braid_await_task (task2, NULL);
  braid_task_unref (task1);
  braid_task_unref (task2);
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
  if (braid_run (main_task, NULL, NULL) < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  return 0;
}
