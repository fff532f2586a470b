/* test-taskgroup.c: braid_task_group against asyncio.TaskGroup
 * (ORDERING.md rule 24) and group errors. Each expected log is what the
 * Python twin prints: python3 tests/runtime/python/taskgroup.py <case>.
 */
#include "braid-internal.h"
#include "combinator-test-util.h"

typedef struct child_spec
{
  const char *name;
  double delay;
  bool fail;
  bool cleanup_fail; /* raise ValueError("<name>-cleanup") when cancelled */
} child_spec;

static void *
child (void *arg)
{
  const child_spec *s = arg;

  note ("%s-start", s->name);
  if (braid_sleep (s->delay) < 0)
    {
      note ("%s-cancelled", s->name);
      if (s->cleanup_fail)
        {
          braid_error_clear ();
          braid_raise (BRAID_VALUE_ERROR, "%s-cleanup", s->name);
        }
      return NULL;
    }
  if (s->fail)
    {
      note ("%s-raise", s->name);
      braid_raise (BRAID_VALUE_ERROR, "%s", s->name);
      return NULL;
    }
  note ("%s-done", s->name);
  return (void *)s->name;
}

/* The sub-errors' messages, comma separated (Python's str of each). */
static const char *
group_text (const braid_error *group)
{
  static char buf[256];

  buf[0] = 0;
  g_assert_true (braid_error_is (group, BRAID_GROUP_ERROR));
  for (size_t i = 0; i < braid_error_group_count (group); i++)
    {
      if (i)
        g_strlcat (buf, ",", sizeof buf);
      g_strlcat (buf, braid_error_message (braid_error_group_get (group, i)),
                 sizeof buf);
    }
  return buf;
}

/* Catches the current ExceptionGroup and logs "group=<sub-errors>". */
static void
note_group (int rc)
{
  braid_error *err;

  g_assert_cmpint (rc, ==, BRAID_EFAILED);
  err = braid_error_catch (BRAID_GROUP_ERROR);
  g_assert_nonnull (err);
  note ("group=%s", group_text (err));
  braid_error_unref (err);
}

/* python: waits_for_every_child */
static void *
waits_for_every_child (void *unused)
{
  child_spec sa = { "a", 0.02, false, false }, sb = { "b", 0.01, false, false };
  braid_task_group *g = braid_task_group_new ();
  braid_task *a, *b;
  void *ra, *rb;

  a = braid_task_group_spawn (g, child, &sa);
  b = braid_task_group_spawn (g, child, &sb);
  note ("body-end");
  g_assert_cmpint (braid_task_group_wait (g, 0), ==, 0);
  g_assert_cmpint (braid_task_result (a, &ra), ==, 0);
  g_assert_cmpint (braid_task_result (b, &rb), ==, 0);
  note ("exit results=%s,%s", (const char *)ra, (const char *)rb);
  braid_task_unref (a);
  braid_task_unref (b);
  return NULL;
}

static void
test_waits_for_every_child (void)
{
  check_run (waits_for_every_child,
             "body-end a-start b-start b-done a-done exit results=a,b");
  g_assert_true (saw_suspension_on (BRAID_WAIT_GATHER, BRAID_OBJ_GATHER));
}

/* python: exit_resumes_two_iterations_after_the_last_child */
static void *
exit_resumes_two_iterations_after_the_last_child (void *unused)
{
  child_spec sa = { "a", 0, false, false };
  braid_task *t = braid_spawn (ticker, GINT_TO_POINTER (5));
  braid_task_group *g = braid_task_group_new ();

  braid_task_unref (braid_task_group_spawn (g, child, &sa));
  g_assert_cmpint (braid_task_group_wait (g, 0), ==, 0);
  note ("exit");
  g_assert_cmpint (braid_await_task (t, NULL), ==, 0);
  braid_task_unref (t);
  return NULL;
}

static void
test_exit_resumes_two_iterations_after_the_last_child (void)
{
  check_run (exit_resumes_two_iterations_after_the_last_child,
             "tick0 a-start tick1 a-done tick2 tick3 exit tick4");
}

