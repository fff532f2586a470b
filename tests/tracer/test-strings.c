/* test-strings.c: every distinct string is stored once, in the strings
 * table, however many events use it; events refer to it by id. */
#include <sqlite3.h>

#include "trace-test-util.h"

static void
test_repeated_strings_are_stored_once (void)
{
  char *path = test_trace_path ("strings.db");
  g_assert_cmpint (braid__trace_begin (path, 0, 0), ==, 0);
  /* 1000 tasks from the same function and file, and 1000 identical
   * output lines built in a reused buffer (same text, same pointer). */
  char buf[64];
  for (uint64_t i = 1; i <= 1000; i++)
    {
      char name[32];
      g_snprintf (name, sizeof name, "Task-%d", (int) (i % 10));
      feed (BRAID_EV_TASK_CREATED, i, i, 0, 0, 0, 0, 42, name, "worker",
            "src/worker.c");
      g_snprintf (buf, sizeof buf, "line of output");
      feed (BRAID_EV_OUTPUT, i, i, 0, 0, 0, 14, 1, buf, NULL, NULL);
    }
  g_assert_cmpint (braid_trace_stop (), ==, 0);

  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM events"), ==, 2000);
  /* 10 names + function + file + the output line. */
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM strings"), ==, 13);
  g_assert_cmpint (query_int (db, "SELECT count(DISTINCT text) FROM strings"),
                   ==, 13);
  g_assert_cmpint (query_int (db, "SELECT count(DISTINCT s3) FROM events"
                              " WHERE kind = 5"),
                   ==, 1);
  sqlite3_close (db);

  braid_trace *trace = open_or_fail (path);
  size_t n;
  const braid_trace_output *o = braid_trace_get_outputs (trace, &n);
  g_assert_cmpuint (n, ==, 1000);
  g_assert_cmpstr (o[999].text, ==, "line of output");
  const braid_trace_task *t = braid_trace_get_tasks (trace, &n);
  g_assert_cmpstr (t[0].file, ==, "src/worker.c");
  g_assert_cmpstr (t[7].name, ==, "Task-8");
  /* Interned strings share one copy in the model too. */
  g_assert_true (t[0].file == t[500].file);
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

static void
test_null_and_empty_strings_differ (void)
{
  char *path = test_trace_path ("null.db");
  g_assert_cmpint (braid__trace_begin (path, 0, 0), ==, 0);
  feed (BRAID_EV_TASK_CREATED, 1, 1, 0, 0, 0, 0, 0, "", NULL, "f.c");
  g_assert_cmpint (braid_trace_stop (), ==, 0);
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  g_assert_cmpint (query_int (db, "SELECT s1 IS NOT NULL AND s2 IS NULL"
                              " FROM events WHERE kind = 5"),
                   ==, 1);
  sqlite3_close (db);
  braid_trace *trace = open_or_fail (path);
  const braid_trace_task *t = braid_trace_get_tasks (trace, NULL);
  g_assert_cmpstr (t[0].function, ==, "");
  braid_trace_close (trace);
  remove_trace (path);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/strings/repeated-strings-are-stored-once",
                   test_repeated_strings_are_stored_once);
  g_test_add_func ("/tracer/strings/null-and-empty-strings-differ",
                   test_null_and_empty_strings_differ);
  return g_test_run ();
}
