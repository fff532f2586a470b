/* test-live.c: traces read while they are being written.
 *
 * A real program (live-program) runs under `braid run` while this test
 * reads its trace: the writer's heartbeat and pid tell a running program
 * from a finished or a killed one (braid_trace_probe, the reader's meta,
 * `braid report` and `braid problems`); a follower that updates every few
 * milliseconds, as fast as it can, sees the events grow, never blocks the
 * writer (the program ends on time and leaves one self-contained file, no
 * -wal beside it) and loses nothing (its last model has every event, task
 * and output line of the finished file). A copy of a running trace, whose
 * heartbeat nobody refreshes, goes stale; a follower whose file another
 * recording replaced says so.
 */
#include "trace-test-util.h"

#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* Starts `braid run -o @path -- live-program @seconds` in the background;
 * returns braid's pid. */
static GPid
start_program (const char *path, const char *seconds)
{
  const char *braid = g_getenv ("BRAID_EXE");
  const char *program = g_getenv ("LIVE_PROGRAM");
  g_assert_nonnull (braid);
  g_assert_nonnull (program);
  const char *argv[] = { braid, "run", "-o", path, "--", program, seconds,
                         NULL };
  GPid pid = 0;
  GError *error = NULL;
  g_assert_true (g_spawn_async (NULL, (char **) argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD
                                  | G_SPAWN_STDOUT_TO_DEV_NULL,
                                NULL, NULL, &pid, &error));
  g_assert_no_error (error);
  return pid;
}

