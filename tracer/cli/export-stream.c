/* export-stream.c: `braid export` in bounded memory, whatever the length
 * of the trace.
 *
 * The writers never hold the reader's model: they read the trace as a
 * stream (braid_trace_stream), twice. The first read resolves the flows:
 * which slice each edge leaves and which it enters. A flow's ends are
 * known late (an edge enters the first running slice of its target at or
 * after its step, else the target's last slice, known only at the end):
 * the first read keeps, per task, its open, last running, first and last
 * slice, and an edge whose end is not among them yet waits for the event
 * that decides it (fl_edge). The flows found, and the spans of their ends,
 * go to a temporary SQLite file: on disk, with a bounded page cache, so
 * memory grows with the tasks and the edges still waiting, not with the
 * events. The second read writes, and finds the flows of each slice as it
 * begins through two cursors over the store sorted by the slices'
 * numbers, which the two reads give out in the same order (export.h).
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
  /* A file still being written grows between the reads: each takes the
   * events the summary's read saw. */
  int rc = braid_trace_stream (path, &cb,
                               braid_trace_get_meta (summary)->n_events, &st,
                               NULL, &error);
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
 * The flows: resolved in the first read, kept in a temporary store
 * ------------------------------------------------------------------ */

/* An edge whose ends are not both known yet. It waits in up to two lists:
 * for its source (the next running slice to begin, or its source task's
 * first slice) and for its target (the target's next running slice). */
typedef enum end_state
{
  END_PENDING,
  END_FOUND,
  END_NONE,
} end_state;

typedef struct pending
{
  uint64_t id, step;
  int64_t at;
  int32_t from, to;
  uint32_t kind, src_loop;
  uint64_t src, dst; /* the sids, once found */
  end_state src_state, dst_state;
  struct pending *src_next, *dst_next;
} pending;

/* What the first read keeps per task. */
typedef struct task_ends
{
  uint64_t first, last;  /* sids + 1 of its first and last slice, 0 none */
  int64_t first_span[2], last_span[2];
  uint64_t cur;          /* the sid of its open slice */
  uint64_t cur_step;     /* its start step */
  uint64_t run;          /* sid + 1 of its last running slice, 0 none */
  int64_t run_span[2];
  bool open, cur_running, cur_store;
  pending *want_first;   /* edges that leave its first slice, when it has one */
  pending *want_run;     /* edges that enter its next running slice */
} task_ends;

/* An iteration the loop edges may leave. */
typedef struct iter_ref
{
  bool set, ended;
  uint64_t sid;
  uint32_t loop;
  int64_t span[2];
} iter_ref;

typedef struct loop_ends
{
  bool open, store;
  uint64_t sid;
} loop_ends;

struct export_flows
{
  sqlite3 *db;
  export_axis axis;
  size_t n_tasks;
  uint64_t n_steps; /* the trace's */
  /* First read. */
  task_ends *tasks;
  loop_ends *loops;
  size_t cap_loops;
  uint64_t steps;      /* the steps begun so far: the next one's number */
  iter_ref last_iter;  /* the last iteration begun */
  iter_ref before;     /* the last one begun before the last step began */
  pending *want_step;  /* edges that may leave the next running slice */
  sqlite3_stmt *put_span, *put_flow;
  uint64_t n_edges;
  uint32_t n_loops;
  int failed;
  /* Second read: the cursors, leaving and entering. */
  sqlite3_stmt *cursor[2];
  bool has_row[2], done[2];
};

static int
exec (sqlite3 *db, const char *sql)
{
  return sqlite3_exec (db, sql, NULL, NULL, NULL) == SQLITE_OK ? 0 : -1;
}

/* Stores the span of slice (or iteration) @sid: of every flow's ends, for
 * the JSON's flow events. Once per sid. */
static void
put_span (export_flows *f, uint64_t sid, const int64_t span[2])
{
  sqlite3_stmt *s = f->put_span;
  sqlite3_bind_int64 (s, 1, (sqlite3_int64) sid);
  sqlite3_bind_int64 (s, 2, span[0]);
  sqlite3_bind_int64 (s, 3, span[1]);
  if (sqlite3_step (s) != SQLITE_DONE)
    f->failed = 1;
  sqlite3_reset (s);
}

/* Makes sure the span of slice @sid of task @t is stored: now when the
 * slice has ended, when it ends otherwise. */
static void
need_task_span (export_flows *f, size_t t, uint64_t sid)
{
  task_ends *te = &f->tasks[t];
  if (te->open && te->cur == sid)
    te->cur_store = true;
  else if (te->run == sid + 1)
    put_span (f, sid, te->run_span);
  else if (te->first == sid + 1)
    put_span (f, sid, te->first_span);
  else if (te->last == sid + 1)
    put_span (f, sid, te->last_span);
}

