/* reader-model.c: from stored events to the reader model.
 *
 * Owns the derivation of everything braid-trace.h promises: the tasks with
 * their outcome and totals, the state slices (running between resume and
 * suspend, ready between created/woken and resume, waiting between suspend
 * and woken), steps, loop iterations, causal edges, marks, output lines,
 * objects and problems. Events arrive one at a time in seq order (braid__builder_add,
 * the hot path: a hash lookup and a few appends per event); finish closes
 * what is still open, applies the time window, groups slices by task and
 * sorts the point arrays by time.
 *
 * The input is untrusted: ids, kinds and reasons may be anything, times
 * may go backwards. Nothing here trusts them beyond bounds checks: unknown
 * kinds are skipped, unknown tasks get a placeholder, a slice never ends
 * before it starts nor opens before its task's previous slice ended, and
 * every time and duration is clamped, as it comes in, to within
 * BRAID_TRACE_TIME_LIMIT_NS of 0 (clamp_time). That is what lets every
 * user of the model (totals here, the CLI, the viewer) subtract two
 * times or add up a task's slices without overflow.
 */
#include "trace-private.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <braid/braid.h>

#define GROW(arr, n, cap)                                                    \
  braid__grow ((void **) &(arr), &(cap), (n), sizeof *(arr), 64)

/* Room for one more element in a large array of the builder @b (see
 * braid__big_reserve, and big_grow for a follower's). */
#define BIG_GROW(arr, n, bytes)                                              \
  (((n) + 1) * sizeof *(arr) <= (bytes)                                      \
     ? 0                                                                     \
     : big_grow (b, (void **) &(arr), &(bytes), ((n) + 1) * sizeof *(arr)))

/* Gives back the room that doubling left past the last element: the
 * arrays live as long as the trace. A failed shrink keeps the block. */
static void *
shrink (void *arr, size_t n, size_t size)
{
  if (arr == NULL || n == 0)
    return arr;
  void *p = realloc (arr, n * size);
  return p ? p : arr;
}

/* What the builder keeps per task while events stream by. */
typedef struct task_state
{
  int open;                 /* a slice is open */
  braid_trace_state state;
  uint32_t reason;
  uint64_t object;
  int64_t start_ns;
  uint64_t start_step;
  uint32_t wait_reason;     /* the reason of the last WAITING slice */
  size_t ended_at_wait;     /* n_ended when the task began waiting */
  uint64_t wait_object;
  int failed;
  int has_slice;            /* a slice of the task was closed */
  int64_t last_end;         /* where the last closed slice ended */
  uint32_t loop;            /* 1 + index in loops of its creation's loop */
} task_state;

/* The loops whose last ITERATION_BEGIN the builder keeps for the implied
 * wake-ups (implied_wake): the first ones of a trace, all of them in any
 * real program; a task of a later loop gets no ready slice there. */
#define WAKE_LOOPS 64

/* A slice as the builder appends it in compact mode (see
 * braid_trace_load_options.compact): 28 bytes in event order, the start
 * time split so that the record packs without padding. Its end is the
 * start of the task's next slice, or the task's last_end. */
typedef struct build_slice
{
  uint32_t start_lo, start_hi;
  uint32_t task, start_step, end_step, object;
  uint16_t state, reason;
} build_slice;

/* What a problem's text needs beyond the task: the raise site of a
 * never-retrieved error, what a destroyed task waited on. */
typedef struct problem_note
{
  size_t problem;           /* index in problems */
  uint32_t file;            /* string id of the raise site */
  int32_t line;
  uint32_t reason;          /* what a destroyed-pending task waited on */
  uint64_t object;
  const char *type, *message;
} problem_note;

/* The detail of a deadlock lists the tasks that wait, up to this many
 * bytes; the others are counted ("and N more"). A file may name millions. */
#define MAX_DEADLOCK_DETAIL 65536

typedef struct deadlock_note
{
  size_t problem;           /* 1 + index of the open DEADLOCK problem, or 0 */
  char *detail;             /* grows with each DEADLOCK_TASK, malloc'd */
  size_t len, cap;
  uint64_t more;            /* tasks left out of detail */
} deadlock_note;

/* What a follower's builder keeps per task besides task_state (see
 * live_room): the capacity of the task's range of the slices array, and
 * whether a snapshot holds the slice still open, in the slot after the
 * task's last closed slice (its end_step is then all that closing it
 * may change). */
typedef struct live_task
{
  size_t cap;
  int published;
} live_task;

struct braid__builder
{
  braid_trace *trace;
  braid_trace_task *tasks;
  task_state *states;
  size_t n_tasks, cap_tasks, cap_states;
  braid_trace_slice *slices;
  size_t n_slices, slices_bytes; /* a braid__big_* mapping */
  /* Compact mode: the slices are appended here instead (n_slices of
   * them, in a mapping of slices_bytes), and grouped into the trace's
   * compact array at finish. Cleared (and the records turned into full
   * slices) when a slice does not fit the compact form. */
  int compact;
  build_slice *bslices;
  /* Summary mode (braid_trace_load_options.summary): no slice, edge,
   * mark, output or iteration is kept; close_slice adds a slice's
   * duration to its task's totals instead. */
  int summary;
  /* Stream mode (braid_trace_stream): summary mode that hands each
   * slice, edge, mark and iteration to these callbacks as it is made,
   * and skips the acquisitions and releases. NULL otherwise. */
  const braid_trace_stream_callbacks *sink;
  void *sink_data;
  uint64_t sink_left; /* events still to take, in stream mode */
  braid_trace_edge *edges;
  size_t n_edges, edges_bytes; /* a braid__big_* mapping */
  braid_trace_mark *marks;
  size_t n_marks, marks_bytes; /* a braid__big_* mapping */
  braid_trace_output *outputs;
  size_t n_outputs, outputs_bytes; /* a braid__big_* mapping */
  braid_trace_object *objects;
  size_t n_objects, cap_objects;
  braid_trace_problem *problems;
  size_t n_problems, cap_problems;
  /* Problems whose text is composed at finish, when every name is known. */
  problem_note *notes;
  size_t n_notes, cap_notes;
  deadlock_note deadlock;
  braid_trace_iteration *iterations;
  size_t n_iterations, iterations_bytes; /* a braid__big_* mapping */
  /* Loop ids in the order their loops were created: an iteration's loop
   * is its index here. */
  uint64_t *loops;
  size_t n_loops, cap_loops;
  /* task id -> index */
  uint64_t *keys;
  int32_t *vals;
  size_t mask, used;
  uint64_t steps;           /* resumptions so far */
  int32_t running;          /* the task whose step runs, -1 if none */
  int32_t last_ended;       /* the task that finished last, -1 if none */
  int32_t *ended;           /* tasks in the order they finished */
  size_t n_ended, cap_ended;
  int64_t last_t;
  /* Acquisitions and releases (reader-sync.c), NULL until the first. */
  braid__sync *sync;
  /* The time of the last ITERATION_BEGIN of loop index i < WAKE_LOOPS,
   * valid when bit i of iterated is set. */
  int64_t iteration_ns[WAKE_LOOPS];
  uint64_t iterated;
  /* A follower's: how many edges, marks and outputs live_snapshot found
   * in time order, and a bit per array (1 edges, 2 marks, 4 outputs) set
   * once one was not, for finish to sort a copy of (sort_shared). */
  size_t sorted_edges, sorted_marks, sorted_outputs;
  unsigned unsorted;
  /* Following a live trace (braid__builder_follow): the reservations
   * that hold the large arrays at addresses that never move, owned by
   * the follower; NULL otherwise. While live is set, the slices are
   * kept grouped by task as compact records (see live_room), so that a
   * snapshot shares them instead of grouping a copy. */
  braid__live_blocks *blocks;
  int live;
  /* Summary or live mode: close_slice's one test for the slices kept
   * aside from the appended slices array (added to the totals only, or
   * put in their task's range). */
  int slices_aside;
  live_task *ltasks;
  size_t cap_ltasks;
};

static int
map_grow (uint64_t **keys, int32_t **vals, size_t *mask)
{
  size_t old_n = *keys ? *mask + 1 : 0;
  size_t n = old_n ? old_n * 2 : 256;
  uint64_t *nk = calloc (n, sizeof *nk);
  int32_t *nv = calloc (n, sizeof *nv);
  if (nk == NULL || nv == NULL)
    {
      free (nk);
      free (nv);
      return -1;
    }
  for (size_t i = 0; i < old_n; i++)
    if ((*keys)[i] != 0)
      {
        size_t j = braid__id_hash ((*keys)[i]) & (n - 1);
        while (nk[j] != 0)
          j = (j + 1) & (n - 1);
        nk[j] = (*keys)[i];
        nv[j] = (*vals)[i];
      }
  free (*keys);
  free (*vals);
  *keys = nk;
  *vals = nv;
  *mask = n - 1;
  return 0;
}

static int
map_put (uint64_t **keys, int32_t **vals, size_t *mask, size_t *used,
         uint64_t id, int32_t val)
{
  if (*keys == NULL || (*used + 1) * 2 > *mask + 1)
    if (map_grow (keys, vals, mask) != 0)
      return -1;
  size_t i = braid__id_hash (id) & *mask;
  while ((*keys)[i] != 0 && (*keys)[i] != id)
    i = (i + 1) & *mask;
  if ((*keys)[i] == 0)
    (*used)++;
  (*keys)[i] = id;
  (*vals)[i] = val;
  return 0;
}

braid__builder *
braid__builder_new (braid_trace *trace)
{
  braid__builder *b = calloc (1, sizeof *b);
  if (b == NULL)
    return NULL;
  b->trace = trace;
  b->running = -1;
  b->last_ended = -1;
  /* The reader asks for compact mode through the trace; the builder says
   * at finish whether it delivered it. */
  b->compact = trace->compact;
  trace->compact = false;
  b->summary = trace->summary && !b->compact;
  b->slices_aside = b->summary;
  if (b->summary && trace->sink != NULL)
    {
      b->sink = trace->sink;
      b->sink_data = trace->sink_data;
      b->sink_left = trace->sink_limit ? trace->sink_limit : UINT64_MAX;
    }
  return b;
}

/* ---------------------------------------------------------------------
 * A follower's blocks: each large array in a reservation of LIVE_RESERVE
 * bytes of address space, mapped PROT_NONE and made writable as it grows
 * (fixed_grow), so that it never moves: the traces a follower handed out
 * read the front of the arrays while the builder appends behind.
 * ------------------------------------------------------------------ */

#define LIVE_RESERVE ((size_t) 64 << 30)

