/* test-summary-load.c: braid_trace_open in summary mode.
 *
 * Summary mode (braid_trace_load_options.summary, what `braid problems`
 * uses) keeps the meta, the tasks, the objects and the problems, and no
 * slice, edge, mark, output or iteration. These tests check that what it
 * keeps is what a full load gives, field by field (the tasks' times
 * running, ready and waiting too, which it adds up without slices), that
 * the rest is empty, and that `braid problems` still draws a deadlock's
 * wait graph (from a full load of the file, made for it).
 */
#include "trace-test-util.h"

/* A producer that yields and writes, a consumer waiting on a lock that
 * its holder never releases (a deadlock), a task that fails and is never
 * awaited, one that holds the loop, and one destroyed while pending. */
static void
summary_scenario (void)
{
  feed (BRAID_EV_LOOP_CREATED, 5, 0, 0, 77, 0, 0, 0, "loop", 0, 0);
  feed (BRAID_EV_TASK_CREATED, 10, 1, 0, 0, 0, 0, 4, "producer", "prod",
        "s.c");
  feed (BRAID_EV_TASK_CREATED, 11, 2, 1, 0, 0, 0, 5, "consumer", "cons",
        "s.c");
  feed (BRAID_EV_OBJECT_CREATED, 12, 0, 1, 60, BRAID_OBJ_LOCK, 0, 0, "door",
        0, 0);
  for (int i = 0; i < 25; i++)
    {
      uint64_t t = 100 + 20 * (uint64_t) i;
      feed (BRAID_EV_ITERATION_BEGIN, t, 0, 0, 77, 0, i + 1, 0, 0, 0, 0);
      feed (BRAID_EV_TASK_RESUMED, t + 2, 1, 0, 0, 0, 0, 0, 0, 0, 0);
      if (i % 5 == 0)
        feed (BRAID_EV_OUTPUT, t + 3, 1, 0, 0, 0, 0, 1, "made one", 0, 0);
      feed (BRAID_EV_TASK_SUSPENDED, t + 6, 1, 0, 0, BRAID_WAIT_YIELD, 0, 0,
            0, 0, 0);
      feed (BRAID_EV_TASK_WOKEN, t + 6, 1, 1, 0, BRAID_WAIT_YIELD, 0, 0, 0,
            0, 0);
    }
  feed (BRAID_EV_TASK_RESUMED, 700, 2, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_CREATED, 701, 3, 2, 0, 0, 0, 9, "fails", "f", "s.c");
  feed (BRAID_EV_TASK_CREATED, 702, 4, 2, 0, 0, 0, 10, "orphan", "o", "s.c");
  feed (BRAID_EV_TASK_SUSPENDED, 703, 2, 0, 60, BRAID_WAIT_LOCK, 0, 0, 0, 0,
        0);
  feed (BRAID_EV_TASK_RESUMED, 710, 3, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_SLOW_STEP, 90000710, 3, 0, 0, 0, 90000000, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_FAILED, 90000710, 3, 0, 0, 0, 0, 30, "KeyError",
        "'k'", "s.c");
  feed (BRAID_EV_TASK_RESUMED, 90000720, 4, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_SUSPENDED, 90000721, 4, 0, 60, BRAID_WAIT_LOCK, 0, 0,
        0, 0, 0);
  feed (BRAID_EV_DEADLOCK, 90000730, 0, 0, 0, 0, 2, 0, 0, 0, 0);
  feed (BRAID_EV_DEADLOCK_TASK, 90000730, 2, 0, 60, BRAID_WAIT_LOCK, 0, 0, 0,
        0, 0);
  feed (BRAID_EV_DEADLOCK_TASK, 90000730, 4, 0, 60, BRAID_WAIT_LOCK, 0, 0, 0,
        0, 0);
  feed (BRAID_EV_ERROR_NEVER_RETRIEVED, 90000740, 3, 0, 3, 0, 0, 30,
        "KeyError", "'k'", "s.c");
  feed (BRAID_EV_TASK_DESTROYED_PENDING, 90000750, 4, 0, 0, 0, 0, 0, 0, 0,
        0);
}

static braid_trace *
open_summary (const char *path)
{
  braid_trace_load_options load = { .summary = true, .compact = true };
  braid_trace *trace = NULL;
  char *error = NULL;
  if (braid_trace_open (path, &load, &trace, &error) != 0)
    g_error ("cannot open %s: %s", path, error ? error : "?");
  return trace;
}

