/* any_async_task.c: "Event Loop" of the dev.to article on asyncio
 * fundamentals (seed 001), as samples/python/any_async_task.py: an
 * explicit loop (new_event_loop), run until the task completes
 * (run_until_complete), then closed.
 *
 * The article's any_async_task only sleeps and prints nothing; the lines
 * printed here, in the task and around the loop, are added (in both
 * programs) so that the run shows what happens when.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdio.h>

#include <braid/braid.h>

/* any_async_task: sleeps 1 s. */
static void *
any_async_task (void *arg)
{
  (void)arg;
  braid_print ("any_async_task: sleeping 1 s\n");
  if (braid_sleep (1) < 0)
    return NULL;
  braid_print ("any_async_task: done\n");
  return NULL;
}

int
main (int argc, char **argv)
{
  braid_loop *loop;
  braid_task *task;
  int rc;

  if (argc > 1)
    {
      fprintf (stderr, "usage: %s\n", argv[0]);
      return 2;
    }
  loop = braid_loop_new ();
  if (loop == NULL)
    {
      fprintf (stderr, "any_async_task: cannot create an event loop\n");
      return 1;
    }
  braid_print ("loop created\n");
  /* run_until_complete(coroutine) wraps the coroutine in a task. */
  task = braid_loop_spawn (loop, "any_async_task", any_async_task, NULL);
  rc = braid_loop_run_until_complete (loop, braid_task_future (task), NULL);
  braid_task_unref (task);
  if (rc < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      braid_loop_close (loop);
      return 1;
    }
  braid_print ("run_until_complete returned\n");
  braid_loop_close (loop);
  braid_print ("loop closed\n");
  return 0;
}
