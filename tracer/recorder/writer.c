/* writer.c: the thread that stores recorded events in SQLite.
 *
 * Owns the trace file while it is being written: creating the schema and
 * the meta rows, then a loop that drains every producer's ring, packing
 * what it takes from one ring into ONE row of the batches table (codec.c:
 * a few bytes per event), in transactions (WAL, synchronous=NORMAL) that
 * span the drains of a busy writer and end as soon as it catches up, or
 * after COMMIT_NS, and at the clean end the finalization (finalize.c)
 * that expands the batches into the events table and marks the trace
 * complete. The hot path here is drain(): it bounds a batch, and it never
 * holds a lock the runtime threads need.
 *
 * If SQLite fails (disk full...), the writer reports it once on stderr and
 * keeps draining the rings without storing, so the traced program is never
 * blocked by a broken trace.
 */
#include "trace-private.h"

#include <errno.h>
#include <signal.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <braid/braid.h>

/* Events per drain: at 2 million events per second, 30 ms. */
#define MAX_BATCH (1u << 16)
#define IDLE_WAIT_MS 10
/* A drain smaller than this means the writer has caught up: it pauses
 * BUSY_WAIT_MS instead of polling the rings again at once. Polling right
 * behind the producer would pull every cache line of the ring (and the
 * line of its head) over to the writer's core as soon as it is written,
 * which the recording thread pays for at its next store; the producer
 * wakes the writer every half ring anyway. */
#define MIN_DRAIN 4096
/* How many records the writer encodes before it gives their slots back
 * to the producer (the ring's tail): a producer that found its ring full
 * goes on after this many, not after the whole drain has been encoded
 * and inserted into SQLite. Encoded records no longer need their slots:
 * the batch's blob and the strings table hold what they said. */
#define RELEASE_EVERY 2048
#define BUSY_WAIT_MS 1
/* How often meta.heartbeat_unix_ns is refreshed (SCHEMA.md, "While
 * recording"): readers call a trace whose heartbeat is older than a few
 * beats, and which is not finalized, the trace of a dead writer. */
#define HEARTBEAT_NS 250000000
/* The longest a transaction stays open while the writer is busy: what a
 * reader following the recording (braid-viewer) lags behind at most. A
 * commit writes the WAL frames of every page the transaction touched,
 * and the last, partly filled page of the batches again: one commit per
 * drain would rewrite it once per drain. */
#define COMMIT_NS 50000000

typedef struct writer
{
  sqlite3 *db;
  sqlite3_stmt *insert_batch;
  sqlite3_stmt *insert_string;
  sqlite3_stmt *set_meta;
  sqlite3_stmt *begin, *commit; /* prepared once: no parse per drain */
  int in_txn;
  int64_t txn_start; /* CLOCK_MONOTONIC ns of the open transaction's BEGIN */
  uint8_t *blob; /* MAX_BATCH * BRAID__MAX_ENCODED_REC bytes */
  int failed;
  int saw_clock;
  int saw_base;
  int64_t next_beat; /* CLOCK_MONOTONIC ns of the next heartbeat */
} writer;

static writer the_writer;

static void
report_sqlite (writer *w, const char *what)
{
  if (!w->failed)
    fprintf (stderr, "braid-trace: %s: %s: tracing stops storing events\n",
             what, sqlite3_errmsg (w->db));
  w->failed = 1;
}

static int
exec (writer *w, const char *sql)
{
  char *msg = NULL;
  int rc = sqlite3_exec (w->db, sql, NULL, NULL, &msg);
  if (rc != SQLITE_OK)
    {
      fprintf (stderr, "braid-trace: %s: %s\n", braid__the_session.path,
               msg ? msg : sqlite3_errstr (rc));
      sqlite3_free (msg);
      return -1;
    }
  return 0;
}

