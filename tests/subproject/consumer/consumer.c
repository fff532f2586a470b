/* consumer.c: a program of a project that takes braid as a subproject.
 * It records its own run with braid_trace_start, then reads the trace back
 * through the reader, so both libraries are used through dependency(). */
#include <stdio.h>

#include <braid/braid-trace.h>
#include <braid/braid.h>

static void *
child (void *arg)
{
  braid_sleep (0);
  return arg;
}

static void *
main_task (void *arg)
{
  (void)arg;
  braid_task *t = braid_spawn_named ("child", child, "done");
  void *result = NULL;
  braid_await (t, &result);
  braid_print ("child said %s\n", (const char *)result);
  braid_task_unref (t);
  return NULL;
}

int
main (int argc, char **argv)
{
  if (argc != 2)
    return 2;
  if (braid_trace_start (argv[1]) != 0)
    return 1;
  if (braid_run (main_task, NULL, NULL) != 0)
    return 1;
  braid_trace_stop ();
  braid_trace *trace = NULL;
  char *error = NULL;
  if (braid_trace_open (argv[1], NULL, &trace, &error) != 0)
    {
      fprintf (stderr, "consumer: %s\n", error);
      return 1;
    }
  size_t n = 0;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n);
  for (size_t i = 0; i < n; i++)
    printf ("task %s\n", tasks[i].name);
  braid_trace_close (trace);
  return 0;
}
