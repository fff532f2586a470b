/* test-crash.c: a trace is valid after any exit. Killed with SIGKILL
 * mid-run, the file opens, holds the committed events (still packed in
 * batches, which the reader decodes) and says it is incomplete, and
 * `braid repair` turns it into the events table the views read; SIGTERM
 * and SIGINT flush and finalize everything and still end the process by
 * the signal; exit() without braid_trace_stop flushes. */
#include <signal.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include "trace-test-util.h"

/* The child's body: records @n events (forever when 0), pausing now and
 * then like a real program, then tells the parent through @fd and waits
 * to be killed, or exits when @then_exit. */
static void
child_record (const char *path, uint64_t n, int fd, int then_exit)
{
  if (braid__trace_begin (path, 0, 0) != 0)
    _exit (3);
  feed (BRAID_EV_TASK_CREATED, 1, 1, 0, 0, 0, 0, 1, "main", "f", "x.c");
  uint64_t i = 0;
  while (n == 0 || i < n)
    {
      feed (BRAID_EV_OUTPUT, 2 + i, 1, 0, 0, 0, 4, 1, "tick", NULL, NULL);
      i++;
      if (n == 0 && i % 1000 == 0)
        {
          if (i == 20000 && write (fd, "r", 1) != 1)
            _exit (4);
          g_usleep (1000);
        }
    }
  if (then_exit)
    exit (0); /* atexit flushes */
  if (write (fd, "r", 1) != 1)
    _exit (4);
  for (;;)
    pause ();
}

static pid_t
spawn_recorder (const char *path, uint64_t n, int then_exit)
{
  int fds[2];
  g_assert_cmpint (pipe (fds), ==, 0);
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      close (fds[0]);
      child_record (path, n, fds[1], then_exit);
      _exit (0);
    }
  close (fds[1]);
  if (!then_exit)
    {
      char c;
      g_assert_cmpint (read (fds[0], &c, 1), ==, 1);
    }
  close (fds[0]);
  return pid;
}

