/* reader-live.c: traces that are still being written.
 *
 * Owns the liveness of a trace (complete, running, or dead: killed,
 * crashed, stalled), told from the meta the writer keeps (SCHEMA.md,
 * "While recording": meta.pid, host, boot_id, heartbeat_unix_ns,
 * finalizing_unix_ns), and the follower: a reader that keeps its model
 * builder between updates and reads only the rows stored since the last
 * one (batches of a larger id, events of a larger seq, strings of a
 * larger id), then hands out a snapshot of the model built so far
 * (braid__builder_snapshot). The strings of the snapshots live in the
 * follower's arena, shared by reference count, so that a snapshot may
 * outlive the follower and the follower never copies them.
 *
 * The file is opened read-only for the length of one update, in one read
 * transaction: WAL lets the writer commit meanwhile, and because no
 * transaction stays open between updates, the writer's checkpoints and
 * its final switch out of WAL mode are never held up for long.
 * Nothing here is on a hot path. In compact mode (the viewer's) the
 * builder follows (braid__builder_follow): its large arrays sit in
 * reservations that never move and its slices are grouped by task as
 * they close, so an update costs the decoding of its new events plus
 * what is per task, object and problem, and the traces it hands out
 * share the arrays (the reservations are freed with the last of them).
 * Otherwise a snapshot is a copy of the whole model.
 */
#include "trace-private.h"
#include "format/safe-text.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <braid/braid.h>

/* What a follower shares with the traces it makes: the arena of the
 * strings, and the reservations of its builder's large arrays (see
 * braid__builder_follow). A builder made again (restart) gets a new
 * one, which keeps the first, and its arena, alive through prev. */
struct braid__follower_share
{
  _Atomic int refs;
  braid__arena *arena;        /* NULL but in the first */
  braid__live_blocks *blocks; /* NULL when the builder does not follow */
  struct braid__follower_share *prev;
};

void
braid__follower_share_unref (braid__follower_share *shared)
{
  while (shared != NULL && atomic_fetch_sub (&shared->refs, 1) == 1)
    {
      braid__follower_share *prev = shared->prev;
      braid__arena_free (shared->arena);
      braid__live_blocks_free (shared->blocks);
      free (shared);
      shared = prev;
    }
}

/* A finalization that started longer ago than this on another machine,
 * and never ended, is not believed: the writer died while closing. */
#define FINALIZING_LIMIT_NS ((int64_t) 600 * 1000000000)

const char *
braid_trace_liveness_name (braid_trace_liveness liveness)
{
  switch (liveness)
    {
    case BRAID_LIVENESS_COMPLETE:
      return "complete";
    case BRAID_LIVENESS_RUNNING:
      return "running";
    case BRAID_LIVENESS_DEAD:
      return "dead";
    }
  return "unknown";
}

/* This machine's boot id (/proc/sys/kernel/random/boot_id), "" when the
 * system has none; the writer stores the same in meta.boot_id. */
static void
local_boot_id (char *buf, size_t size)
{
  buf[0] = '\0';
  FILE *f = fopen ("/proc/sys/kernel/random/boot_id", "r");
  if (f == NULL)
    return;
  if (fgets (buf, (int) size, f) == NULL)
    buf[0] = '\0';
  fclose (f);
  buf[strcspn (buf, "\n")] = '\0';
}

