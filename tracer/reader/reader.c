/* reader.c: opening a trace file and loading it.
 *
 * Owns braid_trace_open and the accessors of the reader model. Every file
 * is untrusted input: it is opened read-only in SQLite's defensive mode
 * with untrusted schema, checked (SQLite header, application_id,
 * user_version, the meta, events and strings tables and their columns)
 * before any row is read, and every failure becomes one line that names
 * the file and the problem, with its control characters escaped
 * (safe-text.c: SQLite's messages can quote the file). No number in the
 * file sizes an allocation beyond what its rows hold.
 * The hot path is the events loop in load_events: the packed copy of the
 * events that finalization keeps (events_packed, when it holds every
 * row), else one prepared statement stepping through the rowid order,
 * each row handed to the model builder (reader-model.c) without being
 * kept, then the events still packed in batches (a trace whose recording
 * was killed), decoded by codec.c's braid__batches_each and handed over
 * the same way, one event at a time: whatever the number of events or
 * threads, no copy of them is held, and the model's arrays are the
 * memory of a load. Decoding a packed event costs a tenth of reading
 * its row.
 */
#include "trace-private.h"
#include "format/safe-text.h"

#include <errno.h>
#include <fcntl.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <braid/braid.h>

/* A strings table whose largest id is at most this many times its number
 * of rows (plus some) is indexed by id; a sparser one (a hostile file:
 * the recorder numbers strings from 1 without gaps) is kept sorted by id
 * and searched, so that one row with id 2^32 - 1 cannot make the reader
 * allocate 32 GiB of index. */
#define STRINGS_DENSE_FACTOR 2
#define STRINGS_DENSE_SLACK 4096

static void
set_error (char **error, const char *path, const char *fmt, ...)
  __attribute__ ((format (printf, 3, 4)));

static void
set_error (char **error, const char *path, const char *fmt, ...)
{
  if (error == NULL || *error != NULL)
    return;
  char msg[1024];
  va_list ap;
  va_start (ap, fmt);
  vsnprintf (msg, sizeof msg, fmt, ap);
  va_end (ap);
  /* SQLite's messages can quote the file (names from its schema), and the
   * path is the caller's bytes: whoever prints the message gets it safe
   * for a terminal (safe-text.c), with its control characters escaped. */
  braid__error_printf (error, "%s: %s", path, msg);
}

/* The message for a failed SQLite call on a file that passed the header
 * check: corruption and truncation are the usual causes. */
static int
sqlite_failure (char **error, const char *path, sqlite3 *db, int rc)
{
  int primary = rc & 0xff;
  if (primary == SQLITE_CORRUPT || primary == SQLITE_NOTADB)
    set_error (error, path,
               "the file is corrupted or truncated (SQLite: %s)",
               db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  else if (primary == SQLITE_NOMEM)
    set_error (error, path, "out of memory while loading the trace");
  else
    set_error (error, path, "cannot read the trace (SQLite: %s)",
               db ? sqlite3_errmsg (db) : sqlite3_errstr (rc));
  return primary == SQLITE_NOMEM ? BRAID_ENOMEM : BRAID_EINVAL;
}

/* Checks what can be checked without SQLite: the file exists, is a
 * regular non-empty file, and starts with SQLite's magic. */
static int
check_file (const char *path, char **error)
{
  struct stat st;
  if (stat (path, &st) != 0)
    {
      if (errno == ENOENT)
        set_error (error, path, "no such file");
      else
        set_error (error, path, "cannot open: %s", strerror (errno));
      return BRAID_EINVAL;
    }
  if (!S_ISREG (st.st_mode))
    {
      set_error (error, path, "not a regular file");
      return BRAID_EINVAL;
    }
  if (st.st_size == 0)
    {
      set_error (error, path, "the file is empty (no trace was written)");
      return BRAID_EINVAL;
    }
  int fd = open (path, O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      set_error (error, path, "cannot open: %s", strerror (errno));
      return BRAID_EINVAL;
    }
  char header[100];
  ssize_t n = read (fd, header, sizeof header);
  close (fd);
  if (n < 16 || memcmp (header, "SQLite format 3", 16) != 0)
    {
      set_error (error, path, "not a braid trace (not a SQLite database)");
      return BRAID_EINVAL;
    }
  if (n < 100)
    {
      set_error (error, path,
                 "the file is truncated (shorter than a SQLite header)");
      return BRAID_EINVAL;
    }
  return 0;
}

/* Checks that table @name has every column of the NULL-terminated
 * @columns. Returns 0, or fills @missing with the first one missing. */
static int
check_columns (sqlite3 *db, const char *name, const char *const *columns,
               const char **missing)
{
  char sql[128];
  snprintf (sql, sizeof sql, "SELECT name FROM pragma_table_info('%s')",
            name);
  for (const char *const *c = columns; *c != NULL; c++)
    {
      sqlite3_stmt *st = NULL;
      int found = 0;
      if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) != SQLITE_OK)
        {
          *missing = *c;
          return -1;
        }
      while (sqlite3_step (st) == SQLITE_ROW)
        {
          const unsigned char *col = sqlite3_column_text (st, 0);
          if (col != NULL && strcmp ((const char *) col, *c) == 0)
            found = 1;
        }
      sqlite3_finalize (st);
      if (!found)
        {
          *missing = *c;
          return -1;
        }
    }
  return 0;
}