static void
test_kill_9_leaves_committed_events_marked_incomplete (void)
{
  char *path = test_trace_path ("killed.db");
  pid_t pid = spawn_recorder (path, 0, 0);
  /* Let a few commits happen (one at least every 100 ms). */
  g_usleep (300000);
  kill (pid, SIGKILL);
  int status;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status) && WTERMSIG (status) == SIGKILL);

  braid_trace *trace = open_or_fail (path);
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  g_assert_false (m->complete);
  g_test_message ("%llu events survived the kill",
                  (unsigned long long) m->n_events);
  g_assert_cmpuint (m->n_events, >=, 20000);
  size_t n;
  const braid_trace_problem *p = braid_trace_get_problems (trace, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (p[0].kind, ==, BRAID_PROBLEM_INCOMPLETE);
  /* Every committed event is whole: the outputs are the ticks in order. */
  size_t n_marks, waits = 0;
  const braid_trace_mark *mk = braid_trace_get_marks (trace, &n_marks);
  for (size_t i = 0; i < n_marks; i++)
    waits += mk[i].kind == BRAID_MARK_OBSERVER_WAIT;
  const braid_trace_output *o = braid_trace_get_outputs (trace, &n);
  g_assert_cmpuint (n + waits, ==, m->n_events - 1);
  g_assert_cmpstr (o[n - 1].text, ==, "tick");
  g_assert_cmpint (o[n - 1].time_ns, ==, (int64_t) n);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

static void
test_kill_9_batches_are_read_and_repair_makes_the_views (void)
{
  char *path = test_trace_path ("repaired.db");
  pid_t pid = spawn_recorder (path, 0, 0);
  g_usleep (300000);
  kill (pid, SIGKILL);
  int status;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);

  /* Nothing was finalized: every committed event is in a batch. */
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM events"), ==, 0);
  int64_t packed = query_int_at (path, "SELECT COALESCE (sum(n), 0) "
                                       "FROM batches");
  g_assert_cmpint (packed, >=, 20000);
  braid_trace *trace = open_or_fail (path);
  uint64_t read = braid_trace_get_meta (trace)->n_events;
  g_assert_cmpuint (read, ==, (uint64_t) packed);
  size_t n_outputs_before;
  braid_trace_get_outputs (trace, &n_outputs_before);
  braid_trace_close (trace);

  /* braid repair expands them into events, once. */
  const char *braid = g_getenv ("BRAID_EXE");
  g_assert_nonnull (braid);
  for (int round = 0; round < 2; round++)
    {
      char *out = NULL, *err = NULL;
      int wait_status = 0;
      char *argv[] = { (char *) braid, "repair", path, NULL };
      g_assert_true (g_spawn_sync (NULL, argv, NULL, G_SPAWN_DEFAULT, NULL,
                                   NULL, &out, &err, &wait_status, NULL));
      g_assert_cmpint (wait_status, ==, 0);
      char *expected = g_strdup_printf ("%llu events",
                                        (unsigned long long) read);
      g_assert_nonnull (strstr (out, expected));
      g_free (expected);
      g_free (out);
      g_free (err);
    }
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM events"), ==,
                   (int64_t) read);
  g_assert_cmpint (query_int_at (path, "SELECT max(seq) FROM events"), ==,
                   (int64_t) read);
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM batches"), ==, 0);
  g_assert_cmpint (query_int_at (path, "SELECT value FROM meta"
                                       " WHERE key = 'finalized'"),
                   ==, 1);
  g_assert_cmpint (query_int_at (path, "SELECT value FROM meta"
                                       " WHERE key = 'complete'"),
                   ==, 0);
  /* The views answer, and agree with the reader. */
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM outputs"), ==,
                   (int64_t) n_outputs_before);
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM tasks"
                                       " WHERE name = 'main'"),
                   ==, 1);
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM problems"
                                       " WHERE kind = 'incomplete'"),
                   ==, 1);
  trace = open_or_fail (path);
  g_assert_cmpuint (braid_trace_get_meta (trace)->n_events, ==, read);
  g_assert_false (braid_trace_get_meta (trace)->complete);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

static void
test_repair_refuses_what_is_not_a_trace (void)
{
  char *path = test_trace_path ("not-a-trace.db");
  g_assert_true (g_file_set_contents (path, "hello", -1, NULL));
  const char *braid = g_getenv ("BRAID_EXE");
  g_assert_nonnull (braid);
  char *err = NULL;
  int wait_status = 0;
  char *argv[] = { (char *) braid, "repair", path, NULL };
  g_assert_true (g_spawn_sync (NULL, argv, NULL,
                               G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                               &err, &wait_status, NULL));
  g_assert_true (WIFEXITED (wait_status));
  g_assert_cmpint (WEXITSTATUS (wait_status), ==, 2);
  g_assert_nonnull (strstr (err, "not a braid trace"));
  g_free (err);
  remove_trace (path);
  g_free (path);
}

static void
check_signal_flushes (int sig)
{
  char *path = test_trace_path ("signalled.db");
  pid_t pid = spawn_recorder (path, 5000, 0);
  kill (pid, sig);
  int status;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  /* The process still ends by the signal, as without tracing. */
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, sig);
  braid_trace *trace = open_or_fail (path);
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  g_assert_true (m->complete);
  g_assert_cmpuint (m->n_events, ==, 5001);
  /* Finalized in the handler: the events table holds them all. */
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM events"), ==,
                   5001);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

static void
test_sigterm_flushes_and_reraises (void)
{
  check_signal_flushes (SIGTERM);
}

static void
test_sigint_flushes_and_reraises (void)
{
  check_signal_flushes (SIGINT);
}

