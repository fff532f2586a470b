/* combinator-test-util.h: what the combinator tests share.
 *
 * A log of words the tasks append in the order they run, compared as one
 * string against the output of the Python twin of the same program
 * (tests/runtime/python/<concept>.py); a runner that executes a main task
 * on a fresh loop with the virtual clock; a hook that counts the
 * diagnostics a test must not trigger ("never retrieved", "destroyed but
 * pending"); and the small task bodies several tests use.
 */
#ifndef COMBINATOR_TEST_UTIL_H
#define COMBINATOR_TEST_UTIL_H

#include <glib.h>
#include <stdarg.h>
#include <stdint.h>

#include <braid/braid.h>
#include "plain-hook.h"

/* Each test program uses a subset of these helpers. */
#pragma GCC diagnostic ignored "-Wunused-function"

static GString *test_log;
static int test_never_retrieved;
static int test_destroyed_pending;
static int test_tasks_created;

/* What the hook saw: objects created (id, kind) and suspensions (object,
 * reason), for the tests that check what a tracer would show. */
typedef struct seen_event
{
  uint64_t object;
  uint32_t what;
} seen_event;
static GArray *test_created;
static GArray *test_suspended;

static void note (const char *fmt, ...) G_GNUC_PRINTF (1, 2);

/* Appends one word to the log, space separated. */
static void
note (const char *fmt, ...)
{
  va_list ap;

  if (test_log->len > 0)
    g_string_append_c (test_log, ' ');
  va_start (ap, fmt);
  g_string_append_vprintf (test_log, fmt, ap);
  va_end (ap);
}

static void
count_hook_plain (void *user_data, const braid_event *event)
{
  seen_event seen = { event->object, event->reason };

  if (event->kind == BRAID_EV_ERROR_NEVER_RETRIEVED)
    test_never_retrieved++;
  else if (event->kind == BRAID_EV_TASK_DESTROYED_PENDING)
    test_destroyed_pending++;
  else if (event->kind == BRAID_EV_TASK_CREATED)
    test_tasks_created++;
  else if (event->kind == BRAID_EV_OBJECT_CREATED)
    g_array_append_val (test_created, seen);
  else if (event->kind == BRAID_EV_TASK_SUSPENDED)
    g_array_append_val (test_suspended, seen);
}
PLAIN_HOOK (count_hook, count_hook_plain)

/* True if some task suspended with @reason on an object created with
 * @kind during the last run. */
static bool
saw_suspension_on (braid_wait_reason reason, braid_object_kind kind)
{
  for (guint i = 0; i < test_suspended->len; i++)
    {
      seen_event *s = &g_array_index (test_suspended, seen_event, i);
      if (s->what != reason)
        continue;
      for (guint j = 0; j < test_created->len; j++)
        {
          seen_event *c = &g_array_index (test_created, seen_event, j);
          if (c->object == s->object && c->what == kind)
            return true;
        }
    }
  return false;
}

/* True if an object of @kind was created during the last run. */
static bool
saw_object (braid_object_kind kind)
{
  for (guint j = 0; j < test_created->len; j++)
    if (g_array_index (test_created, seen_event, j).what == kind)
      return true;
  return false;
}

/* Call from main() after g_test_init. */
static void
test_util_init (void)
{
  test_log = g_string_new (NULL);
  test_created = g_array_new (FALSE, FALSE, sizeof (seen_event));
  test_suspended = g_array_new (FALSE, FALSE, sizeof (seen_event));
  g_assert_cmpint (braid_hooks_install (count_hook, NULL), ==, 0);
}

/* Runs @fn(@arg) as the task "main" on a new loop with the virtual clock,
 * until it finishes, and closes the loop. Resets the log and the counters
 * first. Returns the main task's return code. */
