/* export-stream.c: `braid export` in bounded memory, whatever the length
 * of the trace.
 *
 * The writers never hold the reader's model: they read the trace as a
 * stream (braid_trace_stream), twice. The first read resolves the flows:
 * which slice each edge leaves and which it enters. A flow's ends are
 * known late (an edge enters the first running slice of its target at or
 * after its step, else the target's last slice, known only at the end),
 * so the first read puts the running slices, the iterations and the
 * edges into a temporary SQLite file, and SQL joins them: on disk, with a
 * bounded page cache, so memory does not grow with them. The second read
 * writes, and finds the flows of each slice as it begins through two
 * cursors over the store sorted by the slices' numbers, which the two
 * reads give out in the same order (export.h).
 */
#include "export.h"

#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------
 * The stream: slice and iteration numbers, spans on the axis
 * ------------------------------------------------------------------ */

typedef struct open_iteration
{
  bool open;
  uint64_t sid;
  braid_trace_iteration it;
} open_iteration;

typedef struct streamer
{
  const export_writer *w;
  const braid_trace *summary;
  export_axis axis;
  size_t n_tasks;
  uint64_t *cur;          /* per task: the sid of its open slice */
  open_iteration *loops;  /* per loop: its open iteration */
  size_t n_loops;
  uint64_t next_sid, next_edge;
  int failed;
} streamer;

static int
st_slice_begin (void *data, const braid_trace_slice *s)
{
  streamer *st = data;
  if (s->task >= st->n_tasks)
    return -1;
  uint64_t sid = st->next_sid++;
  st->cur[s->task] = sid;
  if (st->w->slice_begin == NULL)
    return 0;
  int64_t start, end;
  braid__export_slice_span (s, st->axis, &start, &end);
  return st->w->slice_begin (st->w->data, sid, s, start);
}

static int
st_slice_end (void *data, const braid_trace_slice *s)
{
  streamer *st = data;
  if (s->task >= st->n_tasks)
    return -1;
  if (st->w->slice_end == NULL)
    return 0;
  int64_t start, end;
  braid__export_slice_span (s, st->axis, &start, &end);
  return st->w->slice_end (st->w->data, st->cur[s->task], s, start, end);
}

/* Ends the open iteration of loop @k before @next (NULL: at the end of
 * the trace, @m's). */
static int
end_iteration (streamer *st, size_t k, const braid_trace_iteration *next,
               const braid_trace_meta *m)
{
  open_iteration *o = &st->loops[k];
  if (!o->open)
    return 0;
  o->open = false;
  if (st->w->iteration_end == NULL)
    return 0;
  int64_t start, end;
  braid__export_iteration_span (&o->it, next, m, st->axis, &start, &end);
  return st->w->iteration_end (st->w->data, o->sid, &o->it, start, end);
}

static int
st_iteration (void *data, const braid_trace_iteration *it)
{
  streamer *st = data;
  /* A process makes a handful of loops; a file may claim any number. */
  if (it->loop >= UINT32_MAX / 2)
    return -1;
  if (it->loop >= st->n_loops)
    {
      size_t n = (size_t) it->loop + 1;
      open_iteration *p = realloc (st->loops, n * sizeof *p);
      if (p == NULL)
        return -1;
      memset (p + st->n_loops, 0, (n - st->n_loops) * sizeof *p);
      st->loops = p;
      st->n_loops = n;
    }
  if (end_iteration (st, it->loop, it, NULL) != 0)
    return -1;
  open_iteration *o = &st->loops[it->loop];
  *o = (open_iteration) { true, st->next_sid++, *it };
  if (st->w->iteration_begin == NULL)
    return 0;
  int64_t start, end;
  braid__export_iteration_span (it, it, NULL, st->axis, &start, &end);
  return st->w->iteration_begin (st->w->data, o->sid, it, start);
}

static int
st_edge (void *data, const braid_trace_edge *e)
{
  streamer *st = data;
  uint64_t id = ++st->next_edge;
  return st->w->edge ? st->w->edge (st->w->data, id, e) : 0;
}

static int
st_mark (void *data, const braid_trace_mark *m, const char *text)
{
  streamer *st = data;
  return st->w->mark ? st->w->mark (st->w->data, m, text) : 0;
}

