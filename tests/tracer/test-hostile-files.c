/* test-hostile-files.c: a trace file is untrusted input, and numbers in
 * it must neither overflow nor size the reader's memory.
 *
 * Extreme times (INT64_MIN, INT64_MAX, time running backwards) are
 * clamped once by the reader, so every total, difference and export is
 * in range and a task's slices never overlap; a 16 MiB batch of 8
 * million events, a strings table with ids up to 2^32 - 1, and a
 * deadlock naming 200,000 tasks load within an address-space limit that
 * the old reader blew through (618 MB for the batch); `braid repair` of a
 * killed recording of 2 million events stays within one too. The merge of
 * several threads' batches gives exactly the order of a sort by
 * (recorded seq, producer, position), and finalization numbers the same
 * events the same way. The limits are checked in a child process under
 * setrlimit (RLIMIT_AS); an ASan build reserves terabytes of shadow
 * memory, so there the child runs without the limit and only the results
 * are checked. */
#include <sqlite3.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "recording-util.h"

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

/* Runs @fn (@data) in a child process whose address space is limited to
 * @limit_mb MiB; returns the child's exit status (fn's result), or 128 +
 * the signal that killed it. */
static int
run_limited (int (*fn) (void *data), void *data, size_t limit_mb)
{
  fflush (NULL);
  pid_t pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      if (!UNDER_ASAN)
        {
          struct rlimit rl = { limit_mb << 20, limit_mb << 20 };
          if (setrlimit (RLIMIT_AS, &rl) != 0)
            _exit (90);
        }
      _exit (fn (data));
    }
  int status = 0;
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

/* Runs @sql on the trace at @path, after dropping the packed copy of
 * its events (events_packed), which the reader would read instead of the
 * rows that these tests make hostile. */
static void
alter (const char *path, const char *sql)
{
  exec_at (path, "DROP TABLE IF EXISTS events_packed");
  exec_at (path, sql);
}

static void
three_tasks (void)
{
  feed (BRAID_EV_TASK_CREATED, 10, 1, 0, 0, 0, 0, 1, "main", "m", "x.c");
  feed (BRAID_EV_TASK_RESUMED, 20, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL);
  feed (BRAID_EV_TASK_CREATED, 30, 2, 1, 0, 0, 0, 2, "a", "f", "x.c");
  feed (BRAID_EV_TASK_CREATED, 30, 3, 1, 0, 0, 0, 3, "b", "f", "x.c");
  feed (BRAID_EV_TASK_SUSPENDED, 40, 1, 0, 2, BRAID_WAIT_TASK, 0, 0, NULL,
        NULL, NULL);
  for (int i = 0; i < 4; i++)
    {
      uint64_t t = 50 + (uint64_t) i * 40;
      feed (BRAID_EV_TASK_RESUMED, t, 2, 0, 0, 0, 0, 0, NULL, NULL, NULL);
      feed (BRAID_EV_TASK_SUSPENDED, t + 10, 2, 0, 0, BRAID_WAIT_YIELD, 0, 0,
            NULL, NULL, NULL);
      feed (BRAID_EV_TASK_RESUMED, t + 20, 3, 0, 0, 0, 0, 0, NULL, NULL,
            NULL);
      feed (BRAID_EV_TASK_SUSPENDED, t + 30, 3, 0, 0, BRAID_WAIT_SLEEP, 5, 0,
            NULL, NULL, NULL);
      feed (BRAID_EV_TASK_WOKEN, t + 35, 3, 0, 0, BRAID_WAIT_SLEEP, 0, 0,
            NULL, NULL, NULL);
    }
  feed (BRAID_EV_SLOW_STEP, 300, 2, 0, 0, 0, 1000000, 0, NULL, NULL, NULL);
  feed (BRAID_EV_TASK_COMPLETED, 310, 2, 0, 0, 0, 0, 0, NULL, NULL, NULL);
  feed (BRAID_EV_TASK_WOKEN, 310, 1, 0, 2, BRAID_WAIT_TASK, 0, 0, NULL, NULL,
        NULL);
  feed (BRAID_EV_TASK_RESUMED, 320, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL);
  feed (BRAID_EV_TASK_COMPLETED, 330, 1, 0, 0, 0, 0, 0, NULL, NULL, NULL);
}

/* The reader's promise (braid-trace.h): times within the limit, a task's
 * slices in order without overlap, totals that are their sums. */