void
braid__live_blocks_free (braid__live_blocks *blocks)
{
  if (blocks == NULL)
    return;
  void *all[] = { blocks->slices, blocks->edges, blocks->marks,
                  blocks->outputs, blocks->iterations };
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    if (all[i] != NULL)
      munmap (all[i], LIVE_RESERVE);
  free (blocks);
}

/* Whether @p is one of @b's reservations (never freed by the builder). */
static int
is_fixed (const braid__builder *b, const void *p)
{
  const braid__live_blocks *k = b->blocks;
  return p != NULL && k != NULL
         && (p == k->slices || p == k->edges || p == k->marks
             || p == k->outputs || p == k->iterations);
}

/* braid__big_reserve, or for a reservation: makes at least @need bytes
 * of it writable, doubling. Returns 0 or -1. */
static int
big_grow (braid__builder *b, void **arr, size_t *bytes, size_t need)
{
  if (!is_fixed (b, *arr))
    return braid__big_reserve (arr, bytes, need);
  if (need > LIVE_RESERVE)
    return -1;
  size_t nbytes = *bytes ? *bytes : 64 * 1024;
  while (nbytes < need)
    nbytes *= 2;
  if (nbytes > LIVE_RESERVE)
    nbytes = LIVE_RESERVE;
  if (mprotect (*arr, nbytes, PROT_READ | PROT_WRITE) != 0)
    return -1;
  *bytes = nbytes;
  return 0;
}

int
braid__builder_follow (braid__builder *b, braid__live_blocks **out)
{
  *out = NULL;
#ifndef __linux__
  /* braid__big_free frees a block of 0 bytes elsewhere. */
  return -1;
#endif
  if (!b->compact || b->summary || b->n_tasks > 0)
    return -1;
  braid__live_blocks *k = calloc (1, sizeof *k);
  if (k == NULL)
    return -1;
  void **all[] = { &k->slices, &k->edges, &k->marks, &k->outputs,
                   &k->iterations };
  for (size_t i = 0; i < sizeof all / sizeof *all; i++)
    {
      void *p = mmap (NULL, LIVE_RESERVE, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p == MAP_FAILED)
        {
          braid__live_blocks_free (k);
          return -1;
        }
      *all[i] = p;
    }
  b->blocks = k;
  b->live = 1;
  b->slices_aside = 1;
  b->slices = k->slices, b->slices_bytes = 0;
  b->edges = k->edges, b->edges_bytes = 0;
  b->marks = k->marks, b->marks_bytes = 0;
  b->outputs = k->outputs, b->outputs_bytes = 0;
  b->iterations = k->iterations, b->iterations_bytes = 0;
  *out = k;
  return 0;
}

/* braid__big_free unless @p is a reservation. */
static void
big_free (const braid__builder *b, void *p, size_t bytes)
{
  if (!is_fixed (b, p))
    braid__big_free (p, bytes);
}

void
braid__builder_free (braid__builder *b)
{
  if (b == NULL)
    return;
  free (b->tasks);
  free (b->states);
  free (b->ltasks);
  big_free (b, b->slices, b->slices_bytes);
  braid__big_free (b->bslices, b->slices_bytes);
  big_free (b, b->edges, b->edges_bytes);
  big_free (b, b->marks, b->marks_bytes);
  big_free (b, b->outputs, b->outputs_bytes);
  big_free (b, b->iterations, b->iterations_bytes);
  free (b->loops);
  free (b->objects);
  free (b->problems);
  free (b->notes);
  free (b->ended);
  free (b->deadlock.detail);
  free (b->keys);
  free (b->vals);
  braid__sync_free (b->sync);
  free (b);
}

/* braid__dup_array, with *@cap set to the copy's capacity (@n, or 0 when
 * nothing was copied). Returns 0 or -1. */
static int
dup_array (void **dst, const void *src, size_t n, size_t size, size_t *cap)
{
  int rc = braid__dup_array (dst, src, n, size);
  *cap = *dst ? n : 0;
  return rc;
}

/* The same for a braid__big_* block of @n elements. */
static int
dup_big (void **dst, size_t *bytes, const void *src, size_t n, size_t size)
{
  *dst = NULL;
  *bytes = 0;
  if (n == 0 || src == NULL)
    return 0;
  if (braid__big_reserve (dst, bytes, n * size) != 0)
    return -1;
  memcpy (*dst, src, n * size);
  return 0;
}

/* Copies into @c, a copy of @b whose arrays were set to NULL, what every
 * snapshot of @b gets of its own (builder_clone's, and live_snapshot's
 * while the large arrays are shared): the tasks, objects, problems and
 * notes, the deadlock's detail and the holds (reader-sync.c). Returns 0,
 * or -1 with what was copied left in @c for braid__builder_free. */
static int
dup_per_task (braid__builder *c, const braid__builder *b)
{
  return dup_array ((void **) &c->tasks, b->tasks, b->n_tasks,
                    sizeof *b->tasks, &c->cap_tasks)
         || dup_array ((void **) &c->objects, b->objects, b->n_objects,
                       sizeof *b->objects, &c->cap_objects)
         || dup_array ((void **) &c->problems, b->problems, b->n_problems,
                       sizeof *b->problems, &c->cap_problems)
         || dup_array ((void **) &c->notes, b->notes, b->n_notes,
                       sizeof *b->notes, &c->cap_notes)
         || dup_array ((void **) &c->deadlock.detail, b->deadlock.detail,
                       b->deadlock.cap, 1, &c->deadlock.cap)
         || braid__sync_clone (b->sync, &c->sync);
}

/* A deep copy of @b filling @trace: every array braid__builder_free
 * frees is copied here (a field added to one must be added to the
 * other). Returns NULL when out of memory. */
static braid__builder *
builder_clone (const braid__builder *b, braid_trace *trace)
{
  braid__builder *c = malloc (sizeof *c);
  if (c == NULL)
    return NULL;
  *c = *b;
  c->trace = trace;
  c->tasks = NULL, c->states = NULL, c->slices = NULL, c->bslices = NULL;
  c->edges = NULL, c->marks = NULL, c->outputs = NULL, c->iterations = NULL;
  c->loops = NULL, c->objects = NULL, c->problems = NULL, c->notes = NULL;
  c->ended = NULL, c->keys = NULL, c->vals = NULL;
  c->ltasks = NULL, c->cap_ltasks = 0;
  c->deadlock.detail = NULL;
  c->sync = NULL;
  c->deadlock.cap = 0;
  size_t map = b->keys ? b->mask + 1 : 0, unused;
  int fail
    = dup_per_task (c, b)
      || dup_array ((void **) &c->states, b->states, b->n_tasks,
                    sizeof *b->states, &c->cap_states)
      || (b->compact
            ? dup_big ((void **) &c->bslices, &c->slices_bytes, b->bslices,
                       b->n_slices, sizeof *b->bslices)
            : dup_big ((void **) &c->slices, &c->slices_bytes, b->slices,
                       b->n_slices, sizeof *b->slices))
      || dup_big ((void **) &c->edges, &c->edges_bytes, b->edges, b->n_edges,
                  sizeof *b->edges)
      || dup_big ((void **) &c->marks, &c->marks_bytes, b->marks, b->n_marks,
                  sizeof *b->marks)
      || dup_big ((void **) &c->outputs, &c->outputs_bytes, b->outputs,
                  b->n_outputs, sizeof *b->outputs)
      || dup_big ((void **) &c->iterations, &c->iterations_bytes,
                  b->iterations, b->n_iterations, sizeof *b->iterations)
      || dup_array ((void **) &c->loops, b->loops, b->n_loops,
                    sizeof *b->loops, &c->cap_loops)
      || dup_array ((void **) &c->ended, b->ended, b->n_ended,
                    sizeof *b->ended, &c->cap_ended)
      || dup_array ((void **) &c->keys, b->keys, map, sizeof *b->keys,
                    &unused)
      || dup_array ((void **) &c->vals, b->vals, map, sizeof *b->vals,
                    &unused);
  if (fail)
    {
      braid__builder_free (c);
      return NULL;
    }
  return c;
}

static int live_snapshot (braid__builder *b, braid_trace *trace);
static int live_sort (braid__builder *b);
static void live_bytes (const braid__builder *b, braid_trace *trace);

int
braid__builder_snapshot (braid__builder *b, braid_trace *trace,
                         const braid_trace_load_options *options)
{
  if (b->live)
    {
      int rc = live_snapshot (b, trace);
      if (rc != 0 || b->live)
        return rc;
      /* It left live mode: a snapshot of a copy, as below. */
    }
  braid__builder *c = builder_clone (b, trace);
  if (c == NULL)
    return -1;
  return braid__builder_finish (c, options);
}

static const char *
str (braid__builder *b, uint32_t id)
{
  return braid__trace_string (b->trace, id);
}

/* The step a point event belongs to: the running step, or the next one
 * when it happens between steps. */
static uint64_t
point_step (braid__builder *b)
{
  return b->running >= 0 && b->steps > 0 ? b->steps - 1 : b->steps;
}

/* The index of loop @id in the order loops were created, adding it when
 * it is new (an iteration of a loop whose creation the trace lacks).
 * Returns -1 when out of memory. A process makes a handful of loops, so
 * a scan is enough. */
static int64_t
loop_index (braid__builder *b, uint64_t id)
{
  for (size_t i = 0; i < b->n_loops; i++)
    if (b->loops[i] == id)
      return (int64_t) i;
  if (b->n_loops >= UINT32_MAX
      || GROW (b->loops, b->n_loops, b->cap_loops) != 0)
    return -1;
  b->loops[b->n_loops] = id;
  return (int64_t) b->n_loops++;
}

/* Index of task @id, creating a placeholder the first time an id is seen
 * without its creation event (a window, a truncated trace). -1 for id 0,
 * -2 when out of memory. */
static int32_t
task_index (braid__builder *b, uint64_t id, int64_t t)
{
  if (id == 0)
    return -1;
  int32_t idx = braid__id_map_find (b->keys, b->vals, b->mask, id);
  if (idx >= 0)
    return idx;
  if (b->n_tasks >= INT32_MAX - 1)
    return -2;
  if (GROW (b->tasks, b->n_tasks, b->cap_tasks) != 0
      || GROW (b->states, b->n_tasks, b->cap_states) != 0
      || (b->live && GROW (b->ltasks, b->n_tasks, b->cap_ltasks) != 0))
    return -2;
  if (b->live)
    b->ltasks[b->n_tasks] = (live_task) { 0 };
  idx = (int32_t) b->n_tasks++;
  braid_trace_task *task = &b->tasks[idx];
  memset (task, 0, sizeof *task);
  task->id = id;
  task->parent = -1;
  /* The placeholder name "task <id>" is written at finish for the tasks
   * whose creation never came: most tasks are seen first in their
   * creation event, which names them. */
  task->name = NULL;
  task->function = task->file = "";
  task->error_type = task->error_message = task->error_file = "";
  task->created_ns = t;
  task->ended_ns = -1;
  memset (&b->states[idx], 0, sizeof b->states[idx]);
  if (map_put (&b->keys, &b->vals, &b->mask, &b->used, id, idx) != 0)
    return -2;
  return idx;
}

