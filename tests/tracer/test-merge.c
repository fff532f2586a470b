/* test-merge.c: several traces as one model, in the reader
 * (reader-merge.c, reader-compare.c).
 *
 * Real traces: two samples traced as two processes of one run (one
 * BRAID_TRACE_RUN, a file each, on the monotonic clock) and diff-program
 * traced plainly and with a changed schedule (DIFF_PROGRAM, the virtual
 * clock). The contract: a run merges into one trace with a task per
 * process over that process's tasks, times moved by each file's offset
 * on the run's clock (its loop clock's base, a CLOCK_MONOTONIC reading),
 * steps of all processes numbered in the order they began, ids unique;
 * files of two runs are refused; two compared traces merge side by side
 * with each pair of compared steps in one step, the first differing one
 * where braid diff says.
 */
#include "sample-trace-util.h"

#include <braid/braid.h> /* the error codes */

/* The iterations of @t are sorted by first step, as braid-trace.h says
 * (braid_trace_step_iteration searches them). */
static void
assert_iterations_sorted (const braid_trace *t)
{
  size_t n;
  const braid_trace_iteration *it = braid_trace_get_iterations (t, &n);
  g_assert_cmpuint (n, >, 0);
  for (size_t i = 1; i < n; i++)
    g_assert_cmpuint (it[i].first_step, >=, it[i - 1].first_step);
}

/* Runs @exe (@args NULL-terminated after it, may be NULL) traced into a
 * new file through BRAID_TRACE, in run @run_id on @clock; returns the
 * file's path (g_free). */
static char *
trace_directly (const char *exe, const char *const *args, const char *run_id,
                const char *clock)
{
  char *path = test_trace_path ("merge.db");
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *)exe);
  for (const char *const *a = args; a && *a; a++)
    g_ptr_array_add (argv, (char *)*a);
  g_ptr_array_add (argv, NULL);
  char **env = g_get_environ ();
  env = g_environ_setenv (env, "BRAID_TRACE", path, TRUE);
  env = g_environ_setenv (env, "BRAID_TRACE_RUN", run_id, TRUE);
  env = g_environ_setenv (env, "BRAID_CLOCK", clock, TRUE);
  env = g_environ_setenv (env, "BRAID_MODULES",
                          g_getenv ("BRAID_TRACE_MODULE"), TRUE);
  int status = -1;
  g_assert_true (g_spawn_sync (NULL, (char **)argv->pdata, env,
                               G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                               NULL, &status, NULL));
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  g_strfreev (env);
  g_ptr_array_free (argv, TRUE);
  return path;
}

