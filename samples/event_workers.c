/* event_workers.c: "Working with Asyncio Events" from the article on
 * Python asyncio (seed 000), as samples/python/event_workers.py: worker2
 * waits on an event until worker1, after a 2 s sleep, sets it.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdio.h>

#include <braid/braid.h>

/* worker1: sleeps 2 s, then signals completion. */
static void *
worker1 (void *arg)
{
  braid_async_event *event = arg;

  braid_print ("Worker 1 starting\n");
  if (braid_sleep (2) < 0)
    return NULL;
  braid_print ("Worker 1 finishing\n");
  braid_event_set (event); /* Signal completion */
  return NULL;
}

/* worker2: waits for worker1's signal. */
static void *
worker2 (void *arg)
{
  braid_async_event *event = arg;

  braid_print ("Worker 2 starting\n");
  if (braid_event_wait (event) < 0) /* Wait for the signal */
    return NULL;
  braid_print ("Worker 2 finishing\n");
  return NULL;
}

/* main_task: asyncio.gather(worker1(event), worker2(event)). */
static void *
main_task (void *arg)
{
  braid_async_event *event = braid_event_new (NULL);
  braid_task *tasks[2];

  tasks[0] = braid_spawn_named ("worker1", worker1, event);
  tasks[1] = braid_spawn_named ("worker2", worker2, event);
  braid_gather_tasks (tasks, 2, NULL, NULL, BRAID_GATHER_DEFAULT);
  braid_task_unref (tasks[0]);
  braid_task_unref (tasks[1]);
  braid_event_free (event);
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
