/* trace-test-util.h: helpers shared by the tracer tests.
 *
 * Feeding synthetic events straight into the tracer's hook (no runtime
 * involved), temporary trace paths, and opening a trace with the reader
 * while failing the test with the reader's message. Header-only: each
 * test is one executable.
 */
#ifndef TRACE_TEST_UTIL_H
#define TRACE_TEST_UTIL_H

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "braid-hooks.h"
#include "braid-trace.h"
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
