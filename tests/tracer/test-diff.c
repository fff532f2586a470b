/* test-diff.c: `braid diff` on real traces, and the reader's loop
 * iterations it groups steps by.
 *
 * Every trace is recorded with `braid run` under the virtual clock: the
 * samples (SAMPLE_<NAME>, see meson.build) and diff-program
 * (DIFF_PROGRAM), whose arguments change its schedule at a known step.
 * The contract: the same schedule exits 0 and says so; a different one
 * exits 1 and names the first divergent step (its loop iteration and its
 * task); --task restricts the comparison, --time adds the times; bad
 * input exits 2 with one line on stderr.
 */
#include "sample-trace-util.h"

/* Records @exe with the arguments @args (NULL-terminated, may be NULL)
 * into a new trace; returns its path (g_free; remove_trace). */
static char *
trace_program (const char *exe, const char *const *args)
{
  char *path = test_trace_path ("diff.braid");
  GPtrArray *argv = g_ptr_array_new ();
  const char *head[] = { "run", "-o", path, "--", exe };
  for (size_t i = 0; i < G_N_ELEMENTS (head); i++)
    g_ptr_array_add (argv, (char *)head[i]);
  for (const char *const *a = args; a && *a; a++)
    g_ptr_array_add (argv, (char *)*a);
  g_ptr_array_add (argv, NULL);
  char *out = NULL;
  g_assert_cmpint (run_braid ((const char *const *)argv->pdata, &out), ==, 0);
  g_free (out);
  g_ptr_array_free (argv, TRUE);
  return path;
}

/* diff-program traced with one argument (NULL: none). */
static char *
trace_diff_program (const char *arg)
{
  const char *exe = g_getenv ("DIFF_PROGRAM");
  g_assert_nonnull (exe);
  const char *args[] = { arg, NULL };
  return trace_program (exe, args);
}

/* Runs `braid diff` with @args; returns its exit status, its stdout in
 * *out and its stderr in *err (g_free; either may be NULL). */
static int
diff (const char *const *args, char **out, char **err)
{
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, "diff");
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add (argv, (char *)*a);
  g_ptr_array_add (argv, NULL);
  char *o = NULL, *e = NULL;
  int status = spawn_braid ((const char *const *)argv->pdata, &o, &e);
  g_ptr_array_free (argv, TRUE);
  g_test_message ("braid diff: %s%s", o, e);
  if (out)
    *out = o;
  else
    g_free (o);
  if (err)
    *err = e;
  else
    g_free (e);
  return status;
}

/* The line of @text that starts with @prefix (g_free), or NULL. */
static char *
line_starting (const char *text, const char *prefix)
{
  char **lines = g_strsplit (text, "\n", -1);
  char *found = NULL;
  for (char **l = lines; *l && !found; l++)
    if (g_str_has_prefix (*l, prefix))
      found = g_strdup (*l);
  g_strfreev (lines);
  return found;
}

static void
test_sample_against_itself_is_same (void)
{
  static const char *const samples[]
      = { "print_numbers",   "might_fail",        "coroutines_gather",
          "event_workers",   "semaphore_bounded", "wait_first_completed",
          "queue_push_back", "async_iterator" };
  size_t compared = 0;
  for (size_t i = 0; i < G_N_ELEMENTS (samples); i++)
    {
      char *a = trace_sample (samples[i]);
      if (a == NULL)
        continue;
      char *b = trace_sample (samples[i]);
      char *out = NULL;
      const char *args[] = { a, b, NULL };
      g_assert_cmpint (diff (args, &out, NULL), ==, 0);
      g_assert_nonnull (strstr (out, "The schedules are the same"));
      g_assert_null (strstr (out, "differ"));
      g_free (out);
      /* --time too: the virtual clock makes the times reproducible. */
      const char *quiet[] = { "-q", "--time", a, b, NULL };
      g_assert_cmpint (diff (quiet, &out, NULL), ==, 0);
      g_assert_cmpstr (out, ==, "");
      g_free (out);
      remove_trace (a);
      remove_trace (b);
      g_free (a);
      g_free (b);
      compared++;
    }
  if (compared == 0)
    g_test_skip ("no sample is built");
}