/* Waits for braid (@pid) to exit; returns its exit status. */
static int
wait_program (GPid pid)
{
  int status = 0;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

/* Waits (up to 20 s) until the trace at @path says it is being written,
 * with some events; fills @st. */
static void
wait_running (const char *path, braid_trace_writer_status *st)
{
  for (int i = 0; i < 2000; i++)
    {
      char *error = NULL;
      if (braid_trace_probe (path, st, &error) == 0
          && st->liveness == BRAID_LIVENESS_RUNNING && st->n_batches > 0)
        return;
      g_free (error);
      g_usleep (10000);
    }
  g_error ("%s never showed a running recording", path);
}

static void
test_report_on_running_killed_and_finished (void)
{
  char *path = test_trace_path ("live.braid");
  GPid braid = start_program (path, "60");
  braid_trace_writer_status st;
  wait_running (path, &st);
  g_assert_true (st.same_host);
  g_assert_true (st.pid_alive);
  g_assert_cmpint (st.pid, >, 0);
  g_assert_cmpint (st.heartbeat_age_ns, >=, 0);
  g_assert_cmpint (st.heartbeat_age_ns, <, BRAID_TRACE_HEARTBEAT_STALE_NS);

  /* The reader's meta and the CLI say it runs, not that it crashed. */
  braid_trace *trace = open_or_fail (path);
  g_assert_cmpint (braid_trace_get_meta (trace)->liveness, ==,
                   BRAID_LIVENESS_RUNNING);
  g_assert_false (braid_trace_get_meta (trace)->complete);
  braid_trace_close (trace);
  char *out = NULL;
  const char *report[] = { "report", path, NULL };
  g_assert_cmpint (spawn_braid (report, &out, NULL), ==, 0);
  char *want = g_strdup_printf (
    "trace being written (the program is running, pid %lld)",
    (long long) st.pid);
  g_assert_nonnull (strstr (out, want));
  g_assert_null (strstr (out, "killed or crashed"));
  g_free (want);
  g_free (out);
  const char *problems[] = { "problems", path, NULL };
  spawn_braid (problems, &out, NULL);
  g_assert_nonnull (strstr (out, "The trace is still being written: the "
                                 "program is running"));
  g_assert_null (strstr (out, "killed or crashed"));
  g_free (out);
  char *json = g_strconcat (path, ".json", NULL);
  const char *export[] = { "export", path, "-o", json, NULL };
  char *err = NULL;
  g_assert_cmpint (spawn_braid (export, NULL, &err), ==, 0);
  g_assert_nonnull (strstr (err, "is being written (the program is "
                                 "running): exporting what it holds so far"));
  g_free (err);
  g_unlink (json);
  g_free (json);

  /* A copy of the running trace: same pid, alive, but nobody refreshes
   * its heartbeat: it goes stale, and the copy is a dead writer's. */
  char *copy = g_strconcat (path, ".copy.braid", NULL);
  {
    /* Copied inside a read transaction of the original, so that the
     * copy is one consistent snapshot (the backup API). */
    sqlite3 *src = NULL, *dst = NULL;
    g_assert_cmpint (sqlite3_open_v2 (path, &src, SQLITE_OPEN_READONLY,
                                      NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_open (copy, &dst), ==, SQLITE_OK);
    sqlite3_backup *b = sqlite3_backup_init (dst, "main", src, "main");
    g_assert_nonnull (b);
    sqlite3_backup_step (b, -1);
    g_assert_cmpint (sqlite3_backup_finish (b), ==, SQLITE_OK);
    sqlite3_close (dst);
    sqlite3_close (src);
  }
  g_assert_cmpint (braid_trace_probe (copy, &st, NULL), ==, 0);
  /* Fresh at first, unless copying took longer than a stale heartbeat
   * (under valgrind). */
  g_assert_cmpint (st.liveness, ==,
                   st.heartbeat_age_ns < BRAID_TRACE_HEARTBEAT_STALE_NS
                     ? BRAID_LIVENESS_RUNNING
                     : BRAID_LIVENESS_DEAD);
  g_usleep ((gulong) (BRAID_TRACE_HEARTBEAT_STALE_NS / 1000) + 300000);
  g_assert_cmpint (braid_trace_probe (copy, &st, NULL), ==, 0);
  g_assert_true (st.pid_alive);
  g_assert_cmpint (st.heartbeat_age_ns, >=, BRAID_TRACE_HEARTBEAT_STALE_NS);
  g_assert_cmpint (st.liveness, ==, BRAID_LIVENESS_DEAD);
  /* The original's heartbeat is still fresh. */
  g_assert_cmpint (braid_trace_probe (path, &st, NULL), ==, 0);
  g_assert_cmpint (st.liveness, ==, BRAID_LIVENESS_RUNNING);
  const char *report_copy[] = { "report", copy, NULL };
  spawn_braid (report_copy, &out, NULL);
  g_assert_nonnull (strstr (out, "INCOMPLETE (killed or crashed)"));
  g_free (out);

  /* kill -9 the program: its pid is gone, the trace is a dead writer's
   * at once, without waiting for its heartbeat to go stale. */
  g_assert_cmpint (kill ((pid_t) st.pid, SIGKILL), ==, 0);
  g_assert_cmpint (wait_program (braid), ==, 128 + SIGKILL);
  g_assert_cmpint (braid_trace_probe (path, &st, NULL), ==, 0);
  g_assert_false (st.pid_alive);
  g_assert_cmpint (st.liveness, ==, BRAID_LIVENESS_DEAD);
  /* Usually while its heartbeat is still fresh: the pid says it. */
  g_test_message ("killed: heartbeat %lld ms old",
                  (long long) (st.heartbeat_age_ns / 1000000));
  spawn_braid (report, &out, NULL);
  g_assert_nonnull (strstr (out, "INCOMPLETE (killed or crashed)"));
  g_free (out);
  spawn_braid (problems, &out, NULL);
  g_assert_nonnull (strstr (out, "killed or crashed"));
  g_free (out);

  /* A program that ends by itself: complete. */
  braid = start_program (path, "0.2");
  g_assert_cmpint (wait_program (braid), ==, 0);
  g_assert_cmpint (braid_trace_probe (path, &st, NULL), ==, 0);
  g_assert_cmpint (st.liveness, ==, BRAID_LIVENESS_COMPLETE);
  g_assert_cmpuint (st.n_batches, ==, 0);
  spawn_braid (report, &out, NULL);
  g_assert_nonnull (strstr (out, ", trace complete\n"));
  g_free (out);

  remove_trace (copy);
  g_free (copy);
  remove_trace (path);
  g_free (path);
}

static uint64_t
count_outputs (const braid_trace *trace)
{
  size_t n;
  braid_trace_get_outputs (trace, &n);
  return n;
}

static void
test_follower_sees_everything_without_blocking_the_writer (void)
{
  char *path = test_trace_path ("follow.braid");
  GPid braid = start_program (path, "1.5");
  braid_trace_writer_status st;
  wait_running (path, &st);

  braid_trace_follower *f = NULL;
  braid_trace *trace = NULL;
  char *error = NULL;
  braid_trace_load_options options = { 0 };
  options.compact = true;
  int rc = braid_trace_follow (path, &options, &f, &trace, &error);
  g_assert_cmpstr (error, ==, NULL);
  g_assert_cmpint (rc, ==, 0);
  g_assert_cmpint (braid_trace_follower_liveness (f), ==,
                   BRAID_LIVENESS_RUNNING);
  uint64_t first = braid_trace_get_meta (trace)->n_events;
  g_assert_cmpuint (first, >, 0);

  /* Update as fast as possible while the program runs: every update
   * reads in a read transaction of its own, which must never hold up
   * the writer. */
  unsigned updates = 0, grew = 0;
  uint64_t last = first;
  for (;;)
    {
      braid_trace *next = NULL;
      rc = braid_trace_follower_update (f, &next, &error);
      g_assert_cmpstr (error, ==, NULL);
      g_assert_cmpint (rc, >=, 0);
      updates++;
      if (rc == 1)
        {
          uint64_t n = braid_trace_get_meta (next)->n_events;
          g_assert_cmpuint (n, >=, last);
          grew += n > last;
          last = n;
          braid_trace_close (trace);
          trace = next;
        }
      if (braid_trace_follower_liveness (f) != BRAID_LIVENESS_RUNNING)
        break;
      g_usleep (2000);
    }
  g_test_message ("%u updates, %u with new events", updates, grew);
  g_assert_cmpuint (grew, >=, 3);
  g_assert_cmpint (wait_program (braid), ==, 0);
  /* The last update may have come while the writer finalized: one more
   * reads the finished file. */
  braid_trace *next = NULL;
  rc = braid_trace_follower_update (f, &next, &error);
  g_assert_cmpint (rc, >=, 0);
  if (next != NULL)
    {
      braid_trace_close (trace);
      trace = next;
    }
  g_assert_cmpint (braid_trace_follower_liveness (f), ==,
                   BRAID_LIVENESS_COMPLETE);
  g_assert_cmpint (braid_trace_get_meta (trace)->liveness, ==,
                   BRAID_LIVENESS_COMPLETE);

  /* The writer left one self-contained file: the WAL was folded back. */
  char *wal = g_strconcat (path, "-wal", NULL);
  g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_free (wal);
  /* The file's header says rollback journal (1), not WAL (2), at byte
   * offsets 18 and 19. */
  char *bytes = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &bytes, &len, NULL));
  g_assert_cmpuint (len, >=, 100);
  g_assert_cmpint (bytes[18], ==, 1);
  g_assert_cmpint (bytes[19], ==, 1);
  g_free (bytes);

  /* Nothing lost: the followed model is the finished file's. */
  braid_trace *whole = open_or_fail (path);
  const braid_trace_meta *a = braid_trace_get_meta (trace);
  const braid_trace_meta *b = braid_trace_get_meta (whole);
  g_assert_cmpuint (a->n_events, ==, b->n_events);
  g_assert_cmpuint (a->n_steps, ==, b->n_steps);
  g_assert_cmpint (a->duration_ns, ==, b->duration_ns);
  size_t nt_a, nt_b;
  const braid_trace_task *ta = braid_trace_get_tasks (trace, &nt_a);
  const braid_trace_task *tb = braid_trace_get_tasks (whole, &nt_b);
  g_assert_cmpuint (nt_a, ==, nt_b);
  for (size_t i = 0; i < nt_a; i++)
    {
      g_assert_cmpstr (ta[i].name, ==, tb[i].name);
      g_assert_cmpint (ta[i].outcome, ==, tb[i].outcome);
      g_assert_cmpuint (ta[i].n_steps, ==, tb[i].n_steps);
      g_assert_cmpint (ta[i].running_ns, ==, tb[i].running_ns);
    }
  g_assert_cmpuint (count_outputs (trace), ==, count_outputs (whole));
  size_t no;
  const braid_trace_output *out = braid_trace_get_outputs (whole, &no);
  g_assert_cmpuint (no, >, 4);
  g_assert_cmpstr (out[no - 1].text, ==, "live-program done");
  braid_trace_close (whole);
  braid_trace_follower_free (f);
  /* A trace outlives its follower: its strings are shared. */
  g_assert_cmpstr (braid_trace_get_tasks (trace, NULL)[0].name, !=, "");
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

static void
test_follower_of_a_killed_program (void)
{
  char *path = test_trace_path ("killed.braid");
  GPid braid = start_program (path, "60");
  braid_trace_writer_status st;
  wait_running (path, &st);
  braid_trace_follower *f = NULL;
  braid_trace *trace = NULL;
  g_assert_cmpint (braid_trace_follow (path, NULL, &f, &trace, NULL), ==, 0);
  g_assert_cmpint (braid_trace_follower_liveness (f), ==,
                   BRAID_LIVENESS_RUNNING);
  g_assert_cmpint (kill ((pid_t) st.pid, SIGKILL), ==, 0);
  g_assert_cmpint (wait_program (braid), ==, 128 + SIGKILL);
  braid_trace *next = NULL;
  g_assert_cmpint (braid_trace_follower_update (f, &next, NULL), ==, 1);
  g_assert_cmpint (braid_trace_follower_liveness (f), ==,
                   BRAID_LIVENESS_DEAD);
  const braid_trace_meta *m = braid_trace_get_meta (next);
  g_assert_cmpint (m->liveness, ==, BRAID_LIVENESS_DEAD);
  g_assert_false (m->complete);
  /* Every committed event: what the reader finds in the file. */
  braid_trace *whole = open_or_fail (path);
  g_assert_cmpuint (m->n_events, ==, braid_trace_get_meta (whole)->n_events);
  braid_trace_close (whole);
  /* Nothing changes any more. */
  braid_trace *again = NULL;
  g_assert_cmpint (braid_trace_follower_update (f, &again, NULL), ==, 0);
  g_assert_null (again);
  /* Another recording to the same path is another trace: one line. */
  braid = start_program (path, "0.1");
  g_assert_cmpint (wait_program (braid), ==, 0);
  char *error = NULL;
  g_assert_cmpint (braid_trace_follower_update (f, &again, &error), <, 0);
  g_assert_null (again);
  g_assert_nonnull (strstr (error, "replaced by another recording"));
  free (error);
  braid_trace_close (next);
  braid_trace_close (trace);
  braid_trace_follower_free (f);
  remove_trace (path);
  g_free (path);
}

/* A copy of each task's compact slices of @trace, for comparing it
 * later: tasks[t] holds task t's slices, in order. */
static GPtrArray *
copy_compact (const braid_trace *trace)
{
  size_t nt, ns;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &nt);
  const braid_trace_compact_slice *cs
    = braid_trace_get_compact_slices (trace, &ns);
  g_assert_nonnull (cs);
  GPtrArray *out = g_ptr_array_new_with_free_func (
    (GDestroyNotify) g_array_unref);
  for (size_t t = 0; t < nt; t++)
    {
      GArray *a = g_array_new (FALSE, FALSE, sizeof *cs);
      g_assert_cmpuint (tasks[t].first_slice + tasks[t].n_slices, <=, ns);
      g_array_append_vals (a, cs + tasks[t].first_slice, tasks[t].n_slices);
      g_ptr_array_add (out, a);
    }
  return out;
}

