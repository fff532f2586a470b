/* advanced_techniques.c: "Advanced Asynchronous Techniques" of
 * "Asynchronous Programming in Python" (seed 000), which names queues,
 * futures, locks and semaphores without code; this program, like
 * samples/python/advanced_techniques.py, shows the first three
 * (semaphores: see semaphore_bounded.c).
 *
 * A producer puts 1, 2, 3 into a queue, 0.1 s apart, then None (NULL) to
 * end; a consumer sums what it gets and sets the sum as the result of a
 * future that main awaits. Then two tasks increment a shared counter under
 * a lock, each reading it, sleeping 0.1 s and writing it back: the lock
 * makes the second wait, so no update is lost.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdint.h>
#include <stdio.h>

#include <braid/braid.h>

static braid_queue *queue;
static braid_lock *lock;
static int counter;

/* producer: puts 1..3 (integers in the pointers), 0.1 s apart, then
 * NULL. */
static void *
producer (void *arg)
{
  (void)arg;
  for (intptr_t i = 1; i < 4; i++)
    {
      if (braid_queue_put (queue, (void *)i) < 0)
        return NULL;
      braid_print ("producer: put %d\n", (int)i);
      if (braid_sleep (0.1) < 0)
        return NULL;
    }
  if (braid_queue_put (queue, NULL) < 0)
    return NULL;
  braid_print ("producer: put None, done\n");
  return NULL;
}

/* consumer: sums the items until NULL, then completes the future @arg
 * with the sum. */
static void *
consumer (void *arg)
{
  braid_future *total = arg;
  intptr_t s = 0;
  void *item;

  for (;;)
    {
      if (braid_queue_get (queue, &item) < 0)
        return NULL;
      if (item == NULL)
        break;
      s += (intptr_t)item;
      braid_print ("consumer: got %d, sum %d\n", (int)(intptr_t)item, (int)s);
    }
  braid_future_set_result (total, (void *)s);
  return NULL;
}

/* increment: read, sleep 0.1 s, write back, all under the lock; @arg is
 * the task's name. */
static void *
increment (void *arg)
{
  const char *name = arg;
  int rc;

  BRAID_WITH_LOCK (lock, rc)
  {
    int value = counter;
    rc = braid_sleep (0.1);
    if (rc == 0)
      {
        counter = value + 1;
        braid_print ("%s: counter %d -> %d\n", name, value, value + 1);
      }
  }
  return NULL;
}

/* gather2: gathers two tasks and releases them. Returns as braid_gather. */
static int
gather2 (braid_task *a, braid_task *b)
{
  braid_task *tasks[2] = { a, b };
  int rc = braid_gather_tasks (tasks, 2, NULL, NULL, BRAID_GATHER_DEFAULT);

  braid_task_unref (a);
  braid_task_unref (b);
  return rc;
}

static void *
main_task (void *arg)
{
  braid_future *total;
  braid_task *prod, *cons, *inc1, *inc2;
  void *sum = NULL;
  int rc;

  (void)arg;
  queue = braid_queue_new (NULL, 0, BRAID_QUEUE_FIFO, NULL);
  total = braid_future_new (NULL);
  prod = braid_spawn_named ("producer", producer, NULL);
  cons = braid_spawn_named ("consumer", consumer, total);
  rc = braid_await (total, &sum);
  if (rc == 0)
    braid_print ("main: the sum is %d\n", (int)(intptr_t)sum);
  if (gather2 (prod, cons) < 0 || rc < 0)
    goto out;

  lock = braid_lock_new (NULL);
  /* Two statements: the order of a call's arguments is unspecified in C,
   * and the creation order is the order the tasks first run. */
  inc1 = braid_spawn_named ("increment1", increment, "increment1");
  inc2 = braid_spawn_named ("increment2", increment, "increment2");
  if (gather2 (inc1, inc2) == 0)
    braid_print ("main: counter %d\n", counter);
  braid_lock_free (lock);

out:
  braid_future_unref (total);
  braid_queue_free (queue);
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