static void
test_a_run_merges_into_one_trace (void)
{
  const char *fetch = sample_exe ("fetch_urls");
  const char *sem = sample_exe ("semaphore_bounded");
  const char *hello = sample_exe ("hello_world");
  if (!fetch || !sem || !hello || !g_getenv ("BRAID_TRACE_MODULE"))
    {
      g_test_skip ("the samples or the tracer module are not built");
      return;
    }
  /* The second process starts after the first ends. */
  char *pa = trace_directly (fetch, NULL, "merge-run", "monotonic");
  char *pb = trace_directly (sem, NULL, "merge-run", "monotonic");
  char *pc = trace_directly (hello, NULL, "another-run", "monotonic");
  braid_trace *t[3] = { open_or_fail (pb), open_or_fail (pa),
                        open_or_fail (pc) };
  const braid_trace_meta *ma = braid_trace_get_meta (t[1]);
  const braid_trace_meta *mb = braid_trace_get_meta (t[0]);
  g_assert_cmpint (ma->start_monotonic_ns, >, 0);
  g_assert_cmpint (ma->time_base_ns, >, 0);

  /* Offsets: from each loop clock's base, whatever the order given. */
  int64_t off[2];
  braid_trace_run_offsets (t, 2, off);
  g_assert_cmpint (off[1], ==, 0);
  g_assert_cmpint (off[0], ==, mb->time_base_ns - ma->time_base_ns);
  g_assert_cmpint (off[0], >=, ma->duration_ns);

  size_t bad_a, bad_b;
  const char *why;
  g_assert_cmpint (braid_trace_check_run (t, 2, NULL, NULL, NULL), ==, 0);
  g_assert_cmpint (braid_trace_check_run (t + 1, 2, &bad_a, &bad_b, &why),
                   ==, BRAID_EINVAL);
  g_assert_cmpstr (why, ==, "are traces of different runs");
  braid_trace *bad = NULL;
  char *error = NULL;
  g_assert_cmpint (braid_trace_merge_run (t + 1, 2, &bad, &error), ==,
                   BRAID_EINVAL);
  g_assert_null (bad);
  g_assert_nonnull (strstr (error, "are traces of different runs"));
  free (error);

  braid_trace *m = NULL;
  g_assert_cmpint (braid_trace_merge_run (t, 2, &m, &error), ==, 0);
  size_t n, na, nb;
  const braid_trace_task *tasks = braid_trace_get_tasks (m, &n);
  braid_trace_get_tasks (t[1], &na);
  braid_trace_get_tasks (t[0], &nb);
  g_assert_cmpuint (n, ==, na + nb + 2);
  /* The first process first, then its tasks, then the second's. */
  g_assert_true (g_str_has_prefix (tasks[0].name, "fetch_urls [pid "));
  g_assert_cmpint (tasks[0].parent, ==, -1);
  g_assert_true (g_str_has_prefix (tasks[na + 1].name,
                                   "semaphore_bounded [pid "));
  g_assert_cmpint (tasks[na + 1].created_ns, ==, off[0]);
  for (size_t i = 0; i < n; i++)
    {
      /* Ids unique: each finds its own task. */
      g_assert_cmpint (braid_trace_find_task (m, tasks[i].id), ==, (int)i);
      if (i != 0 && i != na + 1)
        g_assert_cmpint (tasks[i].parent, >=, 0);
    }
  /* Steps numbered in the order they began: every running slice is one
   * step wide and its step begins no earlier than the one before. */
  size_t n_slices;
  const braid_trace_slice *sl = braid_trace_get_slices (m, &n_slices);
  uint64_t n_steps = braid_trace_get_meta (m)->n_steps;
  g_assert_cmpuint (n_steps, ==, ma->n_steps + mb->n_steps);
  int64_t *began = g_new0 (int64_t, n_steps);
  for (size_t i = 0; i < n_slices; i++)
    if (sl[i].state == BRAID_STATE_RUNNING)
      {
        g_assert_cmpuint (sl[i].end_step, ==, sl[i].start_step + 1);
        g_assert_cmpuint (sl[i].start_step, <, n_steps);
        began[sl[i].start_step] = sl[i].start_ns;
      }
  for (uint64_t s = 1; s < n_steps; s++)
    g_assert_cmpint (began[s], >=, began[s - 1]);
  /* The second process's steps come after the first's. */
  g_assert_cmpint (began[ma->n_steps], >=, off[0]);
  g_free (began);
  /* Objects keep to their process: what a slice waits on was created by
   * a task of the slice's own process (tasks [0, na] are the first's). */
  size_t checked = 0;
  for (size_t i = 0; i < n_slices; i++)
    {
      const braid_trace_object *o = braid_trace_find_object (m, sl[i].object);
      if (sl[i].object == 0 || o == NULL || o->creator < 0)
        continue;
      g_assert_cmpint ((size_t)o->creator <= na, ==, sl[i].task <= na);
      checked++;
    }
  g_assert_cmpuint (checked, >, 0);
  assert_iterations_sorted (m);
  /* Edges in time order. */
  const braid_trace_edge *edges = braid_trace_get_edges (m, &n);
  for (size_t i = 1; i < n; i++)
    g_assert_cmpint (edges[i].time_ns, >=, edges[i - 1].time_ns);
  braid_trace_close (m);
  for (int i = 0; i < 3; i++)
    braid_trace_close (t[i]);
  g_free (pa);
  g_free (pb);
  g_free (pc);
}