/* Leaves compact mode: turns the records appended so far into full
 * slices. A record's end is the next record's start of the same task (a
 * slice is closed where the next one opens), and the task's last_end for
 * its last record. Returns 0 or -1. */
static int decompact_live (braid__builder *b);

static int
decompact (braid__builder *b)
{
  if (b->live)
    return decompact_live (b);
  size_t n = b->n_slices;
  braid_trace_slice *full = NULL;
  size_t full_bytes = 0;
  int64_t *last = malloc ((b->n_tasks ? b->n_tasks : 1) * sizeof *last);
  if (last == NULL
      || braid__big_reserve ((void **) &full, &full_bytes,
                             (n ? n : 1) * sizeof *full)
           != 0)
    {
      free (last);
      return -1;
    }
  for (size_t i = 0; i < b->n_tasks; i++)
    last[i] = -1;
  for (size_t r = 0; r < n; r++)
    {
      const build_slice *bs = &b->bslices[r];
      int64_t start = (int64_t) ((uint64_t) bs->start_hi << 32 | bs->start_lo);
      if (last[bs->task] >= 0)
        {
          braid_trace_slice *prev = &full[last[bs->task]];
          prev->end_ns = start > prev->start_ns ? start : prev->start_ns;
        }
      full[r] = (braid_trace_slice) {
        .task = bs->task, .state = (braid_trace_state) bs->state,
        .wait_reason = bs->reason, .object = bs->object,
        .start_ns = start, .end_ns = start,
        .start_step = bs->start_step, .end_step = bs->end_step,
      };
      last[bs->task] = (int64_t) r;
    }
  for (size_t i = 0; i < b->n_tasks; i++)
    if (last[i] >= 0)
      full[last[i]].end_ns = b->states[i].last_end;
  free (last);
  braid__big_free (b->bslices, b->slices_bytes);
  b->bslices = NULL;
  b->slices = full;
  b->slices_bytes = full_bytes;
  b->compact = 0;
  return 0;
}

/* The builder's result for a stream callback's @rc: a callback that
 * stops the read fails the load, and says so on the trace. */
static int
sink_result (braid__builder *b, int rc)
{
  if (rc == 0)
    return 0;
  b->trace->sink_stopped = true;
  return -1;
}

/* A follower's slices (live mode): the compact records, grouped by task
 * as they close, each task's at first_slice..first_slice+n_slices-1 of
 * a range of ltasks[].cap slots. A full range moves to the end of the
 * array with twice the room (so a slice moves a constant number of times
 * on average); the range it leaves is a gap that nothing reuses, since
 * the traces handed out may still read it. The first range of a task has
 * LIVE_FIRST_CAP slots: a ready, a running and a last slice. */
#define LIVE_FIRST_CAP 4

static braid_trace_compact_slice *
live_slices (const braid__builder *b)
{
  return (braid_trace_compact_slice *) b->slices;
}

/* Room in task @idx's range for one more slice. Returns 0 or -1. */
static int
live_room (braid__builder *b, int32_t idx)
{
  braid_trace_task *task = &b->tasks[idx];
  live_task *lt = &b->ltasks[idx];
  if (task->n_slices < lt->cap)
    return 0;
  size_t cap = lt->cap ? lt->cap * 2 : LIVE_FIRST_CAP;
  size_t at = b->n_slices;
  if (at + cap < at
      || big_grow (b, (void **) &b->slices, &b->slices_bytes,
                   (at + cap) * sizeof (braid_trace_compact_slice))
           != 0)
    return -1;
  braid_trace_compact_slice *cs = live_slices (b);
  if (task->n_slices > 0)
    memcpy (cs + at, cs + task->first_slice, task->n_slices * sizeof *cs);
  task->first_slice = at;
  lt->cap = cap;
  b->n_slices = at + cap;
  return 0;
}

/* Leaves live mode for the full slices (what decompact does in compact
 * mode): the grouped records become full slices, task after task, which
 * group_slices will find in order; the totals close_slice kept are
 * dropped, since group_slices adds them up again. The reservation stays
 * as it is, for the traces handed out. Returns 0 or -1. */
static int
decompact_live (braid__builder *b)
{
  size_t total = 0;
  for (size_t t = 0; t < b->n_tasks; t++)
    total += b->tasks[t].n_slices;
  braid_trace_slice *full = NULL;
  size_t full_bytes = 0;
  if (braid__big_reserve ((void **) &full, &full_bytes,
                          (total ? total : 1) * sizeof *full)
      != 0)
    return -1;
  const braid_trace_compact_slice *cs = live_slices (b);
  size_t k = 0;
  for (size_t t = 0; t < b->n_tasks; t++)
    {
      braid_trace_task *task = &b->tasks[t];
      for (size_t j = 0; j < task->n_slices; j++)
        {
          const braid_trace_compact_slice *c = &cs[task->first_slice + j];
          int64_t end = j + 1 < task->n_slices ? c[1].start_ns
                                                : b->states[t].last_end;
          full[k++] = (braid_trace_slice) {
            .task = (uint32_t) t, .state = (braid_trace_state) c->state,
            .wait_reason = c->wait_reason, .object = c->object,
            .start_ns = c->start_ns,
            .end_ns = end > c->start_ns ? end : c->start_ns,
            .start_step = c->start_step, .end_step = c->end_step,
          };
        }
      task->first_slice = task->n_slices = 0;
      task->running_ns = task->ready_ns = task->waiting_ns = 0;
      b->ltasks[t].published = 0;
    }
  b->slices = full;
  b->slices_bytes = full_bytes;
  b->n_slices = total;
  b->compact = 0;
  b->live = 0;
  b->slices_aside = b->summary;
  return 0;
}

/* Adds a closed slice of @d ns in @state to @task's totals. */
static inline void
add_total (braid_trace_task *task, braid_trace_state state, int64_t d)
{
  if (state == BRAID_STATE_RUNNING)
    task->running_ns += d;
  else if (state == BRAID_STATE_READY)
    task->ready_ns += d;
  else
    task->waiting_ns += d;
}

/* Stores the slice open in @s, ending at step @end_step, in the slot
 * after task @idx's last closed slice (which live_room made). */
static void
live_store (braid__builder *b, int32_t idx, const task_state *s,
            uint64_t end_step)
{
  const braid_trace_task *task = &b->tasks[idx];
  braid_trace_compact_slice *c
    = &live_slices (b)[task->first_slice + task->n_slices];
  if (b->ltasks[idx].published)
    /* A trace handed out shows this slot: only the end step differs,
     * one aligned word that it reads old or new. */
    __atomic_store_n (&c->end_step, (uint32_t) end_step, __ATOMIC_RELAXED);
  else
    *c = (braid_trace_compact_slice) {
      .start_ns = s->start_ns,
      .start_step = (uint32_t) s->start_step,
      .end_step = (uint32_t) end_step,
      .object = (uint32_t) s->object,
      .state = (uint16_t) s->state,
      .wait_reason = (uint16_t) s->reason,
    };
}

/* close_slice in live mode: into the task's range, with the totals as
 * group_cslices would find them (a compact slice ends where the task's
 * next one opens, which is here). Returns 0 or -1. */
static int
close_live (braid__builder *b, int32_t idx, const task_state *s,
            int64_t end_ns, uint64_t end_step)
{
  if (live_room (b, idx) != 0)
    return -1;
  live_store (b, idx, s, end_step);
  b->ltasks[idx].published = 0;
  braid_trace_task *task = &b->tasks[idx];
  task->n_slices++;
  add_total (task, s->state, end_ns - s->start_ns);
  return 0;
}

/* The step at which the slice open in @s ends when it closes now. */
static inline uint64_t
open_end_step (const braid__builder *b, const task_state *s)
{
  return b->steps > s->start_step ? b->steps : s->start_step;
}

/* Whether the slice open in @s fits a compact record when it closes now:
 * otherwise close_slice leaves compact mode (decompact). */
static inline int
open_fits_compact (const braid__builder *b, const task_state *s)
{
  return open_end_step (b, s) <= UINT32_MAX && s->object <= UINT32_MAX
         && s->reason <= UINT16_MAX && (unsigned) s->state <= UINT16_MAX;
}

static int
close_slice (braid__builder *b, int32_t idx, int64_t t)
{
  task_state *s = &b->states[idx];
  if (!s->open)
    return 0;
  s->open = 0;
  int64_t end_ns = t > s->start_ns ? t : s->start_ns;
  uint64_t end_step = open_end_step (b, s);
  if (b->compact && !open_fits_compact (b, s) && decompact (b) != 0)
    return -1;
  s->has_slice = 1;
  s->last_end = end_ns;
  if (b->slices_aside)
    {
      if (b->live)
        return close_live (b, idx, s, end_ns, end_step);
      /* What group_slices would add up from the slice. */
      add_total (&b->tasks[idx], s->state, end_ns - s->start_ns);
      if (b->sink == NULL || b->sink->slice_end == NULL)
        return 0;
      braid_trace_slice sl = {
        .task = (uint32_t) idx, .state = s->state, .wait_reason = s->reason,
        .object = s->object, .start_ns = s->start_ns, .end_ns = end_ns,
        .start_step = s->start_step, .end_step = end_step,
      };
      return sink_result (b, b->sink->slice_end (b->sink_data, &sl));
    }
  if (b->compact)
    {
      if (BIG_GROW (b->bslices, b->n_slices, b->slices_bytes) != 0)
        return -1;
      b->bslices[b->n_slices++] = (build_slice) {
        .start_lo = (uint32_t) (uint64_t) s->start_ns,
        .start_hi = (uint32_t) ((uint64_t) s->start_ns >> 32),
        .task = (uint32_t) idx,
        .start_step = (uint32_t) s->start_step,
        .end_step = (uint32_t) end_step,
        .object = (uint32_t) s->object,
        .state = (uint16_t) s->state,
        .reason = (uint16_t) s->reason,
      };
      return 0;
    }
  if (BIG_GROW (b->slices, b->n_slices, b->slices_bytes) != 0)
    return -1;
  braid_trace_slice *sl = &b->slices[b->n_slices++];
  sl->task = (uint32_t) idx;
  sl->state = s->state;
  sl->wait_reason = s->reason;
  sl->object = s->object;
  sl->start_ns = s->start_ns;
  sl->end_ns = end_ns;
  sl->start_step = s->start_step;
  sl->end_step = end_step;
  return 0;
}