braid_trace_liveness
braid__trace_liveness (const braid_trace *trace,
                       braid_trace_writer_status *status)
{
  braid_trace_writer_status st = { 0 };
  const braid_trace_meta *m = &trace->meta;
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  int64_t now_ns = (int64_t) now.tv_sec * 1000000000 + now.tv_nsec;
  st.pid = m->pid;
  st.heartbeat_age_ns
    = m->heartbeat_unix_ns > 0 ? now_ns - m->heartbeat_unix_ns : -1;
  st.finalizing = trace->finalizing_unix_ns > 0 && !trace->finalized;

  /* The pid means this process only on the machine, and in the boot,
   * that wrote it; without a boot id, the host name has to do. */
  char boot[64], host[256] = "";
  local_boot_id (boot, sizeof boot);
  if (gethostname (host, sizeof host - 1) != 0)
    host[0] = '\0';
  host[sizeof host - 1] = '\0';
  if (trace->boot_id != NULL && trace->boot_id[0] != '\0' && boot[0] != '\0')
    st.same_host = strcmp (trace->boot_id, boot) == 0;
  else
    st.same_host = trace->host != NULL && trace->host[0] != '\0'
                   && strcmp (trace->host, host) == 0;
  if (st.same_host && m->pid > 0)
    st.pid_alive = kill ((pid_t) m->pid, 0) == 0 || errno == EPERM;

  bool fresh = st.heartbeat_age_ns >= 0
               && st.heartbeat_age_ns < BRAID_TRACE_HEARTBEAT_STALE_NS;
  if (m->complete)
    st.liveness = BRAID_LIVENESS_COMPLETE;
  else if (trace->finalized || m->heartbeat_unix_ns == 0)
    /* Repaired, or written before heartbeats: nobody writes it. */
    st.liveness = BRAID_LIVENESS_DEAD;
  else if (st.same_host)
    /* A live pid with a stale heartbeat is another process that got the
     * pid, or a writer that stopped writing: dead either way, unless it
     * is busy finalizing (one long transaction without heartbeats). */
    st.liveness = st.pid_alive && (fresh || st.finalizing)
                    ? BRAID_LIVENESS_RUNNING
                    : BRAID_LIVENESS_DEAD;
  else
    st.liveness
      = fresh || (st.finalizing
                  && now_ns - trace->finalizing_unix_ns < FINALIZING_LIMIT_NS)
          ? BRAID_LIVENESS_RUNNING
          : BRAID_LIVENESS_DEAD;
  if (status != NULL)
    *status = st;
  return st.liveness;
}

int
braid_trace_probe (const char *path, braid_trace_writer_status *out,
                   char **error)
{
  if (error != NULL)
    *error = NULL;
  if (out != NULL)
    memset (out, 0, sizeof *out);
  braid_trace *trace = calloc (1, sizeof *trace);
  if (trace == NULL || (trace->arena = braid__arena_new ()) == NULL)
    {
      free (trace);
      return BRAID_ENOMEM;
    }
  sqlite3 *db = NULL;
  int rc = braid__trace_open_db (path ? path : "(null)", &db, error);
  if (rc == 0)
    rc = braid__trace_load_meta (trace, db, path, error);
  uint64_t n_batches = 0;
  if (rc == 0)
    {
      sqlite3_stmt *st = NULL;
      int src = SQLITE_OK;
      if (braid__has_table (db, "batches", &src)
          && sqlite3_prepare_v2 (db, "SELECT count(*) FROM batches", -1,
                                 &st, NULL)
               == SQLITE_OK
          && sqlite3_step (st) == SQLITE_ROW)
        n_batches = (uint64_t) sqlite3_column_int64 (st, 0);
      sqlite3_finalize (st);
    }
  if (db != NULL)
    sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
  if (rc == 0 && out != NULL)
    {
      braid__trace_liveness (trace, out);
      out->n_batches = n_batches;
    }
  braid_trace_close (trace);
  return rc;
}

/* ---------------------------------------------------------------------
 * The follower
 * ------------------------------------------------------------------ */

struct braid_trace_follower
{
  char *path;
  braid_trace_load_options options; /* compact and progress only */
  /* The model's base: meta and strings (in the shared arena, which is
   * base->arena), what the builder reads names from. */
  braid_trace *base;
  braid__follower_share *shared;
  braid__builder *builder;
  uint64_t n_fed;          /* events handed to the builder */
  int64_t last_batch;      /* the largest batches.id read */
  size_t producers;        /* most producers seen in one read of batches */
  bool from_batches;       /* some events were read from batches */
  uint64_t strings_done;   /* every string id up to this one is loaded */
  braid_trace_liveness liveness;
  bool started;            /* the first update is done */
};

