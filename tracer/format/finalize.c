/* finalize.c: turning a recorded file into the documented events table.
 *
 * Owns braid__finalize: in one transaction, the batches (decoded by
 * codec.c's braid__batches_load, in the order and numbering the reader's
 * braid__batches_each gives them) become
 * rows of events numbered after any already there (the file was created
 * with the views' partial indexes, which fill as rows go in; IF NOT
 * EXISTS creates any that is missing), the batches are dropped, and meta
 * says the file is finalized (and complete, after a clean end). The writer
 * thread runs it when a session ends cleanly; `braid repair` runs it on a file
 * whose recording was killed. Not hot for the traced program (it runs after the
 * program's last event), but it is the cost of a clean end: one INSERT
 * ... SELECT from a virtual table over the decoded events.
 */
#include "trace-private.h"

#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid.h>

/* The events being finalized, as an eponymous virtual table that
 * `INSERT INTO events SELECT ... FROM braid_pending` reads: SQLite then
 * runs one statement over all rows instead of binding twelve values per
 * row, which halves the time of finalization. Unused fields read as NULL,
 * as the schema says, but for value, stored as it is (0 when unused, as
 * cheap as a NULL). seq is left to SQLite: the events are numbered from
 * max(seq) + 1 without gaps, which is the rowid SQLite picks, and letting
 * it pick appends each row without searching the b-tree for a clash
 * (a third of the time of an insert with explicit rowids). */
typedef struct pending
{
  const braid__rec *evs;
  size_t n;
} pending;

typedef struct pending_cursor
{
  sqlite3_vtab_cursor base;
  const pending *p;
  size_t i;
} pending_cursor;

typedef struct pending_vtab
{
  sqlite3_vtab base;
  const pending *p;
} pending_vtab;

static int
pending_connect (sqlite3 *db, void *aux, int argc, const char *const *argv,
                 sqlite3_vtab **out, char **err)
{
  int rc
      = sqlite3_declare_vtab (db, "CREATE TABLE x (seq, kind, t, task, other,"
                                  " object, value, reason, line, s1, s2, s3)");
  if (rc != SQLITE_OK)
    return rc;
  pending_vtab *v = sqlite3_malloc (sizeof *v);
  if (v == NULL)
    return SQLITE_NOMEM;
  memset (v, 0, sizeof *v);
  v->p = aux;
  *out = &v->base;
  return SQLITE_OK;
}

static int
pending_disconnect (sqlite3_vtab *v)
{
  sqlite3_free (v);
  return SQLITE_OK;
}

static int
pending_best_index (sqlite3_vtab *v, sqlite3_index_info *info)
{
  info->estimatedCost = 1e6;
  return SQLITE_OK;
}

static int
pending_open (sqlite3_vtab *v, sqlite3_vtab_cursor **out)
{
  pending_cursor *c = sqlite3_malloc (sizeof *c);
  if (c == NULL)
    return SQLITE_NOMEM;
  memset (c, 0, sizeof *c);
  c->p = ((pending_vtab *)v)->p;
  *out = &c->base;
  return SQLITE_OK;
}

static int
pending_close (sqlite3_vtab_cursor *c)
{
  sqlite3_free (c);
  return SQLITE_OK;
}

static int
pending_filter (sqlite3_vtab_cursor *c, int idx, const char *idx_str, int argc,
                sqlite3_value **argv)
{
  ((pending_cursor *)c)->i = 0;
  return SQLITE_OK;
}

static int
pending_next (sqlite3_vtab_cursor *c)
{
  ((pending_cursor *)c)->i++;
  return SQLITE_OK;
}

static int
pending_eof (sqlite3_vtab_cursor *cur)
{
  pending_cursor *c = (pending_cursor *)cur;
  return c->p == NULL || c->i >= c->p->n;
}

static inline void
result_id (sqlite3_context *ctx, uint64_t v)
{
  if (v == 0)
    sqlite3_result_null (ctx);
  else
    sqlite3_result_int64 (ctx, (sqlite3_int64)v);
}

static int
pending_column (sqlite3_vtab_cursor *cur, sqlite3_context *ctx, int col)
{
  pending_cursor *c = (pending_cursor *)cur;
  const braid__rec *r = &c->p->evs[c->i];
  switch (col)
    {
    case 0:
      sqlite3_result_int64 (ctx, (sqlite3_int64)r->seq);
      break;
    case 1:
      sqlite3_result_int (ctx, (int)r->kind);
      break;
    case 2:
      sqlite3_result_int64 (ctx, r->t);
      break;
    case 3:
      result_id (ctx, r->task);
      break;
    case 4:
      result_id (ctx, r->other);
      break;
    case 5:
      result_id (ctx, r->object);
      break;
    case 6:
      sqlite3_result_int64 (ctx, r->value);
      break;
    case 7:
      result_id (ctx, r->reason);
      break;
    case 8:
      result_id (ctx, (uint64_t)(int64_t)r->line);
      break;
    case 9:
      result_id (ctx, r->s1);
      break;
    case 10:
      result_id (ctx, r->s2);
      break;
    default:
      result_id (ctx, r->s3);
      break;
    }
  return SQLITE_OK;
}

static int
pending_rowid (sqlite3_vtab_cursor *cur, sqlite3_int64 *rowid)
{
  *rowid = (sqlite3_int64)((pending_cursor *)cur)->i;
  return SQLITE_OK;
}