static void
assert_times_in_range (const braid_trace *trace)
{
  const int64_t lim = BRAID_TRACE_TIME_LIMIT_NS;
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  g_assert_cmpint (m->duration_ns, >=, -lim);
  g_assert_cmpint (m->duration_ns, <=, lim);
  size_t nt, ns, nm, ne;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &nt);
  const braid_trace_slice *sl = braid_trace_get_slices (trace, &ns);
  const braid_trace_mark *marks = braid_trace_get_marks (trace, &nm);
  const braid_trace_edge *edges = braid_trace_get_edges (trace, &ne);
  for (size_t i = 0; i < nt; i++)
    {
      const braid_trace_task *t = &tasks[i];
      int64_t sums[3] = { 0, 0, 0 };
      for (size_t k = t->first_slice; k < t->first_slice + t->n_slices; k++)
        {
          g_assert_cmpint (sl[k].start_ns, >=, -lim);
          g_assert_cmpint (sl[k].end_ns, <=, lim);
          g_assert_cmpint (sl[k].end_ns, >=, sl[k].start_ns);
          if (k > t->first_slice)
            g_assert_cmpint (sl[k].start_ns, >=, sl[k - 1].end_ns);
          sums[sl[k].state] += sl[k].end_ns - sl[k].start_ns;
        }
      g_assert_cmpint (t->running_ns, ==, sums[BRAID_STATE_RUNNING]);
      g_assert_cmpint (t->ready_ns, ==, sums[BRAID_STATE_READY]);
      g_assert_cmpint (t->waiting_ns, ==, sums[BRAID_STATE_WAITING]);
      g_assert_cmpint (t->created_ns, >=, -lim);
      g_assert_cmpint (t->created_ns, <=, lim);
      g_assert_cmpint (t->ended_ns, <=, lim);
    }
  for (size_t i = 0; i < nm; i++)
    {
      g_assert_cmpint (marks[i].time_ns, >=, -lim);
      g_assert_cmpint (marks[i].time_ns, <=, lim);
      g_assert_cmpint (marks[i].value, >=, 0);
      g_assert_cmpint (marks[i].value, <=, lim);
    }
  for (size_t i = 0; i < ne; i++)
    g_assert_cmpint (llabs (edges[i].time_ns), <=, lim);
}

/* Runs braid with @args (NULL-terminated); fails the test unless it
 * exits 0 with no sanitizer report. Returns its output (g_free). */
static char *
braid_ok (const char *const *args)
{
  char *out = NULL, *err = NULL;
  if (spawn_braid (args, &out, &err) != 0
      || strstr (err, "runtime error") != NULL)
    g_error ("braid %s: %s", args[0], err);
  g_free (err);
  return out;
}

static void
test_extreme_times_are_clamped (void)
{
  /* Each case plants times into a real trace of three tasks. */
  static const char *const plants[] = {
    "UPDATE events SET t = -9223372036854775808 WHERE seq % 3 = 0;"
    "UPDATE events SET t = 9223372036854775807 WHERE seq % 3 = 1",
    "UPDATE events SET t = 9223372036854775807 - seq * 7",
    "UPDATE events SET t = -9223372036854775808 + seq",
    "UPDATE events SET value = -9223372036854775808 WHERE kind = 20;"
    "UPDATE events SET t = 4611686018427387904 * (seq % 2)",
  };
  char *good = record (three_tasks);
  for (size_t i = 0; i < G_N_ELEMENTS (plants); i++)
    {
      char *path = test_trace_path ("times.db");
      char *data = NULL;
      gsize len = 0;
      g_assert_true (g_file_get_contents (good, &data, &len, NULL));
      g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
      g_free (data);
      alter (path, plants[i]);

      braid_trace *trace = open_or_fail (path);
      assert_times_in_range (trace);
      braid_trace_close (trace);
      /* Compact mode derives ends from starts: the same totals. */
      braid_trace_load_options opts = { .compact = true };
      char *error = NULL;
      g_assert_cmpint (braid_trace_open (path, &opts, &trace, &error), ==, 0);
      size_t nt;
      const braid_trace_task *t = braid_trace_get_tasks (trace, &nt);
      for (size_t k = 0; k < nt; k++)
        {
          g_assert_cmpint (t[k].running_ns, >=, 0);
          g_assert_cmpint (t[k].ready_ns, >=, 0);
          g_assert_cmpint (t[k].waiting_ns, >=, 0);
        }
      braid_trace_close (trace);

      /* The CLI prints them: no duration reads "-" (a negative total). */
      const char *report[] = { "report", path, NULL };
      char *out = braid_ok (report);
      g_assert_null (strstr (out, "  -  "));
      g_free (out);
      const char *by_time[] = { "report", "--axis=time", path, NULL };
      g_free (braid_ok (by_time));
      char *json = g_strconcat (path, ".json", NULL);
      const char *export[] = { "export", "-o", json, path, NULL };
      g_free (braid_ok (export));
      g_unlink (json);
      g_free (json);
      remove_trace (path);
      g_free (path);
    }
  remove_trace (good);
  g_free (good);
}

