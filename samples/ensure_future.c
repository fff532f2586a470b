/* ensure_future.c: the "Coroutine", "Event loop" and "Future" sections of
 * "Async programming in Python with asyncio" (seed 002), as
 * samples/python/ensure_future.py: a new loop; tasks added to it with
 * loop.create_task (braid_loop_spawn) and asyncio.ensure_future, which
 * hands a future back unchanged; `result = await my_task(args)` inside a
 * task; run_until_complete(future1) runs the loop, and every task added to
 * it progresses meanwhile; then the results are read and the loop closed.
 *
 * In C a coroutine object is a function and its argument, which run only
 * once a task is made of them; the program prints "coroutine created" where
 * Python makes the coroutine object. The article's my_task only passes;
 * here it prints and returns its argument doubled. The article's
 * ensure_future uses "the default loop"; in Python 3.11 that is not the
 * loop made here, so both programs pass the loop explicitly.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdint.h>
#include <stdio.h>

#include <braid/braid.h>

/* my_task: prints that it runs and returns @arg * 2 (integers in the
 * pointers). Never suspends. */
static void *
my_task (void *arg)
{
  intptr_t args = (intptr_t)arg;

  braid_print ("my_task %d runs\n", (int)args);
  return (void *)(args * 2);
}

/* awaiting_task: `result = await my_task(args)`: awaiting a coroutine runs
 * it inline in the awaiting task, which a plain call does in braid. */
static void *
awaiting_task (void *arg)
{
  void *result = my_task (arg);

  braid_print ("await my_task(%d) returned %d\n", (int)(intptr_t)arg,
               (int)(intptr_t)result);
  return result;
}

/* ensure_future_coroutine: asyncio.ensure_future(coroutine, loop=loop):
 * wraps the coroutine (@fn and @arg) in a new task on @loop named @name
 * (new reference). */
static braid_task *
ensure_future_coroutine (braid_loop *loop, const char *name, braid_task_fn fn,
                         void *arg)
{
  return braid_loop_spawn (loop, name, fn, arg);
}

/* ensure_future_future: asyncio.ensure_future(future): a future is handed
 * back unchanged. */
static braid_future *
ensure_future_future (braid_future *future)
{
  return future;
}

int
main (int argc, char **argv)
{
  braid_loop *loop;
  braid_task *futures[3];
  int rc;

  if (argc > 1)
    {
      fprintf (stderr, "usage: %s\n", argv[0]);
      return 2;
    }
  loop = braid_loop_new ();
  if (loop == NULL)
    {
      fprintf (stderr, "ensure_future: cannot create an event loop\n");
      return 1;
    }
  braid_print ("coroutine created: nothing ran yet\n");
  futures[0] = braid_loop_spawn (loop, "future1", my_task, (void *)1);
  futures[1] = ensure_future_coroutine (loop, "future2", my_task, (void *)2);
  futures[2] = braid_loop_spawn (loop, "future3", awaiting_task, (void *)3);
  braid_print ("ensure_future(future1) is future1: %s\n",
               ensure_future_future (braid_task_future (futures[0]))
                       == braid_task_future (futures[0])
                   ? "True"
                   : "False");
  braid_print ("tasks created: nothing ran yet\n");
  rc = braid_loop_run_until_complete (loop, braid_task_future (futures[0]),
                                      NULL);
  if (rc < 0)
    braid_error_print (braid_error_current (), stderr);
  for (int i = 0; i < 3 && rc == 0; i++)
    {
      void *result = NULL;
      bool done = braid_task_done (futures[i]);

      rc = braid_task_result (futures[i], &result);
      if (rc < 0)
        braid_error_print (braid_error_current (), stderr);
      else
        braid_print ("%s done: %s result: %d\n", braid_task_name (futures[i]),
                     done ? "True" : "False", (int)(intptr_t)result);
    }
  for (int i = 0; i < 3; i++)
    braid_task_unref (futures[i]);
  braid_loop_close (loop);
  return rc < 0 ? 1 : 0;
}