/* Whether task @t's compact slices in @trace are @want's, all fields but
 * the end step of the last slice when @open_end is set (a slice still
 * open when a trace was made gets its end step when it closes). */
static void
assert_compact_equal (const braid_trace *trace, size_t t, const GArray *want,
                      bool open_end)
{
  const braid_trace_task *task = &braid_trace_get_tasks (trace, NULL)[t];
  const braid_trace_compact_slice *cs
    = braid_trace_get_compact_slices (trace, NULL);
  g_assert_cmpuint (task->n_slices, ==, want->len);
  for (size_t k = 0; k < want->len; k++)
    {
      const braid_trace_compact_slice *a = &cs[task->first_slice + k];
      const braid_trace_compact_slice *b
        = &g_array_index (want, braid_trace_compact_slice, k);
      g_assert_cmpint (a->start_ns, ==, b->start_ns);
      g_assert_cmpuint (a->start_step, ==, b->start_step);
      if (!open_end || k + 1 < want->len)
        g_assert_cmpuint (a->end_step, ==, b->end_step);
      g_assert_cmpuint (a->object, ==, b->object);
      g_assert_cmpuint (a->state, ==, b->state);
      g_assert_cmpuint (a->wait_reason, ==, b->wait_reason);
    }
}

/* A compact follower keeps its model as it goes (the slices grouped by
 * task as they close, the large arrays shared by the traces it hands
 * out): its last trace is, slice by slice, what opening the finished
 * file gives, and a trace it handed out early still reads as it did
 * after many updates appended behind it. */