/* Stores "PATH: @what" in *@error unless a message is there already,
 * made safe for a terminal as every message of the reader is (the path
 * is the caller's bytes). Returns @code. */
static int
fail (const braid_trace_follower *f, char **error, int code,
      const char *what)
{
  braid__error_printf (error, "%s: %s", f->path, what);
  return code;
}

/* Resets what was derived, to read the file from its start again (see
 * follow_update: a finalization that reordered a multi-thread trace). */
static int
restart (braid_trace_follower *f)
{
  if (f->shared->blocks != NULL)
    {
      /* The traces made so far keep the builder's blocks: the new
       * builder's go in a new share, which keeps the old one. Made
       * before the builder is freed, so that running out of memory here
       * leaves the follower as it was. */
      braid__follower_share *next = calloc (1, sizeof *next);
      if (next == NULL)
        return BRAID_ENOMEM;
      atomic_store (&next->refs, 1);
      next->prev = f->shared;
      f->shared = next;
    }
  braid__builder_free (f->builder);
  f->builder = NULL;
  f->base->compact = f->options.compact;
  f->builder = braid__builder_new (f->base);
  /* A builder that cannot follow (no room for its reservations) makes
   * each trace from a copy of itself instead: slower, as correct. */
  if (f->builder != NULL && f->options.compact)
    braid__builder_follow (f->builder, &f->shared->blocks);
  f->n_fed = 0;
  f->last_batch = INT64_MIN;
  f->producers = 0;
  f->from_batches = false;
  return f->builder ? 0 : BRAID_ENOMEM;
}

/* Loads the strings not loaded yet (their ids are dense, from 1; several
 * recording threads may commit them out of order, so the query starts
 * after the last id below which every string is present). */
static int
load_new_strings (braid_trace_follower *f, sqlite3 *db, char **error)
{
  braid_trace *t = f->base;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (db,
                               "SELECT id, text FROM strings WHERE id > ?1"
                               " AND id <= 4294967295 ORDER BY id",
                               -1, &st, NULL);
  if (rc != SQLITE_OK)
    return braid__trace_sqlite_failure (error, f->path, db, rc);
  sqlite3_bind_int64 (st, 1, (sqlite3_int64) f->strings_done);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      uint64_t id = (uint64_t) sqlite3_column_int64 (st, 0);
      /* The recorder numbers strings without gaps: an id far beyond what
       * the rows justify is a hostile file, not a reason to allocate. */
      if (id > 2 * (t->n_strings + 4096))
        continue;
      if (id >= t->n_strings)
        {
          size_t n = t->n_strings ? t->n_strings : 1024;
          while (n <= id)
            n *= 2;
          char **grown = realloc (t->strings, n * sizeof *grown);
          if (grown == NULL)
            {
              sqlite3_finalize (st);
              return BRAID_ENOMEM;
            }
          memset (grown + t->n_strings, 0,
                  (n - t->n_strings) * sizeof *grown);
          t->strings = grown;
          t->n_strings = n;
        }
      if (t->strings[id] != NULL)
        continue;
      const unsigned char *text = sqlite3_column_text (st, 1);
      int len = sqlite3_column_bytes (st, 1);
      char *copy = braid__arena_strndup (
        t->arena, text ? (const char *) text : "", len > 0 ? (size_t) len : 0);
      if (copy == NULL)
        {
          sqlite3_finalize (st);
          return BRAID_ENOMEM;
        }
      t->strings[id] = copy;
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return braid__trace_sqlite_failure (error, f->path, db, rc);
  while (f->strings_done + 1 < t->n_strings
         && t->strings[f->strings_done + 1] != NULL)
    f->strings_done++;
  return 0;
}

