/* my_task.c: "A simple program" of "Async programming in Python with
 * asyncio" (seed 002), as samples/python/my_task.py: a new event loop, two
 * tasks created on it, run until asyncio.wait([...]) completes, their
 * results read, the loop closed.
 *
 * my_task does nothing and returns nothing, which Python prints as None.
 * The article's snippet has two slips (my_task() called without its
 * argument, `asycnio.wait`) that the Python twin corrects.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdbool.h>
#include <stdio.h>

#include <braid/braid.h>

/* my_task: the article's `async def my_task(args): pass`. */
static void *
my_task (void *arg)
{
  return NULL;
}

/* wait_all: asyncio.wait([task1, task2]) as a task, the future that
 * run_until_complete runs the loop for (CPython wraps the wait() coroutine
 * in a task the same way). */
static void *
wait_all (void *arg)
{
  braid_task **tasks = arg;
  bool done[2];

  braid_wait_tasks (tasks, 2, BRAID_NO_TIMEOUT, BRAID_ALL_COMPLETED, done);
  return NULL;
}

/* print_result: print('NAME result:', task.result()). Returns 0, or the
 * task's error code after printing the error. */
static int
print_result (const char *name, braid_task *task)
{
  void *result = NULL;
  int rc = braid_task_result (task, &result);

  if (rc < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return rc;
    }
  if (result == NULL)
    braid_print ("%s result: None\n", name);
  else
    braid_print ("%s result: %p\n", name, result);
  return 0;
}

int
main (void)
{
  braid_loop *loop = braid_loop_new ();
  braid_task *tasks[2], *waiter;
  int rc;

  if (loop == NULL)
    {
      fprintf (stderr, "my_task: cannot create an event loop\n");
      return 1;
    }
  tasks[0] = braid_loop_spawn (loop, "task1", my_task, NULL);
  tasks[1] = braid_loop_spawn (loop, "task2", my_task, NULL);
  waiter = braid_loop_spawn (loop, NULL, wait_all, tasks);
  rc = braid_loop_run_until_complete (loop, braid_task_future (waiter), NULL);
  if (rc < 0)
    braid_error_print (braid_error_current (), stderr);
  else if (print_result ("task1", tasks[0]) < 0
           || print_result ("task2", tasks[1]) < 0)
    rc = -1;
  braid_task_unref (waiter);
  braid_task_unref (tasks[0]);
  braid_task_unref (tasks[1]);
  braid_loop_close (loop);
  return rc < 0 ? 1 : 0;
}
