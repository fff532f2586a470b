/* trace-test-util.h: helpers shared by the tracer tests.
 *
 * Feeding synthetic events straight into the tracer's hook (no runtime
 * involved), temporary trace paths, recording a scenario of such
 * events, opening a trace with the reader while failing the test with the
 * reader's message, reading one number from a trace with SQL, and running
 * the braid tool.
 * Header-only: each test is one executable.
 */
#ifndef TRACE_TEST_UTIL_H
#define TRACE_TEST_UTIL_H

#include <glib.h>
#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>
#include <sys/wait.h>

#include <braid/braid-hooks.h>
#include <braid/braid-trace.h>
#include "trace-private.h"

/* A fresh path in a new temporary directory (freed with g_free). */
static inline char *
test_trace_path (const char *name)
{
  char *dir = g_dir_make_tmp ("braid-tracer-XXXXXX", NULL);
  g_assert_nonnull (dir);
  char *path = g_build_filename (dir, name, NULL);
  g_free (dir);
  return path;
}

/* Feeds one synthetic event to the hook. */
static inline void
feed (braid_event_kind kind, uint64_t time_ns, uint64_t task, uint64_t other,
      uint64_t object, uint32_t reason, int64_t value, int32_t line,
      const char *s1, const char *s2, const char *s3)
{
  braid_event ev = {
    .kind = kind, .reason = reason, .time_ns = time_ns, .task = task,
    .other = other, .object = object, .value = value, .line = line,
    .str1 = s1, .str2 = s2, .str3 = s3,
  };
  braid__trace_hook (NULL, &ev);
}

static inline braid_trace *
open_or_fail (const char *path)
{
  braid_trace *trace = NULL;
  char *error = NULL;
  int rc = braid_trace_open (path, NULL, &trace, &error);
  if (rc != 0)
    g_error ("cannot open %s: %s", path, error ? error : "?");
  g_assert_nonnull (trace);
  return trace;
}

/* Records @scenario (a function that feeds synthetic events) into a new
 * trace and returns the trace's path (g_free; remove_trace). */
static inline char *
record (void (*scenario) (void))
{
  char *path = test_trace_path ("trace.db");
  g_assert_cmpint (braid__trace_begin (path, 0, 0), ==, 0);
  scenario ();
  g_assert_cmpint (braid_trace_stop (), ==, 0);
  return path;
}

/* The first column of the first row of @sql on @db, as an integer; fails
 * the test when the query is wrong or returns no row. */
static inline int64_t
query_int (sqlite3 *db, const char *sql)
{
  sqlite3_stmt *st = NULL;
  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &st, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_step (st), ==, SQLITE_ROW);
  int64_t v = sqlite3_column_int64 (st, 0);
  sqlite3_finalize (st);
  return v;
}

/* query_int on the trace file at @path, opened read-only for the query. */
static inline int64_t
query_int_at (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL),
                   ==, SQLITE_OK);
  int64_t v = query_int (db, sql);
  sqlite3_close (db);
  return v;
}

/* Runs @sql (one statement or several) on the trace file at @path, as
 * the tests that make a file hostile or inconsistent do; fails the test
 * with SQLite's message when a statement fails. */
static inline void
exec_at (const char *path, const char *sql)
{
  sqlite3 *db = NULL;
  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  char *msg = NULL;
  if (sqlite3_exec (db, sql, NULL, NULL, &msg) != SQLITE_OK)
    g_error ("%s: %s", sql, msg);
  sqlite3_close (db);
}

/* Runs the braid tool (BRAID_EXE) with @args in the folder @cwd (NULL:
 * this one) and the environment @envp (NULL: this process's); returns its
 * exit status, its stdout and stderr in *@out and *@err (g_free) when
 * they are not NULL. */
static inline int
spawn_braid_env (const char *cwd, char **envp, const char *const *args,
                 char **out, char **err)
{
  const char *exe = g_getenv ("BRAID_EXE");
  g_assert_nonnull (exe);
  GPtrArray *argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) exe);
  for (const char *const *a = args; *a; a++)
    g_ptr_array_add (argv, (char *) *a);
  g_ptr_array_add (argv, NULL);
  int status = 0;
  char *o = NULL, *e = NULL;
  g_assert_true (g_spawn_sync (cwd, (char **) argv->pdata, envp,
                               G_SPAWN_DEFAULT, NULL, NULL, &o, &e, &status,
                               NULL));
  g_ptr_array_free (argv, TRUE);
  if (out)
    *out = o;
  else
    g_free (o);
  if (err)
    *err = e;
  else
    g_free (e);
  return WIFEXITED (status) ? WEXITSTATUS (status) : 128 + WTERMSIG (status);
}

/* spawn_braid_env in this process's environment. */
static inline int
spawn_braid_in (const char *cwd, const char *const *args, char **out,
                char **err)
{
  return spawn_braid_env (cwd, NULL, args, out, err);
}

/* spawn_braid_in in this folder. */
static inline int
spawn_braid (const char *const *args, char **out, char **err)
{
  return spawn_braid_in (NULL, args, out, err);
}

/* Removes a trace and its directory. */
static inline void
remove_trace (const char *path)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  for (size_t i = 0; i < 4; i++)
    {
      char *name = g_strconcat (path, suffixes[i], NULL);
      g_unlink (name);
      g_free (name);
    }
  char *dir = g_path_get_dirname (path);
  g_rmdir (dir);
  g_free (dir);
}

#endif /* TRACE_TEST_UTIL_H */