/* The meta keys that change while a trace is written, into the base. */
static int
load_volatile_meta (braid_trace_follower *f, sqlite3 *db, char **error)
{
  braid_trace *t = f->base;
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (
    db,
    "SELECT key, value FROM meta WHERE key IN ('complete', 'finalized',"
    " 'heartbeat_unix_ns', 'finalizing_unix_ns', 'clock', 'start_unix_ns')",
    -1, &st, NULL);
  if (rc != SQLITE_OK)
    return braid__trace_sqlite_failure (error, f->path, db, rc);
  bool replaced = false;
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (st, 0);
      int64_t num = sqlite3_column_int64 (st, 1);
      if (key == NULL)
        continue;
      if (strcmp (key, "complete") == 0)
        t->meta.complete = num == 1;
      else if (strcmp (key, "finalized") == 0)
        t->finalized = num == 1;
      else if (strcmp (key, "heartbeat_unix_ns") == 0)
        t->meta.heartbeat_unix_ns = num > 0 ? num : 0;
      else if (strcmp (key, "finalizing_unix_ns") == 0)
        t->finalizing_unix_ns = num > 0 ? num : 0;
      else if (strcmp (key, "start_unix_ns") == 0)
        /* Clamped as braid_trace_meta's (reader.c). */
        replaced = (num < 0                     ? 0
                    : num > (int64_t) 1 << 62 ? (int64_t) 1 << 62
                                              : num)
                   != t->meta.start_unix_ns;
      else if (strcmp (key, "clock") == 0)
        {
          /* It changes once, from "unknown": no copy per update. */
          const char *text = (const char *) sqlite3_column_text (st, 1);
          if (text != NULL && strcmp (text, "monotonic") == 0)
            t->meta.clock = "monotonic";
          else if (text != NULL && strcmp (text, "virtual") == 0)
            t->meta.clock = "virtual";
        }
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return braid__trace_sqlite_failure (error, f->path, db, rc);
  if (replaced)
    {
      /* Another recording took the path (braid run again): what it holds
       * does not follow what was read. */
      return fail (f, error, BRAID_EINVAL,
                   "the trace was replaced by another recording");
    }
  return 0;
}

/* Hands the events rows after the ones fed to the builder. */
static int
feed_rows (braid_trace_follower *f, sqlite3 *db, char **error)
{
  sqlite3_stmt *st = NULL;
  int rc = sqlite3_prepare_v2 (db,
                               "SELECT seq, kind, t, task, other, object,"
                               " value, reason, line, s1, s2, s3 FROM events"
                               " WHERE seq > ?1 ORDER BY seq",
                               -1, &st, NULL);
  if (rc != SQLITE_OK)
    return braid__trace_sqlite_failure (error, f->path, db, rc);
  sqlite3_bind_int64 (st, 1, (sqlite3_int64) f->n_fed);
  while ((rc = sqlite3_step (st)) == SQLITE_ROW)
    {
      braid__ev ev;
      braid__trace_row_event (st, &ev);
      if (braid__builder_add (f->builder, &ev) != 0)
        {
          sqlite3_finalize (st);
          return BRAID_ENOMEM;
        }
      /* Rows are numbered from 1 without gaps in a braid file; a file
       * that skips numbers is read as it is. */
      f->n_fed = ev.seq > f->n_fed ? ev.seq : f->n_fed + 1;
    }
  sqlite3_finalize (st);
  if (rc != SQLITE_DONE)
    return braid__trace_sqlite_failure (error, f->path, db, rc);
  return 0;
}

