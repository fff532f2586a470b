/* process_data.c: "Creating Async Functions" and "Running Multiple Tasks"
 * of the asyncio guide (seed 003), as samples/python/process_data.py:
 * fetch_data simulates 1 s of I/O and returns "Data"; process_data awaits
 * it and returns "DATA"; main gathers three fetch_data tasks and returns
 * their results in order.
 *
 * The guide shows the functions without running them; here each is run
 * with braid_run (asyncio.run) and its result printed, the list as Python
 * prints a list of strings. The tasks are named fetch1..fetch3 so that
 * traces read well.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include <braid/braid.h>

#define N_TASKS 3

/* fetch_data: sleeps 1 s (the simulated I/O) and returns "Data", a static
 * string. */
static void *
fetch_data (void *arg)
{
  (void)arg;
  /* Simulate I/O operation */
  if (braid_sleep (1) < 0)
    return NULL;
  return "Data";
}

/* process_data: `data = await fetch_data(); return data.upper()`. Awaiting
 * a coroutine runs it inline, which a plain call does here. Returns a
 * static buffer, or NULL with the error current. */
static void *
process_data (void *arg)
{
  static char upper[16];
  const char *data = fetch_data (arg);
  size_t i;

  if (data == NULL)
    return NULL;
  for (i = 0; data[i] != '\0' && i < sizeof upper - 1; i++)
    upper[i] = (char)toupper ((unsigned char)data[i]);
  upper[i] = '\0';
  return upper;
}

/* main_task: gathers three fetch_data tasks; returns @arg, an array of
 * N_TASKS results filled in argument order, or NULL with the error
 * current. */
static void *
main_task (void *arg)
{
  void **results = arg;
  braid_task *tasks[N_TASKS];
  char name[16];
  int rc;

  /* Create multiple tasks */
  for (int i = 0; i < N_TASKS; i++)
    {
      snprintf (name, sizeof name, "fetch%d", i + 1);
      tasks[i] = braid_spawn_named (name, fetch_data, NULL);
    }

  /* Wait for all tasks to complete */
  rc = braid_gather_tasks (tasks, N_TASKS, results, NULL, BRAID_GATHER_DEFAULT);
  for (int i = 0; i < N_TASKS; i++)
    braid_task_unref (tasks[i]);
  return rc < 0 ? NULL : results;
}

int
main (int argc, char **argv)
{
  void *results[N_TASKS] = { NULL };
  void *result = NULL;

  if (argc > 1)
    {
      fprintf (stderr, "usage: %s\n", argv[0]);
      return 2;
    }
  if (braid_run (process_data, NULL, &result) < 0)
    goto fail;
  braid_print ("process_data() returned %s\n", (const char *)result);

  if (braid_run (main_task, results, NULL) < 0)
    goto fail;
  braid_print ("main() returned [");
  for (int i = 0; i < N_TASKS; i++)
    braid_print ("%s'%s'", i > 0 ? ", " : "", (const char *)results[i]);
  braid_print ("]\n");
  return 0;

fail:
  braid_error_print (braid_error_current (), stderr);
  return 1;
}