static int
run_main (braid_task_fn fn, void *arg)
{
  braid_loop *loop;
  braid_task *task;
  int rc;

  g_string_truncate (test_log, 0);
  test_never_retrieved = 0;
  test_destroyed_pending = 0;
  g_array_set_size (test_created, 0);
  g_array_set_size (test_suspended, 0);
  loop = braid_loop_new ();
  g_assert_nonnull (loop);
  g_assert_cmpint (braid_loop_set_clock (loop, BRAID_CLOCK_VIRTUAL), ==, 0);
  task = braid_loop_spawn (loop, "main", fn, arg);
  rc = braid_loop_run_until_complete (loop, braid_task_future (task), NULL);
  if (rc < 0)
    {
      braid_error *err = braid_error_current ();
      if (err)
        braid_error_print (err, stderr);
      braid_error_clear ();
    }
  braid_task_unref (task);
  g_assert_cmpint (braid_loop_close (loop), ==, 0);
  return rc;
}

/* Runs @fn and checks it succeeded, the log, and that no diagnostic was
 * reported. */
static void
check_run (braid_task_fn fn, const char *expected)
{
  g_assert_cmpint (run_main (fn, NULL), ==, 0);
  g_assert_cmpstr (test_log->str, ==, expected);
  g_assert_cmpint (test_never_retrieved, ==, 0);
  g_assert_cmpint (test_destroyed_pending, ==, 0);
}

/* A task that logs "tickN" once per loop iteration, N from 0 to count-1,
 * by yielding in between (ORDERING.md rule 6). @arg is the count. */
static void *
ticker (void *arg)
{
  int count = GPOINTER_TO_INT (arg);

  for (int i = 0; i < count; i++)
    {
      note ("tick%d", i);
      if (braid_yield () < 0)
        return NULL;
    }
  return NULL;
}

/* Catches the current error if it is of @type and returns its message in
 * a static buffer ("" when it has none), or NULL if it was not. */
static const char *
catch_message (const braid_error_type *type)
{
  static char buf[128];
  braid_error *err = braid_error_catch (type);

  if (!err)
    return NULL;
  g_strlcpy (buf, braid_error_message (err) ? braid_error_message (err) : "",
             sizeof buf);
  braid_error_unref (err);
  return buf;
}

/* A child task for the combinator tests: logs NAME-start, sleeps DELAY,
 * then either raises ValueError(NAME) (logging NAME-raise) or returns NAME
 * (logging NAME-done). */
typedef struct sleeping_child_spec
{
  const char *name;
  double delay;
  bool fail;
} sleeping_child_spec;

static G_GNUC_UNUSED void *
sleeping_child (void *arg)
{
  const sleeping_child_spec *s = arg;

  note ("%s-start", s->name);
  if (braid_sleep (s->delay) < 0)
    return NULL;
  if (s->fail)
    {
      note ("%s-raise", s->name);
      braid_raise (BRAID_VALUE_ERROR, "%s", s->name);
      return NULL;
    }
  note ("%s-done", s->name);
  return (void *)s->name;
}

/* Gathers the @n tasks @t with @flags, checks the gather succeeded, and
 * drops the references to the tasks. */
static void
gather_all (braid_task **t, int n, braid_gather_flags flags)
{
  g_assert_cmpint (braid_gather_tasks (t, n, NULL, NULL, flags), ==, 0);
  for (int i = 0; i < n; i++)
    braid_task_unref (t[i]);
}

/* A task that yields @yields times, logs @word, then completes @future
 * with @result: the tests of "a waiter resumes two iterations after the
 * completion" use it with a ticker beside. */
typedef struct waker_args
{
  braid_future *future;
  int yields;
  const char *word;
  intptr_t result;
} waker_args;

static void *
waker (void *arg)
{
  waker_args *w = arg;

  for (int i = 0; i < w->yields; i++)
    braid_yield ();
  note ("%s", w->word);
  braid_future_set_result (w->future, (void *)w->result);
  return NULL;
}

#endif /* COMBINATOR_TEST_UTIL_H */