static void
test_different_programs_differ (void)
{
  char *a = trace_sample ("print_numbers");
  char *b = trace_sample ("might_fail");
  if (a == NULL || b == NULL)
    {
      g_test_skip ("print_numbers or might_fail is not built");
      return;
    }
  char *out = NULL;
  const char *args[] = { a, b, NULL };
  g_assert_cmpint (diff (args, &out, NULL), ==, 1);
  /* print_numbers' first step is c1_1's (spawned on the loop before
   * Task-1); might_fail's is its main task's. */
  g_assert_nonnull (strstr (out, "First divergence, at step 1 of the 1st "
                                 "iteration that ran compared tasks: the "
                                 "steps run different tasks.\n"));
  char *la = line_starting (out, "  A  loop 1, iteration 1, step 0: c1_1:");
  char *lb = line_starting (out, "  B  loop 1, iteration 1, step 0: Task-1:");
  g_assert_nonnull (la);
  g_assert_nonnull (lb);
  g_assert_nonnull (strstr (out, "only in A: c1_1, c2_1, c1_2, c2_2"));
  g_assert_nonnull (strstr (out, "only in B: might_fail0, might_fail1"));
  g_free (la);
  g_free (lb);
  g_free (out);
  const char *quiet[] = { "--quiet", b, a, NULL };
  g_assert_cmpint (diff (quiet, &out, NULL), ==, 1);
  g_assert_cmpstr (out, ==, "");
  g_free (out);
  remove_trace (a);
  remove_trace (b);
  g_free (a);
  g_free (b);
}

static void
test_one_change_points_at_its_step (void)
{
  char *plain = trace_diff_program (NULL);
  /* b sleeps instead of yielding after round 1 (its step of iteration
   * 3), or after round 2 (iteration 4): the second step of that
   * iteration, after a's. */
  static const struct
  {
    const char *arg;
    const char *iteration;
  } cases[]
      = { { "sleep-at=1", "iteration 3" }, { "sleep-at=2", "iteration 4" } };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char *changed = trace_diff_program (cases[i].arg);
      char *out = NULL;
      const char *args[] = { plain, changed, NULL };
      g_assert_cmpint (diff (args, &out, NULL), ==, 1);
      g_assert_nonnull (strstr (out, "First divergence, at step 2 of the "));
      g_assert_nonnull (strstr (out, ": the step ends differently.\n"));
      char *pa = g_strdup_printf ("  A  loop 1, %s, step ", cases[i].iteration);
      char *pb = g_strdup_printf ("  B  loop 1, %s, step ", cases[i].iteration);
      char *la = line_starting (out, pa);
      char *lb = line_starting (out, pb);
      g_assert_nonnull (la);
      g_assert_nonnull (lb);
      g_assert_true (
          g_str_has_suffix (la, ": b: resumed after a yield, then yielded"));
      g_assert_true (g_str_has_suffix (
          lb, ": b: resumed after a yield, then waited on sleep"));
      /* The per-task summary names b's first different wait. */
      g_assert_nonnull (strstr (out, "  b differs: "));
      g_assert_nonnull (strstr (out, "yield / sleep"));
      g_free (pa);
      g_free (pb);
      g_free (la);
      g_free (lb);
      g_free (out);
      remove_trace (changed);
      g_free (changed);
    }
  remove_trace (plain);
  g_free (plain);
}

static void
test_task_restricts_the_comparison (void)
{
  char *plain = trace_diff_program (NULL);
  char *longer_c = trace_diff_program ("c-rounds=6");
  char *out = NULL;
  /* c's two more rounds come after a and b have completed: a and b run
   * the same steps in both. */
  const char *all[] = { plain, longer_c, NULL };
  g_assert_cmpint (diff (all, &out, NULL), ==, 1);
  g_assert_nonnull (strstr (out, "  c differs: 5 / 7 steps"));
  g_free (out);
  const char *ab[] = { "--task", "a", "-t", "b", plain, longer_c, NULL };
  g_assert_cmpint (diff (ab, &out, NULL), ==, 0);
  g_assert_nonnull (strstr (out, "The schedules are the same"));
  g_assert_nonnull (strstr (out, "2 compared tasks"));
  g_free (out);
  const char *c[] = { plain, "--task=c", longer_c, NULL };
  g_assert_cmpint (diff (c, &out, NULL), ==, 1);
  g_free (out);
  /* A change in b is seen through --task b, not through --task a. */
  char *b_sleeps = trace_diff_program ("sleep-at=1");
  const char *a_only[] = { "-t", "a", plain, b_sleeps, NULL };
  g_assert_cmpint (diff (a_only, NULL, NULL), ==, 0);
  const char *b_only[] = { "-t", "b", plain, b_sleeps, NULL };
  g_assert_cmpint (diff (b_only, NULL, NULL), ==, 1);
  remove_trace (plain);
  remove_trace (longer_c);
  remove_trace (b_sleeps);
  g_free (plain);
  g_free (longer_c);
  g_free (b_sleeps);
}