static const sqlite3_module pending_module = {
  .iVersion = 0,
  .xCreate = NULL, /* eponymous only */
  .xConnect = pending_connect,
  .xBestIndex = pending_best_index,
  .xDisconnect = pending_disconnect,
  .xDestroy = pending_disconnect,
  .xOpen = pending_open,
  .xClose = pending_close,
  .xFilter = pending_filter,
  .xNext = pending_next,
  .xEof = pending_eof,
  .xColumn = pending_column,
  .xRowid = pending_rowid,
};

static int
fail (sqlite3 *db, char **error, const char *what)
{
  if (error != NULL && *error == NULL)
    {
      const char *msg = db ? sqlite3_errmsg (db) : "out of memory";
      size_t n = strlen (what) + strlen (msg) + 3;
      *error = malloc (n);
      if (*error != NULL)
        snprintf (*error, n, "%s: %s", what, msg);
    }
  if (db != NULL)
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return BRAID_EINVAL;
}

static int
set_meta (sqlite3 *db, const char *key, int64_t value)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                               -1, &st, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_text (st, 1, key, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (st, 2, value);
      rc = sqlite3_step (st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
    }
  sqlite3_finalize (st);
  return rc;
}

static int64_t
query_int (sqlite3 *db, const char *sql, int *ok)
{
  sqlite3_stmt *st = NULL;
  int64_t v = 0;
  *ok = 0;
  if (sqlite3_prepare_v2 (db, sql, -1, &st, NULL) == SQLITE_OK
      && sqlite3_step (st) == SQLITE_ROW)
    {
      v = sqlite3_column_int64 (st, 0);
      *ok = 1;
    }
  sqlite3_finalize (st);
  return v;
}

int
braid__finalize (sqlite3 *db, int clean_end, uint64_t n_waits,
                 uint64_t *n_events, char **error)
{
  if (error != NULL)
    *error = NULL;
  /* Sorting for the indexes in memory, with a cache that holds them,
   * is several times faster than spilling to temporary files. */
  sqlite3_exec (db, "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -262144",
                NULL, NULL, NULL);
  if (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return fail (db, error, "begin");
  int ok;
  int64_t last
      = query_int (db, "SELECT COALESCE (max(seq), 0) FROM events", &ok);
  if (!ok)
    return fail (db, error, "events");

  braid__rec *evs = NULL;
  size_t n = 0;
  int rc = braid__batches_load (db, (uint64_t)last + 1, &evs, &n);
  if (rc != SQLITE_OK)
    {
      free (evs);
      if (rc == SQLITE_CORRUPT && error != NULL)
        *error = strdup ("a batch of events is malformed");
      return fail (db, error, "batches");
    }

  pending p = { evs, n };
  rc = sqlite3_create_module_v2 (db, "braid_pending", &pending_module, &p,
                                 NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db,
                       "INSERT INTO events (kind, t, task, other, object,"
                       " value, reason, line, s1, s2, s3)"
                       " SELECT kind, t, task, other, object, value,"
                       " reason, line, s1, s2, s3 FROM braid_pending",
                       NULL, NULL, NULL);
  /* Unregister: p lives on this stack frame only. */
  sqlite3_create_module_v2 (db, "braid_pending", NULL, NULL, NULL);
  free (evs);
  if (rc != SQLITE_OK)
    return fail (db, error, "insert events");
  if (sqlite3_exec (db, braid__indexes_sql, NULL, NULL, NULL) != SQLITE_OK)
    return fail (db, error, "indexes");
  if (sqlite3_exec (db, "DELETE FROM batches", NULL, NULL, NULL) != SQLITE_OK)
    return fail (db, error, "batches");
  int64_t total = query_int (db, "SELECT count(*) FROM events", &ok);
  if (!ok)
    return fail (db, error, "events");
  if (set_meta (db, "events", total) != SQLITE_OK
      || set_meta (db, "finalized", 1) != SQLITE_OK)
    return fail (db, error, "meta");
  if (clean_end
      && (set_meta (db, "observer_waits", (int64_t)n_waits) != SQLITE_OK
          || set_meta (db, "complete", 1) != SQLITE_OK))
    return fail (db, error, "meta");
  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    return fail (db, error, "commit");
  /* Give back the pages the batches held (auto_vacuum = INCREMENTAL). */
  sqlite3_exec (db, "PRAGMA incremental_vacuum", NULL, NULL, NULL);
  if (n_events != NULL)
    *n_events = (uint64_t)total;
  return 0;
}

int
braid_trace_repair (const char *path, uint64_t *n_events, char **error)
{
  if (error != NULL)
    *error = NULL;
  /* The reader checks the file first: schema, version, every batch. */
  braid_trace *trace = NULL;
  int rc = braid_trace_open (path, NULL, &trace, error);
  if (rc != 0)
    return rc;
  braid_trace_close (trace);

  sqlite3 *db = NULL;
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      rc = fail (db, error, "cannot open for writing");
      sqlite3_close (db);
      return rc;
    }
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
  sqlite3_busy_timeout (db, 2000);
  rc = braid__finalize (db, 0, 0, n_events, error);
  /* Fold the WAL back in, as a clean end does. */
  if (rc == 0)
    sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  sqlite3_close (db);
  return rc;
}
