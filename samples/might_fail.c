/* might_fail.c: handling each task's error as it completes, from
 * "Asynchronous Programming in Python" (seed 000), as
 * samples/python/might_fail.py.
 *
 * Four tasks sleep 0, 1, 2 and 3 seconds; the one that sleeps 3 raises.
 * as_completed hands them back in completion order; the error is caught and
 * printed where that task is awaited, and the others' results are collected
 * and printed as Python prints a list of strings.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <braid/braid.h>

#define N_TASKS 4

/* The tasks' results: one buffer per delay, alive for the whole run. */
static char messages[N_TASKS][64];

/* might_fail: sleeps @arg seconds (an integer in the pointer), then raises
 * Exception("Something went wrong!") if that was more than 2, or returns
 * "Success after N seconds!" (a static string). */
static void *
might_fail (void *arg)
{
  int delay = (int)(intptr_t)arg;

  if (braid_sleep (delay) < 0)
    return NULL;
  if (delay > 2)
    {
      braid_raise (BRAID_EXCEPTION, "Something went wrong!");
      return NULL;
    }
  snprintf (messages[delay], sizeof messages[delay],
            "Success after %d seconds!", delay);
  return messages[delay];
}

/* main_task: the article's main(). Fails only if it is cancelled. */
static void *
main_task (void *arg)
{
  braid_task *tasks[N_TASKS];
  const char *results[N_TASKS];
  size_t n_results = 0;
  braid_as_completed *it;
  char line[512];
  size_t len;

  for (int i = 0; i < N_TASKS; i++)
    {
      char name[32];
      snprintf (name, sizeof name, "might_fail%d", i);
      tasks[i] = braid_spawn_named (name, might_fail, (void *)(intptr_t)i);
    }
  it = braid_as_completed_new_tasks (tasks, N_TASKS, BRAID_NO_TIMEOUT);
  for (int i = 0; i < N_TASKS; i++)
    braid_task_unref (tasks[i]);

  while (braid_as_completed_remaining (it) > 0)
    {
      void *result;
      int rc = braid_as_completed_next (it, NULL, &result);
      braid_error *e;

      if (rc == 0)
        {
          results[n_results++] = result;
          continue;
        }
      /* except Exception as e: anything else (cancellation) propagates. */
      e = braid_error_catch (BRAID_EXCEPTION);
      if (e == NULL)
        {
          braid_as_completed_free (it);
          return NULL;
        }
      braid_print ("An error occurred: %s\n", braid_error_message (e));
      braid_error_unref (e);
    }
  braid_as_completed_free (it);

  /* print(results): Python's repr of a list of strings. */
  len = (size_t)snprintf (line, sizeof line, "[");
  for (size_t i = 0; i < n_results && len < sizeof line; i++)
    len += (size_t)snprintf (line + len, sizeof line - len, "%s'%s'",
                             i > 0 ? ", " : "", results[i]);
  braid_print ("%s]\n", line);
  return NULL;
}

int
main (void)
{
  if (braid_run (main_task, NULL, NULL) < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  return 0;
}