static void
test_time_is_compared_only_on_request (void)
{
  char *one = trace_diff_program ("c-sleep=1");
  char *two = trace_diff_program ("c-sleep=2");
  char *out = NULL;
  const char *order[] = { one, two, NULL };
  g_assert_cmpint (diff (order, &out, NULL), ==, 0);
  g_free (out);
  const char *ignore[] = { "--time", "--ignore-time", one, two, NULL };
  g_assert_cmpint (diff (ignore, NULL, NULL), ==, 0);
  const char *time[] = { "--time", one, two, NULL };
  g_assert_cmpint (diff (time, &out, NULL), ==, 1);
  g_assert_nonnull (strstr (out, ": the step begins at another time.\n"));
  /* c's last step begins after its sleep: 1 s in A, 2 s in B. */
  char *la = line_starting (out, "  A  ");
  char *lb = line_starting (out, "  B  ");
  g_assert_nonnull (strstr (la, ": c: woken by the loop from sleep, then "
                                "completed (t = 1.00 s)"));
  g_assert_nonnull (strstr (lb, "(t = 2.00 s)"));
  g_free (la);
  g_free (lb);
  g_free (out);
  const char *loose[] = { "--tolerance", "1.5s", one, two, NULL };
  g_assert_cmpint (diff (loose, NULL, NULL), ==, 0);
  const char *tight[] = { "--tolerance=500ms", one, two, NULL };
  g_assert_cmpint (diff (tight, NULL, NULL), ==, 1);
  remove_trace (one);
  remove_trace (two);
  g_free (one);
  g_free (two);
}

/* @text has exactly one line, which starts with "braid: ". */
static void
assert_one_error_line (const char *text)
{
  g_assert_true (g_str_has_prefix (text, "braid: "));
  const char *nl = strchr (text, '\n');
  g_assert_nonnull (nl);
  g_assert_cmpstr (nl + 1, ==, "");
}

static void
test_bad_input_exits_2_with_one_line (void)
{
  char *trace = trace_diff_program (NULL);
  char *dir = g_path_get_dirname (trace);
  char *missing = g_build_filename (dir, "missing.braid", NULL);
  char *text = g_build_filename (dir, "notes.txt", NULL);
  g_assert_true (g_file_set_contents (text, "not a trace\n", -1, NULL));
  const struct
  {
    const char *args[6];
    const char *says;
  } cases[] = {
    { { trace, missing, NULL }, "missing.braid" },
    { { missing, trace, NULL }, "missing.braid" },
    { { text, trace, NULL }, "notes.txt" },
    { { trace, NULL }, "two trace files" },
    { { trace, trace, trace, NULL }, "only two" },
    { { "--bogus", trace, trace, NULL }, "unknown option '--bogus'" },
    { { "-x", trace, trace, NULL }, "unknown option '-x'" },
    { { trace, trace, "--task", NULL }, "--task needs a value" },
    { { "--task", "nobody", trace, trace, NULL }, "no task named 'nobody'" },
    { { "--tolerance", "soon", trace, trace, NULL }, "not a duration" },
  };
  for (size_t i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      char *out = NULL, *err = NULL;
      g_assert_cmpint (diff (cases[i].args, &out, &err), ==, 2);
      g_assert_cmpstr (out, ==, "");
      assert_one_error_line (err);
      g_assert_nonnull (strstr (err, cases[i].says));
      g_free (out);
      g_free (err);
    }
  g_unlink (text);
  g_free (text);
  g_free (missing);
  g_free (dir);
  remove_trace (trace);
  g_free (trace);
}

static void
test_help_lists_the_options (void)
{
  char *out = NULL;
  const char *args[] = { "--help", NULL };
  g_assert_cmpint (diff (args, &out, NULL), ==, 0);
  g_assert_true (g_str_has_prefix (out, "usage: braid diff"));
  static const char *const opts[] = { "--task",        "--time",  "--tolerance",
                                      "--ignore-time", "--quiet", "--help" };
  for (size_t i = 0; i < G_N_ELEMENTS (opts); i++)
    g_assert_nonnull (strstr (out, opts[i]));
  g_free (out);
}

/* The reader's iterations, on a program whose iterations are known: the
 * main task alone in iteration 1, then one step of each worker per
 * iteration, a, b, c, with ROUNDS = 4 rounds and a last step each. */
