/* test-roundtrip.c: events written by the recorder come back from the
 * reader as exactly the expected slices, steps, edges, marks, outputs,
 * totals and problems; and the SQL views say the same as the reader. */
#include <sqlite3.h>

#include "trace-test-util.h"

#define T0 1000 /* the first event's clock: stored times start at 0 */

/* main (10) spawns child (11) and awaits it; child prints, yields, fails;
 * main is woken by child, retrieves the error and completes. */
static void
feed_await_scenario (void)
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
  feed (BRAID_EV_ITERATION_BEGIN, T0 + 40, 0, 1, 1, 0, 2, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_RESUMED, T0 + 40, 11, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_OUTPUT, T0 + 45, 11, 0, 0, 0, 5, 1, "hello", 0, 0);
  feed (BRAID_EV_TASK_SUSPENDED, T0 + 50, 11, 0, 0, BRAID_WAIT_YIELD, 0, 0,
        0, 0, 0);
  feed (BRAID_EV_TASK_WOKEN, T0 + 50, 11, 11, 0, BRAID_WAIT_YIELD, 0, 0, 0,
        0, 0);
  feed (BRAID_EV_TASK_RESUMED, T0 + 60, 11, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_FAILED, T0 + 70, 11, 0, 0, 0, 0, 9, "ValueError",
        "boom", "a.c");
  feed (BRAID_EV_TASK_WOKEN, T0 + 80, 10, 11, 11, BRAID_WAIT_TASK, 0, 0, 0,
        0, 0);
  feed (BRAID_EV_TASK_RESUMED, T0 + 90, 10, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_ERROR_RETRIEVED, T0 + 95, 0, 10, 11, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_COMPLETED, T0 + 100, 10, 0, 0, 0, 0, 0, 0, 0, 0);
}

static void
check_slice (const braid_trace_slice *s, uint32_t task,
             braid_trace_state state, uint32_t reason, uint64_t object,
             int64_t start, int64_t end, uint64_t sstep, uint64_t estep)
{
  g_assert_cmpuint (s->task, ==, task);
  g_assert_cmpstr (braid_trace_state_name (s->state), ==,
                   braid_trace_state_name (state));
  g_assert_cmpuint (s->wait_reason, ==, reason);
  g_assert_cmpuint (s->object, ==, object);
  g_assert_cmpint (s->start_ns, ==, start);
  g_assert_cmpint (s->end_ns, ==, end);
  g_assert_cmpuint (s->start_step, ==, sstep);
  g_assert_cmpuint (s->end_step, ==, estep);
}