static int
open_slice (braid__builder *b, int32_t idx, braid_trace_state state,
            uint32_t reason, uint64_t object, int64_t t, uint64_t step)
{
  task_state *s = &b->states[idx];
  /* A task's slices do not overlap (braid-trace.h): when a file's time
   * goes back, the new slice opens where the task's last one began or
   * ended. The sum of a task's slices then stays within the span of the
   * trace's times. */
  if (s->open && t < s->start_ns)
    t = s->start_ns;
  else if (!s->open && s->has_slice && t < s->last_end)
    t = s->last_end;
  /* Compact mode derives a slice's end from the next start: a task whose
   * last slice closed at another time than this one opens (an untrusted
   * file) needs the full form. */
  if (b->compact && !s->open && s->has_slice && s->last_end != t
      && decompact (b) != 0)
    return -1;
  if (close_slice (b, idx, t) != 0)
    return -1;
  s = &b->states[idx];
  s->open = 1;
  s->state = state;
  s->reason = reason;
  s->object = object;
  s->start_ns = t;
  s->start_step = step;
  if (b->sink != NULL && b->sink->slice_begin != NULL)
    {
      braid_trace_slice sl = {
        .task = (uint32_t) idx, .state = state, .wait_reason = reason,
        .object = object, .start_ns = t, .end_ns = t,
        .start_step = step, .end_step = step,
      };
      return sink_result (b, b->sink->slice_begin (b->sink_data, &sl));
    }
  return 0;
}

static int
add_edge (braid__builder *b, braid_trace_edge_kind kind, int32_t from,
          int32_t to, int64_t t, uint64_t object)
{
  if (to < 0 || from == to)
    return 0;
  braid_trace_edge e = {
    .kind = kind, .from = from, .to = to, .time_ns = t,
    .step = point_step (b), .object = object,
  };
  if (b->summary)
    return b->sink != NULL && b->sink->edge != NULL
             ? sink_result (b, b->sink->edge (b->sink_data, &e))
             : 0;
  if (BIG_GROW (b->edges, b->n_edges, b->edges_bytes) != 0)
    return -1;
  b->edges[b->n_edges++] = e;
  return 0;
}

/* Adds a mark; @text is the line of an output mark (stream mode hands
 * it over with the mark, NULL for the others). */
static int
add_mark_text (braid__builder *b, braid_trace_mark_kind kind, int32_t task,
               int64_t t, uint64_t step, int64_t value, const char *text)
{
  braid_trace_mark m = {
    .kind = kind, .task = task, .time_ns = t, .step = step, .value = value,
  };
  if (b->summary)
    return b->sink != NULL && b->sink->mark != NULL
             ? sink_result (b, b->sink->mark (b->sink_data, &m, text))
             : 0;
  if (BIG_GROW (b->marks, b->n_marks, b->marks_bytes) != 0)
    return -1;
  b->marks[b->n_marks++] = m;
  return 0;
}

static int
add_mark (braid__builder *b, braid_trace_mark_kind kind, int32_t task,
          int64_t t, uint64_t step, int64_t value)
{
  return add_mark_text (b, kind, task, t, step, value, NULL);
}

static braid_trace_problem *
add_problem (braid__builder *b, braid_trace_problem_kind kind, int32_t task,
             int64_t t)
{
  if (GROW (b->problems, b->n_problems, b->cap_problems) != 0)
    return NULL;
  braid_trace_problem *p = &b->problems[b->n_problems++];
  *p = (braid_trace_problem) {
    .kind = kind, .task = task, .time_ns = t, .step = point_step (b),
    .summary = "", .detail = "",
  };
  return p;
}

static void
end_task (braid__builder *b, int32_t idx, int64_t t,
          braid_trace_outcome outcome)
{
  braid_trace_task *task = &b->tasks[idx];
  /* Not before its last slice, which close_slice ended at t or later. */
  const task_state *s = &b->states[idx];
  task->ended_ns = s->has_slice && s->last_end > t ? s->last_end : t;
  task->outcome = outcome;
  if (outcome != BRAID_OUTCOME_DESTROYED_PENDING)
    {
      b->last_ended = idx;
      if (GROW (b->ended, b->n_ended, b->cap_ended) == 0)
        b->ended[b->n_ended++] = idx;
    }
  if (b->running == idx)
    b->running = -1;
}

/* The task an event's object names, when it names one. */
static int32_t
object_task (braid__builder *b, uint64_t object)
{
  return braid__id_map_find (b->keys, b->vals, b->mask, object);
}

/* Adds one waiting task's @text to the open deadlock's detail (doubling
 * its buffer: a deadlock may list many tasks). Returns 0 or -1. */
static int
deadlock_append (braid__builder *b, const char *text)
{
  deadlock_note *d = &b->deadlock;
  size_t n = strlen (text);
  if (d->len + n + 2 > MAX_DEADLOCK_DETAIL)
    {
      d->more++;
      return 0;
    }
  if (d->len + n + 3 > d->cap)
    {
      size_t cap = d->cap ? d->cap * 2 : 256;
      while (cap < d->len + n + 3)
        cap *= 2;
      char *p = realloc (d->detail, cap);
      if (p == NULL)
        return -1;
      d->detail = p;
      d->cap = cap;
    }
  if (d->len > 0)
    {
      memcpy (d->detail + d->len, "; ", 2);
      d->len += 2;
    }
  memcpy (d->detail + d->len, text, n + 1);
  d->len += n;
  return 0;
}

/* Gives the open deadlock (if any) its detail, copied into the arena
 * once, when its list of tasks is complete: at the next deadlock and at
 * the end. Returns 0 or -1. */
static int
deadlock_close (braid__builder *b)
{
  deadlock_note *d = &b->deadlock;
  if (d->problem != 0 && (d->len > 0 || d->more > 0))
    {
      braid_trace_problem *p = &b->problems[d->problem - 1];
      p->detail = d->more == 0
                    ? braid__arena_strndup (b->trace->arena, d->detail,
                                            d->len)
                    : braid__arena_printf (b->trace->arena,
                                           "%.*s; and %llu more", (int) d->len,
                                           d->len ? d->detail : "",
                                           (unsigned long long) d->more);
      if (p->detail == NULL)
        return -1;
    }
  d->problem = 0;
  d->len = 0;
  d->more = 0;
  return 0;
}

/* @v clamped to [-BRAID_TRACE_TIME_LIMIT_NS, BRAID_TRACE_TIME_LIMIT_NS]:
 * 73 years either side of the start of the trace, far beyond any real
 * run, and small enough that the difference of two such times, or the
 * sum of a task's back-to-back slices, fits in an int64_t. */
static int64_t
clamp_time (int64_t v)
{
  return v < -BRAID_TRACE_TIME_LIMIT_NS  ? -BRAID_TRACE_TIME_LIMIT_NS
         : v > BRAID_TRACE_TIME_LIMIT_NS ? BRAID_TRACE_TIME_LIMIT_NS
                                         : v;
}

/* A duration an event carries (a slow step's, a wait for the writer's):
 * clamped to [0, BRAID_TRACE_TIME_LIMIT_NS]. */
static int64_t
clamp_duration (int64_t v)
{
  return v < 0 ? 0 : clamp_time (v);
}

/* The wake-up of task @idx, waiting, that its resumption at @t implies:
 * the runtime reports none for an I/O completion that a libuv callback
 * delivers (SCHEMA.md, "Implied wake-ups"). The callback ran in the poll
 * that the last ITERATION_BEGIN of the task's loop ended, and the task
 * runs in that iteration: it is ready from that iteration's start (from
 * @t when the loop is unknown), woken by the loop, as a TASK_WOKEN
 * without a waker would say. Returns 0 or -1. */
static int
implied_wake (braid__builder *b, int32_t idx, int64_t t)
{
  const task_state *s = &b->states[idx];
  uint32_t loop = s->loop;
  int64_t w = t;
  if (loop > 0 && loop <= WAKE_LOOPS
      && (b->iterated & ((uint64_t) 1 << (loop - 1))) != 0
      && b->iteration_ns[loop - 1] > s->start_ns
      && b->iteration_ns[loop - 1] < t)
    w = b->iteration_ns[loop - 1];
  uint32_t reason = s->reason;
  uint64_t object = s->object;
  if (w < t
      && open_slice (b, idx, BRAID_STATE_READY, reason, object, w, b->steps)
           != 0)
    return -1;
  return add_edge (b, BRAID_EDGE_WAKE, object_task (b, object), idx, w,
                   object);
}