int
braid__export_stream (const char *path, const braid_trace *summary,
                      export_axis axis, const export_writer *w)
{
  streamer st = { .w = w, .summary = summary, .axis = axis };
  braid_trace_get_tasks (summary, &st.n_tasks);
  st.cur = calloc (st.n_tasks ? st.n_tasks : 1, sizeof *st.cur);
  if (st.cur == NULL)
    {
      fprintf (stderr, "braid: out of memory\n");
      return -1;
    }
  static const braid_trace_stream_callbacks cb = {
    .slice_begin = st_slice_begin,
    .slice_end = st_slice_end,
    .edge = st_edge,
    .mark = st_mark,
    .iteration = st_iteration,
  };
  char *error = NULL;
  int rc = braid_trace_stream (path, &cb, &st, NULL, &error);
  /* The iterations still open end with the trace. */
  for (size_t k = 0; rc == 0 && k < st.n_loops; k++)
    if (end_iteration (&st, k, NULL, braid_trace_get_meta (summary)) != 0)
      rc = -1;
  if (rc != 0)
    {
      if (error != NULL)
        fprintf (stderr, "braid: %s\n", error);
      else
        fprintf (stderr, "braid: cannot export %s\n", path);
    }
  free (error);
  free (st.cur);
  free (st.loops);
  return rc == 0 ? 0 : -1;
}

/* ------------------------------------------------------------------
 * The flows' store
 * ------------------------------------------------------------------ */

/* What the first read keeps per task: its first and last slice, its
 * open slice, its last running slice; and whether they are stored. */
typedef struct task_ends
{
  uint64_t first, last;  /* sids + 1, 0 for none */
  int64_t first_span[2], last_span[2];
  uint64_t cur;          /* the sid of its open slice */
  uint64_t run;          /* sid + 1 of its last running slice, 0 none */
  uint64_t run_step;
  int64_t run_span[2];
  bool open, cur_running, cur_store, run_stored, want_run;
} task_ends;

struct export_flows
{
  sqlite3 *db;
  export_axis axis;
  size_t n_tasks;
  /* First read: the tasks' ends, and the statements that store slices,
   * iterations and edges. */
  task_ends *tasks;
  bool store_next_run; /* store the next running slice to begin */
  sqlite3_stmt *put_slice, *put_edge;
  uint64_t n_edges;
  uint32_t n_loops;
  /* Second read: the cursors, leaving and entering. */
  sqlite3_stmt *cursor[2];
  bool has_row[2], done[2];
};

