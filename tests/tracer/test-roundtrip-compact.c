/* test-roundtrip-compact.c: the reader's compact mode (the viewer's)
 * gives back the same slices as the full mode, ends derived from the next
 * start included, and the same task totals; a trace whose slices cannot
 * be compact (a task resumed after it ended, an object id beyond 32 bits)
 * is loaded in full mode instead, unchanged.
 */
#include "trace-test-util.h"

#define T0 1000

/* main (10) spawns child (11), waits on it; the child yields, prints
 * and completes; main completes. */
static void
feed_plain_scenario (void)
{
  feed (BRAID_EV_LOOP_CREATED, T0, 0, 0, 1, 0, 1, 0, "prog", NULL, NULL);
  feed (BRAID_EV_TASK_CREATED, T0, 10, 0, 1, 0, 0, 5, "main", "main_fn",
        "a.c");
  feed (BRAID_EV_ITERATION_BEGIN, T0 + 10, 0, 1, 1, 0, 1, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_RESUMED, T0 + 10, 10, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_CREATED, T0 + 20, 11, 10, 1, 0, 0, 7, "child",
        "child_fn", "a.c");
  feed (BRAID_EV_TASK_SUSPENDED, T0 + 30, 10, 0, 11, BRAID_WAIT_TASK, 0, 0,
        0, 0, 0);
  feed (BRAID_EV_TASK_RESUMED, T0 + 40, 11, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_SUSPENDED, T0 + 50, 11, 0, 0, BRAID_WAIT_YIELD, 0, 0,
        0, 0, 0);
  feed (BRAID_EV_TASK_WOKEN, T0 + 50, 11, 11, 0, BRAID_WAIT_YIELD, 0, 0, 0,
        0, 0);
  feed (BRAID_EV_TASK_RESUMED, T0 + 60, 11, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_OUTPUT, T0 + 65, 11, 0, 0, 0, 5, 1, "hello", 0, 0);
  feed (BRAID_EV_TASK_COMPLETED, T0 + 70, 11, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_WOKEN, T0 + 80, 10, 11, 11, BRAID_WAIT_TASK, 0, 0, 0,
        0, 0);
  feed (BRAID_EV_TASK_RESUMED, T0 + 90, 10, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_COMPLETED, T0 + 100, 10, 0, 0, 0, 0, 0, 0, 0, 0);
}

/* An untrusted file: task 20 completes at +30 and is resumed at +50. */
static void
feed_resumed_after_end_scenario (void)
{
  feed (BRAID_EV_LOOP_CREATED, T0, 0, 0, 1, 0, 1, 0, "prog", NULL, NULL);
  feed (BRAID_EV_TASK_CREATED, T0, 20, 0, 1, 0, 0, 5, "zombie", "z", "a.c");
  feed (BRAID_EV_TASK_RESUMED, T0 + 10, 20, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_COMPLETED, T0 + 30, 20, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_RESUMED, T0 + 50, 20, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_SUSPENDED, T0 + 60, 20, 0, 0, BRAID_WAIT_YIELD, 0, 0,
        0, 0, 0);
}

/* Task 30 waits on an object whose id does not fit 32 bits. */
static void
feed_big_object_scenario (void)
{
  feed (BRAID_EV_LOOP_CREATED, T0, 0, 0, 1, 0, 1, 0, "prog", NULL, NULL);
  feed (BRAID_EV_TASK_CREATED, T0, 30, 0, 1, 0, 0, 5, "waiter", "w", "a.c");
  feed (BRAID_EV_TASK_RESUMED, T0 + 10, 30, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_SUSPENDED, T0 + 20, 30, 0, (uint64_t)1 << 40,
        BRAID_WAIT_EVENT, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_WOKEN, T0 + 40, 30, 0, (uint64_t)1 << 40,
        BRAID_WAIT_EVENT, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_RESUMED, T0 + 50, 30, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_COMPLETED, T0 + 60, 30, 0, 0, 0, 0, 0, 0, 0, 0);
}

static braid_trace *
open_compact (const char *path)
{
  braid_trace_load_options o = { .compact = true };
  braid_trace *trace = NULL;
  char *error = NULL;
  if (braid_trace_open (path, &o, &trace, &error) != 0)
    g_error ("cannot open %s: %s", path, error ? error : "?");
  return trace;
}

static void
assert_same_tasks (braid_trace *full, braid_trace *other)
{
  size_t n, n2;
  const braid_trace_task *a = braid_trace_get_tasks (full, &n);
  const braid_trace_task *b = braid_trace_get_tasks (other, &n2);
  g_assert_cmpuint (n, ==, n2);
  for (size_t t = 0; t < n; t++)
    {
      g_assert_cmpuint (a[t].first_slice, ==, b[t].first_slice);
      g_assert_cmpuint (a[t].n_slices, ==, b[t].n_slices);
      g_assert_cmpint (a[t].running_ns, ==, b[t].running_ns);
      g_assert_cmpint (a[t].ready_ns, ==, b[t].ready_ns);
      g_assert_cmpint (a[t].waiting_ns, ==, b[t].waiting_ns);
    }
}