static void
test_exit_without_stop_flushes (void)
{
  char *path = test_trace_path ("exited.db");
  pid_t pid = spawn_recorder (path, 3000, 1);
  int status;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);
  braid_trace *trace = open_or_fail (path);
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  g_assert_true (m->complete);
  g_assert_cmpuint (m->n_events, ==, 3001);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

/* When finalization fails at a clean end (here SQLite runs out of memory,
 * under sqlite3_hard_heap_limit64), the writer says why in words ("out of
 * memory", not SQLite's "not an error"), leaves the batches for braid
 * repair, and keeps the trace marked complete: the run did end cleanly,
 * and the reader must not call it killed. */
static void
test_a_failed_finalization_keeps_a_clean_run_complete (void)
{
  if (g_test_subprocess ())
    {
      const char *path = g_getenv ("BRAID_TEST_TRACE");
      g_assert_cmpint (braid__trace_begin (path, 0, 0), ==, 0);
      feed (BRAID_EV_TASK_CREATED, 1, 1, 0, 0, 0, 0, 1, "main", "f", "x.c");
      for (uint64_t i = 0; i < 20000; i++)
        feed (BRAID_EV_OUTPUT, 2 + i, 1, 0, 0, 0, 4, 1, "tick", NULL, NULL);
      while (atomic_load (&braid__the_session.n_events) < 20001)
        g_usleep (1000);
      g_usleep (20000); /* the commit */
      sqlite3_hard_heap_limit64 (sqlite3_memory_used () + 16384);
      braid_trace_stop ();
      return;
    }
  char *path = test_trace_path ("nomem.db");
  g_setenv ("BRAID_TEST_TRACE", path, TRUE);
  g_test_trap_subprocess (NULL, 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_test_trap_assert_stderr ("*cannot finalize*out of memory*run braid "
                             "repair*");
  g_test_trap_assert_stderr_unmatched ("*not an error*");

  g_assert_cmpint (query_int_at (path, "SELECT value FROM meta"
                                       " WHERE key = 'complete'"),
                   ==, 1);
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM meta"
                                       " WHERE key = 'finalized'"),
                   ==, 0);
  /* Every event is still in a batch (the ticks, and any wait for the
   * writer that the full ring caused). */
  uint64_t packed = (uint64_t) query_int_at (path, "SELECT sum(n) FROM"
                                                   " batches");
  g_assert_cmpuint (packed, >=, 20001);
  braid_trace *trace = open_or_fail (path);
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  g_assert_true (m->complete);
  g_assert_cmpuint (m->n_events, ==, packed);
  size_t n;
  braid_trace_get_problems (trace, &n);
  g_assert_cmpuint (n, ==, 0);
  braid_trace_close (trace);
  uint64_t stored = 0;
  char *error = NULL;
  g_assert_cmpint (braid_trace_repair (path, &stored, &error), ==, 0);
  g_assert_cmpuint (stored, ==, packed);
  remove_trace (path);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/crash/kill-9-leaves-committed-events-marked-"
                   "incomplete",
                   test_kill_9_leaves_committed_events_marked_incomplete);
  g_test_add_func ("/tracer/crash/kill-9-batches-are-read-and-repair-"
                   "makes-the-views",
                   test_kill_9_batches_are_read_and_repair_makes_the_views);
  g_test_add_func ("/tracer/crash/repair-refuses-what-is-not-a-trace",
                   test_repair_refuses_what_is_not_a_trace);
  g_test_add_func ("/tracer/crash/sigterm-flushes-and-reraises",
                   test_sigterm_flushes_and_reraises);
  g_test_add_func ("/tracer/crash/sigint-flushes-and-reraises",
                   test_sigint_flushes_and_reraises);
  g_test_add_func ("/tracer/crash/exit-without-stop-flushes",
                   test_exit_without_stop_flushes);
  g_test_add_func ("/tracer/crash/a-failed-finalization-keeps-a-clean-run-"
                   "complete",
                   test_a_failed_finalization_keeps_a_clean_run_complete);
  return g_test_run ();
}
