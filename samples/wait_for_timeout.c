/* wait_for_timeout.c: the "Timeouts" pattern of the guide (seed 003), as
 * samples/python/wait_for_timeout.py: wait_for gives an operation 5 s; one
 * that takes 1 s returns its result, one that takes 10 s is cancelled and
 * the caller gets a TimeoutError and prints "Operation timed out".
 *
 * A missing result prints as "None", as Python prints it.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdint.h>
#include <stdio.h>

#include <braid/braid.h>

/* long_operation: works (sleeps) @arg seconds, an integer in the pointer,
 * and returns a static string. When cancelled, says so and ends cancelled
 * (the CancelledError stays current). */
static void *
long_operation (void *arg)
{
  static char result[64];
  int seconds = (int)(intptr_t)arg;

  braid_print ("long_operation: working for %d s\n", seconds);
  if (braid_sleep (seconds) < 0)
    {
      if (braid_error_is (braid_error_current (), BRAID_CANCELLED_ERROR))
        braid_print ("long_operation: cancelled\n");
      return NULL;
    }
  snprintf (result, sizeof result, "finished after %d s", seconds);
  return result;
}

/* run_with_timeout: the guide's main(), called inline as a coroutine
 * would be awaited. Returns the operation's result, or NULL after printing
 * "Operation timed out". Any other error (cancellation of the caller) is
 * left current and NULL returned. */
static const char *
run_with_timeout (int seconds)
{
  braid_task *op = braid_spawn_named ("long_operation", long_operation,
                                      (void *)(intptr_t)seconds);
  void *result = NULL;
  int rc;

  /* Set a timeout for the operation. */
  rc = braid_wait_for (braid_task_future (op), 5.0, &result);
  braid_task_unref (op);
  if (rc == BRAID_ETIMEDOUT)
    {
      braid_error *e = braid_error_catch (BRAID_TIMEOUT_ERROR);

      braid_error_unref (e);
      braid_print ("Operation timed out\n");
      return NULL;
    }
  return rc == 0 ? result : NULL;
}

/* main_task: one operation that finishes in time, one that does not. */
static void *
main_task (void *arg)
{
  const char *result;

  result = run_with_timeout (1);
  if (braid_error_current () != NULL)
    return NULL;
  braid_print ("result: %s\n", result ? result : "None");

  result = run_with_timeout (10);
  if (braid_error_current () != NULL)
    return NULL;
  braid_print ("result: %s\n", result ? result : "None");
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