int
braid__builder_add (braid__builder *b, const braid__ev *ev)
{
  /* A stream may stop at a number of events: those a first read of a
   * file that is still being written saw. */
  if (b->sink != NULL)
    {
      if (b->sink_left == 0)
        return 0;
      b->sink_left--;
    }
  int64_t t = clamp_time (ev->t);
  if (t > b->last_t)
    b->last_t = t;
  /* A stream (braid_trace_stream) has no use for the holds. */
  if (b->sink != NULL
      && (ev->kind == BRAID_EV_ACQUIRED || ev->kind == BRAID_EV_RELEASED))
    return 0;
  int32_t idx = -1;
  switch (ev->kind)
    {
    case BRAID_EV_TASK_CREATED:
    case BRAID_EV_TASK_RESUMED:
    case BRAID_EV_TASK_SUSPENDED:
    case BRAID_EV_TASK_WOKEN:
    case BRAID_EV_TASK_COMPLETED:
    case BRAID_EV_TASK_FAILED:
    case BRAID_EV_TASK_CANCELLED:
    case BRAID_EV_CANCEL_REQUESTED:
    case BRAID_EV_TASK_DESTROYED_PENDING:
      idx = task_index (b, ev->task, t);
      if (idx == -2)
        return -1;
      if (idx < 0)
        return 0; /* a task event about no task: ignore */
      break;
    default:
      break;
    }

  switch (ev->kind)
    {
    case BRAID_EV_LOOP_CREATED:
      return loop_index (b, ev->object) < 0 ? -1 : 0;

    case BRAID_EV_ITERATION_BEGIN:
      {
        int64_t loop = loop_index (b, ev->object);
        if (loop < 0)
          return -1;
        if (loop < WAKE_LOOPS)
          {
            b->iteration_ns[loop] = t;
            b->iterated |= (uint64_t) 1 << loop;
          }
        /* The number is the runtime's count from 1; a file's may be
         * anything, and is clamped to what the record holds. */
        int64_t number = ev->value;
        braid_trace_iteration it = {
          .first_step = b->steps, .time_ns = t, .loop = (uint32_t) loop,
          .number = number < 0            ? 0
                    : number > UINT32_MAX ? UINT32_MAX
                                          : (uint32_t) number,
        };
        if (b->summary)
          return b->sink != NULL && b->sink->iteration != NULL
                   ? sink_result (b, b->sink->iteration (b->sink_data, &it))
                   : 0;
        if (BIG_GROW (b->iterations, b->n_iterations, b->iterations_bytes)
            != 0)
          return -1;
        b->iterations[b->n_iterations++] = it;
        return 0;
      }

    case BRAID_EV_TASK_CREATED:
      {
        braid_trace_task *task = &b->tasks[idx];
        task->name = ev->s1 ? str (b, ev->s1) : task->name;
        task->function = str (b, ev->s2);
        task->file = str (b, ev->s3);
        task->line = ev->line;
        task->created_ns = t;
        if (ev->object != 0)
          {
            int64_t loop = loop_index (b, ev->object);
            if (loop < 0)
              return -1;
            b->states[idx].loop = (uint32_t) loop + 1;
          }
        int32_t parent = task_index (b, ev->other, t);
        if (parent == -2)
          return -1;
        task = &b->tasks[idx]; /* task_index may have moved the array */
        task->parent = parent == idx ? -1 : parent;
        if (open_slice (b, idx, BRAID_STATE_READY, BRAID_WAIT_NONE, 0, t,
                        b->steps)
            != 0)
          return -1;
        if (task->parent < 0)
          return 0; /* created outside any task: no arrow */
        return add_edge (b, BRAID_EDGE_SPAWN, task->parent, idx, t, 0);
      }

    case BRAID_EV_TASK_RESUMED:
      if (b->states[idx].open && b->states[idx].state == BRAID_STATE_WAITING
          && implied_wake (b, idx, t) != 0)
        return -1;
      if (open_slice (b, idx, BRAID_STATE_RUNNING, 0, 0, t, b->steps) != 0)
        return -1;
      b->tasks[idx].n_steps++;
      b->steps++;
      b->running = idx;
      return 0;

    case BRAID_EV_TASK_SUSPENDED:
      {
        uint64_t step = point_step (b);
        if (b->running == idx)
          b->running = -1;
        task_state *s = &b->states[idx];
        if (ev->reason == BRAID_WAIT_YIELD)
          {
            if (open_slice (b, idx, BRAID_STATE_READY, BRAID_WAIT_YIELD,
                            ev->object, t, b->steps)
                != 0)
              return -1;
            return add_mark (b, BRAID_MARK_YIELD, idx, t, step, 0);
          }
        s->wait_reason = ev->reason;
        s->wait_object = ev->object;
        s->ended_at_wait = b->n_ended;
        return open_slice (b, idx, BRAID_STATE_WAITING, ev->reason,
                           ev->object, t, b->steps);
      }

    case BRAID_EV_TASK_WOKEN:
      {
        task_state *s = &b->states[idx];
        if (ev->reason == BRAID_WAIT_YIELD
            || (s->open && s->state != BRAID_STATE_WAITING))
          return 0; /* already ready: a yield's wake-up changes nothing */
        uint32_t reason = s->open ? s->reason : ev->reason;
        uint64_t object = ev->object ? ev->object : s->object;
        if (open_slice (b, idx, BRAID_STATE_READY, reason, object, t,
                        b->steps)
            != 0)
          return -1;
        int32_t from = task_index (b, ev->other, t);
        if (from == -2)
          return -1;
        if (from < 0 && ev->other == 0)
          from = object_task (b, object);
        /* The runtime wakes awaiters from done callbacks, outside any
         * task, so `other` is 0 and the object is often an inner future
         * rather than the task. The task whose end set that chain going
         * is the one that ended last before the wake-up: callbacks run
         * in the order their futures completed. */
        if (from < 0 && ev->other == 0
            && (reason == BRAID_WAIT_TASK || reason == BRAID_WAIT_GATHER
                || reason == BRAID_WAIT_WAIT || reason == BRAID_WAIT_FUTURE))
          from = b->last_ended;
        braid_trace_edge_kind kind = reason == BRAID_WAIT_GATHER
                                         || ev->reason == BRAID_WAIT_GATHER
                                       ? BRAID_EDGE_GATHER
                                       : BRAID_EDGE_WAKE;
        if (kind != BRAID_EDGE_GATHER)
          return add_edge (b, kind, from, idx, t, object);
        /* Gather fan-in: an arrow from every child of the waiting task
         * that finished while it waited on the gather (the children a
         * gather spawns are created by the task that gathers). */
        int any = 0;
        size_t first = b->states[idx].ended_at_wait;
        for (size_t k = first; k < b->n_ended; k++)
          {
            int32_t child = b->ended[k];
            if (b->tasks[child].parent != idx)
              continue;
            any = 1;
            if (add_edge (b, BRAID_EDGE_GATHER, child, idx, t, object) != 0)
              return -1;
          }
        return any ? 0 : add_edge (b, kind, from, idx, t, object);
      }

    case BRAID_EV_TASK_COMPLETED:
      if (close_slice (b, idx, t) != 0)
        return -1;
      end_task (b, idx, t, BRAID_OUTCOME_COMPLETED);
      return 0;

    case BRAID_EV_TASK_FAILED:
      {
        uint64_t step = point_step (b);
        if (close_slice (b, idx, t) != 0)
          return -1;
        end_task (b, idx, t, BRAID_OUTCOME_FAILED);
        braid_trace_task *task = &b->tasks[idx];
        task->error_type = str (b, ev->s1);
        task->error_message = str (b, ev->s2);
        task->error_file = str (b, ev->s3);
        task->error_line = ev->line;
        return add_mark (b, BRAID_MARK_ERROR, idx, t, step, 0);
      }

    case BRAID_EV_TASK_CANCELLED:
      {
        uint64_t step = point_step (b);
        if (close_slice (b, idx, t) != 0)
          return -1;
        end_task (b, idx, t, BRAID_OUTCOME_CANCELLED);
        braid_trace_task *task = &b->tasks[idx];
        task->error_type = "CancelledError";
        task->error_message = str (b, ev->s2);
        return add_mark (b, BRAID_MARK_CANCELLED, idx, t, step, 0);
      }

    case BRAID_EV_CANCEL_REQUESTED:
      {
        int32_t from = task_index (b, ev->other, t);
        if (from == -2)
          return -1;
        return add_edge (b, BRAID_EDGE_CANCEL, from, idx, t, ev->object);
      }

    case BRAID_EV_ERROR_RETRIEVED:
      {
        int32_t failed = object_task (b, ev->object);
        if (failed < 0)
          return 0;
        b->tasks[failed].error_retrieved = true;
        int32_t reader = task_index (b, ev->other, t);
        if (reader == -2)
          return -1;
        return add_edge (b, BRAID_EDGE_ERROR, failed, reader, t,
                         ev->object);
      }

    case BRAID_EV_ERROR_NEVER_RETRIEVED:
      {
        int32_t task = object_task (b, ev->object);
        if (task < 0)
          task = braid__id_map_find (b->keys, b->vals, b->mask, ev->task);
        if (task >= 0)
          {
            braid_trace_task *tk = &b->tasks[task];
            if (tk->error_type[0] == '\0')
              {
                tk->error_type = str (b, ev->s1);
                tk->error_message = str (b, ev->s2);
                tk->error_file = str (b, ev->s3);
                tk->error_line = ev->line;
              }
          }
        if (add_mark (b, BRAID_MARK_NEVER_RETRIEVED, task, t, point_step (b),
                      0)
            != 0)
          return -1;
        braid_trace_problem *p
          = add_problem (b, BRAID_PROBLEM_NEVER_RETRIEVED, task, t);
        if (p == NULL)
          return -1;
        if (GROW (b->notes, b->n_notes, b->cap_notes) != 0)
          return -1;
        b->notes[b->n_notes++] = (problem_note) {
          .problem = b->n_problems - 1, .file = ev->s3, .line = ev->line,
          .type = str (b, ev->s1), .message = str (b, ev->s2),
        };
        return 0;
      }

    case BRAID_EV_TASK_DESTROYED_PENDING:
      {
        task_state *s = &b->states[idx];
        uint32_t reason = s->open && s->state == BRAID_STATE_WAITING
                            ? s->reason
                            : BRAID_WAIT_NONE;
        uint64_t object = s->open ? s->object : 0;
        if (close_slice (b, idx, t) != 0)
          return -1;
        end_task (b, idx, t, BRAID_OUTCOME_DESTROYED_PENDING);
        if (add_mark (b, BRAID_MARK_DESTROYED_PENDING, idx, t,
                      point_step (b), 0)
            != 0)
          return -1;
        braid_trace_problem *p
          = add_problem (b, BRAID_PROBLEM_DESTROYED_PENDING, idx, t);
        if (p == NULL)
          return -1;
        if (GROW (b->notes, b->n_notes, b->cap_notes) != 0)
          return -1;
        b->notes[b->n_notes++] = (problem_note) {
          .problem = b->n_problems - 1, .reason = reason, .object = object,
        };
        return 0;
      }

    case BRAID_EV_OBJECT_CREATED:
      if (ev->object == 0)
        return 0;
      if (GROW (b->objects, b->n_objects, b->cap_objects) != 0)
        return -1;
      {
        int32_t creator = task_index (b, ev->other, t);
        if (creator == -2)
          return -1;
        b->objects[b->n_objects++] = (braid_trace_object) {
          .id = ev->object, .kind = ev->reason, .name = str (b, ev->s1),
          .creator = creator,
        };
      }
      return 0;

    case BRAID_EV_OUTPUT:
      {
        int32_t task = task_index (b, ev->task, t);
        if (task == -2)
          return -1;
        if (b->summary)
          return task >= 0
                     ? add_mark_text (b, BRAID_MARK_OUTPUT, task, t,
                                      point_step (b), 0, str (b, ev->s1))
                     : 0;
        if (BIG_GROW (b->outputs, b->n_outputs, b->outputs_bytes) != 0)
          return -1;
        b->outputs[b->n_outputs++] = (braid_trace_output) {
          .task = task, .stream = ev->line == 2 ? 2 : 1, .time_ns = t,
          .step = point_step (b), .text = str (b, ev->s1),
        };
        if (task >= 0)
          return add_mark (b, BRAID_MARK_OUTPUT, task, t, point_step (b), 0);
        return 0;
      }

    case BRAID_EV_SLOW_STEP:
      {
        int32_t task = task_index (b, ev->task, t);
        if (task == -2)
          return -1;
        int64_t duration = clamp_duration (ev->value);
        if (add_mark (b, BRAID_MARK_SLOW_STEP, task, t, point_step (b),
                      duration)
            != 0)
          return -1;
        braid_trace_problem *p
          = add_problem (b, BRAID_PROBLEM_SLOW_STEP, task, t);
        if (p == NULL)
          return -1;
        p->duration_ns = duration;
        return 0;
      }

    case BRAID_EV_DEADLOCK:
      {
        if (deadlock_close (b) != 0)
          return -1;
        braid_trace_problem *p
          = add_problem (b, BRAID_PROBLEM_DEADLOCK, -1, t);
        if (p == NULL)
          return -1;
        p->summary = braid__arena_printf (
          b->trace->arena,
          "Deadlock: %lld tasks wait and nothing can wake any of them",
          (long long) ev->value);
        if (p->summary == NULL)
          return -1;
        b->deadlock.problem = b->n_problems;
        return 0;
      }

    case BRAID_EV_DEADLOCK_TASK:
      {
        if (b->deadlock.problem == 0)
          return 0;
        int32_t task = task_index (b, ev->task, t);
        if (task == -2)
          return -1;
        char text[512];
        char placeholder[32];
        const char *name = task >= 0 ? b->tasks[task].name : "?";
        if (name == NULL)
          {
            snprintf (placeholder, sizeof placeholder, "task %llu",
                      (unsigned long long) b->tasks[task].id);
            name = placeholder;
          }
        if (ev->object != 0)
          snprintf (text, sizeof text, "'%s' waits on %s (object %llu)",
                    name, braid_trace_wait_reason_name (ev->reason),
                    (unsigned long long) ev->object);
        else
          snprintf (text, sizeof text, "'%s' waits on %s", name,
                    braid_trace_wait_reason_name (ev->reason));
        if (deadlock_append (b, text) != 0)
          return -1;
        braid_trace_problem *p = &b->problems[b->deadlock.problem - 1];
        if (p->task < 0)
          p->task = task;
        return 0;
      }

    case BRAID_EV_ACQUIRED:
    case BRAID_EV_RELEASED:
    case BRAID_EV_QUEUE_ITEM:
      return braid__sync_event (&b->sync, ev->kind, ev->task, ev->object,
                                ev->reason, t, point_step (b));

    case BRAID_EV_OBSERVER_WAIT:
      {
        int32_t task = task_index (b, ev->task, t);
        if (task == -2)
          return -1;
        if (task < 0)
          task = b->running;
        return add_mark (b, BRAID_MARK_OBSERVER_WAIT, task, t,
                         point_step (b), clamp_duration (ev->value));
      }

    default:
      return 0;
    }
}

