/* test-error.c: errors as exceptions: the type tree, raise (site and
 * cause), catch, re-raise, codes, and a task that returns with its current
 * error set failing with it; an error made without raising it
 * (braid_error_new) and an explicit cause (braid_raise_from).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

#include "braid-internal.h"
#include "test-core-util.h"

static void
test_type_tree_follows_python (void)
{
  const braid_error_type *under_exception[]
      = { BRAID_TIMEOUT_ERROR, BRAID_INVALID_STATE_ERROR, BRAID_VALUE_ERROR,
          BRAID_RUNTIME_ERROR, BRAID_MEMORY_ERROR,        BRAID_OS_ERROR,
          BRAID_GROUP_ERROR };
  for (size_t i = 0; i < G_N_ELEMENTS (under_exception); i++)
    {
      g_assert_true (under_exception[i]->base == BRAID_EXCEPTION);
    }
  g_assert_true (BRAID_EXCEPTION->base == BRAID_BASE_EXCEPTION);
  g_assert_true (BRAID_CANCELLED_ERROR->base == BRAID_BASE_EXCEPTION);
  g_assert_null (BRAID_BASE_EXCEPTION->base);

  braid_raise (BRAID_CANCELLED_ERROR, "c");
  /* CancelledError is not an Exception: catching Exception leaves it. */
  g_assert_null (braid_error_catch (BRAID_EXCEPTION));
  braid_error *e = braid_error_catch (BRAID_BASE_EXCEPTION);
  g_assert_nonnull (e);
  braid_error_unref (e);
}

static const braid_error_type my_error = { "MyError", BRAID_VALUE_ERROR };

static void
test_raise_records_site_and_cause (void)
{
  g_assert_null (braid_error_current ());
  int line = __LINE__ + 1;
  int rc = braid_raise (BRAID_OS_ERROR, "first %d", 1);
  g_assert_cmpint (rc, ==, BRAID_EFAILED);
  braid_error *first = braid_error_current ();
  g_assert_cmpstr (braid_error_file (first), ==, __FILE__);
  g_assert_cmpint (braid_error_line (first), ==, line);
  g_assert_cmpstr (braid_error_function (first), ==, __func__);
  g_assert_cmpstr (braid_error_message (first), ==, "first 1");
  rc = braid_raise (&my_error, "second");
  g_assert_cmpint (rc, ==, BRAID_EFAILED);
  braid_error *second = braid_error_current ();
  g_assert_true (braid_error_cause (second) == first);
  g_assert_true (braid_error_is (second, BRAID_VALUE_ERROR));
  g_assert_true (braid_error_is (second, BRAID_EXCEPTION));
  g_assert_false (braid_error_is (second, BRAID_OS_ERROR));
  /* catch of a type that does not match leaves the error current. */
  g_assert_null (braid_error_catch (BRAID_OS_ERROR));
  g_assert_true (braid_error_current () == second);
  braid_error *caught = braid_error_catch (&my_error);
  g_assert_true (caught == second);
  g_assert_null (braid_error_current ());
  /* re-raise makes it current again. */
  g_assert_cmpint (braid_reraise (caught), ==, BRAID_EFAILED);
  g_assert_true (braid_error_current () == caught);
  braid_error_clear ();
  braid_error_unref (caught);
}

static void
test_codes_follow_the_type (void)
{
  g_assert_cmpint (braid_raise (BRAID_CANCELLED_ERROR, "x"), ==,
                   BRAID_ECANCELLED);
  g_assert_cmpint (braid_raise (BRAID_TIMEOUT_ERROR, "x"), ==, BRAID_ETIMEDOUT);
  g_assert_cmpint (braid_error_code (braid_error_current ()), ==,
                   BRAID_ETIMEDOUT);
  g_assert_cmpint (braid__raise_code (BRAID_EINVAL, "thing"), ==, BRAID_EINVAL);
  g_assert_true (braid_error_is (braid_error_current (), BRAID_VALUE_ERROR));
  g_assert_cmpint (braid_error_code (braid_error_current ()), ==, BRAID_EINVAL);
  braid_error_clear ();
  g_assert_cmpstr (braid_strerror (BRAID_ETIMEDOUT), ==, "timed out");
  g_assert_cmpstr (braid_strerror (UV_ECONNREFUSED), ==,
                   uv_strerror (UV_ECONNREFUSED));
}