static void
need_iter_span (export_flows *f, const iter_ref *r)
{
  if (r->ended)
    put_span (f, r->sid, r->span);
  else if (r->loop < f->cap_loops && f->loops[r->loop].open
           && f->loops[r->loop].sid == r->sid)
    f->loops[r->loop].store = true;
}

/* Stores the flow of @p when both its ends are found, and frees @p once
 * no list holds it. */
static void
settle (export_flows *f, pending *p)
{
  if (p->src_state == END_PENDING || p->dst_state == END_PENDING)
    return;
  if (p->src_state == END_FOUND && p->dst_state == END_FOUND)
    {
      sqlite3_stmt *s = f->put_flow;
      sqlite3_bind_int64 (s, 1, (sqlite3_int64) p->id);
      sqlite3_bind_int (s, 2, (int) p->kind);
      sqlite3_bind_int (s, 3, p->from);
      sqlite3_bind_int (s, 4, p->to);
      sqlite3_bind_int64 (s, 5, p->at);
      sqlite3_bind_int64 (s, 6, (sqlite3_int64) p->src);
      sqlite3_bind_int64 (s, 7, (sqlite3_int64) p->dst);
      sqlite3_bind_int64 (s, 8, p->src_loop);
      if (sqlite3_step (s) != SQLITE_DONE)
        f->failed = 1;
      sqlite3_reset (s);
    }
  free (p);
}

static void
found_src_task (export_flows *f, pending *p, uint64_t sid)
{
  p->src = sid;
  p->src_state = END_FOUND;
  need_task_span (f, (size_t) p->from, sid);
}

static void
found_dst (export_flows *f, pending *p, uint64_t sid)
{
  p->dst = sid;
  p->dst_state = END_FOUND;
  need_task_span (f, (size_t) p->to, sid);
}

/* The source of @p when it is none of the next step's: its task's last
 * running slice, else its first slice, else (none yet) its first slice
 * to come. */
static void
src_fallback (export_flows *f, pending *p)
{
  task_ends *te = &f->tasks[p->from];
  if (te->run != 0)
    found_src_task (f, p, te->run - 1);
  else if (te->first != 0)
    found_src_task (f, p, te->first - 1);
  else
    {
      p->src_next = te->want_first;
      te->want_first = p;
    }
}

static void
found_src_iter (export_flows *f, pending *p, const iter_ref *r)
{
  if (!r->set)
    {
      p->src_state = END_NONE;
      return;
    }
  p->src = r->sid;
  p->src_loop = r->loop;
  p->src_state = END_FOUND;
  need_iter_span (f, r);
}

/* An edge made in step s leaves the running slice of its source with the
 * last start step at or before s, else the source's first slice; the
 * loop's edges (from -1) leave the last iteration begun at or before s
 * (none after the last step). It enters the first running slice of its
 * target that starts at or after s, else the target's last slice. Most
 * are known at once; the others wait for the next step to begin (when s
 * is that step), for the source's first slice, or for the target's next
 * running slice (the end of the trace settles what still waits). */
static int
fl_edge (void *data, uint64_t id, const braid_trace_edge *e)
{
  export_flows *f = data;
  f->n_edges = id;
  if (e->to < 0 || (size_t) e->to >= f->n_tasks
      || (e->from >= 0 && (size_t) e->from >= f->n_tasks))
    return 0;
  pending *p = calloc (1, sizeof *p);
  if (p == NULL)
    return -1;
  p->id = id;
  p->step = e->step;
  p->at = f->axis == EXPORT_AXIS_STEPS ? (int64_t) e->step * 1000
                                       : e->time_ns;
  p->from = e->from;
  p->to = e->to;
  p->kind = (uint32_t) e->kind;
  /* Before the step about to begin: the edge's step began already. */
  bool step_begun = e->step < f->steps;
  if (e->from < 0)
    {
      if (e->step >= f->n_steps)
        p->src_state = END_NONE;
      else if (step_begun)
        found_src_iter (f, p, &f->before);
      else
        {
          p->src_next = f->want_step;
          f->want_step = p;
        }
    }
  else
    {
      task_ends *te = &f->tasks[e->from];
      if (te->open && te->cur_running)
        found_src_task (f, p, te->cur);
      else if (step_begun)
        src_fallback (f, p);
      else
        {
          p->src_next = f->want_step;
          f->want_step = p;
        }
    }
  task_ends *tt = &f->tasks[e->to];
  if (tt->open && tt->cur_running && tt->cur_step >= e->step)
    found_dst (f, p, tt->cur);
  else
    {
      p->dst_next = tt->want_run;
      tt->want_run = p;
    }
  settle (f, p);
  return f->failed ? -1 : 0;
}

