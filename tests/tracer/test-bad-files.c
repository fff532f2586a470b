/* test-bad-files.c: every file that is not a valid braid trace gets one
 * clear error line naming the file and the problem, from the reader and
 * from the braid tool (exit status 2), and never a crash: a missing file,
 * an empty one, random bytes, another application's SQLite database (by
 * its tables or by its application id), a newer schema version, a table
 * without its columns, a truncated copy of a real trace, and a trace with
 * corrupted pages. */
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include "trace-test-util.h"

static char *good_trace; /* a real trace of a few hundred KiB */

static void
make_good_trace (void)
{
  good_trace = test_trace_path ("good.db");
  g_assert_cmpint (braid__trace_begin (good_trace, 0, 0), ==, 0);
  feed (BRAID_EV_TASK_CREATED, 1, 1, 0, 0, 0, 0, 1, "main", "f", "x.c");
  for (uint64_t i = 0; i < 20000; i++)
    {
      feed (BRAID_EV_TASK_RESUMED, 10 + i * 10, 1, 0, 0, 0, 0, 0, 0, 0, 0);
      feed (BRAID_EV_TASK_SUSPENDED, 15 + i * 10, 1, 0, 0, BRAID_WAIT_YIELD,
            0, 0, 0, 0, 0);
    }
  g_assert_cmpint (braid_trace_stop (), ==, 0);
}

static char *
copy_of_good (const char *name)
{
  char *path = test_trace_path (name);
  char *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (good_trace, &data, &len, NULL));
  g_assert_true (g_file_set_contents (path, data, (gssize) len, NULL));
  g_free (data);
  return path;
}

/* Asserts that the reader and `braid report` both reject @path with a
 * message naming it and containing @words. */
static void
assert_rejected (const char *path, const char *words)
{
  braid_trace *trace = (braid_trace *) 0x1;
  char *error = NULL;
  int rc = braid_trace_open (path, NULL, &trace, &error);
  g_assert_cmpint (rc, <, 0);
  g_assert_null (trace);
  g_assert_nonnull (error);
  g_test_message ("reader: %s", error);
  g_assert_true (g_str_has_prefix (error, path));
  g_assert_nonnull (strstr (error, words));
  g_assert_null (strchr (error, '\n'));
  free (error);

  const char *braid = g_getenv ("BRAID_EXE");
  if (braid == NULL)
    return;
  const char *commands[] = { "report", "problems", "export" };
  for (size_t i = 0; i < 3; i++)
    {
      const char *argv[] = { braid, commands[i], path, NULL };
      char *out = NULL, *err = NULL;
      int status = 0;
      g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL,
                                   G_SPAWN_DEFAULT, NULL, NULL, &out, &err,
                                   &status, NULL));
      g_assert_true (WIFEXITED (status));
      g_assert_cmpint (WEXITSTATUS (status), ==, 2);
      g_assert_nonnull (strstr (err, words));
      g_assert_true (g_str_has_prefix (err, "braid: "));
      g_free (out);
      g_free (err);
    }
}

static void
test_missing_file (void)
{
  assert_rejected ("/nonexistent/dir/trace.db", "no such file");
}

static void
test_empty_file (void)
{
  char *path = test_trace_path ("empty.db");
  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  assert_rejected (path, "empty");
  remove_trace (path);
  g_free (path);
}

static void
test_random_bytes (void)
{
  char *path = test_trace_path ("random.db");
  char data[8192];
  GRand *rand = g_rand_new_with_seed (7);
  for (size_t i = 0; i < sizeof data; i++)
    data[i] = (char) g_rand_int_range (rand, 0, 256);
  g_rand_free (rand);
  g_assert_true (g_file_set_contents (path, data, sizeof data, NULL));
  assert_rejected (path, "not a SQLite database");
  remove_trace (path);
  g_free (path);
}

static void
test_sqlite_of_another_application (void)
{
  char *path = test_trace_path ("other.db");
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db,
                                 "CREATE TABLE contacts (name, phone);"
                                 "INSERT INTO contacts VALUES ('a', 'b');",
                                 NULL, NULL, NULL),
                   ==, SQLITE_OK);
  sqlite3_close (db);
  assert_rejected (path, "another application");
  remove_trace (path);
  g_free (path);
}