static void
print_subprocess (void)
{
  braid_raise_at (BRAID_VALUE_ERROR, "a.c", 3, "f", "inner");
  braid_raise_at (BRAID_RUNTIME_ERROR, "b.c", 9, "g", "outer");
  braid_error_print (braid_error_current (), stdout);
  braid_error_clear ();
}

static void
test_print_shows_sites_and_causes (void)
{
  if (g_test_subprocess ())
    {
      print_subprocess ();
      return;
    }
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stdout (
      "RuntimeError: outer (raised at b.c:9 in g)\n"
      "  caused by ValueError: inner (raised at a.c:3 in f)\n");
}

static void *
raises_and_returns (void *arg)
{
  braid_raise (BRAID_VALUE_ERROR, "from task");
  return (void *)1; /* ignored: the current error wins */
}

static void *
catches_inside (void *arg)
{
  braid_raise (BRAID_VALUE_ERROR, "handled");
  braid_error *e = braid_error_catch (BRAID_VALUE_ERROR);
  braid_error_unref (e);
  return (void *)2;
}

static void *
error_main (void *arg)
{
  /* Each task has its own current error. */
  braid_raise (BRAID_RUNTIME_ERROR, "main's own");
  braid_task *t = braid_spawn (raises_and_returns, NULL);
  braid_task *u = braid_spawn (catches_inside, NULL);
  braid_error *mine = braid_error_catch (BRAID_RUNTIME_ERROR);
  g_assert_nonnull (mine);
  braid_error_unref (mine);
  void *r = NULL;
  g_assert_cmpint (braid_await_task (t, &r), ==, BRAID_EFAILED);
  braid_error *e = braid_error_current ();
  g_assert_cmpstr (braid_error_message (e), ==, "from task");
  g_assert_true (braid_task_error (t) == e); /* the same object */
  braid_error_clear ();
  g_assert_cmpint (braid_await_task (u, &r), ==, 0);
  g_assert_cmpint ((intptr_t)r, ==, 2);
  braid_task_unref (t);
  braid_task_unref (u);
  return NULL;
}

static void
test_task_returning_with_current_error_fails_with_it (void)
{
  run_logged (error_main, NULL, true, NULL);
  g_assert_cmpint (core_count_never_retrieved, ==, 0);
}

/* Raises as the I/O calls do, with the function name and message made
 * in a buffer on this task's stack. */
static void *
raises_from_a_stack_buffer (void *arg)
{
  char what[64];
  snprintf (what, sizeof what, "GET http://example.invalid/%d", 7);
  braid__raise_code_on (UV_ECONNREFUSED, what, what);
  memset (what, 'X', sizeof what - 1);
  return NULL;
}

/* An error owns everything it prints: read after the buffer was
 * overwritten, and after braid_run closed the loop and freed the task's
 * stack. */
static void
test_error_outlives_its_loop_and_buffers (void)
{
  g_assert_cmpint (braid_run (raises_from_a_stack_buffer, NULL, NULL), ==,
                   UV_ECONNREFUSED);
  braid_error *e = braid_error_catch (BRAID_OS_ERROR);
  g_assert_nonnull (e);
  g_assert_cmpstr (braid_error_function (e), ==,
                   "GET http://example.invalid/7");
  g_assert_cmpstr (braid_error_message (e), ==,
                   "GET http://example.invalid/7: connection refused");
  char *printed = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&printed, &len);
  braid_error_print (e, out);
  fclose (out);
  g_assert_cmpstr (printed, ==,
                   "OSError: GET http://example.invalid/7: connection "
                   "refused (raised by GET http://example.invalid/7)\n");
  free (printed);
  braid_error_unref (e);

  /* The site of braid_raise_at is copied too. */
  char file[16] = "x.c", func[16] = "fn";
  braid_raise_at (BRAID_VALUE_ERROR, file, 3, func, "%s", "m");
  memset (file, 0, sizeof file);
  memset (func, 0, sizeof func);
  e = braid_error_catch (NULL);
  g_assert_cmpstr (braid_error_file (e), ==, "x.c");
  g_assert_cmpstr (braid_error_function (e), ==, "fn");
  braid_error_unref (e);
}

/* braid_error_new makes an error without raising it: the current error
 * stays, the new one has the calling site and no cause; raising it later
 * (braid_reraise) keeps its own message and site. */