/* python: first_failure_cancels_siblings_and_body */
static void *
first_failure_cancels_siblings_and_body (void *unused)
{
  child_spec sa = { "a", 1, false, false }, sb = { "b", 0.01, true, false };
  braid_task_group *g = braid_task_group_new ();
  int rc;

  braid_task_unref (braid_task_group_spawn (g, child, &sa));
  braid_task_unref (braid_task_group_spawn (g, child, &sb));
  note ("body-sleeps");
  rc = braid_sleep (1);
  if (rc == BRAID_ECANCELLED)
    note ("body-cancelled");
  note_group (braid_task_group_wait (g, rc));
  note ("cancelling=%d", braid_task_cancelling (braid_task_current ()));
  g_assert_cmpint (braid_sleep (0.01), ==, 0);
  note ("parent-goes-on");
  return NULL;
}

static void
test_first_failure_cancels_siblings_and_body (void)
{
  check_run (first_failure_cancels_siblings_and_body,
             "body-sleeps a-start b-start b-raise a-cancelled body-cancelled "
             "group=b cancelling=0 parent-goes-on");
}

/* python: uncancel_is_decided_when_exit_begins */
static void *
uncancel_is_decided_when_exit_begins (void *unused)
{
  child_spec sa = { "a", 0.01, true, false };
  braid_task_group *g = braid_task_group_new ();

  braid_task_unref (braid_task_group_spawn (g, child, &sa));
  note ("body-end");
  note_group (braid_task_group_wait (g, 0));
  note ("cancelling=%d", braid_task_cancelling (braid_task_current ()));
  g_assert_cmpint (braid_sleep (0.01), ==, 0);
  note ("parent-goes-on");
  return NULL;
}

/* Rule 33: the group uncancels its parent when the exit begins only; a
 * child failing while the parent waits in the exit cancels the parent
 * (the wait swallows that) and leaves its cancelling() at 1, as 3.11. */
static void
test_uncancel_is_decided_when_exit_begins (void)
{
  check_run (uncancel_is_decided_when_exit_begins,
             "body-end a-start a-raise group=a cancelling=1 parent-goes-on");
}

static const braid_error_type fatal_type = { "Fatal", BRAID_BASE_EXCEPTION };

typedef struct raise_spec
{
  const braid_error_type *type;
  const char *msg;
} raise_spec;

static void *
raiser (void *arg)
{
  const raise_spec *s = arg;
  braid_raise (s->type, "%s", s->msg);
  return NULL;
}

/* Notes TYPE(MESSAGE: SUBS) for a group error, as the twin's kind(). */
static void
note_kind (const char *label, braid_error *eg)
{
  GString *s = g_string_new (NULL);
  if (!eg)
    g_string_append (s, "None");
  else
    {
      g_string_append_printf (s, "%s(%s: ", braid_error_get_type (eg)->name,
                              braid_error_message (eg));
      for (size_t i = 0; i < braid_error_group_count (eg); i++)
        g_string_append_printf (
            s, "%s%s", i ? "," : "",
            braid_error_message (braid_error_group_get (eg, i)));
      g_string_append_c (s, ')');
    }
  note ("%s%s", label, s->str);
  g_string_free (s, TRUE);
}

/* python: group_errors_are_named_as_python_names_them */
static void *
group_errors_are_named_as_python_names_them (void *unused)
{
  raise_spec cases[2][2] = {
    { { BRAID_VALUE_ERROR, "v" }, { BRAID_TIMEOUT_ERROR, "t" } },
    { { &fatal_type, "f" }, { BRAID_VALUE_ERROR, "v" } },
  };
  const braid_error_type *by[2] = { BRAID_VALUE_ERROR, &fatal_type };
  for (int i = 0; i < 2; i++)
    {
      braid_task_group *g = braid_task_group_new ();
      braid_task_unref (braid_task_group_spawn (g, raiser, &cases[i][0]));
      braid_task_unref (braid_task_group_spawn (g, raiser, &cases[i][1]));
      g_assert_cmpint (braid_task_group_wait (g, 0), ==, BRAID_EFAILED);
      braid_error *eg = braid_error_catch (BRAID_BASE_EXCEPTION);
      braid_error *match, *rest;
      note_kind ("", eg);
      g_assert_cmpint (braid_error_group_split (eg, by[i], &match, &rest), ==,
                       0);
      note_kind ("match=", match);
      note_kind ("rest=", rest);
      braid_error_unref (match);
      braid_error_unref (rest);
      braid_error_unref (eg);
    }
  return NULL;
}