/* Runs the PRAGMA @sql, which answers one integer, into @value. */
static int
pragma_int (sqlite3 *db, const char *sql, int *value)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (db, sql, -1, &st, NULL);
  *value = 0;
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (st);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int (st, 0);
          rc = SQLITE_OK;
        }
    }
  sqlite3_finalize (st);
  return rc;
}

static int
check_schema (sqlite3 *db, const char *path, char **error)
{
  /* Traces written before braid set its application id have 0. */
  int app_id = 0;
  int rc = pragma_int (db, "PRAGMA application_id", &app_id);
  if (rc != SQLITE_OK)
    return sqlite_failure (error, path, db, rc);
  if (app_id != 0 && app_id != BRAID_TRACE_APPLICATION_ID)
    {
      set_error (error, path,
                 "not a braid trace (a SQLite database of another "
                 "application: application id 0x%08x, braid's is 0x%08x)",
                 (unsigned) app_id, (unsigned) BRAID_TRACE_APPLICATION_ID);
      return BRAID_EINVAL;
    }

  int version = 0;
  rc = pragma_int (db, "PRAGMA user_version", &version);
  if (rc != SQLITE_OK)
    return sqlite_failure (error, path, db, rc);

  int has_meta = braid__has_table (db, "meta", &rc);
  if (rc != SQLITE_OK)
    return sqlite_failure (error, path, db, rc);
  if (version == 0 && !has_meta)
    {
      set_error (error, path,
                 "not a braid trace (a SQLite database of another "
                 "application: no braid schema version, no meta table)");
      return BRAID_EINVAL;
    }
  if (version > BRAID_TRACE_SCHEMA_VERSION)
    {
      set_error (error, path,
                 "the trace has schema version %d, newer than this braid "
                 "reads (%d): update braid",
                 version, BRAID_TRACE_SCHEMA_VERSION);
      return BRAID_EINVAL;
    }
  if (version < 1)
    {
      set_error (error, path,
                 "not a braid trace (unknown schema version %d)", version);
      return BRAID_EINVAL;
    }
  static const char *const meta_cols[] = { "key", "value", NULL };
  static const char *const string_cols[] = { "id", "text", NULL };
  static const char *const event_cols[]
    = { "seq",   "kind",   "t",    "task", "other", "object", "value",
        "reason", "line", "s1",   "s2",   "s3",    NULL };
  static const struct
  {
    const char *name;
    const char *const *cols;
  } tables[] = { { "meta", meta_cols },
                 { "strings", string_cols },
                 { "events", event_cols } };
  for (size_t i = 0; i < 3; i++)
    {
      if (!braid__has_table (db, tables[i].name, &rc))
        {
          if (rc != SQLITE_OK)
            return sqlite_failure (error, path, db, rc);
          set_error (error, path,
                     "not a valid braid trace (table %s is missing)",
                     tables[i].name);
          return BRAID_EINVAL;
        }
      const char *missing = NULL;
      if (check_columns (db, tables[i].name, tables[i].cols, &missing) != 0)
        {
          set_error (error, path,
                     "not a valid braid trace (table %s has no column %s)",
                     tables[i].name, missing);
          return BRAID_EINVAL;
        }
    }
  return 0;
}

