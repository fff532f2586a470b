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

/* Checks braid_error_format (@e, @style) is @want (what CPython prints:
 * tests/runtime/python/errors.py). */
static void
assert_format (const braid_error *e, braid_error_style style, const char *want)
{
  char *text = braid_error_format (e, style);
  g_assert_cmpstr (text, ==, want);
  free (text);
}

/* str(), repr() and a traceback's last line as Python writes them. */
static void
test_format_as_python (void)
{
  braid_error *e = braid_error_new (BRAID_VALUE_ERROR, "x");
  assert_format (e, BRAID_ERROR_REPR, "ValueError('x')");
  assert_format (e, BRAID_ERROR_STR, "x");
  assert_format (e, BRAID_ERROR_LINE, "ValueError: x\n");
  assert_format (e, BRAID_ERROR_CHAIN, "ValueError: x\n");
  braid_error_unref (e);

  e = braid_error_new (BRAID_CANCELLED_ERROR, NULL);
  assert_format (e, BRAID_ERROR_REPR, "CancelledError()");
  braid_error_unref (e);
  e = braid_error_new (BRAID_VALUE_ERROR, NULL);
  assert_format (e, BRAID_ERROR_LINE, "ValueError\n");
  assert_format (e, BRAID_ERROR_STR, "");
  braid_error_unref (e);

  e = braid_error_new (BRAID_VALUE_ERROR, "it's");
  assert_format (e, BRAID_ERROR_REPR, "ValueError(\"it's\")");
  braid_error_unref (e);
  e = braid_error_new (BRAID_VALUE_ERROR, "it's \"x\"");
  assert_format (e, BRAID_ERROR_REPR, "ValueError('it\\'s \"x\"')");
  braid_error_unref (e);
  e = braid_error_new (BRAID_VALUE_ERROR, "a\tb\nc\\d\x01");
  assert_format (e, BRAID_ERROR_REPR, "ValueError('a\\tb\\nc\\\\d\\x01')");
  braid_error_unref (e);

  braid_error *subs[2] = { braid_error_new (BRAID_VALUE_ERROR, "a"),
                           braid_error_new (BRAID_RUNTIME_ERROR, "b") };
  e = braid__error_group_new (
      "unhandled errors in a TaskGroup (2 sub-exceptions)", subs, 2);
  assert_format (e, BRAID_ERROR_REPR,
                 "ExceptionGroup('unhandled errors in a TaskGroup', "
                 "[ValueError('a'), RuntimeError('b')])");
  assert_format (e, BRAID_ERROR_STR,
                 "unhandled errors in a TaskGroup (2 sub-exceptions)");
  braid_error_unref (e);
  braid_error_unref (subs[0]);
  braid_error_unref (subs[1]);
  g_assert_null (braid_error_format (NULL, BRAID_ERROR_REPR));
}

/* The chain, oldest first, as Python prints a traceback's last lines: an
 * error raised while another is current has it as its context ("During
 * handling"), raise from names the direct cause, from None shows none. */
static void
test_format_chain_as_python (void)
{
  braid_raise (BRAID_VALUE_ERROR, "inner");
  braid_raise (BRAID_RUNTIME_ERROR, "outer");
  braid_error *e = braid_error_catch (NULL);
  g_assert_false (braid_error_cause_explicit (e));
  assert_format (e, BRAID_ERROR_CHAIN,
                 "ValueError: inner\n\nDuring handling of the above "
                 "exception, another exception occurred:\n\nRuntimeError: "
                 "outer\n");
  braid_error_unref (e);

  braid_error *inner = braid_error_new (BRAID_VALUE_ERROR, "inner");
  e = braid_error_new (BRAID_RUNTIME_ERROR, "outer");
  braid_raise_from (e, inner);
  g_assert_true (braid_error_cause_explicit (e));
  assert_format (e, BRAID_ERROR_CHAIN,
                 "ValueError: inner\n\nThe above exception was the direct "
                 "cause of the following exception:\n\nRuntimeError: "
                 "outer\n");
  braid_raise_from (e, NULL);
  g_assert_true (braid_error_cause_explicit (e));
  assert_format (e, BRAID_ERROR_CHAIN, "RuntimeError: outer\n");
  braid_error_clear ();
  braid_error_unref (e);
  braid_error_unref (inner);
}

/* An error left current across an await had been handled: a later raise
 * replaces it instead of chaining it (Python: an exception handled by an
 * except block is no one's context after the block). Until then it stays
 * current, so a task that returns with it still fails with it. Raised
 * again (braid_reraise), it is being handled anew and chains. */
