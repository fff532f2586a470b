/* coroutines_gather.c: synchronous versus asynchronous sleep, from the
 * dev.to article on asyncio fundamentals (seed 001), as
 * samples/python/coroutines_gather.py.
 *
 * First a real blocking sleep (time.sleep: nanosleep here) holds the whole
 * thread; then coroutine_1 sleeps asynchronously inside a gather and
 * coroutine_2 runs meanwhile. The optional argument is the length of the
 * blocking sleep in seconds (the article's 2 by default; the tests pass 0).
 * The text printed after it says "2 seconds" whatever the argument, as the
 * article's does.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include <braid/braid.h>

/* coroutine_1: prints, sleeps 1 s without blocking the loop, prints. */
static void *
coroutine_1 (void *arg)
{
  braid_print ("Pausing coroutine 1 ...\n");
  if (braid_sleep (1) < 0)
    return NULL;
  braid_print ("After a pause, resuming coroutine 1 ...\n");
  return NULL;
}

/* coroutine_2: prints once; it runs while coroutine_1 sleeps. */
static void *
coroutine_2 (void *arg)
{
  braid_print ("coroutine_2() is executed because coroutine_1() is on "
               "pause\n");
  return NULL;
}

/* main_task: asyncio.gather(coroutine_1(), coroutine_2()). */
static void *
main_task (void *arg)
{
  braid_task *tasks[2];

  tasks[0] = braid_spawn_named ("coroutine_1", coroutine_1, NULL);
  tasks[1] = braid_spawn_named ("coroutine_2", coroutine_2, NULL);
  braid_gather_tasks (tasks, 2, NULL, NULL, BRAID_GATHER_DEFAULT);
  braid_task_unref (tasks[0]);
  braid_task_unref (tasks[1]);
  return NULL;
}

/* blocking_sleep: time.sleep(@seconds): blocks the thread, retrying when a
 * signal interrupts the sleep. */
static void
blocking_sleep (double seconds)
{
  struct timespec ts;

  ts.tv_sec = (time_t)seconds;
  ts.tv_nsec = (long)((seconds - (double)ts.tv_sec) * 1e9);
  while (nanosleep (&ts, &ts) != 0 && errno == EINTR)
    ;
}

int
main (int argc, char **argv)
{
  double seconds = 2.0;

  if (argc > 2)
    {
      fprintf (stderr, "usage: %s [blocking-sleep-seconds]\n", argv[0]);
      return 2;
    }
  if (argc == 2)
    {
      char *end;

      errno = 0;
      seconds = strtod (argv[1], &end);
      if (end == argv[1] || *end != '\0' || errno != 0 || !isfinite (seconds)
          || seconds < 0 || seconds > 3600)
        {
          fprintf (stderr,
                   "%s: '%s' is not a number of seconds between 0 and "
                   "3600\n",
                   argv[0], argv[1]);
          return 2;
        }
    }

  braid_print ("**** Synchronous sleep ****\n");
  blocking_sleep (seconds);
  braid_print ("This will be printed after 2 seconds, as entire thread was "
               "blocked\n");

  braid_print ("**** Asynchronous sleep ****\n");
  if (braid_run (main_task, NULL, NULL) < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  return 0;
}