static void
test_newer_schema_version_is_rejected (void)
{
  char *path = copy_of_good ("newer.db");
  char *sql = g_strdup_printf ("PRAGMA user_version = %d",
                               BRAID_TRACE_SCHEMA_VERSION + 1);
  char *words = g_strdup_printf ("schema version %d, newer than this braid "
                                 "reads (%d)",
                                 BRAID_TRACE_SCHEMA_VERSION + 1,
                                 BRAID_TRACE_SCHEMA_VERSION);
  exec_at (path, sql);
  assert_rejected (path, words);
  g_free (sql);
  g_free (words);
  remove_trace (path);
  g_free (path);
}

/* Asserts that the copy of the good trace at @path opens, with its one
 * task, and says schema version @version. */
static void
assert_opens (const char *path, int version)
{
  braid_trace *trace = NULL;
  char *error = NULL;
  g_assert_cmpint (braid_trace_open (path, NULL, &trace, &error), ==, 0);
  g_assert_null (error);
  g_assert_cmpint (braid_trace_get_meta (trace)->schema_version, ==, version);
  size_t n = 0;
  braid_trace_get_tasks (trace, &n);
  g_assert_cmpuint (n, ==, 1);
  braid_trace_close (trace);
}

/* Version 1 stored the same tables (version 2 only added a packed kind
 * to the batches): such a file still opens, and says its version. */
static void
test_version_1_is_still_read (void)
{
  char *path = copy_of_good ("version1.db");
  exec_at (path, "PRAGMA user_version = 1;"
                 "UPDATE meta SET value = 1 WHERE key = 'schema_version'");
  assert_opens (path, 1);
  remove_trace (path);
  g_free (path);
}

static void
test_missing_column_is_rejected (void)
{
  char *path = copy_of_good ("nocolumn.db");
  exec_at (path, "DROP VIEW problems; DROP VIEW outputs; DROP VIEW wake_edges;"
                 "DROP VIEW waits; DROP VIEW resume_order;"
                 "DROP VIEW run_slices; DROP VIEW task_summary;"
                 "DROP VIEW slices; DROP VIEW objects; DROP VIEW task_ends;"
                 "DROP VIEW tasks; ALTER TABLE events DROP COLUMN s3");
  assert_rejected (path, "table events has no column s3");
  remove_trace (path);
  g_free (path);
}

/* The big-endian word at offset 68 of the file, where SQLite keeps the
 * application id and where file type sniffers read it. */
static guint32
header_application_id (const char *path)
{
  char *data = NULL;
  gsize len = 0;
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpuint (len, >=, 100);
  const guchar *p = (const guchar *) data + 68;
  guint32 id = (guint32) p[0] << 24 | (guint32) p[1] << 16
               | (guint32) p[2] << 8 | p[3];
  g_free (data);
  return id;
}

/* A trace carries braid's application id in its header; a trace written
 * before braid set one (id 0) still opens. */
static void
test_application_id_is_braids_or_0 (void)
{
  g_assert_cmphex (header_application_id (good_trace), ==,
                   BRAID_TRACE_APPLICATION_ID);
  char *path = copy_of_good ("appid0.db");
  exec_at (path, "PRAGMA application_id = 0");
  g_assert_cmphex (header_application_id (path), ==, 0);
  assert_opens (path, BRAID_TRACE_SCHEMA_VERSION);
  remove_trace (path);
  g_free (path);
}

/* A file with braid's tables but another application's id is that
 * application's, whatever its tables say. */
static void
test_another_application_id_is_rejected (void)
{
  char *path = copy_of_good ("otherid.db");
  exec_at (path, "PRAGMA application_id = 0x12345678");
  assert_rejected (path, "another application: application id 0x12345678, "
                         "braid's is 0x42524144");
  remove_trace (path);
  g_free (path);
}

static void
test_truncated_copy_of_a_trace (void)
{
  char *path = copy_of_good ("truncated.db");
  struct stat st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_size, >, 100000);
  g_assert_cmpint (truncate (path, st.st_size / 2), ==, 0);
  assert_rejected (path, "corrupted or truncated");
  /* Cut inside the SQLite header itself. */
  g_assert_cmpint (truncate (path, 50), ==, 0);
  assert_rejected (path, "truncated");
  remove_trace (path);
  g_free (path);
}