static void *
stale_error_is_not_chained (void *unused)
{
  braid_raise (BRAID_VALUE_ERROR, "handled");
  braid_error *handled = braid_error_ref (braid_error_current ());
  g_assert_cmpint (braid_yield (), ==, 0);
  g_assert_true (braid_error_current () == handled);
  braid_raise (BRAID_RUNTIME_ERROR, "new");
  braid_error *e = braid_error_catch (NULL);
  g_assert_null (braid_error_cause (e));
  assert_format (e, BRAID_ERROR_CHAIN, "RuntimeError: new\n");
  braid_error_unref (e);

  /* Re-raised after the await, it is being handled again. */
  braid_reraise (handled);
  g_assert_cmpint (braid_yield (), ==, 0);
  braid_reraise (handled);
  braid_raise (BRAID_RUNTIME_ERROR, "outer");
  e = braid_error_catch (NULL);
  g_assert_true (braid_error_cause (e) == handled);
  braid_error_unref (e);

  /* An await that fails while a stale error is current: the
   * CancelledError replaces it. */
  braid_raise (BRAID_VALUE_ERROR, "left");
  g_assert_cmpint (braid_yield (), ==, 0);
  braid_task_cancel (braid_task_current (), "stop");
  g_assert_cmpint (braid_yield (), ==, BRAID_ECANCELLED);
  e = braid_error_catch (BRAID_CANCELLED_ERROR);
  g_assert_null (braid_error_cause (e));
  braid_error_unref (e);
  braid_task_uncancel (braid_task_current ());
  braid_error_unref (handled);
  return NULL;
}

static void
test_stale_error_is_not_chained (void)
{
  braid_loop *loop = braid_loop_new ();
  braid_task *t
      = braid_loop_spawn (loop, "stale", stale_error_is_not_chained, NULL);
  g_assert_cmpint (
      braid_loop_run_until_complete (loop, braid_task_future (t), NULL), ==, 0);
  braid_task_unref (t);
  g_assert_cmpint (braid_loop_close (loop), ==, 0);
}

/* A task function whose result is NULL, or that fails: which one @arg
 * says. */
static void *
null_or_failure (void *arg)
{
  if (arg)
    braid_raise (BRAID_VALUE_ERROR, "failed");
  return NULL;
}

/* braid_call_inline tells a NULL result from a failure by its status,
 * even with an error left current before the call (which a check of the
 * current error after a plain call would take for a failure). */
static void *
inline_call_reports_failure_by_status (void *unused)
{
  void *result = (void *)1;

  g_assert_cmpint (braid_call_inline (null_or_failure, NULL, &result), ==, 0);
  g_assert_null (result);
  g_assert_null (braid_error_current ());

  result = (void *)1;
  g_assert_cmpint (braid_call_inline (null_or_failure, "fail", &result), ==,
                   BRAID_EFAILED);
  g_assert_true (result == (void *)1);
  braid_error *e = braid_error_catch (BRAID_VALUE_ERROR);
  g_assert_cmpstr (braid_error_message (e), ==, "failed");
  braid_error_unref (e);

  /* An error current before the call is not the call's, and is current
   * again after it. */
  braid_raise (BRAID_RUNTIME_ERROR, "before");
  braid_error *before = braid_error_current ();
  g_assert_cmpint (braid_call_inline (null_or_failure, NULL, &result), ==, 0);
  g_assert_true (braid_error_current () == before);
  braid_error_clear ();
  return NULL;
}

static void
test_inline_call_reports_failure_by_status (void)
{
  braid_loop *loop = braid_loop_new ();
  braid_task *t = braid_loop_spawn (loop, "inline",
                                    inline_call_reports_failure_by_status, NULL);
  g_assert_cmpint (
      braid_loop_run_until_complete (loop, braid_task_future (t), NULL), ==, 0);
  braid_task_unref (t);
  g_assert_cmpint (braid_loop_close (loop), ==, 0);
  /* Outside a task there is no caller to await in. */
  g_assert_cmpint (braid_call_inline (null_or_failure, NULL, NULL), ==,
                   BRAID_ENOTASK);
  braid_error_clear ();
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
  g_test_add_func ("/runtime/error/format-as-python", test_format_as_python);
  g_test_add_func ("/runtime/error/format-chain-as-python",
                   test_format_chain_as_python);
  g_test_add_func ("/runtime/error/stale-error-is-not-chained",
                   test_stale_error_is_not_chained);
  g_test_add_func ("/runtime/error/inline-call-reports-failure-by-status",
                   test_inline_call_reports_failure_by_status);
  return g_test_run ();
}
