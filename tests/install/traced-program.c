/* traced-program.c: a program of a braid user, built outside the tree by
 * test-install.py with exactly `cc traced-program.c $(pkg-config --cflags
 * --libs braid)` against an installed braid, then traced with the
 * installed `braid run`. Two tasks take turns with sleep(0); one fails and
 * main reads its error. */
#include <braid/braid.h>

#if !BRAID_CHECK_VERSION(0, 1, 0)
#error "braid-version.h says this braid is older than 0.1.0"
#endif

static void *
turns (void *arg)
{
  const char *who = arg;
  for (int i = 0; i < 3; i++)
    {
      braid_print ("%s %d\n", who, i);
      braid_sleep (0);
    }
  return NULL;
}

static void *
fails (void *arg)
{
  (void)arg;
  braid_sleep (0);
  braid_raise (BRAID_VALUE_ERROR, "bad input");
  return NULL;
}

static void *
main_task (void *arg)
{
  (void)arg;
  braid_task *a = braid_spawn_named ("ping", turns, "ping");
  braid_task *b = braid_spawn_named ("pong", turns, "pong");
  braid_task *c = braid_spawn_named ("failing", fails, NULL);
  braid_await (a, NULL);
  braid_await (b, NULL);
  if (braid_await (c, NULL) < 0)
    {
      braid_error *e = braid_error_catch (BRAID_VALUE_ERROR);
      braid_print ("caught: %s\n", braid_error_message (e));
      braid_error_unref (e);
    }
  braid_task_unref (a);
  braid_task_unref (b);
  braid_task_unref (c);
  return NULL;
}

int
main (void)
{
  braid_print ("libbraid %s\n", braid_version ());
  return braid_run (main_task, NULL, NULL) < 0 ? 1 : 0;
}