static const char *
arena_text (braid_trace *trace, const unsigned char *text, int len)
{
  if (text == NULL || len <= 0)
    return "";
  const char *copy
    = braid__arena_strndup (trace->arena, (const char *) text, (size_t) len);
  return copy ? copy : "";
}

/* A clock base of the meta table clamped to [0, 2^62] (braid-trace.h),
 * so that it plus any time of the trace fits. */
static int64_t
clamp_base (int64_t num)
{
  return num < 0 ? 0 : num > (int64_t) 1 << 62 ? (int64_t) 1 << 62 : num;
}

static int
load_meta (braid_trace *trace, sqlite3 *db, const char *path, char **error)
{
  braid_trace_meta *m = &trace->meta;
  m->schema_version = BRAID_TRACE_SCHEMA_VERSION;
  m->program = m->arguments = m->braid_version = m->run_id = "";
  m->clock = "unknown";
  trace->host = trace->boot_id = "";
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (db, "SELECT key, value FROM meta", -1, &st,
                               NULL);
  if (rc != SQLITE_OK)
    return sqlite_failure (error, path, db, rc);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (st, 0);
      if (key == NULL)
        continue;
      const unsigned char *text = sqlite3_column_text (st, 1);
      int len = sqlite3_column_bytes (st, 1);
      int64_t num = sqlite3_column_int64 (st, 1);
      if (strcmp (key, "program") == 0)
        m->program = arena_text (trace, text, len);
      else if (strcmp (key, "arguments") == 0)
        m->arguments = arena_text (trace, text, len);
      else if (strcmp (key, "braid_version") == 0)
        m->braid_version = arena_text (trace, text, len);
      else if (strcmp (key, "clock") == 0)
        m->clock = arena_text (trace, text, len);
      else if (strcmp (key, "start_unix_ns") == 0)
        m->start_unix_ns = clamp_base (num);
      else if (strcmp (key, "start_monotonic_ns") == 0)
        /* Clamped as start_unix_ns: an offset between two files fits. */
        m->start_monotonic_ns = clamp_base (num);
      else if (strcmp (key, "time_base_ns") == 0)
        m->time_base_ns = clamp_base (num);
      else if (strcmp (key, "complete") == 0)
        m->complete = num == 1;
      else if (strcmp (key, "run_id") == 0)
        m->run_id = arena_text (trace, text, len);
      else if (strcmp (key, "pid") == 0)
        m->pid = num > 0 && num <= INT32_MAX ? num : 0;
      else if (strcmp (key, "schema_version") == 0)
        m->schema_version = (int) num;
      else if (strcmp (key, "heartbeat_unix_ns") == 0)
        m->heartbeat_unix_ns = num > 0 ? num : 0;
      else if (strcmp (key, "finalizing_unix_ns") == 0)
        trace->finalizing_unix_ns = num > 0 ? num : 0;
      else if (strcmp (key, "finalized") == 0)
        trace->finalized = num == 1;
      else if (strcmp (key, "host") == 0)
        trace->host = arena_text (trace, text, len);
      else if (strcmp (key, "boot_id") == 0)
        trace->boot_id = arena_text (trace, text, len);
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return sqlite_failure (error, path, db, rc);
  m->liveness = braid__trace_liveness (trace, NULL);
  return 0;
}

int
braid__trace_load_meta (braid_trace *trace, sqlite3 *db, const char *path,
                        char **error)
{
  return load_meta (trace, db, path, error);
}

int
braid__trace_sqlite_failure (char **error, const char *path, sqlite3 *db,
                             int rc)
{
  return sqlite_failure (error, path, db, rc);
}

/* Loads the strings table, indexed by id when its ids are dense enough
 * (STRINGS_DENSE_FACTOR) and sorted by id otherwise (trace->string_ids).
 * Ids that no event can name (0, negative, above UINT32_MAX: events store
 * them in 32 bits) are skipped. The memory is proportional to the rows the
 * file holds, never to a number it claims. */