/* Hands the events of the batches stored since the last update. */
static int
feed_batches (braid_trace_follower *f, sqlite3 *db, char **error)
{
  braid__batches *it = NULL;
  size_t n = 0;
  int rc = braid__batches_open_after (db, f->n_fed + 1, f->last_batch, &it,
                                      &n);
  if (rc == SQLITE_OK && it != NULL)
    {
      braid__rec ev;
      size_t i = 0;
      while ((rc = braid__batches_next (it, &ev)) == SQLITE_ROW)
        {
          if (braid__builder_add (f->builder, &ev) != 0)
            {
              braid__batches_close (it);
              return BRAID_ENOMEM;
            }
          f->n_fed++;
          if ((++i & 0xffff) == 0 && f->options.progress != NULL
              && !f->started
              && !f->options.progress (0.9 * (double) i / (double) n,
                                       f->options.progress_data))
            {
              braid__batches_close (it);
              return fail (f, error, BRAID_ECANCELLED, "loading cancelled");
            }
        }
      if (rc == SQLITE_DONE)
        rc = SQLITE_OK;
      if (n > 0)
        f->from_batches = true;
      size_t p = braid__batches_n_producers (it);
      f->producers = p > f->producers ? p : f->producers;
      f->last_batch = braid__batches_last_id (it);
      braid__batches_close (it);
    }
  if (rc == SQLITE_CORRUPT)
    {
      return fail (f, error, BRAID_EINVAL,
                   "the file is corrupted (a batch of events is malformed)");
    }
  if (rc == SQLITE_NOMEM)
    return BRAID_ENOMEM;
  if (rc != SQLITE_OK)
    return braid__trace_sqlite_failure (error, f->path, db, rc);
  return 0;
}

/* One update: reads what is new in the read transaction of @db. Sets
 * *grew when events were added. */
static int
read_new_in (braid_trace_follower *f, sqlite3 *db, bool *grew, char **error)
{
  uint64_t before = f->n_fed;
  bool was_finalized = f->base->finalized;
  int rc = load_volatile_meta (f, db, error);
  if (rc == 0 && f->builder == NULL)
    /* A restart that ran out of memory left no builder: start again. */
    rc = restart (f);
  else if (rc == 0 && f->base->finalized && !was_finalized
           && f->from_batches && f->producers > 1)
    /* Finalization numbered the events of several threads in one merge,
     * which may order them differently from the updates that read them
     * a batch at a time: read the file again, in its final order. */
    rc = restart (f);
  if (rc == 0)
    rc = load_new_strings (f, db, error);
  if (rc == 0)
    rc = feed_rows (f, db, error);
  if (rc == 0 && !f->base->finalized)
    rc = feed_batches (f, db, error);
  if (rc == 0 && before != f->n_fed)
    *grew = true;
  if (rc == BRAID_ENOMEM)
    fail (f, error, rc, "out of memory while loading the trace");
  return rc;
}

/* One update: opens the file for one read transaction and reads what is
 * new (read_new_in). */
static int
read_new (braid_trace_follower *f, bool *grew, char **error)
{
  sqlite3 *db = NULL;
  int rc = braid__trace_open_db (f->path, &db, error);
  if (rc != 0)
    return rc;
  rc = read_new_in (f, db, grew, error);
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
  return rc;
}

/* A snapshot of the model so far, in a new trace. */
static int
snapshot (braid_trace_follower *f, braid_trace **out, char **error)
{
  braid_trace *t = calloc (1, sizeof *t);
  if (t == NULL || (t->arena = braid__arena_new ()) == NULL)
    {
      free (t);
      goto nomem;
    }
  atomic_fetch_add (&f->shared->refs, 1);
  t->shared = f->shared;
  t->meta = f->base->meta;
  t->meta.n_events = f->n_fed;
  t->meta.liveness = f->liveness;
  t->host = f->base->host;
  t->boot_id = f->base->boot_id;
  t->finalizing_unix_ns = f->base->finalizing_unix_ns;
  t->finalized = f->base->finalized;
  /* The pointers to the strings, not their bytes: the base's array grows
   * (and moves) with later updates. */
  size_t ns = f->base->n_strings;
  if (ns > 0)
    {
      t->strings = malloc (ns * sizeof *t->strings);
      if (t->strings == NULL)
        {
          braid_trace_close (t);
          goto nomem;
        }
      memcpy (t->strings, f->base->strings, ns * sizeof *t->strings);
      t->n_strings = ns;
    }
  braid_trace_load_options opts = { 0 };
  opts.compact = f->options.compact;
  if (braid__builder_snapshot (f->builder, t, &opts) != 0)
    {
      braid_trace_close (t);
      goto nomem;
    }
  *out = t;
  return 0;

nomem:
  return fail (f, error, BRAID_ENOMEM,
               "out of memory while loading the trace");
}

