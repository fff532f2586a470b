/* test-samples.c: real programs traced with `braid run` and the virtual
 * clock, checked through the reader: print_numbers shows its blocks of
 * five on the steps axis, never_retrieved's problem names the creation
 * and raise sites, deadlock_locks's deadlock is named with its holders
 * and its cycle, wake edges go from a finishing task to its awaiters. */
#include "sample-trace-util.h"

/* The lines each task printed in each of its steps, in step order. */
static GString *
lines_per_step (const braid_trace *trace, int32_t task)
{
  size_t n_outputs;
  const braid_trace_output *o = braid_trace_get_outputs (trace, &n_outputs);
  const braid_trace_task *t = &braid_trace_get_tasks (trace, NULL)[task];
  const braid_trace_slice *s = braid_trace_get_slices (trace, NULL);
  GString *text = g_string_new ("");
  for (size_t k = t->first_slice; k < t->first_slice + t->n_slices; k++)
    {
      if (s[k].state != BRAID_STATE_RUNNING)
        continue;
      int lines = 0;
      for (size_t i = 0; i < n_outputs; i++)
        lines += o[i].task == task && o[i].step == s[k].start_step;
      g_string_append_printf (text, "%s%d", text->len ? "," : "", lines);
    }
  return text;
}

static void
test_print_numbers_shows_blocks_of_five_in_steps (void)
{
  char *path = trace_sample ("print_numbers");
  if (path == NULL)
    {
      g_test_skip ("print_numbers is not built");
      return;
    }
  braid_trace *trace = open_or_fail (path);
  g_assert_cmpstr (braid_trace_get_meta (trace)->clock, ==, "virtual");
  size_t n;
  const braid_trace_task *t = braid_trace_get_tasks (trace, &n);
  int32_t yielders[2] = { -1, -1 }, straight[2] = { -1, -1 };
  for (size_t i = 0; i < n; i++)
    {
      int32_t *slot = NULL;
      if (strcmp (t[i].function, "print_numbers_async2") == 0)
        slot = yielders;
      else if (strcmp (t[i].function, "print_numbers_async1") == 0)
        slot = straight;
      if (slot)
        slot[slot[0] < 0 ? 0 : 1] = (int32_t) i;
    }
  g_assert_cmpint (yielders[1], >=, 0);
  g_assert_cmpint (straight[1], >=, 0);
  /* loop1's tasks never suspend: all ten lines in one step each. */
  for (int k = 0; k < 2; k++)
    {
      GString *s = lines_per_step (trace, straight[k]);
      g_assert_cmpstr (s->str, ==, "10");
      g_string_free (s, TRUE);
    }
  /* loop2's tasks yield at 0 and 5: 1 line, then 5, then 4. */
  for (int k = 0; k < 2; k++)
    {
      GString *s = lines_per_step (trace, yielders[k]);
      g_assert_cmpstr (s->str, ==, "1,5,4");
      g_string_free (s, TRUE);
    }
  /* And they take turns: their steps alternate. */
  const braid_trace_slice *s = braid_trace_get_slices (trace, NULL);
  GArray *steps[2];
  for (int k = 0; k < 2; k++)
    {
      steps[k] = g_array_new (FALSE, FALSE, sizeof (uint64_t));
      const braid_trace_task *tk = &t[yielders[k]];
      for (size_t i = tk->first_slice; i < tk->first_slice + tk->n_slices;
           i++)
        if (s[i].state == BRAID_STATE_RUNNING)
          g_array_append_val (steps[k], s[i].start_step);
    }
  for (guint i = 0; i < 3; i++)
    {
      g_assert_cmpuint (g_array_index (steps[0], uint64_t, i), <,
                        g_array_index (steps[1], uint64_t, i));
      if (i < 2)
        g_assert_cmpuint (g_array_index (steps[1], uint64_t, i), <,
                          g_array_index (steps[0], uint64_t, i + 1));
    }
  g_array_free (steps[0], TRUE);
  g_array_free (steps[1], TRUE);
  /* Each yield is a mark. */
  const braid_trace_mark *m = braid_trace_get_marks (trace, &n);
  int yields = 0;
  for (size_t i = 0; i < n; i++)
    yields += m[i].kind == BRAID_MARK_YIELD;
  g_assert_cmpint (yields, ==, 4);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

static void
test_never_retrieved_names_creation_and_raise_sites (void)
{
  char *path = trace_sample ("never_retrieved");
  if (path == NULL)
    {
      g_test_skip ("never_retrieved is not built");
      return;
    }
  braid_trace *trace = open_or_fail (path);
  size_t n;
  const braid_trace_problem *p = braid_trace_get_problems (trace, &n);
  g_assert_cmpuint (n, >=, 1);
  const braid_trace_problem *nr = NULL;
  for (size_t i = 0; i < n; i++)
    if (p[i].kind == BRAID_PROBLEM_NEVER_RETRIEVED)
      nr = &p[i];
  g_assert_nonnull (nr);
  g_test_message ("%s / %s", nr->summary, nr->detail);
  g_assert_true (g_regex_match_simple (
    "^created at \\S*never_retrieved\\.c:[0-9]+ by '[^']+'; raised at "
    "\\S*never_retrieved\\.c:[0-9]+$",
    nr->detail, 0, 0));
  g_assert_cmpint (nr->task, >=, 0);
  const braid_trace_task *t = &braid_trace_get_tasks (trace, NULL)[nr->task];
  g_assert_cmpint (t->outcome, ==, BRAID_OUTCOME_FAILED);
  g_assert_false (t->error_retrieved);
  g_assert_cmpint (t->parent, >=, 0);
  g_assert_nonnull (strstr (nr->summary, t->name));
  g_assert_nonnull (strstr (nr->summary, t->error_message));
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

/* The deadlock_locks sample: `braid problems` names each task of the
 * deadlock, what it waits on and who holds it (a lock's holder; an event
 * has none), and the cycle through the two locks, and exits 1; the
 * reader's wait-for graph at the deadlock has that cycle and the
 * reporter's wait outside it. */
static void
test_deadlock_locks_problems_name_holders_and_cycle (void)
{
  char *path = trace_sample ("deadlock_locks");
  if (path == NULL)
    {
      g_test_skip ("deadlock_locks is not built");
      return;
    }
  braid_trace *trace = open_or_fail (path);
  /* The primitives in creation order: lock_a, lock_b, the event. */
  size_t n_objects;
  const braid_trace_object *o = braid_trace_get_objects (trace, &n_objects);
  unsigned long long ids[3];
  static const uint32_t kinds[3] = { BRAID_OBJ_LOCK, BRAID_OBJ_LOCK,
                                     BRAID_OBJ_EVENT };
  size_t n_prims = 0;
  for (size_t i = 0; i < n_objects; i++)
    if (o[i].kind == BRAID_OBJ_LOCK || o[i].kind == BRAID_OBJ_EVENT)
      {
        g_assert_cmpuint (n_prims, <, 3);
        g_assert_cmpuint (o[i].kind, ==, kinds[n_prims]);
        ids[n_prims++] = o[i].id;
      }
  g_assert_cmpuint (n_prims, ==, 3);
  unsigned long long lock_a = ids[0], lock_b = ids[1], event = ids[2];

  size_t n;
  const braid_trace_problem *p = braid_trace_get_problems (trace, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (p[0].kind, ==, BRAID_PROBLEM_DEADLOCK);
  braid_trace_wait_edge *e = NULL;
  size_t n_edges = 0;
  g_assert_cmpint (braid_trace_wait_graph (trace, p[0].step, &e, &n_edges),
                   ==, 0);
  const braid_trace_task *t = braid_trace_get_tasks (trace, NULL);
  int in_cycle = 0, reporter = 0;
  for (size_t i = 0; i < n_edges; i++)
    {
      const char *name = t[e[i].task].name;
      in_cycle += e[i].in_cycle;
      if (strcmp (name, "reporter") == 0)
        {
          reporter++;
          g_assert_false (e[i].in_cycle);
          g_assert_cmpuint (e[i].object, ==, event);
          g_assert_cmpint (e[i].holder, ==, -1);
        }
      else if (e[i].in_cycle)
        g_assert_true (strcmp (name, "worker_a") == 0
                       || strcmp (name, "worker_b") == 0);
    }
  g_assert_cmpint (in_cycle, ==, 2);
  g_assert_cmpint (reporter, ==, 1);
  free (e);

  char *out = NULL;
  const char *args[] = { "problems", path, NULL };
  g_assert_cmpint (run_braid (args, &out), ==, 1);
  char *want[] = {
    g_strdup ("deadlock: Deadlock: 4 tasks wait and nothing can wake any "
              "of them\n"),
    g_strdup_printf ("    'worker_a' waits on lock %llu, held by "
                     "'worker_b'\n", lock_b),
    g_strdup_printf ("    'worker_b' waits on lock %llu, held by "
                     "'worker_a'\n", lock_a),
    g_strdup_printf ("    'reporter' waits on event %llu\n", event),
    g_strdup ("    'Task-1' waits on gather "),
    g_strdup_printf ("    cycle: 'worker_a' -> lock %llu -> 'worker_b' -> "
                     "lock %llu -> 'worker_a'\n", lock_b, lock_a),
  };
  assert_output_has (out, want, G_N_ELEMENTS (want));
  g_free (out);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

static void
check_wake_edges (const char *sample)
{
  char *path = trace_sample (sample);
  if (path == NULL)
    {
      g_test_skip ("sample not built");
      return;
    }
  braid_trace *trace = open_or_fail (path);
  size_t n;
  const braid_trace_edge *e = braid_trace_get_edges (trace, &n);
  const braid_trace_task *t = braid_trace_get_tasks (trace, NULL);
  int checked = 0;
  for (size_t i = 0; i < n; i++)
    {
      if ((e[i].kind != BRAID_EDGE_WAKE && e[i].kind != BRAID_EDGE_GATHER)
          || e[i].from < 0)
        continue;
      /* Woken by a task that had finished, never by itself. */
      g_assert_cmpint (e[i].to, !=, e[i].from);
      g_assert_cmpint (t[e[i].from].ended_ns, >=, 0);
      g_assert_cmpint (t[e[i].from].ended_ns, <=, e[i].time_ns);
      checked++;
    }
  g_test_message ("%s: %d wake edges from finished tasks", sample, checked);
  g_assert_cmpint (checked, >, 0);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

static void
test_wake_edges_point_from_finishing_task_to_awaiter (void)
{
  check_wake_edges ("coroutines_gather");
  check_wake_edges ("wait_first_completed");
}

static void
test_braid_trace_variable_alone_records_a_program (void)
{
  const char *exe = sample_exe ("print_numbers");
  if (exe == NULL)
    {
      g_test_skip ("print_numbers is not built");
      return;
    }
  /* No braid run: the runtime loads the tracer module named by
   * BRAID_MODULES, as `meson devenv` sets it in a build tree (an installed
   * runtime finds it beside itself: tests/install) and the module sees
   * BRAID_TRACE. */
  char *path = test_trace_path ("env.db");
  char **env = g_get_environ ();
  env = g_environ_setenv (env, "BRAID_MODULES",
                          g_getenv ("BRAID_TRACE_MODULE"), TRUE);
  env = g_environ_setenv (env, "BRAID_TRACE", path, TRUE);
  env = g_environ_setenv (env, "BRAID_CLOCK", "virtual", TRUE);
  const char *argv[] = { exe, NULL };
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env,
                               G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                               NULL, &status, NULL));
  g_strfreev (env);
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  braid_trace *trace = open_or_fail (path);
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  g_assert_true (m->complete);
  g_assert_cmpstr (m->clock, ==, "virtual");
  g_assert_true (g_str_has_suffix (m->program, "print_numbers"));
  size_t n;
  braid_trace_get_outputs (trace, &n);
  g_assert_cmpuint (n, ==, 40);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

static void
test_missing_tracer_is_reported_and_the_program_runs (void)
{
  const char *exe = sample_exe ("print_numbers");
  if (exe == NULL)
    {
      g_test_skip ("print_numbers is not built");
      return;
    }
  /* BRAID_MODULES unset: the build-tree runtime looks for the tracer
   * beside itself (not there: the tracer is in tracer/) and in the
   * configured libdir (not there either unless braid was installed). */
  char *path = test_trace_path ("missing.db");
  char **env = g_get_environ ();
  env = g_environ_unsetenv (env, "BRAID_MODULES");
  env = g_environ_setenv (env, "BRAID_TRACE", path, TRUE);
  env = g_environ_setenv (env, "BRAID_CLOCK", "virtual", TRUE);
  const char *argv[] = { exe, NULL };
  int status = 0;
  char *out = NULL, *err = NULL;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, 0, NULL, NULL,
                               &out, &err, &status, NULL));
  g_strfreev (env);
  if (strstr (err, "is not installed beside libbraid") == NULL
      && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("a tracer is installed in the configured libdir");
      remove_trace (path);
      g_free (path);
      g_free (out);
      g_free (err);
      return;
    }
  /* The program ran and printed its 40 lines; one line said why nothing
   * was recorded; no file claims to be a trace. */
  g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
  size_t lines = 0;
  for (const char *c = out; *c; c++)
    lines += *c == '\n';
  g_assert_cmpuint (lines, ==, 40);
  g_assert_true (g_str_has_prefix (err, "braid: BRAID_TRACE is set but "
                                        "the tracer"));
  g_assert_true (strchr (err, '\n') == err + strlen (err) - 1);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_free (out);
  g_free (err);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/samples/print-numbers-shows-blocks-of-five-in-"
                   "steps",
                   test_print_numbers_shows_blocks_of_five_in_steps);
  g_test_add_func ("/tracer/samples/never-retrieved-names-creation-and-"
                   "raise-sites",
                   test_never_retrieved_names_creation_and_raise_sites);
  g_test_add_func ("/tracer/samples/deadlock-locks-problems-name-holders-"
                   "and-cycle",
                   test_deadlock_locks_problems_name_holders_and_cycle);
  g_test_add_func ("/tracer/samples/wake-edges-point-from-finishing-task-"
                   "to-awaiter",
                   test_wake_edges_point_from_finishing_task_to_awaiter);
  g_test_add_func ("/tracer/samples/braid-trace-variable-alone-records-a-"
                   "program",
                   test_braid_trace_variable_alone_records_a_program);
  g_test_add_func ("/tracer/samples/missing-tracer-is-reported-and-the-"
                   "program-runs",
                   test_missing_tracer_is_reported_and_the_program_runs);
  return g_test_run ();
}