static int
load_strings (braid_trace *trace, sqlite3 *db, const char *path,
              char **error)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (db,
                               "SELECT count(*), max(id) FROM strings"
                               " WHERE id > 0 AND id <= 4294967295",
                               -1, &st, NULL);
  int64_t count = 0, max_id = 0;
  if (rc == SQLITE_OK && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      count = sqlite3_column_int64 (st, 0);
      max_id = sqlite3_column_int64 (st, 1);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_OK)
    return sqlite_failure (error, path, db, rc);
  if (count <= 0 || max_id <= 0)
    return 0; /* no strings: every id reads "" */
  bool dense = max_id <= count * STRINGS_DENSE_FACTOR + STRINGS_DENSE_SLACK;
  size_t slots = dense ? (size_t) max_id + 1 : (size_t) count;
  trace->strings = calloc (slots, sizeof *trace->strings);
  if (!dense)
    trace->string_ids = malloc (slots * sizeof *trace->string_ids);
  if (trace->strings == NULL || (!dense && trace->string_ids == NULL))
    {
      set_error (error, path, "out of memory while loading the trace");
      return BRAID_ENOMEM;
    }
  rc = sqlite3_prepare_v2 (db,
                           "SELECT id, text FROM strings"
                           " WHERE id > 0 AND id <= 4294967295 ORDER BY id",
                           -1, &st, NULL);
  if (rc != SQLITE_OK)
    return sqlite_failure (error, path, db, rc);
  size_t n = 0;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      int64_t id = sqlite3_column_int64 (st, 0);
      /* The counts were taken in this transaction; still, never write
       * past what was sized. */
      if (dense ? id > max_id : n == slots)
        continue;
      const unsigned char *text = sqlite3_column_text (st, 1);
      int len = sqlite3_column_bytes (st, 1);
      const char *copy = arena_text (trace, text, len);
      if (dense)
        trace->strings[id] = (char *) copy;
      else
        {
          trace->string_ids[n] = (uint32_t) id;
          trace->strings[n++] = (char *) copy;
        }
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return sqlite_failure (error, path, db, rc);
  trace->n_strings = dense ? slots : n;
  return 0;
}