static void
test_compact_slices_equal_the_full_ones (void)
{
  char *path = record (feed_plain_scenario);
  braid_trace *full = open_or_fail (path);
  braid_trace *compact = open_compact (path);
  size_t n_full, n_compact, n_tasks, n_ends, n_none = 1;
  const braid_trace_slice *slices = braid_trace_get_slices (full, &n_full);
  const braid_trace_compact_slice *cs
      = braid_trace_get_compact_slices (compact, &n_compact);
  const braid_trace_compact_end *ends
      = braid_trace_get_compact_ends (compact, &n_ends);
  g_assert_null (braid_trace_get_slices (compact, &n_none));
  g_assert_cmpuint (n_none, ==, 0);
  g_assert_null (braid_trace_get_compact_slices (full, NULL));
  g_assert_nonnull (cs);
  g_assert_nonnull (ends);
  g_assert_cmpuint (n_compact, ==, n_full);
  g_assert_cmpuint (n_full, >=, 7);
  assert_same_tasks (full, compact);
  const braid_trace_task *tasks = braid_trace_get_tasks (compact, &n_tasks);
  g_assert_cmpuint (n_ends, ==, n_tasks);
  for (size_t t = 0; t < n_tasks; t++)
    for (size_t k = 0; k < tasks[t].n_slices; k++)
      {
        size_t i = tasks[t].first_slice + k;
        int64_t end = k + 1 < tasks[t].n_slices ? cs[i + 1].start_ns
                                                : ends[t].end_ns;
        if (end < cs[i].start_ns)
          end = cs[i].start_ns;
        g_assert_cmpuint (slices[i].task, ==, t);
        g_assert_cmpint (cs[i].state, ==, slices[i].state);
        g_assert_cmpuint (cs[i].wait_reason, ==, slices[i].wait_reason);
        g_assert_cmpuint (cs[i].object, ==, slices[i].object);
        g_assert_cmpint (cs[i].start_ns, ==, slices[i].start_ns);
        g_assert_cmpint (end, ==, slices[i].end_ns);
        g_assert_cmpuint (cs[i].start_step, ==, slices[i].start_step);
        g_assert_cmpuint (cs[i].end_step, ==, slices[i].end_step);
      }
  braid_trace_close (full);
  braid_trace_close (compact);
  remove_trace (path);
  g_free (path);
}

/* @scenario's slices do not fit the compact form: a compact load keeps
 * the full model, equal to a full load's. */
static void
assert_full_fallback (void (*scenario) (void))
{
  char *path = record (scenario);
  braid_trace *full = open_or_fail (path);
  braid_trace *compact = open_compact (path);
  size_t n_full, n_other, n_compact = 1;
  const braid_trace_slice *a = braid_trace_get_slices (full, &n_full);
  const braid_trace_slice *b = braid_trace_get_slices (compact, &n_other);
  g_assert_null (braid_trace_get_compact_slices (compact, &n_compact));
  g_assert_cmpuint (n_compact, ==, 0);
  g_assert_nonnull (b);
  g_assert_cmpuint (n_other, ==, n_full);
  g_assert_cmpuint (n_full, >, 0);
  g_assert_cmpint (memcmp (a, b, n_full * sizeof *a), ==, 0);
  assert_same_tasks (full, compact);
  braid_trace_close (full);
  braid_trace_close (compact);
  remove_trace (path);
  g_free (path);
}

/* Whether the full model of @scenario has a slice that does not end where
 * its task's next one starts (@gap), or one on an object beyond 32 bits:
 * the scenario tests what it says. */
static bool
has_slice_that_cannot_be_compact (void (*scenario) (void), bool gap)
{
  char *path = record (scenario);
  braid_trace *full = open_or_fail (path);
  size_t n;
  const braid_trace_slice *sl = braid_trace_get_slices (full, &n);
  bool found = false;
  for (size_t i = 0; i < n; i++)
    if (gap ? i + 1 < n && sl[i + 1].task == sl[i].task
                  && sl[i].end_ns != sl[i + 1].start_ns
            : sl[i].object > UINT32_MAX)
      found = true;
  braid_trace_close (full);
  remove_trace (path);
  g_free (path);
  return found;
}

static void
test_a_task_resumed_after_its_end_keeps_the_full_model (void)
{
  g_assert_true (
      has_slice_that_cannot_be_compact (feed_resumed_after_end_scenario, true));
  assert_full_fallback (feed_resumed_after_end_scenario);
}

static void
test_a_64_bit_object_keeps_the_full_model (void)
{
  g_assert_true (
      has_slice_that_cannot_be_compact (feed_big_object_scenario, false));
  assert_full_fallback (feed_big_object_scenario);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/compact/slices-equal-the-full-ones",
                   test_compact_slices_equal_the_full_ones);
  g_test_add_func ("/tracer/compact/a-task-resumed-after-its-end-keeps-the-"
                   "full-model",
                   test_a_task_resumed_after_its_end_keeps_the_full_model);
  g_test_add_func ("/tracer/compact/a-64-bit-object-keeps-the-full-model",
                   test_a_64_bit_object_keeps_the_full_model);
  return g_test_run ();
}