static int
open_whole (void *path)
{
  braid_trace *trace = NULL;
  char *error = NULL;
  int rc = braid_trace_open (path, NULL, &trace, &error);
  if (rc != 0)
    {
      fprintf (stderr, "%s\n", error ? error : "?");
      return 1;
    }
  /* Report what was loaded through the exit status: 0 only when the
   * events are all there. */
  uint64_t n = braid_trace_get_meta (trace)->n_events;
  braid_trace_close (trace);
  return n > 8000000 ? 0 : 2;
}

/* A batch of 16 MiB holds 8 million two-byte events (kind POLL, which
 * the model only counts): the old reader decoded it into one array of
 * 72-byte records, 600 MB. */
static void
test_a_huge_batch_is_read_in_bounded_memory (void)
{
  char *path = record (three_tasks);
  const size_t n = 8u << 20;
  uint8_t *blob = g_malloc (2 * n);
  for (size_t i = 0; i < n; i++)
    {
      blob[2 * i] = BRAID_EV_POLL;
      blob[2 * i + 1] = 0;
    }
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "INSERT INTO batches (producer,"
                                       " first_seq, last_seq, n, data)"
                                       " VALUES (1, 1, ?1, ?1, ?2)",
                                       -1, &st, NULL),
                   ==, SQLITE_OK);
  sqlite3_bind_int64 (st, 1, (sqlite3_int64) n);
  sqlite3_bind_blob (st, 2, blob, (int) (2 * n), SQLITE_STATIC);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_DONE);
  sqlite3_finalize (st);
  sqlite3_close (db);
  g_free (blob);
  g_assert_cmpint (run_limited (open_whole, path, 160), ==, 0);
  remove_trace (path);
  g_free (path);
}

static int
open_and_name (void *data)
{
  const char *path = data;
  braid_trace *trace = NULL;
  if (braid_trace_open (path, NULL, &trace, NULL) != 0)
    return 1;
  size_t n;
  const braid_trace_task *t = braid_trace_get_tasks (trace, &n);
  int ok = n == 3 && strcmp (t[0].name, "far") == 0
           && strcmp (t[1].name, "a") == 0
           && strcmp (t[2].name, "task 3") == 0;
  braid_trace_close (trace);
  return ok ? 0 : 2;
}

/* String ids are counted by the file: one row with id 2^32 - 1 used to
 * size an index of every id below it (capped at 64M ids, 512 MB). The
 * reader now indexes by id only a dense table and searches a sparse one;
 * ids no event can name (above 32 bits, negative) are left out. */
static void
test_sparse_string_ids_take_no_index (void)
{
  char *path = record (three_tasks);
  alter (path, "INSERT INTO strings VALUES (4294967295, 'far');"
               "INSERT INTO strings VALUES (4294967296, 'beyond');"
               "INSERT INTO strings VALUES (-5, 'negative');"
               "UPDATE events SET s1 = 4294967295 WHERE kind = 5 AND task = 1;"
               "UPDATE events SET s1 = 4294967296 WHERE kind = 5 AND task = 3");
  g_assert_cmpint (run_limited (open_and_name, path, 128), ==, 0);
  remove_trace (path);
  g_free (path);
}

static void
many_deadlocked (void)
{
  feed (BRAID_EV_DEADLOCK, 5, 0, 0, 0, 0, 200000, 0, NULL, NULL, NULL);
  for (uint64_t i = 1; i <= 200000; i++)
    feed (BRAID_EV_DEADLOCK_TASK, 5, i, 0, 7, BRAID_WAIT_LOCK, 0, 0, NULL,
          NULL, NULL);
}

static int
open_deadlock (void *path)
{
  braid_trace *trace = NULL;
  if (braid_trace_open (path, NULL, &trace, NULL) != 0)
    return 1;
  size_t n;
  const braid_trace_problem *p = braid_trace_get_problems (trace, &n);
  int ok = n == 1 && p[0].kind == BRAID_PROBLEM_DEADLOCK
           && strlen (p[0].detail) < 70000
           && g_str_has_prefix (p[0].detail,
                                "'task 1' waits on lock (object 7); 'task 2'")
           && g_str_has_suffix (p[0].detail, " more");
  if (!ok)
    fprintf (stderr, "%zu problems, detail of %zu bytes\n", n,
             n ? strlen (p[0].detail) : 0);
  braid_trace_close (trace);
  return ok ? 0 : 2;
}