static void
test_compact_follower_shares_and_matches_the_file (void)
{
  char *path = test_trace_path ("follow-compact.braid");
  GPid braid = start_program (path, "1.5");
  braid_trace_writer_status st;
  wait_running (path, &st);
  braid_trace_load_options options = { 0 };
  options.compact = true;
  braid_trace_follower *f = NULL;
  braid_trace *early = NULL;
  g_assert_cmpint (braid_trace_follow (path, &options, &f, &early, NULL),
                   ==, 0);
  GPtrArray *early_slices = copy_compact (early);
  size_t early_tasks;
  const braid_trace_task *early_list
    = braid_trace_get_tasks (early, &early_tasks);
  g_assert_cmpuint (early_tasks, >, 0);
  braid_trace_task *early_copy
    = g_memdup2 (early_list, early_tasks * sizeof (braid_trace_task));
  size_t early_marks;
  braid_trace_get_marks (early, &early_marks);

  braid_trace *trace = NULL;
  unsigned grew = 0;
  for (;;)
    {
      braid_trace *next = NULL;
      g_assert_cmpint (braid_trace_follower_update (f, &next, NULL), >=, 0);
      if (next != NULL)
        {
          grew++;
          braid_trace_close (trace);
          trace = next;
        }
      if (braid_trace_follower_liveness (f) != BRAID_LIVENESS_RUNNING)
        break;
      g_usleep (20000);
    }
  g_assert_cmpint (wait_program (braid), ==, 0);
  braid_trace *next = NULL;
  g_assert_cmpint (braid_trace_follower_update (f, &next, NULL), >=, 0);
  if (next != NULL)
    {
      braid_trace_close (trace);
      trace = next;
    }
  g_assert_cmpuint (grew, >=, 3);
  g_assert_nonnull (trace);

  /* The early trace, after every later update. */
  size_t nt;
  const braid_trace_task *tasks = braid_trace_get_tasks (early, &nt);
  g_assert_cmpuint (nt, ==, early_tasks);
  for (size_t t = 0; t < nt; t++)
    {
      g_assert_cmpuint (tasks[t].first_slice, ==, early_copy[t].first_slice);
      g_assert_cmpint (tasks[t].running_ns, ==, early_copy[t].running_ns);
      assert_compact_equal (early, t, early_slices->pdata[t], true);
    }
  size_t n_marks;
  braid_trace_get_marks (early, &n_marks);
  g_assert_cmpuint (n_marks, ==, early_marks);

  /* The last one against the file. */
  braid_trace *whole = NULL;
  char *error = NULL;
  g_assert_cmpint (braid_trace_open (path, &options, &whole, &error), ==, 0);
  g_assert_cmpuint (braid_trace_get_meta (trace)->n_events, ==,
                    braid_trace_get_meta (whole)->n_events);
  GPtrArray *want = copy_compact (whole);
  size_t nt_whole;
  const braid_trace_task *tw = braid_trace_get_tasks (whole, &nt_whole);
  tasks = braid_trace_get_tasks (trace, &nt);
  g_assert_cmpuint (nt, ==, nt_whole);
  const braid_trace_compact_end *ea = braid_trace_get_compact_ends (trace,
                                                                    NULL);
  const braid_trace_compact_end *eb = braid_trace_get_compact_ends (whole,
                                                                    NULL);
  size_t in_ranges = 0;
  for (size_t t = 0; t < nt; t++)
    {
      g_assert_cmpint (tasks[t].running_ns, ==, tw[t].running_ns);
      g_assert_cmpint (tasks[t].ready_ns, ==, tw[t].ready_ns);
      g_assert_cmpint (tasks[t].waiting_ns, ==, tw[t].waiting_ns);
      g_assert_cmpint (tasks[t].depth, ==, tw[t].depth);
      g_assert_cmpint (ea[t].end_ns, ==, eb[t].end_ns);
      assert_compact_equal (trace, t, want->pdata[t], false);
      in_ranges += tasks[t].n_slices;
    }
  size_t n_compact;
  braid_trace_get_compact_slices (trace, &n_compact);
  g_assert_cmpuint (n_compact, >=, in_ranges);
  size_t na, nb;
  const braid_trace_mark *ma = braid_trace_get_marks (trace, &na);
  const braid_trace_mark *mb = braid_trace_get_marks (whole, &nb);
  g_assert_cmpuint (na, ==, nb);
  for (size_t i = 0; i < na; i++)
    {
      g_assert_cmpint (ma[i].time_ns, ==, mb[i].time_ns);
      g_assert_cmpint (ma[i].task, ==, mb[i].task);
      g_assert_cmpint (ma[i].kind, ==, mb[i].kind);
    }
  braid_trace_get_edges (trace, &na);
  braid_trace_get_edges (whole, &nb);
  g_assert_cmpuint (na, ==, nb);
  g_assert_cmpuint (count_outputs (trace), ==, count_outputs (whole));

  braid_trace_close (whole);
  g_ptr_array_unref (want);
  braid_trace_follower_free (f);
  /* The shared arrays outlive the follower. */
  assert_compact_equal (early, 0, early_slices->pdata[0], true);
  braid_trace_close (early);
  braid_trace_close (trace);
  g_ptr_array_unref (early_slices);
  g_free (early_copy);
  remove_trace (path);
  g_free (path);
}