/* Rule 34: a task group's error is an ExceptionGroup, or a
 * BaseExceptionGroup when a sub-error is not an Exception; split by type
 * (the `except*` role) gives the matching part and the rest, each with the
 * group's message and its own count. */
static void
test_group_errors_are_named_as_python_names_them (void)
{
  check_run (group_errors_are_named_as_python_names_them,
             "ExceptionGroup(unhandled errors in a TaskGroup (2 "
             "sub-exceptions): v,t) match=ExceptionGroup(unhandled errors in "
             "a TaskGroup (1 sub-exception): v) rest=ExceptionGroup(unhandled "
             "errors in a TaskGroup (1 sub-exception): t) "
             "BaseExceptionGroup(unhandled errors in a TaskGroup (2 "
             "sub-exceptions): f,v) match=BaseExceptionGroup(unhandled errors "
             "in a TaskGroup (1 sub-exception): f) "
             "rest=ExceptionGroup(unhandled errors in a TaskGroup (1 "
             "sub-exception): v)");
}

/* python: errors_in_finishing_order_body_last */
static void *
errors_in_finishing_order_body_last (void *unused)
{
  child_spec sa = { "a", 1, false, true }, sc = { "c", 0.01, true, false };
  braid_task_group *g = braid_task_group_new ();
  int rc;

  braid_task_unref (braid_task_group_spawn (g, child, &sa));
  braid_task_unref (braid_task_group_spawn (g, child, &sc));
  rc = braid_sleep (1);
  if (rc == BRAID_ECANCELLED)
    {
      note ("body-raises");
      braid_error_clear ();
      rc = braid_raise (BRAID_VALUE_ERROR, "body");
    }
  note_group (braid_task_group_wait (g, rc));
  return NULL;
}

static void
test_errors_in_finishing_order_body_last (void)
{
  check_run (errors_in_finishing_order_body_last,
             "a-start c-start c-raise a-cancelled body-raises "
             "group=c,a-cleanup,body");
}

/* python: children_failing_together_all_count */
static void *
children_failing_together_all_count (void *unused)
{
  child_spec sa = { "a", 0.01, true, false }, sb = { "b", 0.01, true, false };
  braid_task_group *g = braid_task_group_new ();

  braid_task_unref (braid_task_group_spawn (g, child, &sa));
  braid_task_unref (braid_task_group_spawn (g, child, &sb));
  note_group (braid_task_group_wait (g, 0));
  return NULL;
}

static void
test_children_failing_together_all_count (void)
{
  check_run (children_failing_together_all_count,
             "a-start b-start a-raise b-raise group=a,b");
}

static void *
cancelled_parent (void *unused)
{
  static child_spec sa = { "a", 1, false, false };
  braid_task_group *g = braid_task_group_new ();
  int rc;

  braid_task_unref (braid_task_group_spawn (g, child, &sa));
  rc = braid_sleep (1);
  return (void *)(intptr_t)braid_task_group_wait (g, rc);
}

/* python: outside_cancel_propagates */
static void *
outside_cancel_propagates (void *unused)
{
  braid_task *p = braid_spawn (cancelled_parent, NULL);

  g_assert_cmpint (braid_sleep (0.01), ==, 0);
  braid_task_cancel (p, NULL);
  g_assert_cmpint (braid_await_task (p, NULL), ==, BRAID_ECANCELLED);
  braid_error_clear ();
  note ("parent-cancelled=%s", braid_task_cancelled (p) ? "True" : "False");
  braid_task_unref (p);
  return NULL;
}

