/* my_future.c: "Futures" of the dev.to article on asyncio fundamentals
 * (seed 001), as samples/python/my_future.py: a future gets as its result
 * what braid_run (asyncio.run) of my_coroutine returned, and its result is
 * read back; then the article's shorter form prints braid_run's result
 * directly.
 *
 * asyncio.Future() outside a running loop belongs to the policy's default
 * loop, which never runs here; braid has no default loop, so the future is
 * made on a loop created for it and closed at the end. Setting and reading
 * the result of a future nobody waits on needs no running loop.
 *
 * Nothing here is hot; it is a sample and a fixture for the sample tests.
 */
#include <stdio.h>

#include <braid/braid.h>

/* my_coroutine: sleeps 1 s and returns a static string. */
static void *
my_coroutine (void *arg)
{
  (void)arg;
  if (braid_sleep (1) < 0)
    return NULL;
  return "Any Async Output";
}

int
main (int argc, char **argv)
{
  braid_loop *default_loop;
  braid_future *my_future;
  void *output = NULL;
  void *result = NULL;

  if (argc > 1)
    {
      fprintf (stderr, "usage: %s\n", argv[0]);
      return 2;
    }
  default_loop = braid_loop_new ();
  if (default_loop == NULL)
    {
      fprintf (stderr, "my_future: cannot create an event loop\n");
      return 1;
    }
  my_future = braid_future_new (default_loop);
  if (braid_run (my_coroutine, NULL, &output) < 0
      || braid_future_set_result (my_future, output) < 0
      || braid_future_result (my_future, &result) < 0)
    goto fail;
  braid_print ("%s\n", (const char *)result);
  braid_future_unref (my_future);
  braid_loop_close (default_loop);

  /* Alternatively, the simplified form: */
  if (braid_run (my_coroutine, NULL, &result) < 0)
    {
      braid_error_print (braid_error_current (), stderr);
      return 1;
    }
  braid_print ("%s\n", (const char *)result);
  return 0;

fail:
  braid_error_print (braid_error_current (), stderr);
  braid_future_unref (my_future);
  braid_loop_close (default_loop);
  return 1;
}