static int
exec (sqlite3 *db, const char *sql)
{
  return sqlite3_exec (db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Stores a slice (@task -1 for an iteration of @loop) with its span;
 * @run 1 for what flows may leave or enter by step (running slices,
 * iterations), 0 for first and last slices stored only for their span.
 * A slice stored twice is stored once. */
static int
put_slice (export_flows *f, uint64_t sid, int64_t task, uint64_t step,
           int64_t start, int64_t end, uint32_t loop, int run)
{
  sqlite3_stmt *s = f->put_slice;
  sqlite3_bind_int64 (s, 1, (sqlite3_int64) sid);
  sqlite3_bind_int64 (s, 2, task);
  sqlite3_bind_int64 (s, 3, (sqlite3_int64) step);
  sqlite3_bind_int64 (s, 4, start);
  sqlite3_bind_int64 (s, 5, end);
  sqlite3_bind_int64 (s, 6, loop);
  sqlite3_bind_int (s, 7, run);
  int rc = sqlite3_step (s);
  sqlite3_reset (s);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* Not every running slice is stored: only those an edge may leave or
 * enter, a superset of the ones it does. An edge made at step s leaves
 * the last running slice of its source that began at or before s: the
 * source's open or last running slice, or the next running slice to
 * begin, when s is the step about to run. It enters the first running
 * slice of its target that begins at or after s: the target's open one
 * (when it runs in step s), or its next. So an edge stores the source's
 * last running slice, and marks for storing when they end the open
 * running slices of both tasks, the next running slice to begin, and the
 * target's next running slice. The lookups then find among the stored
 * slices the same slice as among all of them. */
static int
fl_slice_begin (void *data, uint64_t sid, const braid_trace_slice *s,
                int64_t start)
{
  export_flows *f = data;
  task_ends *te = &f->tasks[s->task];
  (void) start;
  te->open = true;
  te->cur = sid;
  te->cur_running = s->state == BRAID_STATE_RUNNING;
  te->cur_store = false;
  if (te->cur_running)
    {
      te->cur_store = f->store_next_run || te->want_run;
      f->store_next_run = false;
      te->want_run = false;
    }
  return 0;
}

static int
fl_slice_end (void *data, uint64_t sid, const braid_trace_slice *s,
              int64_t start, int64_t end)
{
  export_flows *f = data;
  task_ends *te = &f->tasks[s->task];
  te->open = false;
  if (te->first == 0)
    {
      te->first = sid + 1;
      te->first_span[0] = start;
      te->first_span[1] = end;
    }
  te->last = sid + 1;
  te->last_span[0] = start;
  te->last_span[1] = end;
  if (s->state != BRAID_STATE_RUNNING)
    return 0;
  te->run = sid + 1;
  te->run_step = s->start_step;
  te->run_span[0] = start;
  te->run_span[1] = end;
  te->run_stored = te->cur_store;
  if (!te->cur_store)
    return 0;
  return put_slice (f, sid, s->task, s->start_step, start, end, 0, 1);
}

static int
fl_iteration_end (void *data, uint64_t sid, const braid_trace_iteration *it,
                  int64_t start, int64_t end)
{
  export_flows *f = data;
  if (it->loop + 1 > f->n_loops)
    f->n_loops = it->loop + 1;
  return put_slice (f, sid, -1, it->first_step, start, end, it->loop, 1);
}

static int
fl_edge (void *data, uint64_t id, const braid_trace_edge *e)
{
  export_flows *f = data;
  f->n_edges = id;
  if (e->from >= 0 && (size_t) e->from < f->n_tasks)
    {
      task_ends *te = &f->tasks[e->from];
      if (te->open && te->cur_running)
        te->cur_store = true;
      else if (te->run != 0 && !te->run_stored)
        {
          te->run_stored = true;
          if (put_slice (f, te->run - 1, e->from, te->run_step,
                         te->run_span[0], te->run_span[1], 0, 1)
              != 0)
            return -1;
        }
    }
  f->store_next_run = true;
  if (e->to >= 0 && (size_t) e->to < f->n_tasks)
    {
      task_ends *te = &f->tasks[e->to];
      if (te->open && te->cur_running)
        te->cur_store = true;
      te->want_run = true;
    }
  sqlite3_stmt *s = f->put_edge;
  int64_t at = f->axis == EXPORT_AXIS_STEPS ? (int64_t) e->step * 1000
                                            : e->time_ns;
  sqlite3_bind_int64 (s, 1, (sqlite3_int64) id);
  sqlite3_bind_int (s, 2, (int) e->kind);
  sqlite3_bind_int (s, 3, e->from);
  sqlite3_bind_int (s, 4, e->to);
  sqlite3_bind_int64 (s, 5, (sqlite3_int64) e->step);
  sqlite3_bind_int64 (s, 6, at);
  int rc = sqlite3_step (s);
  sqlite3_reset (s);
  return rc == SQLITE_DONE ? 0 : -1;
}

void
braid__export_flows_free (export_flows *f)
{
  if (f == NULL)
    return;
  sqlite3_finalize (f->put_slice);
  sqlite3_finalize (f->put_edge);
  sqlite3_finalize (f->cursor[0]);
  sqlite3_finalize (f->cursor[1]);
  sqlite3_close (f->db);
  free (f->tasks);
  free (f);
}

/* The tables: sl, a row per running slice and iteration (task -1), and
 * per task its first and last slice (run 0, for their spans); ed, the
 * edges; tk, each task's first and last slice. */
static const char schema[]
  = "PRAGMA journal_mode=OFF;"
    "PRAGMA synchronous=OFF;"
    "PRAGMA temp_store=FILE;"
    /* 8 MiB of page cache: the rest stays on disk. */
    "PRAGMA cache_size=-8192;"
    "CREATE TABLE sl (sid INTEGER PRIMARY KEY, task INT, step INT,"
    " s0 INT, s1 INT, loop INT, run INT);"
    "CREATE TABLE ed (id INTEGER PRIMARY KEY, kind INT, frm INT, too INT,"
    " step INT, at INT);"
    "CREATE TABLE tk (task INTEGER PRIMARY KEY, first INT, last INT);"
    "BEGIN;";

/* Which slice each edge leaves and enters (export.h), by two lookups in
 * the index of the running slices by task and step; then the flows
 * sorted both ways for the second read's cursors. */
static const char resolve[]
  = "CREATE INDEX sl_run ON sl (task, step) WHERE run = 1;"
    "CREATE TABLE fl AS SELECT id, kind, frm, too, at, src, dst FROM"
    " (SELECT ed.*,"
    "  CASE WHEN frm < 0 THEN"
    "   (CASE WHEN step < ?1 THEN (SELECT sid FROM sl WHERE run = 1"
    "     AND task = -1 AND step <= ed.step ORDER BY step DESC, sid DESC"
    "     LIMIT 1) END)"
    "  ELSE coalesce ((SELECT sid FROM sl WHERE run = 1 AND task = ed.frm"
    "     AND step <= ed.step ORDER BY step DESC, sid DESC LIMIT 1),"
    "    (SELECT first FROM tk WHERE task = ed.frm)) END AS src,"
    "  coalesce ((SELECT sid FROM sl WHERE run = 1 AND task = ed.too"
    "     AND step >= ed.step ORDER BY step, sid LIMIT 1),"
    "    (SELECT last FROM tk WHERE task = ed.too)) AS dst"
    "  FROM ed)"
    " WHERE src IS NOT NULL AND dst IS NOT NULL;"
    "DROP TABLE ed;"
    "CREATE INDEX fl_src ON fl (src, id);"
    "CREATE INDEX fl_dst ON fl (dst, id);";

/* Stores each task's first and last slice, with their spans. */
static int
put_tasks (export_flows *f)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2 (f->db, "INSERT INTO tk VALUES (?, ?, ?)", -1, &s,
                          NULL)
      != SQLITE_OK)
    return -1;
  int rc = 0;
  for (size_t t = 0; t < f->n_tasks && rc == 0; t++)
    {
      const task_ends *te = &f->tasks[t];
      if (te->first == 0)
        continue;
      sqlite3_bind_int64 (s, 1, (sqlite3_int64) t);
      sqlite3_bind_int64 (s, 2, (sqlite3_int64) te->first - 1);
      sqlite3_bind_int64 (s, 3, (sqlite3_int64) te->last - 1);
      rc = sqlite3_step (s) == SQLITE_DONE ? 0 : -1;
      sqlite3_reset (s);
    }
  sqlite3_finalize (s);
  if (rc != 0)
    return -1;
  /* Their spans, unless they are running slices already stored. */
  for (size_t t = 0; t < f->n_tasks && rc == 0; t++)
    {
      const task_ends *te = &f->tasks[t];
      if (te->first != 0)
        rc = put_slice (f, te->first - 1, (int64_t) t, 0, te->first_span[0],
                        te->first_span[1], 0, 0)
             | put_slice (f, te->last - 1, (int64_t) t, 0, te->last_span[0],
                          te->last_span[1], 0, 0);
    }
  return rc;
}

export_flows *
braid__export_flows_collect (const char *path, const braid_trace *summary,
                             export_axis axis)
{
  export_flows *f = calloc (1, sizeof *f);
  if (f == NULL)
    goto nomem;
  f->axis = axis;
  braid_trace_get_tasks (summary, &f->n_tasks);
  size_t n = f->n_tasks ? f->n_tasks : 1;
  f->tasks = calloc (n, sizeof *f->tasks);
  if (f->tasks == NULL)
    goto nomem;
  /* "": a temporary file of SQLite's own, deleted when closed. */
  if (sqlite3_open ("", &f->db) != SQLITE_OK || exec (f->db, schema) != 0
      || sqlite3_prepare_v2 (f->db,
                             "INSERT OR IGNORE INTO sl VALUES"
                             " (?, ?, ?, ?, ?, ?, ?)",
                             -1, &f->put_slice, NULL)
           != SQLITE_OK
      || sqlite3_prepare_v2 (f->db, "INSERT INTO ed VALUES (?, ?, ?, ?, ?, ?)",
                             -1, &f->put_edge, NULL)
           != SQLITE_OK)
    goto store;
  f->n_loops = 1;
  export_writer w = {
    .data = f,
    .slice_begin = fl_slice_begin,
    .slice_end = fl_slice_end,
    .iteration_end = fl_iteration_end,
    .edge = fl_edge,
  };
  if (braid__export_stream (path, summary, axis, &w) != 0)
    {
      braid__export_flows_free (f);
      return NULL;
    }
  if (put_tasks (f) != 0)
    goto store;
  sqlite3_stmt *s = NULL;
  const char *tail = resolve;
  /* The first statement takes the number of steps (the loop's edges
   * leave no iteration after the last step). */
  int rc = sqlite3_prepare_v2 (f->db, tail, -1, &s, &tail);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (s, 1, 0);
      rc = sqlite3_step (s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
      sqlite3_finalize (s);
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_prepare_v2 (f->db, tail, -1, &s, &tail);
  if (rc == SQLITE_OK)
    {
      sqlite3_bind_int64 (
        s, 1, (sqlite3_int64) braid_trace_get_meta (summary)->n_steps);
      rc = sqlite3_step (s) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
      sqlite3_finalize (s);
    }
  if (rc != SQLITE_OK || exec (f->db, tail) != 0
      || exec (f->db, "COMMIT") != 0)
    goto store;
  free (f->tasks), f->tasks = NULL;
  return f;

store:
  fprintf (stderr, "braid: cannot export %s: the temporary store failed: %s\n",
           path, f->db ? sqlite3_errmsg (f->db) : "cannot open");
  braid__export_flows_free (f);
  return NULL;
nomem:
  fprintf (stderr, "braid: out of memory\n");
  braid__export_flows_free (f);
  return NULL;
}

uint64_t
braid__export_flows_n_edges (const export_flows *f)
{
  return f->n_edges;
}

uint32_t
braid__export_flows_n_loops (const export_flows *f)
{
  return f->n_loops;
}

int
braid__export_flows_at (export_flows *f, bool leaving, uint64_t sid,
                        void (*fn) (void *data, uint64_t id), void *data)
{
  int k = leaving ? 0 : 1;
  if (f->cursor[k] == NULL && !f->done[k])
    {
      const char *sql = leaving ? "SELECT src, id FROM fl ORDER BY src, id"
                                : "SELECT dst, id FROM fl ORDER BY dst, id";
      if (sqlite3_prepare_v2 (f->db, sql, -1, &f->cursor[k], NULL)
          != SQLITE_OK)
        return -1;
    }
  for (;;)
    {
      if (!f->has_row[k])
        {
          if (f->done[k])
            return 0;
          int rc = sqlite3_step (f->cursor[k]);
          if (rc == SQLITE_DONE)
            {
              f->done[k] = true;
              return 0;
            }
          if (rc != SQLITE_ROW)
            return -1;
          f->has_row[k] = true;
        }
      uint64_t key = (uint64_t) sqlite3_column_int64 (f->cursor[k], 0);
      if (key > sid)
        return 0;
      if (key == sid)
        fn (data, (uint64_t) sqlite3_column_int64 (f->cursor[k], 1));
      f->has_row[k] = false;
    }
}

int
braid__export_flows_each (export_flows *f,
                          int (*fn) (void *data, const export_flow *fl),
                          void *data)
{
  sqlite3_stmt *s = NULL;
  if (sqlite3_prepare_v2 (f->db,
                          "SELECT f.id, f.kind, f.frm, f.too, s.loop,"
                          " max (s.s0, min (f.at, s.s1)), d.s0, d.s1"
                          " FROM fl f JOIN sl s ON s.sid = f.src"
                          " JOIN sl d ON d.sid = f.dst ORDER BY f.id",
                          -1, &s, NULL)
      != SQLITE_OK)
    return -1;
  int rc;
  while ((rc = sqlite3_step (s)) == SQLITE_ROW)
    {
      int64_t leave = sqlite3_column_int64 (s, 5);
      int64_t t0 = sqlite3_column_int64 (s, 6);
      int64_t t1 = sqlite3_column_int64 (s, 7);
      export_flow fl = {
        .id = (uint64_t) sqlite3_column_int64 (s, 0),
        .kind = (braid_trace_edge_kind) sqlite3_column_int (s, 1),
        .from = sqlite3_column_int (s, 2),
        .to = sqlite3_column_int (s, 3),
        .from_loop = (uint32_t) sqlite3_column_int64 (s, 4),
        .leave = leave,
        /* The target's start, or, when the edge enters a slice that was
         * already under way (a task reading an error in its own step),
         * the moment it left. */
        .enter = leave < t0 ? t0 : leave > t1 ? t1 : leave,
      };
      if (fn (data, &fl) != 0)
        {
          rc = SQLITE_DONE;
          break;
        }
    }
  sqlite3_finalize (s);
  return rc == SQLITE_DONE ? 0 : -1;
}