const char *
braid__trace_string (const braid_trace *trace, uint64_t id)
{
  if (id == 0)
    return "";
  if (trace->string_ids == NULL)
    return id < trace->n_strings && trace->strings[id] != NULL
             ? trace->strings[id]
             : "";
  /* Sparse: string_ids is sorted (ORDER BY id, and ids are unique). */
  size_t lo = 0, hi = trace->n_strings;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (trace->string_ids[mid] < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < trace->n_strings && trace->string_ids[lo] == id
           ? trace->strings[lo]
           : "";
}

/* What feed_packed needs: the builder and the progress callback. */
typedef struct packed_feed
{
  braid__builder *b;
  const braid_trace_load_options *options;
  int result;
  double base, part; /* the progress goes from base to base + part */
} packed_feed;

/* braid__batches_each's callback: one decoded event into the builder.
 * Returns non-zero, with the reason in feed->result, to stop. */
static int
feed_packed (void *data, const braid__ev *ev, size_t i, size_t n)
{
  packed_feed *feed = data;
  if (braid__builder_add (feed->b, ev) != 0)
    {
      feed->result = BRAID_ENOMEM;
      return 1;
    }
  const braid_trace_load_options *options = feed->options;
  if ((i & 0xffff) == 0xffff && options != NULL && options->progress != NULL
      && !options->progress (feed->base
                               + feed->part * (double) i / (double) n,
                             options->progress_data))
    {
      feed->result = BRAID_ECANCELLED;
      return 1;
    }
  return 0;
}

void
braid__trace_row_event (sqlite3_stmt *st, braid__ev *ev)
{
  ev->seq = (uint64_t) sqlite3_column_int64 (st, 0);
  ev->kind = (uint32_t) sqlite3_column_int (st, 1);
  ev->t = sqlite3_column_int64 (st, 2);
  ev->task = (uint64_t) sqlite3_column_int64 (st, 3);
  ev->other = (uint64_t) sqlite3_column_int64 (st, 4);
  ev->object = (uint64_t) sqlite3_column_int64 (st, 5);
  ev->value = sqlite3_column_int64 (st, 6);
  ev->reason = (uint32_t) sqlite3_column_int64 (st, 7);
  ev->line = (int32_t) sqlite3_column_int64 (st, 8);
  ev->s1 = (uint32_t) sqlite3_column_int64 (st, 9);
  ev->s2 = (uint32_t) sqlite3_column_int64 (st, 10);
  ev->s3 = (uint32_t) sqlite3_column_int64 (st, 11);
}

/* The result of braid__batches_each(_in) @rc as the load's result, its
 * message in *error. */
static int
packed_result (int rc, const packed_feed *feed, sqlite3 *db,
               const char *path, char **error)
{
  if (rc == SQLITE_ABORT && feed->result == BRAID_ECANCELLED)
    {
      set_error (error, path, "loading cancelled");
      return BRAID_ECANCELLED;
    }
  if (rc == SQLITE_ABORT || rc == SQLITE_NOMEM)
    {
      set_error (error, path, "out of memory while loading the trace");
      return BRAID_ENOMEM;
    }
  if (rc == SQLITE_CORRUPT)
    {
      set_error (error, path,
                 "the file is corrupted (a batch of events is malformed)");
      return BRAID_EINVAL;
    }
  if (rc != SQLITE_OK)
    return sqlite_failure (error, path, db, rc);
  return 0;
}

/* Whether the file keeps its events packed in events_packed as well as
 * in rows (finalize.c): the table exists and its batches count exactly
 * the rows, which are numbered @first (1) to @last. A file without it
 * (an older braid's, or one whose rows were added to) is read by rows.
 * Reading the counts leaves the blobs alone. */
static bool
has_packed_copy (sqlite3 *db, int64_t first, int64_t last)
{
  int rc;
  if (first != 1 || last < 1 || !braid__has_table (db, "events_packed", &rc))
    return false;
  sqlite3_stmt *st = NULL;
  bool all = false;
  if (sqlite3_prepare_v2 (db, "SELECT total (n) FROM events_packed", -1,
                          &st, NULL)
        == SQLITE_OK
      && sqlite3_step (st) == SQLITE_ROW)
    all = sqlite3_column_double (st, 0) == (double) last;
  sqlite3_finalize (st);
  return all;
}

static int
load_events (braid_trace *trace, sqlite3 *db, const char *path,
             const braid_trace_load_options *options, char **error)
{
  sqlite3_stmt *st = NULL;
  int64_t first = 0, last = 0;
  /* Two subqueries: SQLite reads a lone min() or max() of the rowid from
   * one end of the b-tree, but both in one SELECT scan every row. */
  int rc = sqlite3_prepare_v2 (db,
                               "SELECT (SELECT min(seq) FROM events),"
                               " (SELECT max(seq) FROM events)",
                               -1, &st, NULL);
  if (rc == SQLITE_OK && (rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      first = sqlite3_column_int64 (st, 0);
      last = sqlite3_column_int64 (st, 1);
      rc = SQLITE_OK;
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_OK)
    return sqlite_failure (error, path, db, rc);
  double span = last > first ? (double) (last - first) : 1.0;

  braid__builder *b = braid__builder_new (trace);
  if (b == NULL)
    {
      set_error (error, path, "out of memory while loading the trace");
      return BRAID_ENOMEM;
    }
  uint64_t n = 0;
  int result = 0;
  if (has_packed_copy (db, first, last))
    {
      /* The rows' events, decoded from their packed copy; a copy that
       * turns out malformed fails the load, as a malformed row would. */
      packed_feed feed = { b, options, 0, 0.0, 0.9 };
      size_t n_packed = 0;
      rc = braid__batches_each_in (db, "events_packed", 1, feed_packed,
                                   &feed, &n_packed);
      n = n_packed;
      result = packed_result (rc, &feed, db, path, error);
      goto rows_done;
    }
  rc = sqlite3_prepare_v2 (db,
                           "SELECT seq, kind, t, task, other, object, value,"
                           " reason, line, s1, s2, s3 FROM events"
                           " ORDER BY seq",
                           -1, &st, NULL);
  if (rc != SQLITE_OK)
    {
      braid__builder_free (b);
      return sqlite_failure (error, path, db, rc);
    }
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      braid__ev ev;
      braid__trace_row_event (st, &ev);
      if (braid__builder_add (b, &ev) != 0)
        {
          set_error (error, path, "out of memory while loading the trace");
          result = BRAID_ENOMEM;
          break;
        }
      n++;
      if ((n & 0xffff) == 0 && options != NULL && options->progress != NULL
          && !options->progress (0.5 * (double) (ev.seq - first) / span,
                                 options->progress_data))
        {
          set_error (error, path, "loading cancelled");
          result = BRAID_ECANCELLED;
          break;
        }
    }
  sqlite3_finalize (st);
  if (result == 0 && rc != SQLITE_DONE)
    result = sqlite_failure (error, path, db, rc);

rows_done:
  /* Events still in batches: a recording that was killed before its
   * clean end (or a file not yet repaired). They follow the rows, and
   * stream into the builder a batch at a time. */
  if (result == 0)
    {
      packed_feed feed = { b, options, 0, 0.5, 0.4 };
      size_t n_packed = 0;
      rc = braid__batches_each (db, (uint64_t) last + 1, feed_packed, &feed,
                                &n_packed);
      n += n_packed;
      result = packed_result (rc, &feed, db, path, error);
    }
  if (result != 0)
    {
      braid__builder_free (b);
      return result;
    }
  trace->meta.n_events = n;
  if (braid__builder_finish (b, options) != 0)
    {
      set_error (error, path, "out of memory while loading the trace");
      return BRAID_ENOMEM;
    }
  if (options != NULL && options->progress != NULL)
    options->progress (1.0, options->progress_data);
  return 0;
}

/* After a windowed load, or when the builder had to leave compact mode:
 * turns the loaded 56-byte slices into 24-byte compact ones, in place in
 * their mapping (record i is read before anything is written over it, and
 * compact record i lies below full record i), then gives the rest of the
 * mapping back. Leaves the full model when a slice does not fit: a step
 * or an object id beyond 32 bits, or slices of a task
 * that are not back to back (the compact form derives ends from the next
 * start). Returns 0, or -1 when out of memory. */
static int
compact_slices (braid_trace *trace)
{
  size_t nt = trace->n_tasks, ns = trace->n_slices;
  const braid_trace_slice *full = trace->slices;
  for (size_t t = 0; t < nt; t++)
    {
      const braid_trace_task *task = &trace->tasks[t];
      if (task->first_slice > ns || task->n_slices > ns - task->first_slice)
        return 0;
      for (size_t i = 0; i < task->n_slices; i++)
        {
          const braid_trace_slice *sl = &full[task->first_slice + i];
          if (sl->end_step > UINT32_MAX || sl->task != t
              || sl->wait_reason > UINT16_MAX
              || (unsigned) sl->state > UINT16_MAX
              || sl->object > UINT32_MAX
              || (i + 1 < task->n_slices
                  && sl->end_ns != (sl[1].start_ns > sl->start_ns
                                      ? sl[1].start_ns
                                      : sl->start_ns)))
            return 0;
        }
    }
  braid_trace_compact_end *ends
    = malloc ((nt ? nt : 1) * sizeof *ends);
  if (ends == NULL)
    return -1;
  for (size_t t = 0; t < nt; t++)
    {
      const braid_trace_task *task = &trace->tasks[t];
      ends[t].end_ns
        = task->n_slices > 0
            ? full[task->first_slice + task->n_slices - 1].end_ns
            : 0;
    }
  braid_trace_compact_slice *out = (braid_trace_compact_slice *) trace->slices;
  for (size_t i = 0; i < ns; i++)
    {
      braid_trace_slice sl = full[i];
      out[i] = (braid_trace_compact_slice) {
        .start_ns = sl.start_ns,
        .start_step = (uint32_t) sl.start_step,
        .end_step = (uint32_t) sl.end_step,
        .object = (uint32_t) sl.object,
        .state = (uint16_t) sl.state,
        .wait_reason = (uint16_t) sl.wait_reason,
      };
    }
  braid__big_shrink ((void **) &trace->slices, &trace->slices_bytes,
                     ns * sizeof *out);
  trace->compact = true;
  trace->compact_ends = ends;
  return 0;
}

/* Checks the file (check_file), opens it read-only as untrusted input
 * and checks its schema (check_schema), inside a read transaction: a
 * recording that is still running (or ending: finalization moves the
 * batches into events) is read as one snapshot, never half before and
 * half after a commit. Returns 0 with the connection in *db, or a code
 * with the message in *error (*db is then NULL). */
static int
open_checked (const char *path, sqlite3 **out, char **error)
{
  *out = NULL;
  int rc = check_file (path, error);
  if (rc != 0)
    return rc;
  sqlite3 *db = NULL;
  int src = sqlite3_open_v2 (path, &db,
                             SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX,
                             NULL);
  if (src != SQLITE_OK)
    {
      rc = sqlite_failure (error, path, db, src);
      sqlite3_close (db);
      return rc;
    }
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
#ifdef SQLITE_DBCONFIG_TRUSTED_SCHEMA
  sqlite3_db_config (db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
#endif
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);
  sqlite3_limit (db, SQLITE_LIMIT_LENGTH, BRAID__MAX_VALUE_BYTES);
  /* A recording that ends takes the file for itself for a moment (it
   * leaves WAL mode): the reader waits for it rather than fail, and
   * never holds the writer up, which has priority. */
  sqlite3_busy_timeout (db, 5000);
  sqlite3_exec (db, "BEGIN", NULL, NULL, NULL);
  rc = check_schema (db, path, error);
  if (rc != 0)
    {
      sqlite3_close (db);
      return rc;
    }
  *out = db;
  return 0;
}

int
braid__trace_open_db (const char *path, sqlite3 **db, char **error)
{
  return open_checked (path, db, error);
}

int
braid__trace_check (const char *path, char **error)
{
  if (error != NULL)
    *error = NULL;
  sqlite3 *db = NULL;
  int rc = open_checked (path, &db, error);
  sqlite3_close (db);
  return rc;
}

/* braid_trace_open, and braid_trace_stream when @sink is not NULL (in
 * summary mode: the builder hands its records to @sink). */
static int
open_trace (const char *path, const braid_trace_load_options *options,
            const braid_trace_stream_callbacks *sink, uint64_t sink_limit,
            void *sink_data, braid_trace **out, char **error)
{
  if (error != NULL)
    *error = NULL;
  if (out != NULL)
    *out = NULL;
  if (path == NULL || out == NULL)
    {
      set_error (error, path ? path : "(null)", "no trace file given");
      return BRAID_EINVAL;
    }
  braid_trace *trace = calloc (1, sizeof *trace);
  if (trace == NULL || (trace->arena = braid__arena_new ()) == NULL)
    {
      free (trace);
      set_error (error, path, "out of memory while loading the trace");
      return BRAID_ENOMEM;
    }
  sqlite3 *db = NULL;
  int rc = open_checked (path, &db, error);
  if (rc != 0)
    goto fail;
  rc = load_meta (trace, db, path, error);
  if (rc != 0)
    goto fail;
  rc = load_strings (trace, db, path, error);
  if (rc != 0)
    goto fail;
  /* Compact mode is asked of the builder through the trace; it builds
   * the compact slices as events stream by, so that the full ones are
   * never all in memory (a window needs the full form first). */
  bool summary = options != NULL && options->summary;
  trace->compact = options != NULL && options->compact && !summary
                   && options->start_ns == 0 && options->end_ns == 0;
  trace->summary = summary;
  trace->sink = sink;
  trace->sink_data = sink_data;
  trace->sink_limit = sink_limit;
  rc = load_events (trace, db, path, options, error);
  if (rc != 0 && trace->sink_stopped)
    {
      if (error != NULL)
        {
          free (*error);
          *error = NULL;
        }
      set_error (error, path, "reading stopped");
      rc = BRAID_ECANCELLED;
    }
  trace->sink = NULL;
  if (rc != 0)
    goto fail;
  sqlite3_close (db);
#ifdef __GLIBC__
  /* SQLite's page cache and the builder's per-task state were freed in
   * the middle of the heap, under the model's arrays: hand those pages
   * back, or they stay resident for as long as the trace is open. */
  malloc_trim (0);
#endif
  if (options != NULL && options->compact && !summary && !trace->compact
      && compact_slices (trace) != 0)
    {
      set_error (error, path, "out of memory while loading the trace");
      rc = BRAID_ENOMEM;
      goto fail_closed;
    }
  *out = trace;
  return 0;

fail:
  sqlite3_close (db);
fail_closed:
  braid_trace_close (trace);
  return rc;
}

int
braid_trace_open (const char *path, const braid_trace_load_options *options,
                  braid_trace **out, char **error)
{
  return open_trace (path, options, NULL, 0, NULL, out, error);
}

int
braid_trace_stream (const char *path,
                    const braid_trace_stream_callbacks *callbacks,
                    uint64_t max_events, void *user_data, braid_trace **out,
                    char **error)
{
  static const braid_trace_stream_callbacks none;
  braid_trace_load_options options = { .summary = true };
  braid_trace *trace = NULL;
  int rc = open_trace (path, &options, callbacks ? callbacks : &none,
                       max_events, user_data, &trace, error);
  if (out != NULL)
    *out = trace;
  else
    braid_trace_close (trace);
  return rc;
}

void
braid_trace_close (braid_trace *trace)
{
  if (trace == NULL)
    return;
  free (trace->tasks);
  braid__big_free (trace->slices, trace->slices_bytes);
  braid__big_free (trace->edges, trace->edges_bytes);
  braid__big_free (trace->marks, trace->marks_bytes);
  braid__big_free (trace->outputs, trace->outputs_bytes);
  braid__big_free (trace->iterations, trace->iterations_bytes);
  free (trace->objects);
  free (trace->problems);
  free (trace->strings);
  free (trace->string_ids);
  free (trace->task_keys);
  free (trace->task_vals);
  free (trace->obj_keys);
  free (trace->obj_vals);
  free (trace->compact_ends);
  braid__arena_free (trace->arena);
  braid__follower_share_unref (trace->shared);
  braid__sync_free (trace->sync);
  free (trace);
}

const braid_trace_meta *
braid_trace_get_meta (const braid_trace *trace)
{
  return &trace->meta;
}

#define ACCESSOR(type, name, field)                                         \
  const type *braid_trace_get_##name (const braid_trace *trace, size_t *n) \
  {                                                                         \
    if (n != NULL)                                                          \
      *n = trace->n_##field;                                                \
    return trace->field;                                                    \
  }

ACCESSOR (braid_trace_task, tasks, tasks)

const braid_trace_slice *
braid_trace_get_slices (const braid_trace *trace, size_t *n)
{
  if (n != NULL)
    *n = trace->compact ? 0 : trace->n_slices;
  return trace->compact ? NULL : trace->slices;
}

const braid_trace_compact_slice *
braid_trace_get_compact_slices (const braid_trace *trace, size_t *n)
{
  if (n != NULL)
    *n = trace->compact ? trace->n_slices : 0;
  return trace->compact ? (const braid_trace_compact_slice *) trace->slices
                        : NULL;
}

const braid_trace_compact_end *
braid_trace_get_compact_ends (const braid_trace *trace, size_t *n)
{
  if (n != NULL)
    *n = trace->compact ? trace->n_tasks : 0;
  return trace->compact ? trace->compact_ends : NULL;
}
ACCESSOR (braid_trace_edge, edges, edges)
ACCESSOR (braid_trace_mark, marks, marks)
ACCESSOR (braid_trace_output, outputs, outputs)
ACCESSOR (braid_trace_object, objects, objects)
ACCESSOR (braid_trace_problem, problems, problems)
ACCESSOR (braid_trace_iteration, iterations, iterations)

int64_t
braid_trace_step_iteration (const braid_trace *trace, uint64_t step)
{
  if (step >= trace->meta.n_steps)
    return -1;
  /* The last iteration whose first step is at or before @step. */
  size_t lo = 0, hi = trace->n_iterations;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (trace->iterations[mid].first_step <= step)
        lo = mid + 1;
      else
        hi = mid;
    }
  return (int64_t) lo - 1;
}

int32_t
braid_trace_find_task (const braid_trace *trace, uint64_t id)
{
  return braid__id_map_find (trace->task_keys, trace->task_vals,
                             trace->task_mask, id);
}

const braid_trace_object *
braid_trace_find_object (const braid_trace *trace, uint64_t id)
{
  int32_t i = braid__id_map_find (trace->obj_keys, trace->obj_vals,
                                  trace->obj_mask, id);
  return i < 0 ? NULL : &trace->objects[i];
}
