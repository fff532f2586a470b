/* hello_world.c: "Event Loop" of the asyncio guide (seed 003), as
 * samples/python/hello_world.py: main prints Hello, sleeps 1 s, prints
 * World, run by braid_run (asyncio.run).
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdio.h>

#include <braid/braid.h>

/* main_task: the guide's main(). */
static void *
main_task (void *arg)
{
  (void)arg;
  braid_print ("Hello\n");
  if (braid_sleep (1) < 0)
    return NULL;
  braid_print ("World\n");
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
  /* Run the event loop. */
  if (braid_run (main_task, NULL, NULL) < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  return 0;
}