static void
test_corrupted_pages (void)
{
  char *path = copy_of_good ("corrupt.db");
  /* Without the packed copy of the events (which the reader would read
   * instead, test-packed-copy.c has its malformed case) the rows are
   * read, and the garbage below is in their pages. */
  exec_at (path, "DROP TABLE events_packed");
  struct stat st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  int fd = open (path, O_WRONLY);
  g_assert_cmpint (fd, >=, 0);
  /* Garbage over the middle third of the file: b-tree pages of the
   * events table. */
  char junk[4096];
  memset (junk, 0xa5, sizeof junk);
  for (off_t off = st.st_size / 3; off < 2 * st.st_size / 3;
       off += (off_t) sizeof junk)
    g_assert_cmpint (pwrite (fd, junk, sizeof junk, off), ==, sizeof junk);
  close (fd);
  assert_rejected (path, "corrupted");
  remove_trace (path);
  g_free (path);
}

/* Batches are decoded from untrusted blobs: each lie is refused with a
 * message, without a crash or an allocation sized by the lie. */
static void
test_malformed_batches_are_rejected (void)
{
  static const char *const lies[] = {
    /* A varint that never ends. */
    "INSERT INTO batches (producer, first_seq, last_seq, n, data)"
    " VALUES (1, 1, 1, 1, x'ffffffffffffffffffffffff')",
    /* A count far beyond what the bytes can hold. */
    "INSERT INTO batches (producer, first_seq, last_seq, n, data)"
    " VALUES (1, 1, 1, 16000000, x'0600')",
    /* An event kind that does not exist (31), and kind 0. */
    "INSERT INTO batches (producer, first_seq, last_seq, n, data)"
    " VALUES (1, 1, 1, 1, x'1f00')",
    "INSERT INTO batches (producer, first_seq, last_seq, n, data)"
    " VALUES (1, 1, 1, 1, x'0000')",
    /* Fewer events than announced. */
    "INSERT INTO batches (producer, first_seq, last_seq, n, data)"
    " VALUES (1, 1, 2, 2, x'0600')",
    /* Not a blob at all. */
    "INSERT INTO batches (producer, first_seq, last_seq, n, data)"
    " VALUES (1, 1, 1, 1, 'text')",
  };
  for (size_t i = 0; i < G_N_ELEMENTS (lies); i++)
    {
      char *path = copy_of_good ("batches.db");
      exec_at (path, lies[i]);
      assert_rejected (path, "malformed");
      remove_trace (path);
      g_free (path);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  make_good_trace ();
  g_test_add_func ("/tracer/bad-files/missing-file", test_missing_file);
  g_test_add_func ("/tracer/bad-files/empty-file", test_empty_file);
  g_test_add_func ("/tracer/bad-files/random-bytes", test_random_bytes);
  g_test_add_func ("/tracer/bad-files/sqlite-of-another-application",
                   test_sqlite_of_another_application);
  g_test_add_func ("/tracer/bad-files/newer-schema-version-is-rejected",
                   test_newer_schema_version_is_rejected);
  g_test_add_func ("/tracer/bad-files/version-1-is-still-read",
                   test_version_1_is_still_read);
  g_test_add_func ("/tracer/bad-files/application-id-is-braids-or-0",
                   test_application_id_is_braids_or_0);
  g_test_add_func ("/tracer/bad-files/another-application-id-is-rejected",
                   test_another_application_id_is_rejected);
  g_test_add_func ("/tracer/bad-files/missing-column-is-rejected",
                   test_missing_column_is_rejected);
  g_test_add_func ("/tracer/bad-files/truncated-copy-of-a-trace",
                   test_truncated_copy_of_a_trace);
  g_test_add_func ("/tracer/bad-files/corrupted-pages",
                   test_corrupted_pages);
  g_test_add_func ("/tracer/bad-files/malformed-batches-are-rejected",
                   test_malformed_batches_are_rejected);
  int rc = g_test_run ();
  remove_trace (good_trace);
  g_free (good_trace);
  return rc;
}
