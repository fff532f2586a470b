/* my_coroutine.c: the first program of the dev.to article on asyncio
 * fundamentals (seed 001), "Coroutines" and "Power of asyncio.run", as
 * samples/python/my_coroutine.py: a task prints Start, sleeps 2 s without
 * blocking the loop, and prints End; braid_run creates the loop, runs the
 * task and closes the loop, as asyncio.run does.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdio.h>

#include <braid/braid.h>

/* my_coroutine: Start, a 2 s sleep, End. Returns early with the
 * cancellation current if the sleep is cancelled. */
static void *
my_coroutine (void *arg)
{
  (void)arg;
  braid_print ("Start\n");
  if (braid_sleep (2) < 0)
    return NULL;
  braid_print ("End\n");
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
  if (braid_run (my_coroutine, NULL, NULL) < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  return 0;
}
