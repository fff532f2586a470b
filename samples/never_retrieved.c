/* never_retrieved.c: "Task exception was never retrieved", from "Async
 * programming in Python with asyncio" (seed 002), as
 * samples/python/never_retrieved.py.
 *
 * Three tasks fail. main reads the first one's error through its result
 * (the article's try/except around result()), the second one's through
 * braid_task_error (the article's exception()), and never looks at the
 * third. braid reports the third on stderr the moment its error can no
 * longer be read by anyone: when main drops the last reference to it.
 * CPython reports it when the task object is freed, which for this program
 * is when main's frame releases it as asyncio.run finishes; the report
 * comes before "main: finished" in both.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdio.h>

#include <braid/braid.h>

/* fail: sleeps 0.1 s, then raises Exception("NAME went wrong!"). */
static void *
fail (void *arg)
{
  const char *name = arg;

  if (braid_sleep (0.1) < 0)
    return NULL;
  braid_raise (BRAID_EXCEPTION, "%s went wrong!", name);
  return NULL;
}

/* main_task: the article's two ways to retrieve an error, and a task whose
 * error is forgotten. */
static void *
main_task (void *arg)
{
  braid_task *checked = braid_spawn_named ("checked", fail, "checked");
  braid_task *inspected = braid_spawn_named ("inspected", fail, "inspected");
  braid_task *forgotten = braid_spawn_named ("forgotten", fail, "forgotten");
  braid_error *e;

  if (braid_sleep (0.5) < 0)
    goto out;

  /* This raises the error raised during the task's execution. */
  if (braid_task_result (checked, NULL) < 0)
    {
      e = braid_error_catch (BRAID_EXCEPTION);
      if (e == NULL)
        goto out;
      braid_print ("checked: result() raised: %s\n", braid_error_message (e));
      braid_error_unref (e);
    }

  /* This returns the error raised during the task's execution. */
  e = braid_task_error (inspected);
  braid_print ("inspected: exception() returned: %s\n",
               e ? braid_error_message (e) : "None");

  braid_print ("forgotten: done=%s, its error is never read\n",
               braid_task_done (forgotten) ? "True" : "False");

out:
  braid_task_unref (checked);
  braid_task_unref (inspected);
  /* The last reference to a failed task whose error nobody read: braid
   * reports "Task exception was never retrieved" here. */
  braid_task_unref (forgotten);
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
  braid_print ("main: finished\n");
  return 0;
}
