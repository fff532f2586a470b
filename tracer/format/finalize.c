/* finalize.c: turning a recorded file into the documented events table.
 *
 * Owns braid__finalize: in one transaction, the batches (read through
 * codec.c's braid__batches_*, in the order and numbering the reader gives
 * them) become rows of events numbered after any already there (the file
 * was created with the views' partial indexes, which fill as rows go in;
 * IF NOT EXISTS creates any that is missing), the batches are kept as
 * events_packed (keep_packed), and meta says the file is finalized (and
 * complete, after a clean end).
 * The writer thread runs it when a session ends cleanly; `braid repair`
 * runs it on a file whose recording was killed. Not hot for the traced
 * program (it runs after the program's last event), but it is the cost
 * of a clean end: one INSERT ... SELECT from a virtual table that decodes
 * the events as SQLite asks for them. Its memory is bounded whatever the
 * length of the recording: the batches are decoded a batch at a time,
 * never all held, and SQLite's page cache has a fixed size.
 *
 * Where its time goes (a million events, counted by callgrind): the
 * INSERT is nearly all of it, about 4,200 instructions a row, of which
 * SQLite's bytecode engine takes 2,600 (the virtual table's columns, the
 * record, and the partial indexes' conditions, 780 a row) and decoding
 * the batches 300. Making the indexes after the rows costs a third more
 * (a second pass over the table); a larger page cache saves nothing and
 * grows the memory. The file stays in WAL mode, so the rows are written
 * twice (into the WAL, then folded back): with a rollback journal they
 * would be written once, but a kill during the finalization would leave
 * a hot journal that a read-only reader cannot roll back, and the file
 * would not open until repaired, where a WAL-mode file always opens.
 *
 * Why the batches are kept: reading a row of events costs the reader
 * about 300 ns (SQLite's record decoding, twelve columns), decoding the
 * same event from its batch about 30, and the batches are a fifth of the
 * rows' size. So the reader (and with it `braid problems`, report, export
 * and the viewer) reads events_packed when it holds every event, and the
 * rows are there for SQL. Renaming the table costs nothing, where
 * deleting the batches cost a write of every page they held.
 */
#include "trace-private.h"
#include "safe-text.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid.h>

/* The events being finalized, as an eponymous virtual table that
 * `INSERT INTO events SELECT ... FROM braid_pending` reads, one event
 * decoded per row as the statement steps: SQLite then runs one statement
 * over all rows instead of binding twelve values per row, which halves
 * the time of finalization. Unused fields read as NULL,
 * as the schema says, but for value, stored as it is (0 when unused, as
 * cheap as a NULL). seq is left to SQLite: the events are numbered from
 * max(seq) + 1 without gaps, which is the rowid SQLite picks, and letting
 * it pick appends each row without searching the b-tree for a clash
 * (a third of the time of an insert with explicit rowids). */
typedef struct pending
{
  braid__batches *it; /* the merge of the batches, NULL without any */
  int started;        /* the one scan it allows has begun */
  uint64_t n_rows;    /* the rows handed over so far */
} pending;

typedef struct pending_cursor
{
  sqlite3_vtab_cursor base;
  pending *p;
  braid__rec ev;      /* the current row */
  size_t i;
  int eof;
} pending_cursor;