static const char *
site (braid__builder *b, const char *file, int line)
{
  if (file[0] == '\0')
    return "an unknown site";
  return braid__arena_printf (b->trace->arena, "%s:%d", file, line);
}

static const char *
creator_text (braid__builder *b, const braid_trace_task *task)
{
  if (task->parent < 0)
    return "outside any task";
  return braid__arena_printf (b->trace->arena, "by '%s'",
                              b->tasks[task->parent].name);
}

/* Writes the summary and detail of every problem, now that every task's
 * name, creation site and parent are known. */
static int
compose_problems (braid__builder *b)
{
  braid__arena *a = b->trace->arena;
  if (deadlock_close (b) != 0)
    return -1;
  for (size_t i = 0; i < b->n_notes; i++)
    {
      const problem_note *note = &b->notes[i];
      braid_trace_problem *p = &b->problems[note->problem];
      const braid_trace_task *task = p->task >= 0 ? &b->tasks[p->task] : NULL;
      if (p->kind == BRAID_PROBLEM_NEVER_RETRIEVED)
        {
          const char *type = note->type[0] ? note->type : "Error";
          const char *raised = site (b, str (b, note->file), note->line);
          if (task != NULL)
            {
              p->summary = braid__arena_printf (
                a,
                "Task exception was never retrieved: '%s' failed with "
                "%s: %s",
                task->name, type, note->message);
              p->detail = braid__arena_printf (
                a, "created at %s %s; raised at %s",
                site (b, task->file, task->line), creator_text (b, task),
                raised);
            }
          else
            {
              p->summary = braid__arena_printf (
                a, "Future exception was never retrieved: %s: %s", type,
                note->message);
              p->detail = braid__arena_printf (a, "raised at %s", raised);
            }
        }
      else if (p->kind == BRAID_PROBLEM_DESTROYED_PENDING && task != NULL)
        {
          p->summary = braid__arena_printf (
            a, "Task was destroyed but it is pending: '%s'", task->name);
          if (note->reason != BRAID_WAIT_NONE)
            p->detail = braid__arena_printf (
              a, "created at %s %s; waiting on %s (object %llu)",
              site (b, task->file, task->line), creator_text (b, task),
              braid_trace_wait_reason_name (note->reason),
              (unsigned long long) note->object);
          else
            p->detail = braid__arena_printf (
              a, "created at %s %s; it was not waiting",
              site (b, task->file, task->line), creator_text (b, task));
        }
      if (p->summary == NULL || p->detail == NULL)
        return -1;
    }
  for (size_t i = 0; i < b->n_problems; i++)
    {
      braid_trace_problem *p = &b->problems[i];
      const braid_trace_task *task = p->task >= 0 ? &b->tasks[p->task] : NULL;
      if (p->kind == BRAID_PROBLEM_SLOW_STEP)
        {
          p->summary = braid__arena_printf (
            a, "%s%s%s held the loop for %.1f ms in one step",
            task ? "'" : "", task ? task->name : "A callback",
            task ? "'" : "", (double) p->duration_ns / 1e6);
          p->detail
            = task ? braid__arena_printf (a, "created at %s %s; step %llu",
                                          site (b, task->file, task->line),
                                          creator_text (b, task),
                                          (unsigned long long) p->step)
                   : braid__arena_printf (a, "at step %llu",
                                          (unsigned long long) p->step);
        }
      if (p->summary == NULL || p->detail == NULL)
        return -1;
    }
  if (!b->trace->meta.complete)
    {
      braid_trace_problem *p
        = add_problem (b, BRAID_PROBLEM_INCOMPLETE, -1, b->last_t);
      if (p == NULL)
        return -1;
      p->step = b->steps;
      if (b->trace->meta.liveness == BRAID_LIVENESS_RUNNING)
        {
          /* Not a problem of the program: the trace is still growing. */
          p->summary = "The trace is still being written: the program is "
                       "running";
          p->detail = "every event up to the last committed batch (at most "
                      "100 ms old) is present";
        }
      else
        {
          p->summary = "The trace is incomplete: the program was killed or "
                       "crashed before the trace was closed";
          p->detail
            = "every event up to the last committed batch is present";
        }
    }
  return 0;
}

/* Stable sort of an array of records by an int64 time at @offset. */
static int
sort_by_time (void *base, size_t n, size_t size, size_t offset)
{
  char *arr = base;
  int sorted = 1;
  for (size_t i = 1; i < n && sorted; i++)
    {
      int64_t a, c;
      memcpy (&a, arr + (i - 1) * size + offset, sizeof a);
      memcpy (&c, arr + i * size + offset, sizeof c);
      if (c < a)
        sorted = 0;
    }
  if (sorted)
    return 0;
  /* Merge sort through a scratch copy: stable, O(n log n). */
  char *tmp = malloc (n * size);
  if (tmp == NULL)
    return -1;
  for (size_t width = 1; width < n; width *= 2)
    {
      for (size_t lo = 0; lo < n; lo += 2 * width)
        {
          size_t mid = lo + width < n ? lo + width : n;
          size_t hi = lo + 2 * width < n ? lo + 2 * width : n;
          size_t i = lo, j = mid, k = lo;
          while (i < mid || j < hi)
            {
              int take_left;
              if (i >= mid)
                take_left = 0;
              else if (j >= hi)
                take_left = 1;
              else
                {
                  int64_t a, c;
                  memcpy (&a, arr + i * size + offset, sizeof a);
                  memcpy (&c, arr + j * size + offset, sizeof c);
                  take_left = a <= c;
                }
              size_t from = take_left ? i++ : j++;
              memcpy (tmp + k++ * size, arr + from * size, size);
            }
        }
      memcpy (arr, tmp, n * size);
    }
  free (tmp);
  return 0;
}

/* Groups the slices by task, keeping each task's in time order (they
 * were appended in event order), and fills first_slice, n_slices and the
 * totals.
 *
 * The slices are the largest array of the model (56 bytes each, about
 * one per event), so they are never held twice. They move in rounds,
 * each taking a range of tasks: one pass over what is left of the event
 * order array copies the round's slices to their places in the grouped
 * array and closes up the rest, and the pages left behind are handed
 * back as the pass goes. The reads are sequential and the writes go to
 * one cursor per task of the round, so the pass runs at memory speed;
 * the cost of a few passes is what keeps the peak at one copy plus the
 * last touched page of each task of a round.
 *
 * Not inlined (nor group_cslices): the code of their loops, where a load
 * spends a fifth of its time, then does not depend on what else
 * braid__builder_finish holds. */
