/* wait_first_completed.c: the "Task Management" pattern of the guide (seed
 * 003), as samples/python/wait_first_completed.py: start three fetches,
 * wait for the first to complete, cancel the rest.
 *
 * The guide's fetch_data sleeps 1 s in every task, so all three would
 * finish in the same loop iteration and nothing would be left to cancel;
 * here they sleep 3, 1 and 2 s so that the pattern shows. The guide
 * iterates over Python's `pending` set, whose order is not defined; this
 * program (and the Python one) cancels in creation order.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdbool.h>
#include <stdio.h>

#include <braid/braid.h>

#define N_TASKS 3

/* One fetch: its name, how long it takes, and its result's buffer. */
typedef struct fetch
{
  const char *name;
  double delay;
  char result[64];
} fetch;

/* fetch_data: sleeps the fetch's delay and returns "Data from NAME".
 * When cancelled while sleeping, says so and ends cancelled (the
 * CancelledError stays current: it is re-raised). */
static void *
fetch_data (void *arg)
{
  fetch *f = arg;

  braid_print ("%s: fetching for %g s\n", f->name, f->delay);
  if (braid_sleep (f->delay) < 0)
    {
      if (braid_error_is (braid_error_current (), BRAID_CANCELLED_ERROR))
        braid_print ("%s: cancelled\n", f->name);
      return NULL;
    }
  braid_print ("%s: done\n", f->name);
  snprintf (f->result, sizeof f->result, "Data from %s", f->name);
  return f->result;
}

/* main_task: the guide's main(). */
static void *
main_task (void *arg)
{
  static fetch fetches[N_TASKS]
      = { { "fetch-0", 3, "" }, { "fetch-1", 1, "" }, { "fetch-2", 2, "" } };
  braid_task *tasks[N_TASKS], *pending[N_TASKS];
  bool done[N_TASKS], pending_done[N_TASKS];
  size_t n_pending = 0;
  int rc;

  for (int i = 0; i < N_TASKS; i++)
    tasks[i] = braid_spawn_named (fetches[i].name, fetch_data, &fetches[i]);

  /* Wait for the first completed task. */
  rc = braid_wait_tasks (tasks, N_TASKS, BRAID_NO_TIMEOUT, BRAID_FIRST_COMPLETED, done);
  if (rc < 0)
    goto out;
  for (int i = 0; i < N_TASKS; i++)
    if (done[i])
      {
        void *result = NULL;

        if (braid_task_result (tasks[i], &result) < 0)
          goto out;
        braid_print ("first completed: %s -> %s\n", braid_task_name (tasks[i]),
                     (const char *)result);
      }

  /* Cancel the remaining tasks, in creation order. */
  for (int i = 0; i < N_TASKS; i++)
    if (!done[i])
      {
        braid_task_cancel (tasks[i], NULL);
        pending[n_pending++] = tasks[i];
      }

  /* Let the cancellations be delivered before reporting the outcome. */
  if (n_pending > 0)
    {
      rc = braid_wait_tasks (pending, n_pending, BRAID_NO_TIMEOUT, BRAID_ALL_COMPLETED,
                             pending_done);
      if (rc < 0)
        goto out;
    }
  for (int i = 0; i < N_TASKS; i++)
    braid_print ("%s: cancelled=%s\n", braid_task_name (tasks[i]),
                 braid_task_cancelled (tasks[i]) ? "True" : "False");

out:
  for (int i = 0; i < N_TASKS; i++)
    braid_task_unref (tasks[i]);
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
