/* print_numbers.c: explicit event loops, from "Async programming in Python
 * with asyncio" (seed 002), as samples/python/print_numbers.py.
 *
 * loop1 runs two tasks that never suspend, so each prints all its numbers
 * in one step; loop2 runs two tasks that yield (sleep(0)) whenever
 * i % 5 == 0, so they take turns. Each loop is created, given its tasks,
 * run until asyncio.wait([...]) completes, and closed, as in the article.
 *
 * The article creates loop2's tasks on loop1 (after loop1.close(), which
 * CPython rejects with "RuntimeError: Event loop is closed") and gives them
 * print_numbers_async1 although its text describes print_numbers_async2.
 * This program does what the text says: loop2's tasks run
 * print_numbers_async2 on loop2.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdbool.h>
#include <stdio.h>

#include <braid/braid.h>

/* The arguments of print_numbers_async1/2: print @n numbers after @prefix. */
typedef struct count_args
{
  int n;
  const char *prefix;
} count_args;

/* print_numbers_async1: prints "prefix i" for i in 0..n-1 without ever
 * suspending, so the whole loop runs in the task's first step. */
static void *
print_numbers_async1 (void *arg)
{
  const count_args *args = arg;

  for (int i = 0; i < args->n; i++)
    braid_print ("%s %d\n", args->prefix, i);
  return NULL;
}

/* print_numbers_async2: as print_numbers_async1, but yields to the loop
 * (asyncio.sleep(0)) after each number divisible by 5. Returns early with
 * the error current if the yield fails (cancellation). */
static void *
print_numbers_async2 (void *arg)
{
  const count_args *args = arg;

  for (int i = 0; i < args->n; i++)
    {
      braid_print ("%s %d\n", args->prefix, i);
      if (i % 5 == 0 && braid_yield () < 0)
        return NULL;
    }
  return NULL;
}

/* asyncio.wait([task_a, task_b]): run_until_complete needs a future, and in
 * braid waiting is a call made from a task, so the wait is a task of its
 * own, as CPython wraps the asyncio.wait() coroutine in a task. */
static void *
wait_all (void *arg)
{
  braid_task **tasks = arg;
  bool done[2];

  braid_wait_tasks (tasks, 2, BRAID_NO_TIMEOUT, BRAID_ALL_COMPLETED, done);
  return NULL;
}

/* run_loop: new_event_loop, run_until_complete(wait(tasks)), close.
 * Takes the loop and its two tasks (references released here). Returns 0,
 * or 1 after printing the error that stopped the loop. */
static int
run_loop (braid_loop *loop, braid_task **tasks)
{
  braid_task *waiter = braid_loop_spawn (loop, NULL, wait_all, tasks);
  int rc
      = braid_loop_run_until_complete (loop, braid_task_future (waiter), NULL);

  if (rc < 0)
    braid_error_print (braid_error_current (), stderr);
  braid_task_unref (waiter);
  braid_task_unref (tasks[0]);
  braid_task_unref (tasks[1]);
  braid_loop_close (loop);
  return rc < 0 ? 1 : 0;
}

int
main (void)
{
  count_args c1_1 = { 10, "c1_1" }, c2_1 = { 10, "c2_1" };
  count_args c1_2 = { 10, "c1_2" }, c2_2 = { 10, "c2_2" };
  braid_task *tasks[2];
  braid_loop *loop1, *loop2;

  loop1 = braid_loop_new ();
  if (loop1 == NULL)
    {
      fprintf (stderr, "print_numbers: cannot create an event loop\n");
      return 1;
    }
  tasks[0] = braid_loop_spawn (loop1, "c1_1", print_numbers_async1, &c1_1);
  tasks[1] = braid_loop_spawn (loop1, "c2_1", print_numbers_async1, &c2_1);
  if (run_loop (loop1, tasks) != 0)
    return 1;

  loop2 = braid_loop_new ();
  if (loop2 == NULL)
    {
      fprintf (stderr, "print_numbers: cannot create an event loop\n");
      return 1;
    }
  /* The article writes loop1.create_task here: see the header comment. */
  tasks[0] = braid_loop_spawn (loop2, "c1_2", print_numbers_async2, &c1_2);
  tasks[1] = braid_loop_spawn (loop2, "c2_2", print_numbers_async2, &c2_2);
  return run_loop (loop2, tasks);
}