static void
test_error_new_does_not_raise (void)
{
  braid_raise (BRAID_RUNTIME_ERROR, "current");
  braid_error *current = braid_error_current ();
  int line = __LINE__ + 1;
  braid_error *e = braid_error_new (BRAID_VALUE_ERROR, "bad size %d", 7);
  g_assert_true (braid_error_current () == current);
  g_assert_true (braid_error_is (e, BRAID_VALUE_ERROR));
  g_assert_cmpstr (braid_error_message (e), ==, "bad size 7");
  g_assert_cmpint (braid_error_line (e), ==, line);
  g_assert_cmpstr (braid_error_function (e), ==, G_STRFUNC);
  g_assert_null (braid_error_cause (e));
  g_assert_cmpint (braid_error_code (e), ==, BRAID_EFAILED);
  braid_error_clear ();
  g_assert_cmpint (braid_reraise (e), ==, BRAID_EFAILED);
  g_assert_true (braid_error_current () == e);
  g_assert_null (braid_error_cause (e));
  braid_error_clear ();
  braid_error_unref (e);
  braid_error *c = braid_error_new (BRAID_CANCELLED_ERROR, NULL);
  g_assert_cmpstr (braid_error_message (c), ==, "");
  g_assert_cmpint (braid_error_code (c), ==, BRAID_ECANCELLED);
  braid_error_unref (c);
}

/* raise X from Y: the explicit cause replaces the implicit one (the error
 * that was current); "from None" (a NULL cause) leaves none; a cause that
 * leads back to the error is a ValueError and changes nothing. */
static void
test_raise_from_sets_an_explicit_cause (void)
{
  braid_error *y = braid_error_new (BRAID_OS_ERROR, "disk");
  braid_raise (BRAID_RUNTIME_ERROR, "stale");
  braid_error *x = braid_error_new (BRAID_VALUE_ERROR, "config");
  g_assert_cmpint (braid_raise_from (x, y), ==, BRAID_EFAILED);
  g_assert_true (braid_error_current () == x);
  g_assert_true (braid_error_cause (x) == y);
  g_assert_null (braid_error_cause (y));
  /* The printed chain names the cause. */
  char *text = NULL;
  size_t len = 0;
  FILE *out = open_memstream (&text, &len);
  braid_error_print (x, out);
  fclose (out);
  g_assert_nonnull (strstr (text, "ValueError: config"));
  g_assert_nonnull (strstr (text, "OSError: disk"));
  g_assert_null (strstr (text, "stale"));
  free (text);
  braid_error_clear ();

  /* A loop in the chain is refused. */
  g_assert_cmpint (braid_error_set_cause (y, x), ==, BRAID_EINVAL);
  g_assert_true (braid_error_is (braid_error_current (), BRAID_VALUE_ERROR));
  g_assert_null (braid_error_cause (y));
  braid_error_clear ();
  g_assert_cmpint (braid_error_set_cause (x, x), ==, BRAID_EINVAL);
  g_assert_true (braid_error_cause (x) == y);
  braid_error_clear ();

  /* from None. */
  braid_raise (BRAID_RUNTIME_ERROR, "stale");
  g_assert_cmpint (braid_raise_from (x, NULL), ==, BRAID_EFAILED);
  g_assert_null (braid_error_cause (x));
  braid_error_clear ();

  /* set_cause takes its own reference: the cause outlives the caller's. */
  g_assert_cmpint (braid_error_set_cause (x, y), ==, 0);
  braid_error_unref (y);
  g_assert_cmpstr (braid_error_message (braid_error_cause (x)), ==, "disk");
  braid_error_unref (x);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  core_test_init ();
  g_test_add_func ("/runtime/error/type-tree-follows-python",
                   test_type_tree_follows_python);
  g_test_add_func ("/runtime/error/raise-records-site-and-cause",
                   test_raise_records_site_and_cause);
  g_test_add_func ("/runtime/error/codes-follow-the-type",
                   test_codes_follow_the_type);
  g_test_add_func ("/runtime/error/print-shows-sites-and-causes",
                   test_print_shows_sites_and_causes);
  g_test_add_func ("/runtime/error/error-outlives-its-loop-and-buffers",
                   test_error_outlives_its_loop_and_buffers);
  g_test_add_func ("/runtime/error/task-returning-with-error-fails-with-it",
                   test_task_returning_with_current_error_fails_with_it);
  g_test_add_func ("/runtime/error/error-new-does-not-raise",
                   test_error_new_does_not_raise);
  g_test_add_func ("/runtime/error/raise-from-sets-an-explicit-cause",
                   test_raise_from_sets_an_explicit_cause);
  return g_test_run ();
}