static void
test_two_runs_line_up_side_by_side (void)
{
  const char *exe = g_getenv ("DIFF_PROGRAM");
  if (!exe || !g_getenv ("BRAID_TRACE_MODULE"))
    {
      g_test_skip ("diff-program or the tracer module is not built");
      return;
    }
  const char *changed_args[] = { "sleep-at=1", NULL };
  char *pa = trace_directly (exe, NULL, "compare-a", "virtual");
  char *pb = trace_directly (exe, changed_args, "compare-b", "virtual");
  braid_trace *a = open_or_fail (pa), *b = open_or_fail (pb);
  g_assert_true (braid_trace_same_program (a, b));

  braid_trace_comparison *c = NULL;
  g_assert_cmpint (braid_trace_compare (a, b, NULL, &c, NULL), ==, 0);
  size_t n_pairs, n_a, n_b;
  const braid_trace_step_pair *pairs = braid_trace_comparison_pairs (c, &n_pairs);
  const braid_trace_compared_step *sa = braid_trace_comparison_steps (c, 0, &n_a);
  const braid_trace_compared_step *sb = braid_trace_comparison_steps (c, 1, &n_b);
  /* braid diff's first divergence: step 2 of the 3rd iteration, worker b
   * yielding in A and sleeping in B. */
  const braid_trace_step_pair *first = NULL;
  for (size_t i = 0; i < n_pairs && !first; i++)
    if (pairs[i].difference)
      first = &pairs[i];
  g_assert_nonnull (first);
  g_assert_cmpuint (first->round, ==, 3);
  g_assert_cmpuint (first->position, ==, 2);
  g_assert_cmpstr (first->difference, ==, "the step ends differently");
  g_assert_cmpstr (
      braid_trace_comparison_label (c, 0, (int32_t)sa[first->a].task), ==,
      "b");

  braid_trace *m = NULL;
  uint64_t *marked = NULL;
  size_t n_marked = 0;
  g_assert_cmpint (
      braid_trace_merge_compared (a, b, c, &m, &marked, &n_marked), ==, 0);
  size_t n_tasks, n_ta;
  const braid_trace_task *tasks = braid_trace_get_tasks (m, &n_tasks);
  braid_trace_get_tasks (a, &n_ta);
  g_assert_true (g_str_has_prefix (tasks[0].name, "A: diff-program [pid "));
  g_assert_true (g_str_has_prefix (tasks[n_ta + 1].name, "B: diff-program"));
  /* Each pair's two steps share a merged step: the running slices of the
   * paired tasks (A's task t is merged task t + 1, B's t + n_ta + 2). */
  size_t n_slices;
  const braid_trace_slice *sl = braid_trace_get_slices (m, &n_slices);
  size_t marked_seen = 0;
  for (size_t i = 0; i < n_pairs; i++)
    {
      /* A step only one side ran is marked in its own step. */
      if (pairs[i].a < 0 || pairs[i].b < 0)
        {
          marked_seen += pairs[i].difference != NULL;
          continue;
        }
      uint64_t step[2] = { UINT64_MAX, UINT64_MAX };
      const braid_trace_compared_step *x[2] = { &sa[pairs[i].a],
                                                &sb[pairs[i].b] };
      for (int side = 0; side < 2; side++)
        {
          size_t task = x[side]->task + 1 + (side ? n_ta + 1 : 0);
          const braid_trace_task *tk = &tasks[task];
          /* The k-th running slice of that task is its k-th step. */
          size_t k = 0, nth = 0;
          size_t n_own;
          const braid_trace_compared_step *own
              = braid_trace_comparison_task_steps (c, side,
                                                   (int32_t)x[side]->task,
                                                   &n_own);
          while (&own[nth] != x[side])
            nth++;
          for (size_t j = 0; j < tk->n_slices; j++)
            if (sl[tk->first_slice + j].state == BRAID_STATE_RUNNING
                && k++ == nth)
              step[side] = sl[tk->first_slice + j].start_step;
        }
      g_assert_cmpuint (step[0], ==, step[1]);
      if (pairs[i].difference)
        {
          g_assert_cmpuint (marked_seen, <, n_marked);
          g_assert_cmpuint (marked[marked_seen++], ==, step[0]);
        }
      if (&pairs[i] == first)
        g_assert_cmpuint (marked[0], ==, step[0]);
    }
  g_assert_cmpuint (marked_seen, ==, n_marked);
  assert_iterations_sorted (m);
  free (marked);
  braid_trace_close (m);

  /* The same trace twice: nothing differs, nothing is marked. */
  braid_trace_comparison *same = NULL;
  g_assert_cmpint (braid_trace_compare (a, a, NULL, &same, NULL), ==, 0);
  g_assert_cmpint (
      braid_trace_merge_compared (a, a, same, &m, &marked, &n_marked), ==, 0);
  g_assert_cmpuint (n_marked, ==, 0);
  free (marked);
  braid_trace_close (m);
  braid_trace_comparison_free (same);
  braid_trace_comparison_free (c);
  braid_trace_close (a);
  braid_trace_close (b);
  g_free (pa);
  g_free (pb);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/merge/a-run-merges-into-one-trace",
                   test_a_run_merges_into_one_trace);
  g_test_add_func ("/tracer/merge/two-runs-line-up-side-by-side",
                   test_two_runs_line_up_side_by_side);
  return g_test_run ();
}