/* Each task of a deadlock added the whole list so far to the arena: for
 * 200,000 tasks, 200,000 copies of a list that grew to megabytes. */
static void
test_a_deadlock_of_many_tasks_has_a_bounded_detail (void)
{
  char *path = record (many_deadlocked);
  g_assert_cmpint (run_limited (open_deadlock, path, 256), ==, 0);
  remove_trace (path);
  g_free (path);
}

/* The body of a recording thread: its own task ids, events with strings
 * now and then (wide records), so that several threads' seqs interleave
 * and sometimes tie. */
static gpointer
record_thread (gpointer data)
{
  uint64_t base = GPOINTER_TO_SIZE (data) * 1000000;
  feed (BRAID_EV_TASK_CREATED, base, base + 1, 0, 0, 0, 0, 1, "t", "f",
        "x.c");
  for (uint64_t i = 0; i < 20000; i++)
    {
      feed (BRAID_EV_TASK_RESUMED, base + i, base + 1, 0, 0, 0, 0, 0, NULL,
            NULL, NULL);
      if (i % 97 == 0)
        feed (BRAID_EV_OUTPUT, base + i, base + 1, 0, 0, 0, 0, 1, "line",
              NULL, NULL);
      feed (BRAID_EV_TASK_SUSPENDED, base + i, base + 1, 0, 0,
            BRAID_WAIT_YIELD, 0, 0, NULL, NULL, NULL);
    }
  return NULL;
}

/* A scenario for record_and_die: 4 threads record at once. */
static uint64_t
four_threads (void *data)
{
  GThread *threads[4];
  for (size_t i = 0; i < 4; i++)
    threads[i] = g_thread_new ("rec", record_thread, GSIZE_TO_POINTER (i + 1));
  for (size_t i = 0; i < 4; i++)
    g_thread_join (threads[i]);
  return 4 * (1 + 2 * 20000 + (20000 + 96) / 97);
}

typedef struct keyed
{
  braid__rec ev;
  uint32_t producer;
  size_t pos;
} keyed;

static int
cmp_keyed (const void *a, const void *b)
{
  const keyed *x = a, *y = b;
  if (x->ev.seq != y->ev.seq)
    return x->ev.seq < y->ev.seq ? -1 : 1;
  if (x->producer != y->producer)
    return x->producer < y->producer ? -1 : 1;
  return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* Every event of the batches of @db, sorted by (recorded seq, producer,
 * position): the order finalization used to make by holding them all. */
static GArray *
sorted_by_hand (sqlite3 *db)
{
  GArray *all = g_array_new (FALSE, FALSE, sizeof (keyed));
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT producer, n, data FROM"
                                       " batches ORDER BY id",
                                       -1, &st, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      size_t n = (size_t) sqlite3_column_int64 (st, 1);
      braid__rec *evs = g_new (braid__rec, n);
      g_assert_cmpuint (braid__batch_decode (sqlite3_column_blob (st, 2),
                                             (size_t) sqlite3_column_bytes (
                                               st, 2),
                                             n, evs),
                        ==, n);
      for (size_t i = 0; i < n; i++)
        {
          keyed k = { evs[i], (uint32_t) sqlite3_column_int64 (st, 0),
                      all->len };
          g_array_append_val (all, k);
        }
      g_free (evs);
    }
  sqlite3_finalize (st);
  qsort (all->data, all->len, sizeof (keyed), cmp_keyed);
  return all;
}

static int
collect (void *data, const braid__rec *ev, size_t i, size_t n)
{
  g_array_append_val ((GArray *) data, *ev);
  return 0;
}

static void
assert_same_event (const braid__rec *a, const braid__rec *b)
{
  g_assert_cmpuint (a->kind, ==, b->kind);
  g_assert_cmpint (a->t, ==, b->t);
  g_assert_cmpuint (a->task, ==, b->task);
  g_assert_cmpuint (a->other, ==, b->other);
  g_assert_cmpuint (a->object, ==, b->object);
  g_assert_cmpint (a->value, ==, b->value);
  g_assert_cmpuint (a->reason, ==, b->reason);
  g_assert_cmpint (a->line, ==, b->line);
  g_assert_cmpuint (a->s1, ==, b->s1);
}