static int
fl_slice_begin (void *data, uint64_t sid, const braid_trace_slice *s,
                int64_t start)
{
  export_flows *f = data;
  task_ends *te = &f->tasks[s->task];
  (void) start;
  te->open = true;
  te->cur = sid;
  te->cur_step = s->start_step;
  te->cur_running = s->state == BRAID_STATE_RUNNING;
  te->cur_store = false;
  if (te->first == 0)
    {
      te->first = sid + 1;
      for (pending *p = te->want_first, *next; p != NULL; p = next)
        {
          next = p->src_next;
          found_src_task (f, p, sid);
          settle (f, p);
        }
      te->want_first = NULL;
    }
  if (!te->cur_running)
    return f->failed ? -1 : 0;
  /* A step begins: what waited for it is found. */
  for (pending *p = f->want_step, *next; p != NULL; p = next)
    {
      next = p->src_next;
      if (p->from < 0)
        found_src_iter (f, p, &f->last_iter);
      else if ((uint32_t) p->from == s->task)
        found_src_task (f, p, sid);
      else
        {
          src_fallback (f, p);
          if (p->src_state == END_PENDING)
            continue; /* now waits for its task's first slice */
        }
      settle (f, p);
    }
  f->want_step = NULL;
  f->steps = s->start_step + 1;
  f->before = f->last_iter;
  for (pending *p = te->want_run, *next; p != NULL; p = next)
    {
      next = p->dst_next;
      found_dst (f, p, sid);
      settle (f, p);
    }
  te->want_run = NULL;
  return f->failed ? -1 : 0;
}

static int
fl_slice_end (void *data, uint64_t sid, const braid_trace_slice *s,
              int64_t start, int64_t end)
{
  export_flows *f = data;
  task_ends *te = &f->tasks[s->task];
  int64_t span[2] = { start, end };
  te->open = false;
  if (te->first == sid + 1)
    memcpy (te->first_span, span, sizeof span);
  te->last = sid + 1;
  memcpy (te->last_span, span, sizeof span);
  if (s->state == BRAID_STATE_RUNNING)
    {
      te->run = sid + 1;
      memcpy (te->run_span, span, sizeof span);
    }
  if (te->cur_store)
    put_span (f, sid, span);
  te->cur_store = false;
  return f->failed ? -1 : 0;
}

static int
fl_iteration_begin (void *data, uint64_t sid,
                    const braid_trace_iteration *it, int64_t start)
{
  export_flows *f = data;
  (void) start;
  if (it->loop >= f->cap_loops)
    {
      size_t n = (size_t) it->loop + 1;
      loop_ends *p = realloc (f->loops, n * sizeof *p);
      if (p == NULL)
        return -1;
      memset (p + f->cap_loops, 0, (n - f->cap_loops) * sizeof *p);
      f->loops = p;
      f->cap_loops = n;
    }
  if (it->loop + 1 > f->n_loops)
    f->n_loops = it->loop + 1;
  f->loops[it->loop] = (loop_ends) { true, false, sid };
  f->last_iter = (iter_ref) { .set = true, .sid = sid, .loop = it->loop };
  return 0;
}

static int
fl_iteration_end (void *data, uint64_t sid, const braid_trace_iteration *it,
                  int64_t start, int64_t end)
{
  export_flows *f = data;
  loop_ends *l = &f->loops[it->loop];
  int64_t span[2] = { start, end };
  if (l->store)
    put_span (f, sid, span);
  l->open = false;
  l->store = false;
  iter_ref *refs[] = { &f->last_iter, &f->before };
  for (size_t k = 0; k < 2; k++)
    if (refs[k]->set && refs[k]->sid == sid)
      {
        refs[k]->ended = true;
        memcpy (refs[k]->span, span, sizeof span);
      }
  return f->failed ? -1 : 0;
}

/* The end of the trace settles what still waits: an edge that waited for
 * the next step leaves its task's last running or first slice; for its
 * task's first slice, none; one that waited for its target's next
 * running slice enters the target's last slice. */
static void
settle_at_end (export_flows *f)
{
  for (pending *p = f->want_step, *next; p != NULL; p = next)
    {
      next = p->src_next;
      if (p->from < 0)
        found_src_iter (f, p, &f->last_iter);
      else
        {
          src_fallback (f, p);
          if (p->src_state == END_PENDING)
            continue;
        }
      settle (f, p);
    }
  f->want_step = NULL;
  for (size_t t = 0; t < f->n_tasks; t++)
    {
      task_ends *te = &f->tasks[t];
      for (pending *p = te->want_first, *next; p != NULL; p = next)
        {
          next = p->src_next;
          p->src_state = END_NONE;
          settle (f, p);
        }
      te->want_first = NULL;
    }
  for (size_t t = 0; t < f->n_tasks; t++)
    {
      task_ends *te = &f->tasks[t];
      for (pending *p = te->want_run, *next; p != NULL; p = next)
        {
          next = p->dst_next;
          if (te->last != 0)
            found_dst (f, p, te->last - 1);
          else
            p->dst_state = END_NONE;
          settle (f, p);
        }
      te->want_run = NULL;
    }
}