/* braid run --view where braid-viewer is not built: one line says so,
 * and the program runs and is traced all the same. */
static void
test_run_view_without_a_viewer (void)
{
  char *path = test_trace_path ("view.braid");
  const char *program = g_getenv ("LIVE_PROGRAM");
  const char *braid = g_getenv ("BRAID_EXE");
  const char *argv[] = { braid, "run", "--view", "-o", path, "--", program,
                         "0.1", NULL };
  char **env = g_get_environ ();
  env = g_environ_setenv (env, "BRAID_VIEWER", "/nonexistent/braid-viewer",
                          TRUE);
  char *out = NULL, *err = NULL;
  int status = -1;
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT,
                               NULL, NULL, &out, &err, &status, NULL));
  g_strfreev (env);
  if (!strstr (err, "--view needs braid-viewer"))
    {
      /* An installed braid-viewer was found in braid's bindir. */
      g_test_skip ("a braid-viewer is installed where braid looks");
    }
  else
    {
      g_assert_true (WIFEXITED (status) && WEXITSTATUS (status) == 0);
      g_assert_nonnull (strstr (err, "(looked for /nonexistent/braid-viewer)"
                                     "; the program runs without it\n"));
      g_assert_nonnull (strstr (out, "live-program done\n"));
      braid_trace *trace = open_or_fail (path);
      g_assert_cmpint (braid_trace_get_meta (trace)->liveness, ==,
                       BRAID_LIVENESS_COMPLETE);
      braid_trace_close (trace);
    }
  g_free (out);
  g_free (err);
  remove_trace (path);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/live/report-on-running-killed-and-finished",
                   test_report_on_running_killed_and_finished);
  g_test_add_func ("/live/follower-sees-everything-without-blocking",
                   test_follower_sees_everything_without_blocking_the_writer);
  g_test_add_func ("/live/compact-follower-shares-and-matches-the-file",
                   test_compact_follower_shares_and_matches_the_file);
  g_test_add_func ("/live/follower-of-a-killed-program",
                   test_follower_of_a_killed_program);
  g_test_add_func ("/live/run-view-without-a-viewer",
                   test_run_view_without_a_viewer);
  return g_test_run ();
}
