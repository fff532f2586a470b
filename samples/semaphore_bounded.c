/* semaphore_bounded.c: the "Semaphores" section of the asyncio guide (seed
 * 003), as samples/python/semaphore_bounded.py: ten bounded operations
 * through a semaphore of 3, so at most three run at once. Operation i
 * sleeps 0.05 * (i + 1) s (distinct deadlines: the order never rests on a
 * timer tie) and returns i * i.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdint.h>
#include <stdio.h>

#include <braid/braid.h>

#define N_OPERATIONS 10

static braid_semaphore *sem;
static int running;

/* operation: the guide's undefined operation(), made visible. */
static intptr_t
operation (intptr_t i, int *rc)
{
  running++;
  braid_print ("operation %d starts (%d running)\n", (int)i, running);
  *rc = braid_sleep (0.05 * (double)(i + 1));
  running--;
  if (*rc < 0)
    return 0;
  braid_print ("operation %d ends\n", (int)i);
  return i * i;
}

/* bounded_operation: `async with sem: return await operation()`. */
static void *
bounded_operation (void *arg)
{
  intptr_t result = 0;
  int rc;

  BRAID_WITH_SEMAPHORE (sem, rc) { result = operation ((intptr_t)arg, &rc); }
  return (void *)result;
}

/* main_task: gathers the ten operations and prints their results. */
static void *
main_task (void *arg)
{
  braid_task *tasks[N_OPERATIONS];
  void *results[N_OPERATIONS];
  int rc;

  sem = braid_semaphore_new (NULL, 3); /* Limit concurrent operations */
  for (intptr_t i = 0; i < N_OPERATIONS; i++)
    {
      char name[32];
      snprintf (name, sizeof name, "bounded_operation%d", (int)i);
      tasks[i] = braid_spawn_named (name, bounded_operation, (void *)i);
    }
  rc = braid_gather_tasks (tasks, N_OPERATIONS, results, NULL,
                           BRAID_GATHER_DEFAULT);
  for (int i = 0; i < N_OPERATIONS; i++)
    braid_task_unref (tasks[i]);
  braid_semaphore_free (sem);
  if (rc < 0)
    return NULL;
  braid_print ("results: [");
  for (int i = 0; i < N_OPERATIONS; i++)
    braid_print ("%s%d", i ? ", " : "", (int)(intptr_t)results[i]);
  braid_print ("]\n");
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