static void
test_slices_cover_each_task_in_order (void)
{
  char *path = record (feed_await_scenario);
  braid_trace *trace = open_or_fail (path);
  size_t n_tasks, n_slices;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
  const braid_trace_slice *sl = braid_trace_get_slices (trace, &n_slices);
  g_assert_cmpuint (n_tasks, ==, 2);
  g_assert_cmpuint (n_slices, ==, 9);
  g_assert_cmpstr (tasks[0].name, ==, "main");
  g_assert_cmpuint (tasks[0].first_slice, ==, 0);
  g_assert_cmpuint (tasks[0].n_slices, ==, 5);
  check_slice (&sl[0], 0, BRAID_STATE_READY, 0, 0, 0, 10, 0, 0);
  check_slice (&sl[1], 0, BRAID_STATE_RUNNING, 0, 0, 10, 30, 0, 1);
  check_slice (&sl[2], 0, BRAID_STATE_WAITING, BRAID_WAIT_TASK, 11, 30, 80,
               1, 3);
  check_slice (&sl[3], 0, BRAID_STATE_READY, BRAID_WAIT_TASK, 11, 80, 90, 3,
               3);
  check_slice (&sl[4], 0, BRAID_STATE_RUNNING, 0, 0, 90, 100, 3, 4);
  g_assert_cmpuint (tasks[1].first_slice, ==, 5);
  g_assert_cmpuint (tasks[1].n_slices, ==, 4);
  check_slice (&sl[5], 1, BRAID_STATE_READY, 0, 0, 20, 40, 1, 1);
  check_slice (&sl[6], 1, BRAID_STATE_RUNNING, 0, 0, 40, 50, 1, 2);
  check_slice (&sl[7], 1, BRAID_STATE_READY, BRAID_WAIT_YIELD, 0, 50, 60, 2,
               2);
  check_slice (&sl[8], 1, BRAID_STATE_RUNNING, 0, 0, 60, 70, 2, 3);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

static void
test_tasks_have_outcome_sites_and_totals (void)
{
  char *path = record (feed_await_scenario);
  braid_trace *trace = open_or_fail (path);
  size_t n;
  const braid_trace_task *t = braid_trace_get_tasks (trace, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpuint (t[0].id, ==, 10);
  g_assert_cmpint (t[0].parent, ==, -1);
  g_assert_cmpint (t[0].depth, ==, 0);
  g_assert_cmpstr (t[0].function, ==, "main_fn");
  g_assert_cmpstr (t[0].file, ==, "a.c");
  g_assert_cmpint (t[0].line, ==, 5);
  g_assert_cmpint (t[0].outcome, ==, BRAID_OUTCOME_COMPLETED);
  g_assert_cmpint (t[0].ended_ns, ==, 100);
  g_assert_cmpint (t[0].running_ns, ==, 30);
  g_assert_cmpint (t[0].ready_ns, ==, 20);
  g_assert_cmpint (t[0].waiting_ns, ==, 50);
  g_assert_cmpuint (t[0].n_steps, ==, 2);
  g_assert_cmpint (t[1].parent, ==, 0);
  g_assert_cmpint (t[1].depth, ==, 1);
  g_assert_cmpint (t[1].outcome, ==, BRAID_OUTCOME_FAILED);
  g_assert_cmpstr (t[1].error_type, ==, "ValueError");
  g_assert_cmpstr (t[1].error_message, ==, "boom");
  g_assert_cmpstr (t[1].error_file, ==, "a.c");
  g_assert_cmpint (t[1].error_line, ==, 9);
  g_assert_true (t[1].error_retrieved);
  g_assert_cmpint (t[1].running_ns, ==, 20);
  g_assert_cmpint (t[1].ready_ns, ==, 30);
  g_assert_cmpint (t[1].waiting_ns, ==, 0);
  g_assert_cmpint (braid_trace_find_task (trace, 11), ==, 1);
  g_assert_cmpint (braid_trace_find_task (trace, 99), ==, -1);

  const braid_trace_meta *m = braid_trace_get_meta (trace);
  g_assert_true (m->complete);
  g_assert_cmpstr (m->clock, ==, "virtual");
  g_assert_cmpuint (m->n_events, ==, 17);
  g_assert_cmpuint (m->n_steps, ==, 4);
  g_assert_cmpuint (m->n_iterations, ==, 2);
  g_assert_cmpint (m->duration_ns, ==, 100);
  g_assert_cmpint (m->schema_version, ==, BRAID_TRACE_SCHEMA_VERSION);
  g_assert_cmpstr (m->braid_version, !=, "");
  g_assert_cmpstr (m->program, !=, "");
  g_assert_cmpint (m->start_unix_ns, >, 0);
  size_t n_problems;
  braid_trace_get_problems (trace, &n_problems);
  g_assert_cmpuint (n_problems, ==, 0);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

static void
test_edges_marks_and_outputs_are_exact (void)
{
  char *path = record (feed_await_scenario);
  braid_trace *trace = open_or_fail (path);
  size_t n;
  const braid_trace_edge *e = braid_trace_get_edges (trace, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpint (e[0].kind, ==, BRAID_EDGE_SPAWN);
  g_assert_cmpint (e[0].from, ==, 0);
  g_assert_cmpint (e[0].to, ==, 1);
  g_assert_cmpint (e[0].time_ns, ==, 20);
  g_assert_cmpuint (e[0].step, ==, 0);
  g_assert_cmpint (e[1].kind, ==, BRAID_EDGE_WAKE);
  g_assert_cmpint (e[1].from, ==, 1);
  g_assert_cmpint (e[1].to, ==, 0);
  g_assert_cmpint (e[1].time_ns, ==, 80);
  g_assert_cmpuint (e[1].step, ==, 3);
  g_assert_cmpuint (e[1].object, ==, 11);
  g_assert_cmpint (e[2].kind, ==, BRAID_EDGE_ERROR);
  g_assert_cmpint (e[2].from, ==, 1);
  g_assert_cmpint (e[2].to, ==, 0);
  g_assert_cmpuint (e[2].step, ==, 3);

  const braid_trace_mark *m = braid_trace_get_marks (trace, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpint (m[0].kind, ==, BRAID_MARK_OUTPUT);
  g_assert_cmpint (m[0].task, ==, 1);
  g_assert_cmpuint (m[0].step, ==, 1);
  g_assert_cmpint (m[1].kind, ==, BRAID_MARK_YIELD);
  g_assert_cmpint (m[1].time_ns, ==, 50);
  g_assert_cmpuint (m[1].step, ==, 1);
  g_assert_cmpint (m[2].kind, ==, BRAID_MARK_ERROR);
  g_assert_cmpuint (m[2].step, ==, 2);

  const braid_trace_output *o = braid_trace_get_outputs (trace, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpint (o[0].task, ==, 1);
  g_assert_cmpint (o[0].stream, ==, 1);
  g_assert_cmpint (o[0].time_ns, ==, 45);
  g_assert_cmpstr (o[0].text, ==, "hello");
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

/* Every kind of problem, fed directly. */
static void
feed_problem_scenario (void)
{
  feed (BRAID_EV_TASK_CREATED, T0, 1, 0, 0, 0, 0, 3, "main", "m", "p.c");
  feed (BRAID_EV_OBJECT_CREATED, T0, 0, 1, 50, BRAID_OBJ_LOCK, 0, 0, "lk",
        0, 0);
  feed (BRAID_EV_TASK_RESUMED, T0 + 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_CREATED, T0 + 2, 2, 1, 0, 0, 0, 12, "lost", "f",
        "p.c");
  feed (BRAID_EV_TASK_CREATED, T0 + 3, 3, 1, 0, 0, 0, 13, "stuck", "g",
        "p.c");
  feed (BRAID_EV_TASK_SUSPENDED, T0 + 4, 1, 0, 50, BRAID_WAIT_LOCK, 0, 0, 0,
        0, 0);
  feed (BRAID_EV_TASK_RESUMED, T0 + 5, 2, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_SLOW_STEP, T0 + 200000005, 2, 0, 0, 0, 200000000, 0, 0, 0,
        0);
  feed (BRAID_EV_TASK_FAILED, T0 + 200000005, 2, 0, 0, 0, 0, 20, "OSError",
        "gone", "p.c");
  feed (BRAID_EV_TASK_RESUMED, T0 + 200000006, 3, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_SUSPENDED, T0 + 200000007, 3, 0, 50, BRAID_WAIT_LOCK,
        0, 0, 0, 0, 0);
  feed (BRAID_EV_DEADLOCK, T0 + 200000008, 0, 0, 0, 0, 2, 0, 0, 0, 0);
  feed (BRAID_EV_DEADLOCK_TASK, T0 + 200000008, 1, 0, 50, BRAID_WAIT_LOCK, 0,
        0, 0, 0, 0);
  feed (BRAID_EV_DEADLOCK_TASK, T0 + 200000008, 3, 0, 50, BRAID_WAIT_LOCK, 0,
        0, 0, 0, 0);
  feed (BRAID_EV_ERROR_NEVER_RETRIEVED, T0 + 200000009, 2, 0, 2, 0, 0, 20,
        "OSError", "gone", "p.c");
  feed (BRAID_EV_TASK_DESTROYED_PENDING, T0 + 200000010, 3, 0, 0, 0, 0, 0, 0,
        0, 0);
}

static void
test_problems_name_tasks_and_sites (void)
{
  char *path = record (feed_problem_scenario);
  braid_trace *trace = open_or_fail (path);
  size_t n;
  const braid_trace_problem *p = braid_trace_get_problems (trace, &n);
  g_assert_cmpuint (n, ==, 4);
  g_assert_cmpint (p[0].kind, ==, BRAID_PROBLEM_SLOW_STEP);
  g_assert_cmpint (p[0].task, ==, 1);
  g_assert_cmpint (p[0].duration_ns, ==, 200000000);
  g_assert_nonnull (strstr (p[0].summary, "'lost' held the loop for 200.0"));
  g_assert_cmpint (p[1].kind, ==, BRAID_PROBLEM_DEADLOCK);
  g_assert_nonnull (strstr (p[1].summary, "2 tasks"));
  g_assert_cmpstr (p[1].detail, ==,
                   "'main' waits on lock (object 50); "
                   "'stuck' waits on lock (object 50)");
  g_assert_cmpint (p[2].kind, ==, BRAID_PROBLEM_NEVER_RETRIEVED);
  g_assert_cmpint (p[2].task, ==, 1);
  g_assert_cmpstr (p[2].summary, ==,
                   "Task exception was never retrieved: 'lost' failed with "
                   "OSError: gone");
  g_assert_cmpstr (p[2].detail, ==,
                   "created at p.c:12 by 'main'; raised at p.c:20");
  g_assert_cmpint (p[3].kind, ==, BRAID_PROBLEM_DESTROYED_PENDING);
  g_assert_cmpint (p[3].task, ==, 2);
  g_assert_cmpstr (p[3].detail, ==,
                   "created at p.c:13 by 'main'; waiting on lock (object "
                   "50)");
  const braid_trace_task *t = braid_trace_get_tasks (trace, &n);
  g_assert_cmpint (t[2].outcome, ==, BRAID_OUTCOME_DESTROYED_PENDING);
  g_assert_cmpint (t[0].outcome, ==, BRAID_OUTCOME_PENDING);
  g_assert_cmpint (t[0].ended_ns, ==, -1);
  const braid_trace_object *o = braid_trace_find_object (trace, 50);
  g_assert_nonnull (o);
  g_assert_cmpuint (o->kind, ==, BRAID_OBJ_LOCK);
  g_assert_cmpstr (o->name, ==, "lk");
  g_assert_cmpint (o->creator, ==, 0);

  /* The marks of the problems sit on the lanes of their tasks. */
  const braid_trace_mark *m = braid_trace_get_marks (trace, &n);
  int kinds = 0;
  for (size_t i = 0; i < n; i++)
    kinds |= 1 << m[i].kind;
  g_assert_cmpint (kinds, ==,
                   (1 << BRAID_MARK_SLOW_STEP) | (1 << BRAID_MARK_ERROR)
                     | (1 << BRAID_MARK_NEVER_RETRIEVED)
                     | (1 << BRAID_MARK_DESTROYED_PENDING));
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

static void
test_time_window_keeps_tasks_alive_in_it (void)
{
  char *path = record (feed_await_scenario);
  braid_trace *trace = NULL;
  char *error = NULL;
  braid_trace_load_options opts = { .start_ns = 35, .end_ns = 55 };
  g_assert_cmpint (braid_trace_open (path, &opts, &trace, &error), ==, 0);
  size_t n;
  const braid_trace_task *t = braid_trace_get_tasks (trace, &n);
  g_assert_cmpuint (n, ==, 2);
  /* Totals stay whole; slices are clipped to the window. */
  g_assert_cmpint (t[0].waiting_ns, ==, 50);
  g_assert_cmpuint (t[0].n_slices, ==, 1);
  const braid_trace_slice *s = braid_trace_get_slices (trace, NULL);
  check_slice (&s[t[0].first_slice], 0, BRAID_STATE_WAITING, BRAID_WAIT_TASK,
               11, 35, 55, 1, 3);
  const braid_trace_edge *e = braid_trace_get_edges (trace, &n);
  g_assert_cmpuint (n, ==, 0);
  (void) e;
  braid_trace_get_marks (trace, &n);
  g_assert_cmpuint (n, ==, 2); /* output at 45, yield at 50 */
  braid_trace_close (trace);

  opts = (braid_trace_load_options) { .start_ns = 75, .end_ns = 0 };
  g_assert_cmpint (braid_trace_open (path, &opts, &trace, &error), ==, 0);
  braid_trace_get_tasks (trace, &n);
  g_assert_cmpuint (n, ==, 1); /* the child ended at 70 */
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

/* What the progress callback saw: how often it was called, and the last
 * fraction it was given. */
typedef struct
{
  int calls;
  double last;
} progress_seen;

static bool
count_progress (double fraction, void *data)
{
  progress_seen *seen = data;
  g_assert_cmpfloat (fraction, >=, 0.0);
  g_assert_cmpfloat (fraction, <=, 1.0);
  seen->calls++;
  seen->last = fraction;
  return true;
}

static void
test_progress_reaches_one (void)
{
  char *path = record (feed_await_scenario);
  braid_trace *trace = NULL;
  progress_seen seen = { 0, -1.0 };
  braid_trace_load_options opts = { .progress = count_progress,
                                    .progress_data = &seen };
  g_assert_cmpint (braid_trace_open (path, &opts, &trace, NULL), ==, 0);
  g_assert_cmpint (seen.calls, >=, 1);
  g_assert_cmpfloat (seen.last, ==, 1.0);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

static char *
query_text (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  char *v = g_strdup ((const char *) sqlite3_column_text (st, 0));
  sqlite3_finalize (st);
  return v;
}

static void
test_views_agree_with_the_reader (void)
{
  char *path = record (feed_await_scenario);
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (query_int (db, "PRAGMA user_version"), ==,
                   BRAID_TRACE_SCHEMA_VERSION);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM run_slices"), ==, 4);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM slices"), ==, 9);
  g_assert_cmpint (query_int (db, "SELECT task FROM resume_order"
                                  " WHERE step = 2"),
                   ==, 11);
  g_assert_cmpint (query_int (db, "SELECT waker FROM wake_edges"
                                  " WHERE woken = 10"),
                   ==, 11);
  char *s = query_text (db, "SELECT reason || ' ' || woken_by_name"
                            " FROM waits WHERE task = 10");
  g_assert_cmpstr (s, ==, "task child");
  g_free (s);
  g_assert_cmpint (query_int (db, "SELECT running_ns FROM task_summary"
                                  " WHERE name = 'main'"),
                   ==, 30);
  g_assert_cmpint (query_int (db, "SELECT waiting_ns FROM task_summary"
                                  " WHERE name = 'main'"),
                   ==, 50);
  s = query_text (db, "SELECT outcome FROM task_summary WHERE task = 11");
  g_assert_cmpstr (s, ==, "failed");
  g_free (s);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM problems"), ==, 0);
  s = query_text (db, "SELECT text FROM outputs");
  g_assert_cmpstr (s, ==, "hello");
  g_free (s);
  g_assert_cmpint (query_int (db, "SELECT value FROM meta"
                                  " WHERE key = 'complete'"),
                   ==, 1);
  sqlite3_close (db);
  remove_trace (path);
  g_free (path);

  path = record (feed_problem_scenario);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM problems"), ==, 4);
  s = query_text (db, "SELECT task_name || ' ' || created_file || ':'"
                      " || created_line || ' ' || raised_file || ':'"
                      " || raised_line FROM problems"
                      " WHERE kind = 'never-retrieved'");
  g_assert_cmpstr (s, ==, "lost p.c:12 p.c:20");
  g_free (s);
  sqlite3_close (db);
  remove_trace (path);
  g_free (path);
}

/* main gathers two children; an unrelated task finishes meanwhile. */
static void
feed_gather_scenario (void)
{
  feed (BRAID_EV_TASK_CREATED, T0, 1, 0, 0, 0, 0, 1, "main", "m", "g.c");
  feed (BRAID_EV_TASK_CREATED, T0, 4, 0, 0, 0, 0, 2, "other", "o", "g.c");
  feed (BRAID_EV_TASK_RESUMED, T0 + 1, 1, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_CREATED, T0 + 2, 2, 1, 0, 0, 0, 3, "c1", "c", "g.c");
  feed (BRAID_EV_TASK_CREATED, T0 + 2, 3, 1, 0, 0, 0, 3, "c2", "c", "g.c");
  feed (BRAID_EV_TASK_SUSPENDED, T0 + 3, 1, 0, 9, BRAID_WAIT_GATHER, 0, 0, 0,
        0, 0);
  feed (BRAID_EV_TASK_RESUMED, T0 + 4, 4, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_COMPLETED, T0 + 5, 4, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_RESUMED, T0 + 6, 2, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_COMPLETED, T0 + 7, 2, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_RESUMED, T0 + 8, 3, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_COMPLETED, T0 + 9, 3, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_WOKEN, T0 + 10, 1, 0, 9, BRAID_WAIT_GATHER, 0, 0, 0, 0,
        0);
  feed (BRAID_EV_TASK_RESUMED, T0 + 11, 1, 0, 0, 0, 0, 0, 0, 0, 0);
  feed (BRAID_EV_TASK_COMPLETED, T0 + 12, 1, 0, 0, 0, 0, 0, 0, 0, 0);
}

static void
test_gather_fans_in_from_each_child (void)
{
  char *path = record (feed_gather_scenario);
  braid_trace *trace = open_or_fail (path);
  size_t n;
  const braid_trace_edge *e = braid_trace_get_edges (trace, &n);
  int gathers = 0;
  for (size_t i = 0; i < n; i++)
    if (e[i].kind == BRAID_EDGE_GATHER)
      {
        gathers++;
        g_assert_cmpint (e[i].to, ==, 0);
        g_assert_cmpint (e[i].from, ==, gathers + 1); /* c1, then c2 */
        g_assert_cmpint (e[i].time_ns, ==, 10);
        g_assert_cmpuint (e[i].object, ==, 9);
      }
  g_assert_cmpint (gathers, ==, 2);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/roundtrip/slices-cover-each-task-in-order",
                   test_slices_cover_each_task_in_order);
  g_test_add_func ("/tracer/roundtrip/tasks-have-outcome-sites-and-totals",
                   test_tasks_have_outcome_sites_and_totals);
  g_test_add_func ("/tracer/roundtrip/edges-marks-and-outputs-are-exact",
                   test_edges_marks_and_outputs_are_exact);
  g_test_add_func ("/tracer/roundtrip/gather-fans-in-from-each-child",
                   test_gather_fans_in_from_each_child);
  g_test_add_func ("/tracer/roundtrip/problems-name-tasks-and-sites",
                   test_problems_name_tasks_and_sites);
  g_test_add_func ("/tracer/roundtrip/time-window-keeps-tasks-alive-in-it",
                   test_time_window_keeps_tasks_alive_in_it);
  g_test_add_func ("/tracer/roundtrip/progress-reaches-one",
                   test_progress_reaches_one);
  g_test_add_func ("/tracer/roundtrip/views-agree-with-the-reader",
                   test_views_agree_with_the_reader);
  return g_test_run ();
}