int
braid_trace_follow (const char *path, const braid_trace_load_options *options,
                    braid_trace_follower **out, braid_trace **first,
                    char **error)
{
  if (error != NULL)
    *error = NULL;
  if (out != NULL)
    *out = NULL;
  if (first != NULL)
    *first = NULL;
  if (path == NULL || out == NULL || first == NULL)
    return BRAID_EINVAL;
  braid_trace_follower *f = calloc (1, sizeof *f);
  if (f == NULL || (f->path = strdup (path)) == NULL)
    {
      free (f);
      return BRAID_ENOMEM;
    }
  if (options != NULL)
    {
      f->options.compact = options->compact;
      f->options.progress = options->progress;
      f->options.progress_data = options->progress_data;
    }
  f->base = calloc (1, sizeof *f->base);
  f->shared = calloc (1, sizeof *f->shared);
  int rc = BRAID_ENOMEM;
  if (f->shared != NULL)
    atomic_store (&f->shared->refs, 1);
  if (f->base == NULL || f->shared == NULL
      || (f->shared->arena = braid__arena_new ()) == NULL)
    goto fail;
  f->base->arena = f->shared->arena;
  /* The meta and the first events in one read transaction: the file is
   * opened once, and the first snapshot is of one state of it. */
  sqlite3 *db = NULL;
  rc = braid__trace_open_db (path, &db, error);
  if (rc == 0)
    rc = braid__trace_load_meta (f->base, db, path, error);
  if (rc == 0)
    rc = restart (f);
  bool grew = false;
  if (rc == 0)
    rc = read_new_in (f, db, &grew, error);
  if (db != NULL)
    sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  sqlite3_close (db);
  if (rc != 0)
    goto fail;
  f->liveness = braid__trace_liveness (f->base, NULL);
  f->base->meta.liveness = f->liveness;
  rc = snapshot (f, first, error);
  if (rc != 0)
    goto fail;
  f->started = true;
  if (f->options.progress != NULL)
    f->options.progress (1.0, f->options.progress_data);
  *out = f;
  return 0;

fail:
  braid_trace_follower_free (f);
  return rc;
}

int
braid_trace_follower_update (braid_trace_follower *f, braid_trace **out,
                             char **error)
{
  if (error != NULL)
    *error = NULL;
  *out = NULL;
  bool grew = false;
  int rc = read_new (f, &grew, error);
  if (rc != 0)
    return rc;
  braid_trace_liveness was = f->liveness;
  f->liveness = braid__trace_liveness (f->base, NULL);
  f->base->meta.liveness = f->liveness;
  if (!grew && was == f->liveness)
    return 0;
  rc = snapshot (f, out, error);
  return rc != 0 ? rc : 1;
}

braid_trace_liveness
braid_trace_follower_liveness (const braid_trace_follower *f)
{
  return f->liveness;
}

void
braid_trace_follower_free (braid_trace_follower *f)
{
  if (f == NULL)
    return;
  braid__builder_free (f->builder);
  if (f->base != NULL)
    {
      /* The arena is the shared one: the reference below lets it go. */
      f->base->arena = NULL;
      braid_trace_close (f->base);
    }
  braid__follower_share_unref (f->shared);
  free (f->path);
  free (f);
}