static void
test_summary_keeps_tasks_objects_and_problems (void)
{
  char *path = record (summary_scenario);
  braid_trace *full = open_or_fail (path);
  braid_trace *sum = open_summary (path);

  const braid_trace_meta *fm = braid_trace_get_meta (full);
  const braid_trace_meta *sm = braid_trace_get_meta (sum);
  g_assert_cmpuint (sm->n_events, ==, fm->n_events);
  g_assert_cmpuint (sm->n_steps, ==, fm->n_steps);
  g_assert_cmpint (sm->duration_ns, ==, fm->duration_ns);

  size_t nf, ns;
  const braid_trace_task *tf = braid_trace_get_tasks (full, &nf);
  const braid_trace_task *ts = braid_trace_get_tasks (sum, &ns);
  g_assert_cmpuint (ns, ==, nf);
  g_assert_cmpuint (nf, ==, 4);
  for (size_t i = 0; i < nf; i++)
    {
      g_assert_cmpuint (ts[i].id, ==, tf[i].id);
      g_assert_cmpint (ts[i].parent, ==, tf[i].parent);
      g_assert_cmpstr (ts[i].name, ==, tf[i].name);
      g_assert_cmpstr (ts[i].file, ==, tf[i].file);
      g_assert_cmpint (ts[i].ended_ns, ==, tf[i].ended_ns);
      g_assert_cmpint (ts[i].outcome, ==, tf[i].outcome);
      g_assert_cmpstr (ts[i].error_type, ==, tf[i].error_type);
      g_assert_cmpuint (ts[i].n_steps, ==, tf[i].n_steps);
      g_assert_cmpint (ts[i].running_ns, ==, tf[i].running_ns);
      g_assert_cmpint (ts[i].ready_ns, ==, tf[i].ready_ns);
      g_assert_cmpint (ts[i].waiting_ns, ==, tf[i].waiting_ns);
      g_assert_cmpuint (ts[i].n_slices, ==, 0);
    }
  g_assert_cmpint (tf[0].running_ns, >, 0);
  g_assert_cmpint (tf[1].waiting_ns, >, 0);

  const braid_trace_object *of = braid_trace_get_objects (full, &nf);
  const braid_trace_object *os = braid_trace_get_objects (sum, &ns);
  g_assert_cmpuint (ns, ==, nf);
  g_assert_cmpuint (nf, >, 0);
  g_assert_cmpstr (os[0].name, ==, of[0].name);

  const braid_trace_problem *pf = braid_trace_get_problems (full, &nf);
  const braid_trace_problem *ps = braid_trace_get_problems (sum, &ns);
  g_assert_cmpuint (ns, ==, nf);
  g_assert_cmpuint (nf, ==, 4);
  for (size_t i = 0; i < nf; i++)
    {
      g_assert_cmpint (ps[i].kind, ==, pf[i].kind);
      g_assert_cmpint (ps[i].task, ==, pf[i].task);
      g_assert_cmpint (ps[i].time_ns, ==, pf[i].time_ns);
      g_assert_cmpuint (ps[i].step, ==, pf[i].step);
      g_assert_cmpint (ps[i].duration_ns, ==, pf[i].duration_ns);
      g_assert_cmpstr (ps[i].summary, ==, pf[i].summary);
      g_assert_cmpstr (ps[i].detail, ==, pf[i].detail);
    }

  /* Nothing per event is kept, and compact is ignored. */
  g_assert_null (braid_trace_get_slices (sum, &ns));
  g_assert_cmpuint (ns, ==, 0);
  g_assert_null (braid_trace_get_compact_slices (sum, &ns));
  braid_trace_get_edges (sum, &ns);
  g_assert_cmpuint (ns, ==, 0);
  braid_trace_get_marks (sum, &ns);
  g_assert_cmpuint (ns, ==, 0);
  braid_trace_get_outputs (sum, &ns);
  g_assert_cmpuint (ns, ==, 0);
  braid_trace_get_iterations (sum, &ns);
  g_assert_cmpuint (ns, ==, 0);
  braid_trace_get_outputs (full, &nf);
  g_assert_cmpuint (nf, ==, 5);

  braid_trace_close (sum);
  braid_trace_close (full);
  remove_trace (path);
  g_free (path);
}

/* braid problems reads in summary mode and still lists who waits on what
 * in a deadlock, which needs the slices. */
static void
test_problems_draws_the_deadlock_wait_graph (void)
{
  char *path = record (summary_scenario);
  const char *args[] = { "problems", path, NULL };
  char *out = NULL;
  g_assert_cmpint (spawn_braid (args, &out, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "deadlock: "));
  g_assert_nonnull (strstr (out, "'consumer'"));
  g_assert_nonnull (strstr (out, "'orphan'"));
  g_assert_nonnull (strstr (out, "4 problems."));
  /* The wait graph names the lock each task waits on. */
  g_assert_nonnull (strstr (out, "door"));
  g_free (out);
  remove_trace (path);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/summary-load/keeps-tasks-objects-and-problems",
                   test_summary_keeps_tasks_objects_and_problems);
  g_test_add_func ("/tracer/summary-load/problems-draws-the-wait-graph",
                   test_problems_draws_the_deadlock_wait_graph);
  return g_test_run ();
}