static void
test_merged_threads_match_the_sort_and_finalization (void)
{
  char *path = test_trace_path ("threads.db");
  g_assert_cmpint (record_and_die (path, four_threads, NULL), ==, 0);
  g_assert_cmpint (query_int_at (path, "SELECT count(DISTINCT producer)"
                                       " FROM batches"),
                   ==, 4);
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  GArray *want = sorted_by_hand (db);
  GArray *got = g_array_new (FALSE, FALSE, sizeof (braid__rec));
  size_t n = 0;
  g_assert_cmpint (braid__batches_each (db, 1, collect, got, &n), ==,
                   SQLITE_OK);
  sqlite3_close (db);
  g_assert_cmpuint (n, ==, want->len);
  g_assert_cmpuint (got->len, ==, want->len);
  for (size_t i = 0; i < n; i++)
    {
      const braid__rec *g = &g_array_index (got, braid__rec, i);
      assert_same_event (g, &g_array_index (want, keyed, i).ev);
      g_assert_cmpuint (g->seq, ==, i + 1);
    }

  /* braid repair numbers the same events the same way. */
  char *error = NULL;
  uint64_t stored = 0;
  g_assert_cmpint (braid_trace_repair (path, &stored, &error), ==, 0);
  g_assert_cmpuint (stored, ==, n);
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT seq, kind, t, task, other,"
                                       " object, value, reason, line, s1"
                                       " FROM events ORDER BY seq",
                                       -1, &st, NULL),
                   ==, SQLITE_OK);
  size_t i = 0;
  while (sqlite3_step (st) == SQLITE_ROW)
    {
      braid__rec row = {
        .seq = (uint64_t) sqlite3_column_int64 (st, 0),
        .kind = (uint32_t) sqlite3_column_int (st, 1),
        .t = sqlite3_column_int64 (st, 2),
        .task = (uint64_t) sqlite3_column_int64 (st, 3),
        .other = (uint64_t) sqlite3_column_int64 (st, 4),
        .object = (uint64_t) sqlite3_column_int64 (st, 5),
        .value = sqlite3_column_int64 (st, 6),
        .reason = (uint32_t) sqlite3_column_int64 (st, 7),
        .line = (int32_t) sqlite3_column_int64 (st, 8),
        .s1 = (uint32_t) sqlite3_column_int64 (st, 9),
      };
      g_assert_cmpuint (i, <, n);
      g_assert_cmpuint (row.seq, ==, i + 1);
      assert_same_event (&row, &g_array_index (got, braid__rec, i));
      i++;
    }
  sqlite3_finalize (st);
  sqlite3_close (db);
  g_assert_cmpuint (i, ==, n);
  g_array_free (want, TRUE);
  g_array_free (got, TRUE);
  remove_trace (path);
  g_free (path);
}

static int
repair_2m (void *path)
{
  return repair_quietly (path, 2000000);
}

/* Finalization held every event (about 100 bytes each): 2 million needed
 * over 200 MB. It now streams them, in a fixed page cache. */
static void
test_repair_streams_in_bounded_memory (void)
{
  char *path = test_trace_path ("killed.db");
  uint64_t n = 2000000;
  g_assert_cmpint (record_and_die (path, ping_pong_scenario, &n), ==, 0);
  g_assert_cmpint (run_limited (repair_2m, path, 160), ==, 0);
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM events"), >=,
                   2000000);
  g_assert_cmpint (query_int_at (path, "SELECT count(*) FROM batches"), ==,
                   0);
  remove_trace (path);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/hostile-files/extreme-times-are-clamped",
                   test_extreme_times_are_clamped);
  g_test_add_func ("/tracer/hostile-files/a-huge-batch-is-read-in-bounded-"
                   "memory",
                   test_a_huge_batch_is_read_in_bounded_memory);
  g_test_add_func ("/tracer/hostile-files/sparse-string-ids-take-no-index",
                   test_sparse_string_ids_take_no_index);
  g_test_add_func ("/tracer/hostile-files/a-deadlock-of-many-tasks-has-a-"
                   "bounded-detail",
                   test_a_deadlock_of_many_tasks_has_a_bounded_detail);
  g_test_add_func ("/tracer/hostile-files/merged-threads-match-the-sort-and-"
                   "finalization",
                   test_merged_threads_match_the_sort_and_finalization);
  g_test_add_func ("/tracer/hostile-files/repair-streams-in-bounded-memory",
                   test_repair_streams_in_bounded_memory);
  return g_test_run ();
}
