/* test-modules.c: a module named in BRAID_MODULES is loaded at the first
 * loop creation, its braid_module_init runs once, and the hook it installs
 * sees the loop's events from the loop's creation to its close.
 * TEST_MODULE_PATH is the test module built from test-module.c.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <glib.h>
#include <stdlib.h>

#include <braid/braid.h>

static void *
hello (void *arg)
{
  return arg;
}

static void
test_module_hook_sees_the_loop_events (void)
{
  if (g_test_subprocess ())
    {
      setenv ("BRAID_MODULES", TEST_MODULE_PATH, 1);
      g_assert_cmpint (braid_run (hello, NULL, NULL), ==, 0);
      /* A second loop loads nothing again. */
      braid_loop *loop = braid_loop_new ();
      braid_loop_close (loop);
      const char *(*log) (void) = (const char *(*)(void))dlsym (
          RTLD_DEFAULT, "braid_test_module_log");
      int (*calls) (void) = (int (*) (void))dlsym (
          RTLD_DEFAULT, "braid_test_module_init_calls");
      g_assert_nonnull (log);
      g_assert_nonnull (calls);
      g_assert_cmpint (calls (), ==, 1);
      printf ("%s\n", log ());
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout ("loop-created task-created:Task-1 "
                             "task-completed loop-closed loop-created "
                             "loop-closed \n");
  /* Loaded without a warning. */
  g_test_trap_assert_stderr_unmatched ("*braid:*");
}

/* A module path that does not exist is reported, and the loop still
 * works. */
static void
test_missing_module_is_reported (void)
{
  if (g_test_subprocess ())
    {
      setenv ("BRAID_MODULES", "/nonexistent/braid-module.so", 1);
      g_assert_cmpint (braid_run (hello, NULL, NULL), ==, 0);
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("braid: cannot load module "
                             "/nonexistent/braid-module.so*");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/runtime/modules/module-hook-sees-the-loop-events",
                   test_module_hook_sees_the_loop_events);
  g_test_add_func ("/runtime/modules/missing-module-is-reported",
                   test_missing_module_is_reported);
  return g_test_run ();
}