__attribute__ ((noinline)) static int
group_slices (braid__builder *b)
{
  size_t n = b->n_slices;
  size_t *start = calloc (b->n_tasks + 1, sizeof *start);
  if (start == NULL)
    return -1;
  for (size_t i = 0; i < n; i++)
    start[b->slices[i].task + 1]++;
  for (size_t i = 0; i < b->n_tasks; i++)
    {
      b->tasks[i].n_slices = start[i + 1];
      start[i + 1] += start[i];
      b->tasks[i].first_slice = start[i];
    }
  int sorted = 1;
  for (size_t i = 0; i < n; i++)
    {
      const braid_trace_slice *sl = &b->slices[i];
      add_total (&b->tasks[sl->task], sl->state, sl->end_ns - sl->start_ns);
      sorted &= start[sl->task]++ == i;
    }
  if (sorted)
    {
      free (start);
      return 0;
    }
  for (size_t i = 0; i < b->n_tasks; i++)
    start[i] = b->tasks[i].first_slice; /* the write cursors */

  braid_trace_slice *out = NULL;
  size_t out_bytes = 0;
  if (braid__big_reserve ((void **) &out, &out_bytes, n * sizeof *out) != 0)
    {
      free (start);
      return -1;
    }
  /* A round's open pages cost up to a page per task: a round takes at
   * most one task per 1024 slices (a 6% overhead), and a quarter of the
   * slices, so that there are a handful of passes. */
  const size_t max_tasks = n / 1024 > 64 ? n / 1024 : 64;
  const size_t max_slices = n / 4 > 65536 ? n / 4 : 65536;
  const size_t discard_every = 16384;
  braid_trace_slice *in = b->slices;
  size_t left = n; /* live slices at the front of in */
  for (size_t t0 = 0; t0 < b->n_tasks;)
    {
      size_t t1 = t0, count = 0;
      while (t1 < b->n_tasks && t1 - t0 < max_tasks
             && (count == 0 || count + b->tasks[t1].n_slices <= max_slices))
        count += b->tasks[t1++].n_slices;
      size_t w = 0;
      for (size_t r = 0; r < left; r++)
        {
          braid_trace_slice sl = in[r];
          if (sl.task >= t0 && sl.task < t1)
            out[start[sl.task]++] = sl;
          else
            in[w++] = sl;
          if ((r & (discard_every - 1)) == discard_every - 1)
            braid__big_discard (in, w * sizeof *in, (r + 1) * sizeof *in);
        }
      braid__big_discard (in, w * sizeof *in, left * sizeof *in);
      left = w;
      t0 = t1;
    }
  free (start);
  braid__big_free (b->slices, b->slices_bytes);
  b->slices = out;
  b->slices_bytes = out_bytes;
  return 0;
}

/* group_slices for compact mode: groups the 28-byte records by task into
 * the trace's 24-byte compact slices (in rounds, as group_slices does,
 * so that the records and the result are never both whole in memory),
 * then fills the totals from the derived ends and builds the per-task
 * ends. The result replaces b->slices (as braid_trace_compact_slice
 * records) and *ends_out gets the ends. Returns 0 or -1. */
static braid_trace_compact_slice
compact_of (const build_slice *bs)
{
  return (braid_trace_compact_slice) {
    .start_ns = (int64_t) ((uint64_t) bs->start_hi << 32 | bs->start_lo),
    .start_step = bs->start_step,
    .end_step = bs->end_step,
    .object = bs->object,
    .state = bs->state,
    .wait_reason = bs->reason,
  };
}

__attribute__ ((noinline)) static int
group_cslices (braid__builder *b, braid_trace_compact_end **ends_out)
{
  size_t n = b->n_slices;
  size_t *start = calloc (b->n_tasks + 1, sizeof *start);
  braid_trace_compact_end *ends
    = calloc (b->n_tasks ? b->n_tasks : 1, sizeof *ends);
  if (start == NULL || ends == NULL)
    {
      free (start);
      free (ends);
      return -1;
    }
  for (size_t i = 0; i < n; i++)
    start[b->bslices[i].task + 1]++;
  for (size_t i = 0; i < b->n_tasks; i++)
    {
      b->tasks[i].n_slices = start[i + 1];
      start[i + 1] += start[i];
      b->tasks[i].first_slice = start[i];
    }
  int sorted = 1;
  for (size_t i = 0; i < n; i++)
    sorted &= start[b->bslices[i].task]++ == i;
  for (size_t i = 0; i < b->n_tasks; i++)
    start[i] = b->tasks[i].first_slice; /* the write cursors */

  braid_trace_compact_slice *out = NULL;
  size_t out_bytes = 0;
  if (sorted)
    {
      /* In place: record i is read before anything is written over it,
       * and compact slice i lies below it. */
      out = (braid_trace_compact_slice *) b->bslices;
      out_bytes = b->slices_bytes;
      for (size_t i = 0; i < n; i++)
        {
          build_slice bs = b->bslices[i];
          out[i] = compact_of (&bs);
        }
      b->bslices = NULL;
    }
  else
    {
      if (braid__big_reserve ((void **) &out, &out_bytes,
                              (n ? n : 1) * sizeof *out)
          != 0)
        {
          free (start);
          free (ends);
          return -1;
        }
      const size_t max_tasks = n / 1024 > 64 ? n / 1024 : 64;
      const size_t max_slices = n / 4 > 65536 ? n / 4 : 65536;
      const size_t discard_every = 16384;
      build_slice *in = b->bslices;
      size_t left = n;
      for (size_t t0 = 0; t0 < b->n_tasks;)
        {
          size_t t1 = t0, count = 0;
          while (t1 < b->n_tasks && t1 - t0 < max_tasks
                 && (count == 0
                     || count + b->tasks[t1].n_slices <= max_slices))
            count += b->tasks[t1++].n_slices;
          size_t w = 0;
          for (size_t r = 0; r < left; r++)
            {
              build_slice bs = in[r];
              if (bs.task >= t0 && bs.task < t1)
                out[start[bs.task]++] = compact_of (&bs);
              else
                in[w++] = bs;
              if ((r & (discard_every - 1)) == discard_every - 1)
                braid__big_discard (in, w * sizeof *in,
                                    (r + 1) * sizeof *in);
            }
          braid__big_discard (in, w * sizeof *in, left * sizeof *in);
          left = w;
          t0 = t1;
        }
      braid__big_free (b->bslices, b->slices_bytes);
      b->bslices = NULL;
    }
  free (start);
  /* Totals and ends: a slice ends where the next of its task starts. */
  for (size_t t = 0; t < b->n_tasks; t++)
    {
      braid_trace_task *task = &b->tasks[t];
      ends[t].end_ns = b->states[t].has_slice ? b->states[t].last_end : 0;
      for (size_t k = 0; k < task->n_slices; k++)
        {
          const braid_trace_compact_slice *c = &out[task->first_slice + k];
          int64_t e = k + 1 < task->n_slices ? c[1].start_ns : ends[t].end_ns;
          add_total (task, (braid_trace_state) c->state,
                     e > c->start_ns ? e - c->start_ns : 0);
        }
    }
  b->slices = (braid_trace_slice *) out;
  b->slices_bytes = out_bytes;
  *ends_out = ends;
  return 0;
}

/* Keeps what lies in [start, end) and the tasks alive in it, renumbering
 * task indexes everywhere. */
static int
apply_window (braid__builder *b, int64_t start, int64_t end)
{
  int32_t *remap = malloc ((b->n_tasks ? b->n_tasks : 1) * sizeof *remap);
  if (remap == NULL)
    return -1;
  size_t kept = 0;
  for (size_t i = 0; i < b->n_tasks; i++)
    {
      const braid_trace_task *task = &b->tasks[i];
      int alive = task->created_ns < end
                  && (task->ended_ns < 0 || task->ended_ns >= start);
      remap[i] = alive ? (int32_t) kept++ : -1;
    }
#define MAP(x) ((x) >= 0 ? remap[(x)] : -1)
  size_t n = 0;
  for (size_t i = 0; i < b->n_tasks; i++)
    if (remap[i] >= 0)
      {
        braid_trace_task task = b->tasks[i];
        task.parent = MAP (task.parent);
        b->tasks[n++] = task;
      }
  b->n_tasks = n;
  n = 0;
  for (size_t i = 0; i < b->n_slices; i++)
    {
      braid_trace_slice sl = b->slices[i];
      if (remap[sl.task] < 0 || sl.end_ns < start || sl.start_ns >= end)
        continue;
      if (sl.end_ns == sl.start_ns && sl.start_ns < start)
        continue;
      sl.task = (uint32_t) remap[sl.task];
      if (sl.start_ns < start)
        sl.start_ns = start;
      if (sl.end_ns > end)
        sl.end_ns = end;
      b->slices[n++] = sl;
    }
  b->n_slices = n;
  n = 0;
  for (size_t i = 0; i < b->n_edges; i++)
    {
      braid_trace_edge e = b->edges[i];
      if (e.time_ns < start || e.time_ns >= end || MAP (e.to) < 0)
        continue;
      e.from = MAP (e.from);
      e.to = MAP (e.to);
      b->edges[n++] = e;
    }
  b->n_edges = n;
  n = 0;
  for (size_t i = 0; i < b->n_marks; i++)
    {
      braid_trace_mark m = b->marks[i];
      if (m.time_ns < start || m.time_ns >= end)
        continue;
      m.task = MAP (m.task);
      b->marks[n++] = m;
    }
  b->n_marks = n;
  n = 0;
  for (size_t i = 0; i < b->n_outputs; i++)
    {
      braid_trace_output o = b->outputs[i];
      if (o.time_ns < start || o.time_ns >= end)
        continue;
      o.task = MAP (o.task);
      b->outputs[n++] = o;
    }
  b->n_outputs = n;
  for (size_t i = 0; i < b->n_objects; i++)
    b->objects[i].creator = MAP (b->objects[i].creator);
  n = 0;
  for (size_t i = 0; i < b->n_problems; i++)
    {
      braid_trace_problem p = b->problems[i];
      if (p.kind != BRAID_PROBLEM_INCOMPLETE
          && (p.time_ns < start || p.time_ns >= end))
        continue;
      p.task = MAP (p.task);
      b->problems[n++] = p;
    }
  b->n_problems = n;
#undef MAP
  free (remap);
  return 0;
}

/* Before finish sorts a follower's array *@arr of @n elements of @size
 * bytes: when it is shared and not in time order (bit @bit of unsorted),
 * replaces it with a copy of its own for finish to sort, since the
 * traces that share it read it meanwhile. Returns 0 or -1. */
static int
sort_shared (braid__builder *b, void **arr, size_t *bytes, size_t n,
             size_t size, unsigned bit)
{
  if (!is_fixed (b, *arr) || !(b->unsorted & bit))
    return 0;
  return dup_big (arr, bytes, *arr, n, size);
}

/* finish's sort of a follower's snapshot: a shared array is in time
 * order, or sort_shared gives it a copy to sort. Kept out of finish,
 * whose loops a load runs. Returns 0 or -1. */
__attribute__ ((noinline)) static int
live_sort (braid__builder *b)
{
#define SORT(a, type, bit)                                                    \
  (sort_shared (b, (void **) &b->a, &b->a##_bytes, b->n_##a, sizeof (type),  \
                bit)                                                         \
     || (!is_fixed (b, b->a)                                                 \
         && sort_by_time (b->a, b->n_##a, sizeof (type),                     \
                          offsetof (type, time_ns))))
  return SORT (edges, braid_trace_edge, 1u)
             || SORT (marks, braid_trace_mark, 2u)
             || SORT (outputs, braid_trace_output, 4u)
           ? -1
           : 0;
#undef SORT
}

