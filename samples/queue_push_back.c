/* queue_push_back.c: "Why asyncio" of "Async programming in Python with
 * asyncio" (seed 002), as samples/python/queue_push_back.py:
 * queue_push_back checks the size of a list and then appends to it. With
 * threads two could pass the check at once and overfill the list; with
 * tasks on one loop no task runs between the check and the append, since
 * nothing there awaits, so the list never exceeds max_size.
 *
 * The article's snippet is a lone function over a global named `list`;
 * here the list is `items`, the function says whether it pushed, and two
 * producer tasks (producer1 and producer2) push into it by turns, yielding
 * after each push.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <braid/braid.h>

#define MAX_SIZE 5

static char items[MAX_SIZE][32];
static size_t n_items;

/* queue_push_back: appends a copy of @x if the list is not full. Returns
 * whether it did. Never suspends, so no other task can run between the
 * check and the append. */
static bool
queue_push_back (const char *x)
{
  if (n_items < MAX_SIZE)
    {
      snprintf (items[n_items], sizeof items[n_items], "%s", x);
      n_items++;
      return true;
    }
  return false;
}

/* producer: pushes "NAME-i" for i in 0..3, yielding after each push. @arg
 * is the name. */
static void *
producer (void *arg)
{
  const char *name = arg;
  char x[32];

  for (int i = 0; i < 4; i++)
    {
      snprintf (x, sizeof x, "%s-%d", name, i);
      if (queue_push_back (x))
        braid_print ("%s: pushed %s, size %zu\n", name, x, n_items);
      else
        braid_print ("%s: full, %s dropped\n", name, x);
      if (braid_yield () < 0)
        return NULL;
    }
  return NULL;
}

static void *
main_task (void *arg)
{
  braid_task *tasks[2];
  int rc;

  (void)arg;
  tasks[0] = braid_spawn_named ("producer1", producer, "producer1");
  tasks[1] = braid_spawn_named ("producer2", producer, "producer2");
  rc = braid_gather_tasks (tasks, 2, NULL, NULL, BRAID_GATHER_DEFAULT);
  braid_task_unref (tasks[0]);
  braid_task_unref (tasks[1]);
  if (rc == 0)
    braid_print ("final size %zu, max_size %d\n", n_items, MAX_SIZE);
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