static void
set_meta_text (writer *w, const char *key, const char *value)
{
  sqlite3_bind_text (w->set_meta, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_text (w->set_meta, 2, value, -1, SQLITE_TRANSIENT);
  if (sqlite3_step (w->set_meta) != SQLITE_DONE)
    report_sqlite (w, "meta");
  sqlite3_reset (w->set_meta);
}

static void
set_meta_int (writer *w, const char *key, int64_t value)
{
  sqlite3_bind_text (w->set_meta, 1, key, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (w->set_meta, 2, value);
  if (sqlite3_step (w->set_meta) != SQLITE_DONE)
    report_sqlite (w, "meta");
  sqlite3_reset (w->set_meta);
}

static int64_t
clock_ns (clockid_t clock)
{
  struct timespec now;
  clock_gettime (clock, &now);
  return (int64_t) now.tv_sec * 1000000000 + now.tv_nsec;
}

/* Refreshes meta.heartbeat_unix_ns when HEARTBEAT_NS has passed since the
 * last refresh (or always, when @force), in a transaction of its own, or
 * in a busy writer's open one, which commits within COMMIT_NS. Four
 * small commits a second at most. */
static void
heartbeat (writer *w, int force)
{
  int64_t now = clock_ns (CLOCK_MONOTONIC);
  if (w->failed || (!force && now < w->next_beat))
    return;
  w->next_beat = now + HEARTBEAT_NS;
  set_meta_int (w, "heartbeat_unix_ns", clock_ns (CLOCK_REALTIME));
}

/* meta.host and meta.boot_id: which machine, and which boot of it, the
 * writer runs on, so that a reader checks meta.pid only where that pid
 * means this process (SCHEMA.md). */
static void
set_meta_host (writer *w)
{
  char host[256] = "";
  if (gethostname (host, sizeof host - 1) != 0)
    host[0] = '\0';
  host[sizeof host - 1] = '\0';
  set_meta_text (w, "host", host);
  char boot[64] = "";
  FILE *f = fopen ("/proc/sys/kernel/random/boot_id", "r");
  if (f != NULL)
    {
      if (fgets (boot, sizeof boot, f) == NULL)
        boot[0] = '\0';
      fclose (f);
    }
  boot[strcspn (boot, "\n")] = '\0';
  set_meta_text (w, "boot_id", boot);
}

/* Reads /proc/self/cmdline: argv[0] into *program, the rest joined with
 * spaces into *arguments. Both are malloc'd ("" when unknown). */
static void
read_cmdline (char **program, char **arguments)
{
  char buf[8192];
  size_t len = 0;
  FILE *f = fopen ("/proc/self/cmdline", "rb");
  if (f != NULL)
    {
      len = fread (buf, 1, sizeof buf - 1, f);
      fclose (f);
    }
  buf[len] = '\0';
  size_t first = strnlen (buf, len);
  *program = strdup (buf);
  char *rest = first < len ? buf + first + 1 : buf + len;
  size_t rest_len = buf + len - rest;
  for (size_t i = 0; i < rest_len; i++)
    if (rest[i] == '\0' && i + 1 < rest_len)
      rest[i] = ' ';
  *arguments = strdup (rest);
}

static int
create_file (writer *w, braid__session *s)
{
  static const char *const suffixes[] = { "", "-wal", "-shm", "-journal" };
  for (size_t i = 0; i < 4; i++)
    {
      char name[4096];
      snprintf (name, sizeof name, "%s%s", s->path, suffixes[i]);
      if (unlink (name) != 0 && errno != ENOENT)
        {
          fprintf (stderr, "braid-trace: cannot replace %s: %s\n", name,
                   strerror (errno));
          return BRAID_EINVAL;
        }
    }
  int rc = sqlite3_open_v2 (s->path, &w->db,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                              | SQLITE_OPEN_NOMUTEX,
                            NULL);
  if (rc != SQLITE_OK)
    {
      fprintf (stderr, "braid-trace: cannot create %s: %s\n", s->path,
               w->db ? sqlite3_errmsg (w->db) : sqlite3_errstr (rc));
      sqlite3_close (w->db);
      w->db = NULL;
      return BRAID_EINVAL;
    }
  /* A reader of the growing file (braid report, the viewer following it)
   * may hold the WAL's write lock for a moment: a read-only connection
   * that finds the WAL index mid-update rebuilds it under that lock. Wait
   * for it rather than stop storing events on a transient "database is
   * locked". Only the writer thread waits; the ring absorbs the events. */
  sqlite3_busy_timeout (w->db, 10000);
  /* Page size first: it only applies to a new, empty file. A large page
   * spends fewer bytes per event on page headers. The application id
   * (SCHEMA.md, "Recognising a trace") before WAL mode: it is the first
   * write, so the file's own header carries it even when the recording
   * is killed before any checkpoint. */
  char pragmas[512];
  snprintf (pragmas, sizeof pragmas,
            "PRAGMA page_size = 16384;"
            "PRAGMA auto_vacuum = INCREMENTAL;"
            "PRAGMA application_id = %d;"
            "PRAGMA journal_mode = WAL;"
            "PRAGMA synchronous = NORMAL;"
            "PRAGMA cache_size = -16384;"
            "PRAGMA wal_autocheckpoint = 4096;",
            BRAID_TRACE_APPLICATION_ID);
  if (exec (w, pragmas) != 0
      || exec (w, "BEGIN") != 0 || exec (w, braid__schema_sql) != 0
      || exec (w, braid__views_sql) != 0
      || exec (w, braid__indexes_sql) != 0)
    return BRAID_EINVAL;

  char sql[128];
  snprintf (sql, sizeof sql, "PRAGMA user_version = %d;",
            BRAID_TRACE_SCHEMA_VERSION);
  if (exec (w, sql) != 0)
    return BRAID_EINVAL;

  sqlite3_stmt *st = NULL;
  const char *const tables[3] = { "event_kinds", "wait_reasons",
                                  "object_kinds" };
  for (int tab = 0; tab < 3; tab++)
    {
      snprintf (sql, sizeof sql, "INSERT INTO %s VALUES (?, ?)",
                tables[tab]);
      if (sqlite3_prepare_v2 (w->db, sql, -1, &st, NULL) != SQLITE_OK)
        return BRAID_EINVAL;
      int count = tab == 0   ? BRAID_EV_KIND_COUNT
                  : tab == 1 ? BRAID_WAIT_REASON_COUNT
                             : BRAID_OBJ_KIND_COUNT;
      for (int i = tab == 1 ? 0 : 1; i < count; i++)
        {
          if (tab == 0 && i == BRAID_EV_TASK_SWITCHED)
            continue; /* expanded when decoded: never in events */
          const char *name = tab == 0   ? braid__event_kind_names[i]
                             : tab == 1 ? braid_trace_wait_reason_name (i)
                                        : braid__object_kind_name (i);
          sqlite3_bind_int (st, 1, i);
          sqlite3_bind_text (st, 2, name, -1, SQLITE_STATIC);
          sqlite3_step (st);
          sqlite3_reset (st);
        }
      sqlite3_finalize (st);
    }

  if (sqlite3_prepare_v2 (w->db,
                          "INSERT OR REPLACE INTO meta VALUES (?, ?)", -1,
                          &w->set_meta, NULL)
      != SQLITE_OK)
    return BRAID_EINVAL;
  char *program, *arguments;
  read_cmdline (&program, &arguments);
  if (s->program != NULL)
    {
      /* The starter named the program (an interpreter's script). */
      free (program);
      free (arguments);
      program = strdup (s->program);
      arguments = strdup (s->arguments ? s->arguments : "");
    }
  struct timespec now;
  clock_gettime (CLOCK_REALTIME, &now);
  set_meta_int (w, "schema_version", BRAID_TRACE_SCHEMA_VERSION);
  set_meta_text (w, "program", program ? program : "");
  set_meta_text (w, "arguments", arguments ? arguments : "");
  set_meta_int (w, "start_unix_ns",
                (int64_t) now.tv_sec * 1000000000 + now.tv_nsec);
  /* The same moment on the monotonic clock, which every process of one
   * boot shares and which never jumps: files of one run line up on it
   * (SCHEMA.md, "Several files of one run"). */
  struct timespec mono;
  clock_gettime (CLOCK_MONOTONIC, &mono);
  set_meta_int (w, "start_monotonic_ns",
                (int64_t) mono.tv_sec * 1000000000 + mono.tv_nsec);
  set_meta_text (w, "clock", "unknown");
  set_meta_text (w, "braid_version", BRAID_VERSION_STRING);
  set_meta_int (w, "complete", 0);
  set_meta_int (w, "pid", (int64_t) getpid ());
  set_meta_text (w, "run_id", s->run_id);
  set_meta_host (w);
  heartbeat (w, 1);
  free (program);
  free (arguments);
  if (w->failed || exec (w, "COMMIT") != 0)
    return BRAID_EINVAL;

  if (sqlite3_prepare_v3 (w->db,
                          "INSERT INTO batches (producer, first_seq,"
                          " last_seq, n, data) VALUES (?, ?, ?, ?, ?)",
                          -1, SQLITE_PREPARE_PERSISTENT, &w->insert_batch,
                          NULL)
        != SQLITE_OK
      || sqlite3_prepare_v3 (w->db, "INSERT INTO strings VALUES (?, ?)", -1,
                             SQLITE_PREPARE_PERSISTENT, &w->insert_string,
                             NULL)
           != SQLITE_OK
      || sqlite3_prepare_v3 (w->db, "BEGIN", -1, SQLITE_PREPARE_PERSISTENT,
                             &w->begin, NULL)
           != SQLITE_OK
      || sqlite3_prepare_v3 (w->db, "COMMIT", -1, SQLITE_PREPARE_PERSISTENT,
                             &w->commit, NULL)
           != SQLITE_OK)
    {
      fprintf (stderr, "braid-trace: %s: %s\n", s->path,
               sqlite3_errmsg (w->db));
      return BRAID_EINVAL;
    }
  w->blob = malloc ((size_t) MAX_BATCH * BRAID__MAX_ENCODED_REC);
  if (w->blob == NULL)
    return BRAID_ENOMEM;
  return 0;
}

static void
store_string (writer *w, const braid__slot *r)
{
  if (w->failed)
    return;
  sqlite3_bind_int64 (w->insert_string, 1, r->c.reason);
  sqlite3_bind_text (w->insert_string, 2, (const char *) (uintptr_t) r->w[2],
                     -1, SQLITE_STATIC);
  if (sqlite3_step (w->insert_string) != SQLITE_DONE)
    report_sqlite (w, "insert string");
  sqlite3_reset (w->insert_string);
}

/* Packs the records of @p from @tail up to @limit (strings go to their
 * table) into one row of batches, giving the slots encoded back to the
 * producer every RELEASE_EVERY records. A wide record that starts before
 * @limit is taken whole (the producer publishes whole records, so it is
 * there). Returns the ring position after the last record taken (the
 * caller gives those slots back). */
static uint64_t
store_batch (writer *w, braid__producer *p, uint64_t tail, uint64_t limit)
{
  braid__enc_state st = { 0 };
  uint64_t first_seq = 0;
  size_t len = 0, n = 0;
  uint64_t seq = p->w_seq;
  int64_t t = p->w_t;
  uint64_t i = tail, released = tail;
  while (i < limit)
    {
      if (n != 0)
        {
          /* The common case: a run of compact records, encoded straight
           * from the ring, RELEASE_EVERY at most at a time. */
          uint64_t stop
              = limit - i > RELEASE_EVERY ? i + RELEASE_EVERY : limit;
          len += braid__batch_encode_run (w->blob + len, &st, p->ring,
                                          p->mask, &i, stop, &n);
          if (i - released >= RELEASE_EVERY)
            {
              atomic_store_explicit (&p->tail, i, memory_order_release);
              released = i;
            }
          if (i >= limit)
            break;
          if (i == stop)
            continue; /* more compact records, past the release */
        }
      const braid__slot *slot = &p->ring[i & p->mask];
      braid__rec rec;
      uint64_t w0 = slot->w[0];
      uint32_t kind = (uint32_t) w0;
      if (kind != BRAID__SLOT_WIDE)
        {
          if (kind == BRAID__REC_STRING)
            {
              store_string (w, slot);
              i++;
              continue;
            }
          uint64_t w1 = slot->w[1], w2 = slot->w[2], w3 = slot->w[3];
          rec = (braid__rec) {
            .seq = st.seq + 1,
            .t = (int64_t) ((uint64_t) st.t + (uint32_t) w1),
            .task = (uint32_t) w2,
            .other = w2 >> 32,
            .object = (uint32_t) w3,
            .value = (int32_t) (uint32_t) (w3 >> 32),
            .kind = kind,
            .reason = (uint32_t) (w0 >> 32),
            .line = (int32_t) (uint32_t) (w1 >> 32),
          };
          if (n == 0)
            {
              /* st starts at zero: the ring's previous event is in
               * the running values. */
              rec.seq = seq + 1;
              rec.t = (int64_t) ((uint64_t) t + (uint32_t) w1);
            }
          i++;
        }
      else
        {
          memcpy (&rec, (const char *) slot + BRAID__WIDE_OFFSET, sizeof rec);
          i += BRAID__WIDE_SLOTS;
        }
      const braid__rec *r = &rec;
      if (r->kind == BRAID_EV_LOOP_CREATED && !w->saw_clock && !w->failed)
        {
          w->saw_clock = 1;
          set_meta_text (w, "clock",
                         r->value == BRAID_CLOCK_VIRTUAL ? "virtual"
                                                         : "monotonic");
        }
      if (n == 0)
        first_seq = r->seq;
      len += braid__batch_encode (w->blob + len, &st, r);
      n += braid__rec_span (r->kind, r->line);
    }
  if (n != 0)
    {
      seq = st.seq;
      t = st.t;
    }
  if (n != 0 && !w->failed)
    {
      sqlite3_bind_int64 (w->insert_batch, 1, p->id);
      sqlite3_bind_int64 (w->insert_batch, 2, (sqlite3_int64) first_seq);
      sqlite3_bind_int64 (w->insert_batch, 3, (sqlite3_int64) st.seq);
      sqlite3_bind_int64 (w->insert_batch, 4, (sqlite3_int64) n);
      sqlite3_bind_blob (w->insert_batch, 5, w->blob, (int) len,
                         SQLITE_STATIC);
      if (sqlite3_step (w->insert_batch) != SQLITE_DONE)
        report_sqlite (w, "insert batch");
      sqlite3_reset (w->insert_batch);
    }
  p->w_seq = seq;
  p->w_t = t;
  atomic_fetch_add (&braid__the_session.n_events, (uint64_t) n);
  return i;
}

/* Runs the prepared statement @st (BEGIN or COMMIT), reporting a
 * failure as @what. */
static void
step_txn (writer *w, sqlite3_stmt *st, const char *what)
{
  if (sqlite3_step (st) != SQLITE_DONE)
    report_sqlite (w, what);
  sqlite3_reset (st);
}

/* Ends the open transaction, if any: what it stored becomes visible to
 * readers and survives a kill. */
static void
commit (writer *w, braid__session *s)
{
  if (!w->in_txn)
    return;
  w->in_txn = 0;
  if (w->failed)
    return;
  if (!w->saw_base)
    {
      int64_t base = atomic_load (&s->time_base);
      if (base != INT64_MIN)
        {
          w->saw_base = 1;
          set_meta_int (w, "time_base_ns", base);
        }
    }
  step_txn (w, w->commit, "commit");
}

/* Moves what the rings hold into the open transaction (begun here when
 * none is: writer_main commits it). Returns the number of records
 * taken. */
static size_t
drain (writer *w, braid__session *s)
{
  pthread_mutex_lock (&s->mutex);
  braid__producer *list = s->producers;
  pthread_mutex_unlock (&s->mutex);

  size_t taken = 0;
  /* Producers are only ever added at the head of the list, and never
   * removed while the writer runs, so walking it unlocked is safe. */
  for (braid__producer *p = list; p != NULL && taken < MAX_BATCH;
       p = p->next)
    {
      uint64_t tail = atomic_load_explicit (&p->tail, memory_order_relaxed);
      uint64_t head = atomic_load_explicit (&p->head, memory_order_acquire);
      if (head == tail)
        continue;
      if (head - tail > MAX_BATCH - taken)
        head = tail + (MAX_BATCH - taken);
      if (!w->in_txn && !w->failed)
        {
          step_txn (w, w->begin, "begin");
          w->in_txn = 1;
          w->txn_start = clock_ns (CLOCK_MONOTONIC);
        }
      head = store_batch (w, p, tail, head);
      taken += head - tail;
      atomic_store_explicit (&p->tail, head, memory_order_release);
    }
  return taken;
}

static void
release (writer *w)
{
  sqlite3_finalize (w->insert_batch);
  sqlite3_finalize (w->insert_string);
  sqlite3_finalize (w->set_meta);
  sqlite3_finalize (w->begin);
  sqlite3_finalize (w->commit);
  w->insert_batch = w->insert_string = w->set_meta = NULL;
  w->begin = w->commit = NULL;
  free (w->blob);
  w->blob = NULL;
}

/* Switches @db out of WAL mode, folding the WAL into the file: returns
 * 1 when it is out, 0 when another connection kept it in. */
static int
leave_wal (sqlite3 *db)
{
  sqlite3_stmt *st = NULL;
  int out = 0;
  if (sqlite3_prepare_v2 (db, "PRAGMA journal_mode = DELETE", -1, &st, NULL)
        == SQLITE_OK
      && sqlite3_step (st) == SQLITE_ROW)
    {
      const char *mode = (const char *) sqlite3_column_text (st, 0);
      out = mode != NULL && strcmp (mode, "delete") == 0;
    }
  sqlite3_finalize (st);
  return out;
}

/* The clean end: every ring is drained; expand the batches into the
 * events table (finalize.c), mark the trace complete, and leave one
 * self-contained file. */
static void
finish (writer *w, braid__session *s)
{
  release (w);
  if (!w->failed && w->db != NULL)
    {
      /* Finalization is one long transaction in which no heartbeat is
       * written: tell readers that the writer is alive and closing. */
      char closing[128];
      snprintf (closing, sizeof closing,
                "INSERT OR REPLACE INTO meta VALUES"
                " ('finalizing_unix_ns', %lld)",
                (long long) clock_ns (CLOCK_REALTIME));
      sqlite3_exec (w->db, closing, NULL, NULL, NULL);
      char *error = NULL;
      uint64_t n = 0;
      if (braid__finalize (w->db, 1,
                           atomic_load (&s->n_observer_waits), &n, &error)
          != 0)
        {
          fprintf (stderr, "braid-trace: %s: cannot finalize: %s (the "
                   "batches stay in the file: run braid repair)\n",
                   s->path, error ? error : "?");
          /* The run still ended cleanly and every event is in the
           * batches: the trace is complete, only not finalized. Without
           * this the reader would report a clean run as killed. The
           * page cache goes first, in case memory is what ran out. */
          sqlite3_db_release_memory (w->db);
          char sql[160];
          snprintf (sql, sizeof sql,
                    "INSERT OR REPLACE INTO meta VALUES ('complete', 1);"
                    "INSERT OR REPLACE INTO meta VALUES"
                    " ('observer_waits', %llu)",
                    (unsigned long long) atomic_load (&s->n_observer_waits));
          sqlite3_exec (w->db, sql, NULL, NULL, NULL);
          w->failed = 1;
        }
      free (error);
    }
  /* Leave one self-contained file: fold the WAL back in and drop it, so a
   * read-only reader needs no -wal or -shm beside the trace. */
  if (!w->failed)
    {
      /* Leaving WAL mode needs the file to itself: a reader that follows
       * the recording (braid-viewer) holds a read transaction for a few
       * milliseconds at a time, and once it sees the trace finished it
       * reads it whole in one (seconds, for a big trace on a loaded
       * machine). SQLite does not wait for it here (the pragma answers the
       * mode it stays in), so try again for up to 30 s rather than leave
       * the -wal file behind, and say so if it stays. */
      sqlite3_busy_timeout (w->db, 1000);
      int left = 0;
      for (int i = 0; i < 3000 && !(left = leave_wal (w->db)); i++)
        {
          struct timespec ts = { 0, 10000000 };
          nanosleep (&ts, NULL);
        }
      if (!left)
        fprintf (stderr, "braid-trace: %s: a reader held the file for 30 s:"
                 " the trace is complete but keeps its -wal file beside"
                 " it\n", braid__the_session.path);
    }
  sqlite3_close (w->db);
  w->db = NULL;
}

static void *
writer_main (void *arg)
{
  braid__session *s = arg;
  writer *w = &the_writer;
  for (;;)
    {
      int stop = atomic_load (&s->stop_requested);
      size_t n = drain (w, s);
      /* A busy writer keeps its transaction open across drains (fewer
       * commits, each of more pages); one that has caught up, or has
       * held it COMMIT_NS, commits. */
      if (w->in_txn
          && (n < MIN_DRAIN || stop
              || clock_ns (CLOCK_MONOTONIC) - w->txn_start >= COMMIT_NS))
        commit (w, s);
      heartbeat (w, 0);
      if (n >= MIN_DRAIN || (stop && n != 0))
        continue;
      if (stop)
        break;
      pthread_mutex_lock (&s->mutex);
      atomic_store (&s->writer_sleeping, 1);
      struct timespec until;
      clock_gettime (CLOCK_REALTIME, &until);
      until.tv_nsec += (n != 0 ? BUSY_WAIT_MS : IDLE_WAIT_MS) * 1000000L;
      if (until.tv_nsec >= 1000000000L)
        {
          until.tv_sec++;
          until.tv_nsec -= 1000000000L;
        }
      if (!atomic_load (&s->stop_requested))
        pthread_cond_timedwait (&s->wake, &s->mutex, &until);
      atomic_store (&s->writer_sleeping, 0);
      pthread_mutex_unlock (&s->mutex);
    }
  commit (w, s);
  finish (w, s);
  atomic_store_explicit (&s->writer_done, 1, memory_order_release);
  return NULL;
}

int
braid__writer_start (braid__session *s)
{
  writer *w = &the_writer;
  memset (w, 0, sizeof *w);
  int rc = create_file (w, s);
  if (rc != 0)
    {
      release (w);
      sqlite3_close (w->db);
      w->db = NULL;
      return rc;
    }
  /* The writer must never run a signal handler: the handler waits for
   * the writer, which would wait for itself. */
  sigset_t all, old;
  sigfillset (&all);
  pthread_sigmask (SIG_SETMASK, &all, &old);
  int err = pthread_create (&s->writer, NULL, writer_main, s);
  pthread_sigmask (SIG_SETMASK, &old, NULL);
  if (err != 0)
    {
      fprintf (stderr, "braid-trace: cannot start the writer thread: %s\n",
               strerror (err));
      release (w);
      sqlite3_close (w->db);
      w->db = NULL;
      return BRAID_ENOMEM;
    }
  return 0;
}

void
braid__writer_join (braid__session *s)
{
  atomic_store (&s->stop_requested, 1);
  pthread_mutex_lock (&s->mutex);
  pthread_cond_signal (&s->wake);
  pthread_mutex_unlock (&s->mutex);
  pthread_join (s->writer, NULL);
}
