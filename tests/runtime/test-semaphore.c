/* test-semaphore.c: braid_semaphore against asyncio.Semaphore and
 * BoundedSemaphore (ORDERING.md rules 21 and 8). Each expected log is what
 * the Python twin prints: python3 tests/runtime/python/semaphore.py <case>.
 */
#include "combinator-test-util.h"

typedef struct worker_spec
{
  braid_semaphore *sem;
  const char *name;
  int hold; /* yields while holding the slot */
} worker_spec;

/* async with sem: log, yield @hold times, log. Logs its cancellation. */
static void *
logged_worker (void *arg)
{
  worker_spec *s = arg;
  int rc;

  note ("%s-wants", s->name);
  BRAID_WITH_SEMAPHORE (s->sem, rc)
  {
    note ("%s-has", s->name);
    for (int i = 0; i < s->hold && rc == 0; i++)
      rc = braid_yield ();
    if (rc == 0)
      note ("%s-releases", s->name);
  }
  if (rc < 0)
    note ("%s-cancelled", s->name);
  return NULL;
}

/* python: semaphore_hands_over_in_arrival_order */
static void *
semaphore_hands_over_in_arrival_order (void *unused)
{
  braid_semaphore *sem = braid_semaphore_new (NULL, 2);
  worker_spec s[5] = { { sem, "a", 2 },
                       { sem, "b", 2 },
                       { sem, "c", 2 },
                       { sem, "d", 2 },
                       { sem, "e", 2 } };
  braid_task *t[5];

  for (int i = 0; i < 5; i++)
    t[i] = braid_spawn (logged_worker, &s[i]);
  gather_all (t, 5, 0);
  braid_semaphore_free (sem);
  return NULL;
}

static void
test_semaphore_hands_over_in_arrival_order (void)
{
  check_run (semaphore_hands_over_in_arrival_order,
             "a-wants a-has b-wants b-has c-wants d-wants e-wants "
             "a-releases b-releases c-has d-has c-releases d-releases e-has "
             "e-releases");
  g_assert_true (saw_suspension_on (BRAID_WAIT_SEMAPHORE, BRAID_OBJ_SEMAPHORE));
}

/* python: released_slot_is_kept_for_the_first_waiter */
static void *
released_slot_is_kept_for_the_first_waiter (void *unused)
{
  braid_semaphore *sem = braid_semaphore_new (NULL, 1);
  worker_spec s[2] = { { sem, "a", 1 }, { sem, "n", 1 } };
  braid_task *t[2];

  g_assert_cmpint (braid_semaphore_acquire (sem), ==, 0);
  t[0] = braid_spawn (logged_worker, &s[0]);
  g_assert_cmpint (braid_yield (), ==, 0);
  g_assert_cmpint (braid_semaphore_release (sem), ==, 0);
  note ("value=%d locked=%s", braid_semaphore_value (sem),
        braid_semaphore_locked (sem) ? "True" : "False");
  t[1] = braid_spawn (logged_worker, &s[1]);
  gather_all (t, 2, 0);
  braid_semaphore_free (sem);
  return NULL;
}

static void
test_released_slot_is_kept_for_the_first_waiter (void)
{
  check_run (released_slot_is_kept_for_the_first_waiter,
             "a-wants value=0 locked=True a-has n-wants a-releases n-has "
             "n-releases");
}

/* python: uncontended_acquire_does_not_suspend */
static void *
uncontended_acquire_does_not_suspend (void *unused)
{
  braid_semaphore *sem = braid_semaphore_new (NULL, 2);
  braid_task *t = braid_spawn (ticker, GINT_TO_POINTER (2));

  g_assert_cmpint (braid_semaphore_acquire (sem), ==, 0);
  g_assert_cmpint (braid_semaphore_acquire (sem), ==, 0);
  note ("two locked=%s", braid_semaphore_locked (sem) ? "True" : "False");
  g_assert_cmpint (braid_semaphore_release (sem), ==, 0);
  g_assert_cmpint (braid_semaphore_release (sem), ==, 0);
  g_assert_cmpint (braid_await_task (t, NULL), ==, 0);
  braid_task_unref (t);
  braid_semaphore_free (sem);
  return NULL;
}

static void
test_uncontended_acquire_does_not_suspend (void)
{
  check_run (uncontended_acquire_does_not_suspend,
             "two locked=True tick0 tick1");
}

/* python: woken_then_cancelled_passes_the_slot_on */
static void *
woken_then_cancelled_passes_the_slot_on (void *unused)
{
  braid_semaphore *sem = braid_semaphore_new (NULL, 0);
  worker_spec s[2] = { { sem, "a", 1 }, { sem, "b", 1 } };
  braid_task *t[2];

  t[0] = braid_spawn (logged_worker, &s[0]);
  t[1] = braid_spawn (logged_worker, &s[1]);
  g_assert_cmpint (braid_yield (), ==, 0);
  g_assert_cmpint (braid_semaphore_release (sem), ==, 0);
  braid_task_cancel (t[0], NULL);
  gather_all (t, 2, BRAID_GATHER_RETURN_EXCEPTIONS);
  note ("value=%d", braid_semaphore_value (sem));
  braid_semaphore_free (sem);
  return NULL;
}

static void
test_woken_then_cancelled_passes_the_slot_on (void)
{
  check_run (woken_then_cancelled_passes_the_slot_on,
             "a-wants b-wants a-cancelled b-has b-releases value=1");
}

/* python: bounded_over_release_is_value_error */
static void *
bounded_over_release_is_value_error (void *unused)
{
  braid_semaphore *sem = braid_bounded_semaphore_new (NULL, 1);

  g_assert_cmpint (braid_semaphore_acquire (sem), ==, 0);
  g_assert_cmpint (braid_semaphore_release (sem), ==, 0);
  g_assert_cmpint (braid_semaphore_release (sem), ==, BRAID_EINVAL);
  note ("ValueError:%s", catch_message (BRAID_VALUE_ERROR));
  note ("value=%d", braid_semaphore_value (sem));
  braid_semaphore_free (sem);
  return NULL;
}

static void
test_bounded_over_release_is_value_error (void)
{
  check_run (bounded_over_release_is_value_error,
             "ValueError:BoundedSemaphore released too many times value=1");
}

static void
test_negative_initial_value_is_value_error (void)
{
  g_assert_null (braid_semaphore_new (NULL, -1));
  g_assert_cmpstr (catch_message (BRAID_VALUE_ERROR), ==,
                   "Semaphore initial value must be >= 0");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  test_util_init ();
  g_test_add_func ("/runtime/semaphore/hands-over-in-arrival-order",
                   test_semaphore_hands_over_in_arrival_order);
  g_test_add_func ("/runtime/semaphore/released-slot-is-kept-for-the-first-"
                   "waiter",
                   test_released_slot_is_kept_for_the_first_waiter);
  g_test_add_func ("/runtime/semaphore/uncontended-acquire-does-not-suspend",
                   test_uncontended_acquire_does_not_suspend);
  g_test_add_func ("/runtime/semaphore/woken-then-cancelled-passes-the-slot-"
                   "on",
                   test_woken_then_cancelled_passes_the_slot_on);
  g_test_add_func ("/runtime/semaphore/bounded-over-release-is-value-error",
                   test_bounded_over_release_is_value_error);
  g_test_add_func ("/runtime/semaphore/negative-initial-value-is-value-error",
                   test_negative_initial_value_is_value_error);
  return g_test_run ();
}