typedef struct pending_vtab
{
  sqlite3_vtab base;
  pending *p;
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

/* Decodes the next event into the cursor's row. A malformed batch (the
 * file changed under the merge) or a failed allocation ends the statement
 * with that error. */
static int
pending_step (pending_cursor *c)
{
  int rc = c->p->it ? braid__batches_next (c->p->it, &c->ev) : SQLITE_DONE;
  if (rc == SQLITE_ROW)
    {
      c->p->n_rows++;
      return SQLITE_OK;
    }
  c->eof = 1;
  if (rc == SQLITE_DONE)
    return SQLITE_OK;
  sqlite3_vtab *v = c->base.pVtab;
  sqlite3_free (v->zErrMsg);
  v->zErrMsg = sqlite3_mprintf ("%s", rc == SQLITE_CORRUPT
                                          ? "a batch of events is malformed"
                                          : sqlite3_errstr (rc));
  return rc;
}

static int
pending_filter (sqlite3_vtab_cursor *cur, int idx, const char *idx_str,
                int argc, sqlite3_value **argv)
{
  pending_cursor *c = (pending_cursor *)cur;
  /* The merge reads the batches once: a second scan would find nothing. */
  if (c->p->started)
    return SQLITE_MISUSE;
  c->p->started = 1;
  c->i = 0;
  return pending_step (c);
}

static int
pending_next (sqlite3_vtab_cursor *cur)
{
  pending_cursor *c = (pending_cursor *)cur;
  c->i++;
  return pending_step (c);
}

static int
pending_eof (sqlite3_vtab_cursor *cur)
{
  return ((pending_cursor *)cur)->eof;
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
  const braid__rec *r = &c->ev;
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

/* Rolls the transaction back and words the failure of step @what, whose
 * result was @rc, into *error (may be NULL): @msg when given, "out of
 * memory" when an allocation failed (braid's own or SQLite's; SQLite's
 * message would say "not an error" after one of braid's), else SQLite's
 * message, which can quote the file and so is made safe for a terminal.
 * Returns BRAID_ENOMEM or BRAID_EINVAL. */
static int
fail (sqlite3 *db, int rc, char **error, const char *what, const char *msg)
{
  int nomem = (rc & 0xff) == SQLITE_NOMEM;
  if (msg == NULL)
    msg = nomem || db == NULL ? "out of memory" : sqlite3_errmsg (db);
  braid__error_printf (error, "%s: %s", what, msg);
  if (db != NULL)
    sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
  return nomem ? BRAID_ENOMEM : BRAID_EINVAL;
}

/* fail() for the last SQLite call on @db. */
static int
fail_sqlite (sqlite3 *db, char **error, const char *what)
{
  return fail (db, sqlite3_errcode (db), error, what, NULL);
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

/* After the batches of a file whose events table was empty became its
 * rows (@all: they hold every event, numbered from 1 in the order the
 * reader's merge gives): keeps them as events_packed, renaming the table
 * and making an empty batches table again with the file's own definition
 * (a finalized file has an empty batches table, as before). When the
 * rows went after others (@all false) the batches are deleted, and an
 * events_packed of an earlier finalization, which no longer holds every
 * event, is dropped. Returns SQLITE_OK or an error. */
static int
keep_packed (sqlite3 *db, int all)
{
  if (!all)
    {
      int rc = sqlite3_exec (db, "DELETE FROM batches", NULL, NULL, NULL);
      if (rc == SQLITE_OK)
        rc = sqlite3_exec (db, "DROP TABLE IF EXISTS events_packed", NULL,
                           NULL, NULL);
      return rc;
    }
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (db,
                               "SELECT sql FROM sqlite_schema"
                               " WHERE type = 'table' AND name = 'batches'",
                               -1, &st, NULL);
  if (rc != SQLITE_OK)
    return rc;
  char *create = NULL;
  rc = sqlite3_step (st);
  if (rc == SQLITE_ROW && sqlite3_column_text (st, 0) != NULL)
    {
      create = sqlite3_mprintf ("%s", sqlite3_column_text (st, 0));
      rc = create == NULL ? SQLITE_NOMEM : SQLITE_OK;
    }
  else
    rc = rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_CORRUPT : rc;
  sqlite3_finalize (st);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db,
                       "DROP TABLE IF EXISTS events_packed;"
                       "ALTER TABLE batches RENAME TO events_packed",
                       NULL, NULL, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db, create, NULL, NULL, NULL);
  sqlite3_free (create);
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
  /* A page cache of a fixed 32 MiB: the rows go in at the end of the
   * events table and the views' indexes are partial and small, so a cache
   * that held the whole file (this was 256 MiB) saved a third of the time
   * at the price of memory that grew with the recording. Temporary files
   * (an index made here for a file that lacks one) stay on disk, for the
   * same reason. */
  sqlite3_exec (db, "PRAGMA cache_size = -32768", NULL, NULL, NULL);
  if (sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
    return fail_sqlite (db, error, "begin");
  int ok;
  int64_t last
      = query_int (db, "SELECT COALESCE (max(seq), 0) FROM events", &ok);
  if (!ok)
    return fail_sqlite (db, error, "events");
  /* meta.events is the rows there before plus those inserted here. They
   * are counted now, when the table is usually empty: counting them after
   * the insert read every page of the table back (a tenth of the time of
   * finalization, more once the table outgrows the page cache). */
  int64_t before
      = query_int (db, "SELECT EXISTS (SELECT 1 FROM events)", &ok);
  if (ok && before != 0)
    before = query_int (db, "SELECT count(*) FROM events", &ok);
  if (!ok)
    return fail_sqlite (db, error, "events");

  pending p = { NULL, 0, 0 };
  size_t n = 0;
  int rc = braid__batches_open (db, (uint64_t)last + 1, &p.it, &n);
  if (rc != SQLITE_OK)
    return fail (db, rc, error, "batches",
                 rc == SQLITE_CORRUPT ? "a batch of events is malformed"
                                      : NULL);
  rc = sqlite3_create_module_v2 (db, "braid_pending", &pending_module, &p,
                                 NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (db,
                       "INSERT INTO events (kind, t, task, other, object,"
                       " value, reason, line, s1, s2, s3)"
                       " SELECT kind, t, task, other, object, value,"
                       " reason, line, s1, s2, s3 FROM braid_pending",
                       NULL, NULL, NULL);
  /* The statement's message first: unregistering resets it. */
  if (rc != SQLITE_OK)
    {
      char *msg = sqlite3_mprintf ("%s", sqlite3_errmsg (db));
      sqlite3_create_module_v2 (db, "braid_pending", NULL, NULL, NULL);
      braid__batches_close (p.it);
      rc = fail (db, rc, error, "insert events",
                 (rc & 0xff) == SQLITE_NOMEM ? NULL : msg);
      sqlite3_free (msg);
      return rc;
    }
  /* Unregister: p lives on this stack frame only. */
  sqlite3_create_module_v2 (db, "braid_pending", NULL, NULL, NULL);
  braid__batches_close (p.it);
  if (sqlite3_exec (db, braid__indexes_sql, NULL, NULL, NULL) != SQLITE_OK)
    return fail_sqlite (db, error, "indexes");
  /* No batches (a finalized file finalized again): nothing changes. */
  if (n > 0 && keep_packed (db, last == 0) != SQLITE_OK)
    return fail_sqlite (db, error, "batches");
  int64_t total = before + (int64_t)p.n_rows;
  if (set_meta (db, "events", total) != SQLITE_OK
      || set_meta (db, "finalized", 1) != SQLITE_OK)
    return fail_sqlite (db, error, "meta");
  if (clean_end
      && (set_meta (db, "observer_waits", (int64_t)n_waits) != SQLITE_OK
          || set_meta (db, "complete", 1) != SQLITE_OK))
    return fail_sqlite (db, error, "meta");
  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    return fail_sqlite (db, error, "commit");
  /* Give back the pages of batches deleted or dropped (auto_vacuum =
   * INCREMENTAL). */
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
  /* The reader's checks first: a SQLite file, braid's schema, a version
   * this braid reads. Every batch is checked by braid__finalize as it
   * decodes it, and a malformed one rolls the finalization back, so that
   * nothing is written; loading the trace as a whole would take memory
   * in proportion to its events. */
  int rc = braid__trace_check (path, error);
  if (rc != 0)
    return rc;

  sqlite3 *db = NULL;
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK)
    {
      rc = fail_sqlite (db, error, "cannot open for writing");
      sqlite3_close (db);
      return rc;
    }
  sqlite3_db_config (db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (db, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
  sqlite3_limit (db, SQLITE_LIMIT_LENGTH, BRAID__MAX_VALUE_BYTES);
  sqlite3_busy_timeout (db, 2000);
  rc = braid__finalize (db, 0, 0, n_events, error);
  /* Fold the WAL back in, as a clean end does. */
  if (rc == 0)
    sqlite3_exec (db, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  sqlite3_close (db);
  return rc;
}