static void
test_reader_groups_steps_by_iteration (void)
{
  char *path = trace_diff_program (NULL);
  braid_trace *trace = open_or_fail (path);
  const braid_trace_meta *meta = braid_trace_get_meta (trace);
  size_t n_it = 0, n_tasks = 0, n_slices = 0;
  const braid_trace_iteration *its = braid_trace_get_iterations (trace, &n_it);
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
  const braid_trace_slice *slices = braid_trace_get_slices (trace, &n_slices);
  g_assert_cmpuint (n_it, ==, meta->n_iterations);
  g_assert_cmpuint (n_it, >=, 7);
  for (size_t i = 0; i < n_it; i++)
    {
      g_assert_cmpuint (its[i].loop, ==, 0);
      g_assert_cmpuint (its[i].number, ==, i + 1);
      if (i > 0)
        {
          g_assert_cmpuint (its[i].first_step, >=, its[i - 1].first_step);
          g_assert_cmpint (its[i].time_ns, >=, its[i - 1].time_ns);
        }
    }
  /* Every step lies in the iteration braid_trace_step_iteration names. */
  for (uint64_t s = 0; s < meta->n_steps; s++)
    {
      int64_t i = braid_trace_step_iteration (trace, s);
      g_assert_cmpint (i, >=, 0);
      g_assert_cmpuint (its[i].first_step, <=, s);
      if ((size_t)i + 1 < n_it)
        g_assert_cmpuint (s, <, its[i + 1].first_step);
    }
  g_assert_cmpint (braid_trace_step_iteration (trace, meta->n_steps), ==, -1);
  /* Worker k's j-th step (from 0) runs in iteration 2 + j, as the k-th
   * step of it. */
  const char *names[] = { "a", "b", "c" };
  for (size_t t = 0; t < n_tasks; t++)
    for (int k = 0; k < 3; k++)
      if (strcmp (tasks[t].name, names[k]) == 0)
        {
          g_assert_cmpuint (tasks[t].n_steps, ==, 5);
          int j = 0;
          for (size_t s = 0; s < tasks[t].n_slices; s++)
            {
              const braid_trace_slice *sl = &slices[tasks[t].first_slice + s];
              if (sl->state != BRAID_STATE_RUNNING)
                continue;
              int64_t i = braid_trace_step_iteration (trace, sl->start_step);
              g_assert_cmpint (i, >=, 0);
              g_assert_cmpuint (its[i].number, ==, 2 + j);
              g_assert_cmpuint (sl->start_step - its[i].first_step, ==, k);
              j++;
            }
        }
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

/* print_numbers runs two loops one after the other: the iterations say
 * which, each loop counting its own from 1. */
static void
test_reader_numbers_iterations_per_loop (void)
{
  char *path = trace_sample ("print_numbers");
  if (path == NULL)
    {
      g_test_skip ("print_numbers is not built");
      return;
    }
  braid_trace *trace = open_or_fail (path);
  size_t n = 0;
  const braid_trace_iteration *its = braid_trace_get_iterations (trace, &n);
  g_assert_cmpuint (n, >=, 2);
  g_assert_cmpuint (its[0].loop, ==, 0);
  g_assert_cmpuint (its[n - 1].loop, ==, 1);
  for (size_t i = 0; i < n; i++)
    {
      g_assert_cmpuint (
          its[i].number, ==,
          i > 0 && its[i].loop == its[i - 1].loop ? its[i - 1].number + 1 : 1);
      g_assert_cmpuint (its[i].loop, ==,
                        i > 0 && its[i].loop != its[i - 1].loop
                            ? its[i - 1].loop + 1
                            : its[i > 0 ? i - 1 : 0].loop);
    }
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/diff/sample-against-itself-is-same",
                   test_sample_against_itself_is_same);
  g_test_add_func ("/tracer/diff/different-programs-differ",
                   test_different_programs_differ);
  g_test_add_func ("/tracer/diff/one-change-points-at-its-step",
                   test_one_change_points_at_its_step);
  g_test_add_func ("/tracer/diff/task-restricts-the-comparison",
                   test_task_restricts_the_comparison);
  g_test_add_func ("/tracer/diff/time-is-compared-only-on-request",
                   test_time_is_compared_only_on_request);
  g_test_add_func ("/tracer/diff/bad-input-exits-2-with-one-line",
                   test_bad_input_exits_2_with_one_line);
  g_test_add_func ("/tracer/diff/help-lists-the-options",
                   test_help_lists_the_options);
  g_test_add_func ("/tracer/diff/reader-groups-steps-by-iteration",
                   test_reader_groups_steps_by_iteration);
  g_test_add_func ("/tracer/diff/reader-numbers-iterations-per-loop",
                   test_reader_numbers_iterations_per_loop);
  return g_test_run ();
}