static void
test_outside_cancel_propagates (void)
{
  check_run (outside_cancel_propagates,
             "a-start a-cancelled parent-cancelled=True");
}

/* python: spawn_after_failure_is_refused */
static void *
spawn_after_failure_is_refused (void *unused)
{
  child_spec sb = { "b", 0.01, true, false }, sz = { "z", 0, false, false };
  braid_task_group *g = braid_task_group_new ();
  int rc;

  braid_task_unref (braid_task_group_spawn (g, child, &sb));
  rc = braid_sleep (1);
  if (rc == BRAID_ECANCELLED)
    {
      braid_error *cancel = braid_error_catch (BRAID_CANCELLED_ERROR);
      braid_task *z = braid_task_group_spawn (g, child, &sz);
      if (!z && catch_message (BRAID_RUNTIME_ERROR))
        note ("refused");
      braid_task_unref (z);
      braid_reraise (cancel);
      braid_error_unref (cancel);
    }
  note_group (braid_task_group_wait (g, rc));
  return NULL;
}

static void
test_spawn_after_failure_is_refused (void)
{
  check_run (spawn_after_failure_is_refused, "b-start b-raise refused group=b");
}

/* A group error's sub-errors keep their types and outlive the group's
 * tasks; other errors have none. */
static void
test_group_error_accessors (void)
{
  braid_error *subs[2], *group;

  braid_raise (BRAID_VALUE_ERROR, "one");
  subs[0] = braid_error_catch (BRAID_VALUE_ERROR);
  braid_raise (BRAID_TIMEOUT_ERROR, "two");
  subs[1] = braid_error_catch (BRAID_TIMEOUT_ERROR);
  group = braid__error_group_new ("two errors", subs, 2);
  braid_error_unref (subs[0]);
  braid_error_unref (subs[1]);
  g_assert_cmpuint (braid_error_group_count (group), ==, 2);
  g_assert_true (
      braid_error_is (braid_error_group_get (group, 1), BRAID_TIMEOUT_ERROR));
  g_assert_cmpstr (braid_error_message (braid_error_group_get (group, 0)), ==,
                   "one");
  g_assert_null (braid_error_group_get (group, 2));
  g_assert_cmpuint (braid_error_group_count (subs[0]), ==, 0);
  g_assert_cmpint (braid_error_code (group), ==, BRAID_EFAILED);
  braid_error_unref (group);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  test_util_init ();
  g_test_add_func ("/runtime/taskgroup/waits-for-every-child",
                   test_waits_for_every_child);
  g_test_add_func ("/runtime/taskgroup/exit-resumes-two-iterations-after-"
                   "the-last-child",
                   test_exit_resumes_two_iterations_after_the_last_child);
  g_test_add_func ("/runtime/taskgroup/first-failure-cancels-siblings-and-"
                   "body",
                   test_first_failure_cancels_siblings_and_body);
  g_test_add_func ("/runtime/taskgroup/uncancel-is-decided-when-exit-begins",
                   test_uncancel_is_decided_when_exit_begins);
  g_test_add_func ("/runtime/taskgroup/errors-in-finishing-order-body-last",
                   test_errors_in_finishing_order_body_last);
  g_test_add_func ("/runtime/taskgroup/children-failing-together-all-count",
                   test_children_failing_together_all_count);
  g_test_add_func ("/runtime/taskgroup/outside-cancel-propagates",
                   test_outside_cancel_propagates);
  g_test_add_func ("/runtime/taskgroup/spawn-after-failure-is-refused",
                   test_spawn_after_failure_is_refused);
  g_test_add_func (
      "/runtime/taskgroup/group-errors-are-named-as-python-names-them",
      test_group_errors_are_named_as_python_names_them);
  g_test_add_func ("/runtime/taskgroup/group-error-accessors",
                   test_group_error_accessors);
  return g_test_run ();
}