/* Frees what still waits, after a failure. An edge may wait in a source
 * list and a target list at once: the target lists free those that wait
 * for nothing else, the source lists the rest. */
static void
free_pending (export_flows *f)
{
  for (size_t t = 0; f->tasks != NULL && t < f->n_tasks; t++)
    for (pending *p = f->tasks[t].want_run, *next; p != NULL; p = next)
      {
        next = p->dst_next;
        if (p->src_state != END_PENDING)
          free (p);
      }
  for (pending *p = f->want_step, *next; p != NULL; p = next)
    {
      next = p->src_next;
      free (p);
    }
  for (size_t t = 0; f->tasks != NULL && t < f->n_tasks; t++)
    for (pending *p = f->tasks[t].want_first, *next; p != NULL; p = next)
      {
        next = p->src_next;
        free (p);
      }
}

void
braid__export_flows_free (export_flows *f)
{
  if (f == NULL)
    return;
  free_pending (f);
  sqlite3_finalize (f->put_span);
  sqlite3_finalize (f->put_flow);
  sqlite3_finalize (f->cursor[0]);
  sqlite3_finalize (f->cursor[1]);
  sqlite3_close (f->db);
  free (f->tasks);
  free (f->loops);
  free (f);
}

/* The tables: fl, the flows with the sids of their ends (and the loop of
 * an iteration they leave); sp, the spans of those ends. */
static const char schema[]
  = "PRAGMA journal_mode=OFF;"
    "PRAGMA synchronous=OFF;"
    "PRAGMA temp_store=FILE;"
    /* 8 MiB of page cache: the rest stays on disk. */
    "PRAGMA cache_size=-8192;"
    "CREATE TABLE fl (id INTEGER PRIMARY KEY, kind INT, frm INT, too INT,"
    " at INT, src INT, dst INT, loop INT);"
    "CREATE TABLE sp (sid INTEGER PRIMARY KEY, s0 INT, s1 INT);"
    "BEGIN;";

/* The flows sorted both ways, for the second read's cursors. */
static const char sort_flows[] = "CREATE INDEX fl_src ON fl (src, id);"
                                 "CREATE INDEX fl_dst ON fl (dst, id);"
                                 "COMMIT;";

export_flows *
braid__export_flows_collect (const char *path, const braid_trace *summary,
                             export_axis axis)
{
  export_flows *f = calloc (1, sizeof *f);
  if (f == NULL)
    goto nomem;
  f->axis = axis;
  f->n_steps = braid_trace_get_meta (summary)->n_steps;
  braid_trace_get_tasks (summary, &f->n_tasks);
  f->tasks = calloc (f->n_tasks ? f->n_tasks : 1, sizeof *f->tasks);
  if (f->tasks == NULL)
    goto nomem;
  /* "": a temporary file of SQLite's own, deleted when closed. */
  if (sqlite3_open_v2 ("", &f->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
                         | SQLITE_OPEN_NOMUTEX,
                       NULL)
        != SQLITE_OK
      || exec (f->db, schema) != 0
      || sqlite3_prepare_v2 (f->db,
                             "INSERT OR IGNORE INTO sp VALUES (?, ?, ?)", -1,
                             &f->put_span, NULL)
           != SQLITE_OK
      || sqlite3_prepare_v2 (f->db,
                             "INSERT INTO fl VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                             -1, &f->put_flow, NULL)
           != SQLITE_OK)
    goto store;
  f->n_loops = 1;
  export_writer w = {
    .data = f,
    .slice_begin = fl_slice_begin,
    .slice_end = fl_slice_end,
    .iteration_begin = fl_iteration_begin,
    .iteration_end = fl_iteration_end,
    .edge = fl_edge,
  };
  if (braid__export_stream (path, summary, axis, &w) != 0)
    {
      braid__export_flows_free (f);
      return NULL;
    }
  settle_at_end (f);
  if (f->failed || exec (f->db, sort_flows) != 0)
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
                          "SELECT f.id, f.kind, f.frm, f.too, f.loop,"
                          " max (s.s0, min (f.at, s.s1)), d.s0, d.s1"
                          " FROM fl f JOIN sp s ON s.sid = f.src"
                          " JOIN sp d ON d.sid = f.dst ORDER BY f.id",
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