/* A shared array is the follower's to free: a size of 0 tells
 * braid_trace_close (see braid__builder_follow). */
__attribute__ ((noinline)) static void
live_bytes (const braid__builder *b, braid_trace *trace)
{
#define BYTES(a)                                                              \
  if (is_fixed (b, trace->a))                                                \
  trace->a##_bytes = 0
  BYTES (iterations);
  BYTES (slices);
  BYTES (edges);
  BYTES (marks);
  BYTES (outputs);
#undef BYTES
}

/* Extends *@done, the number of the @n records of @size bytes at @arr
 * known to be in the order of their int64 time at @offset, and sets
 * @bit in @b->unsorted when one is not. */
static void
check_order (braid__builder *b, const void *arr, size_t n, size_t size,
             size_t offset, size_t *done, unsigned bit)
{
  const char *p = arr;
  for (size_t i = *done ? *done : 1; i < n && !(b->unsorted & bit); i++)
    {
      int64_t a, c;
      memcpy (&a, p + (i - 1) * size + offset, sizeof a);
      memcpy (&c, p + i * size + offset, sizeof c);
      if (c < a)
        b->unsorted |= bit;
    }
  *done = n;
}

/* braid__builder_snapshot of a builder in live mode. The slices still
 * open are published in the slot after their task's last closed one
 * (close_live later rewrites only their end step), then a copy of what
 * is per task or per problem goes through finish, sharing the large
 * arrays: a cost in what was added since the last snapshot plus the
 * number of tasks, objects and problems. */
static int
live_snapshot (braid__builder *b, braid_trace *trace)
{
  for (size_t t = 0; t < b->n_tasks; t++)
    {
      const task_state *s = &b->states[t];
      if (!s->open)
        continue;
      if (!open_fits_compact (b, s))
        /* It leaves compact mode when it closes: leave it now. */
        return decompact_live (b);
      if (live_room (b, (int32_t) t) != 0)
        return -1;
      live_store (b, (int32_t) t, s, open_end_step (b, s));
      b->ltasks[t].published = 1;
    }
  /* The points appended since the last snapshot, checked for order (a
   * cost in what was added, and none for a trace that is not followed). */
  check_order (b, b->edges, b->n_edges, sizeof *b->edges,
               offsetof (braid_trace_edge, time_ns), &b->sorted_edges, 1u);
  check_order (b, b->marks, b->n_marks, sizeof *b->marks,
               offsetof (braid_trace_mark, time_ns), &b->sorted_marks, 2u);
  check_order (b, b->outputs, b->n_outputs, sizeof *b->outputs,
               offsetof (braid_trace_output, time_ns), &b->sorted_outputs,
               4u);
  braid_trace_compact_end *ends
    = calloc (b->n_tasks ? b->n_tasks : 1, sizeof *ends);
  braid__builder *c = malloc (sizeof *c);
  if (ends == NULL || c == NULL)
    {
      free (ends);
      free (c);
      return -1;
    }
  *c = *b;
  c->trace = trace;
  c->tasks = NULL, c->states = NULL, c->bslices = NULL, c->loops = NULL;
  c->objects = NULL, c->problems = NULL, c->notes = NULL, c->ended = NULL;
  c->keys = NULL, c->vals = NULL, c->ltasks = NULL, c->cap_ltasks = 0;
  c->deadlock.detail = NULL, c->deadlock.cap = 0;
  c->sync = NULL;
  if (dup_per_task (c, b) != 0)
    {
      free (ends);
      braid__builder_free (c);
      return -1;
    }
  /* The open slices as finish would close them, at the last time. */
  for (size_t t = 0; t < b->n_tasks; t++)
    {
      const task_state *s = &b->states[t];
      if (s->open)
        {
          int64_t end = b->last_t > s->start_ns ? b->last_t : s->start_ns;
          c->tasks[t].n_slices++;
          add_total (&c->tasks[t], s->state, end - s->start_ns);
          ends[t].end_ns = end;
        }
      else
        ends[t].end_ns = s->has_slice ? s->last_end : 0;
    }
  trace->compact_ends = ends;
  return braid__builder_finish (c, NULL);
}

int
braid__builder_finish (braid__builder *b,
                       const braid_trace_load_options *options)
{
  braid_trace *trace = b->trace;
  /* A follower's snapshot (live_snapshot) closed what was open. */
  for (size_t i = 0; i < b->n_tasks && !b->live; i++)
    if (close_slice (b, (int32_t) i, b->last_t) != 0)
      goto fail;
  for (size_t i = 0; i < b->n_tasks; i++)
    if (b->tasks[i].name == NULL)
      {
        b->tasks[i].name = braid__arena_printf (
          trace->arena, "task %llu", (unsigned long long) b->tasks[i].id);
        if (b->tasks[i].name == NULL)
          goto fail;
      }
  /* Depth in the spawn tree. A parent normally has a smaller index; one
   * that does not (a placeholder, an untrusted file) makes a root. */
  for (size_t i = 0; i < b->n_tasks; i++)
    {
      int32_t parent = b->tasks[i].parent;
      int32_t depth = 0;
      if (parent >= 0 && (size_t) parent < i)
        depth = b->tasks[parent].depth + 1;
      b->tasks[i].depth = depth > 64 ? 64 : depth;
    }
  if (compose_problems (b) != 0)
    goto fail;
  /* Totals cover each task whole, before any window clips its slices.
   * A window clips full slices: compact mode comes with none (reader.c
   * asks for it only without one). */
  int compact = b->compact;
  if (b->live)
    ; /* grouped as they closed, the ends made by live_snapshot */
  else if (compact ? group_cslices (b, &trace->compact_ends) != 0
                   : group_slices (b) != 0)
    goto fail;
  if (options != NULL && (options->start_ns != 0 || options->end_ns != 0))
    {
      int64_t end = options->end_ns > 0 ? options->end_ns : INT64_MAX;
      if (apply_window (b, options->start_ns, end) != 0)
        goto fail;
      for (size_t i = 0; i < b->n_tasks; i++)
        b->tasks[i].n_slices = 0;
      /* Re-group: the window renumbered tasks and dropped slices. */
      size_t *count = calloc (b->n_tasks + 1, sizeof *count);
      if (count == NULL)
        goto fail;
      for (size_t i = 0; i < b->n_slices; i++)
        count[b->slices[i].task]++;
      size_t at = 0;
      for (size_t i = 0; i < b->n_tasks; i++)
        {
          b->tasks[i].first_slice = at;
          b->tasks[i].n_slices = count[i];
          at += count[i];
        }
      free (count);
    }
  if ((b->live ? live_sort (b) != 0
               : sort_by_time (b->edges, b->n_edges, sizeof *b->edges,
                               offsetof (braid_trace_edge, time_ns))
                       != 0
                   || sort_by_time (b->marks, b->n_marks, sizeof *b->marks,
                                    offsetof (braid_trace_mark, time_ns))
                          != 0
                   || sort_by_time (b->outputs, b->n_outputs,
                                    sizeof *b->outputs,
                                    offsetof (braid_trace_output, time_ns))
                          != 0)
      || sort_by_time (b->problems, b->n_problems, sizeof *b->problems,
                       offsetof (braid_trace_problem, time_ns))
           != 0)
    goto fail;

  /* Hand the arrays to the trace, with the id maps of the final
   * numbering. */
  trace->meta.duration_ns = b->last_t;
  trace->meta.n_steps = b->steps;
  trace->meta.n_iterations = b->n_iterations;
#define SHRINK(arr, n) ((arr) = shrink ((arr), (n), sizeof *(arr)))
  SHRINK (b->tasks, b->n_tasks);
#define BIG_SHRINK(a)                                                        \
  braid__big_shrink ((void **) &b->a, &b->a##_bytes, b->n_##a * sizeof *b->a)
  if (b->live)
    ; /* the follower's arrays (those of a trace not followed are its own) */
  else
    {
      if (compact)
        braid__big_shrink ((void **) &b->slices, &b->slices_bytes,
                           b->n_slices * sizeof (braid_trace_compact_slice));
      else
        BIG_SHRINK (slices);
      BIG_SHRINK (edges);
      BIG_SHRINK (marks);
      BIG_SHRINK (outputs);
      BIG_SHRINK (iterations);
    }
#undef BIG_SHRINK
  SHRINK (b->objects, b->n_objects);
  SHRINK (b->problems, b->n_problems);
#undef SHRINK
  trace->compact = compact;
  /* The per-task build state goes before the id maps are built. */
  free (b->states), b->states = NULL;
  free (b->ended), b->ended = NULL;
  free (b->keys), b->keys = NULL;
  free (b->vals), b->vals = NULL;
  free (b->loops), b->loops = NULL;
  trace->tasks = b->tasks, trace->n_tasks = b->n_tasks;
  trace->slices = b->slices, trace->n_slices = b->n_slices;
  trace->edges = b->edges, trace->n_edges = b->n_edges;
  trace->marks = b->marks, trace->n_marks = b->n_marks;
  trace->outputs = b->outputs, trace->n_outputs = b->n_outputs;
  trace->objects = b->objects, trace->n_objects = b->n_objects;
  trace->problems = b->problems, trace->n_problems = b->n_problems;
  trace->iterations = b->iterations, trace->n_iterations = b->n_iterations;
  trace->iterations_bytes = b->iterations_bytes;
  trace->slices_bytes = b->slices_bytes;
  trace->edges_bytes = b->edges_bytes;
  trace->marks_bytes = b->marks_bytes;
  trace->outputs_bytes = b->outputs_bytes;
  if (b->live)
    live_bytes (b, trace);
  b->tasks = NULL, b->slices = NULL, b->edges = NULL, b->marks = NULL;
  b->outputs = NULL, b->objects = NULL, b->problems = NULL;
  b->iterations = NULL;
  trace->sync = b->sync, b->sync = NULL;

  size_t used = 0;
  for (size_t i = 0; i < trace->n_tasks; i++)
    if (map_put (&trace->task_keys, &trace->task_vals, &trace->task_mask,
                 &used, trace->tasks[i].id, (int32_t) i)
        != 0)
      goto fail;
  used = 0;
  for (size_t i = 0; i < trace->n_objects; i++)
    if (map_put (&trace->obj_keys, &trace->obj_vals, &trace->obj_mask, &used,
                 trace->objects[i].id, (int32_t) i)
        != 0)
      goto fail;
  braid__builder_free (b);
  return 0;

fail:
  braid__builder_free (b);
  return -1;
}
