/* reader-sync.c: who holds what and who waits in what order, on the
 * primitives (locks, semaphores, conditions, queues, events).
 *
 * Owns three things. While events stream by, the acquisitions and
 * releases (kinds 25 and 26) and the gets and puts of queues (kind 27)
 * are kept as they come (braid__sync_event, by task id, since a time
 * window renumbers tasks). On the first call for them, the holds are
 * paired up from those records, and each primitive's waits are read off
 * the finished model (its waiting slices, the wake and cancel edges),
 * ordered and checked for FIFO order; a queue waiter woken for an item
 * that another task took first (a robbery) is found from the gets and
 * puts. The wait-for graph at a step is computed on each call from the
 * slices (full or compact) and the holds; a get or put is no hold.
 *
 * Not hot: the records are appended per acquisition, get or put; the
 * analyses scan the slices once when asked. Input is untrusted: a
 * release with no matching acquisition is ignored, ids may name nothing.
 */
#include "trace-private.h"

#include <stdlib.h>
#include <string.h>

#include <braid/braid.h>

/* One acquisition or release as recorded. */
typedef struct hold_rec
{
  uint64_t task;   /* task id, 0 outside tasks */
  uint64_t object;
  int64_t t;
  uint64_t step;
  uint32_t kind;   /* BRAID_EV_ACQUIRED or BRAID_EV_RELEASED */
  uint32_t okind;  /* braid_object_kind */
} hold_rec;

/* One get from a queue or put into it as recorded (kind 27). */
typedef struct item_rec
{
  uint64_t task;   /* task id, 0 outside tasks */
  uint64_t object;
  uint64_t step;
  uint32_t op;     /* braid_queue_op */
} item_rec;

/* A get or put as the analysis reads it, in s->takes: sorted by queue,
 * then step, then the order of the records. */
typedef struct take
{
  uint64_t object;
  uint64_t step;
  size_t order;    /* its place among the records */
  int32_t task;    /* task index, -1 outside any task */
  uint32_t op;
} take;

struct braid__sync
{
  hold_rec *recs;
  size_t n_recs, cap_recs;
  item_rec *items;
  size_t n_items, cap_items;
  /* Computed at the first question (see braid_trace_get_primitives). */
  int analysed;                  /* 0 not yet, 1 done, -1 out of memory */
  braid_trace_hold *holds;
  size_t n_holds;
  size_t *by_object;             /* holds sorted by object, task, step */
  take *takes;
  size_t n_takes;
  braid_trace_primitive *prims;
  size_t n_prims;
  braid_trace_sync_wait *waits;
  size_t n_waits;
};

int
braid__sync_event (braid__sync **sp, uint32_t kind, uint64_t task,
                   uint64_t object, uint32_t okind, int64_t t, uint64_t step)
{
  if (object == 0
      || (kind != BRAID_EV_ACQUIRED && kind != BRAID_EV_RELEASED
          && kind != BRAID_EV_QUEUE_ITEM))
    return 0;
  if (kind == BRAID_EV_QUEUE_ITEM && okind != BRAID_QUEUE_OP_GET
      && okind != BRAID_QUEUE_OP_PUT)
    return 0;
  braid__sync *s = *sp;
  if (s == NULL && (s = *sp = calloc (1, sizeof *s)) == NULL)
    return -1;
  if (kind == BRAID_EV_QUEUE_ITEM)
    {
      if (braid__grow ((void **) &s->items, &s->cap_items, s->n_items,
                       sizeof *s->items, 64)
          != 0)
        return -1;
      s->items[s->n_items++] = (item_rec) {
        .task = task, .object = object, .step = step, .op = okind,
      };
      return 0;
    }
  if (braid__grow ((void **) &s->recs, &s->cap_recs, s->n_recs,
                   sizeof *s->recs, 64)
      != 0)
    return -1;
  s->recs[s->n_recs++] = (hold_rec) {
    .task = task, .object = object, .t = t, .step = step, .kind = kind,
    .okind = okind == BRAID_OBJ_SEMAPHORE ? BRAID_OBJ_SEMAPHORE
                                          : BRAID_OBJ_LOCK,
  };
  return 0;
}

static void
drop_analysis (braid__sync *s)
{
  free (s->holds);
  free (s->by_object);
  free (s->takes);
  free (s->prims);
  free (s->waits);
  s->holds = NULL, s->prims = NULL, s->waits = NULL, s->by_object = NULL;
  s->takes = NULL;
  s->n_holds = s->n_prims = s->n_waits = s->n_takes = 0;
  s->analysed = 0;
}

void
braid__sync_free (braid__sync *s)
{
  if (s == NULL)
    return;
  drop_analysis (s);
  free (s->recs);
  free (s->items);
  free (s);
}

int
braid__sync_clone (const braid__sync *s, braid__sync **out)
{
  *out = NULL;
  if (s == NULL)
    return 0;
  braid__sync *c = calloc (1, sizeof *c);
  if (c == NULL)
    return -1;
  if (braid__dup_array ((void **) &c->recs, s->recs, s->n_recs,
                        sizeof *c->recs)
        != 0
      || braid__dup_array ((void **) &c->items, s->items, s->n_items,
                           sizeof *c->items)
           != 0)
    {
      braid__sync_free (c);
      return -1;
    }
  c->n_recs = c->cap_recs = s->n_recs;
  c->n_items = c->cap_items = s->n_items;
  *out = c;
  return 0;
}

/* ------------------------------------------------------------------ */
/* Holds                                                               */

static int
pair_holds (braid_trace *trace, braid__sync *s)
{
  size_t n_acq = 0;
  for (size_t i = 0; i < s->n_recs; i++)
    n_acq += s->recs[i].kind == BRAID_EV_ACQUIRED;
  s->holds = calloc (n_acq ? n_acq : 1, sizeof *s->holds);
  /* Indexes of the holds still open, oldest first. */
  size_t *open = malloc ((n_acq ? n_acq : 1) * sizeof *open);
  if (s->holds == NULL || open == NULL)
    {
      free (open);
      return -1;
    }
  size_t n_open = 0;
  for (size_t i = 0; i < s->n_recs; i++)
    {
      const hold_rec *r = &s->recs[i];
      int32_t task = braid_trace_find_task (trace, r->task);
      if (r->kind == BRAID_EV_ACQUIRED)
        {
          s->holds[s->n_holds] = (braid_trace_hold) {
            .object = r->object, .task = task, .kind = r->okind,
            .start_ns = r->t, .end_ns = -1, .start_step = r->step,
            .end_step = UINT64_MAX,
          };
          open[n_open++] = s->n_holds++;
          continue;
        }
      /* A release: the task's own hold of the object (the latest), else
       * the one held longest (a permit given back by another task). */
      size_t found = SIZE_MAX;
      for (size_t k = n_open; k-- > 0;)
        {
          const braid_trace_hold *h = &s->holds[open[k]];
          if (h->object != r->object)
            continue;
          if (h->task == task)
            {
              found = k;
              break;
            }
          found = k; /* keeps going down to the oldest */
        }
      if (found == SIZE_MAX)
        continue;
      braid_trace_hold *h = &s->holds[open[found]];
      h->end_ns = r->t > h->start_ns ? r->t : h->start_ns;
      h->end_step = r->step > h->start_step ? r->step : h->start_step;
      memmove (&open[found], &open[found + 1],
               (n_open - found - 1) * sizeof *open);
      n_open--;
    }
  free (open);
  return 0;
}

/* ------------------------------------------------------------------ */
/* Slices in either mode                                               */

typedef struct slice_view
{
  braid_trace_state state;
  uint32_t reason;
  uint64_t object;
  int64_t start_ns, end_ns;
  uint64_t start_step, end_step;
} slice_view;

/* Slice @k of task @ti (0 <= k < n_slices). */
static slice_view
slice_at (const braid_trace *trace, size_t ti, size_t k)
{
  const braid_trace_task *task = &trace->tasks[ti];
  slice_view v;
  if (!trace->compact)
    {
      const braid_trace_slice *sl = &trace->slices[task->first_slice + k];
      v.state = sl->state, v.reason = sl->wait_reason, v.object = sl->object;
      v.start_ns = sl->start_ns, v.end_ns = sl->end_ns;
      v.start_step = sl->start_step, v.end_step = sl->end_step;
      return v;
    }
  const braid_trace_compact_slice *cs
    = (const braid_trace_compact_slice *) (const void *) trace->slices;
  const braid_trace_compact_slice *sl = &cs[task->first_slice + k];
  v.state = (braid_trace_state) sl->state, v.reason = sl->wait_reason;
  v.object = sl->object;
  v.start_ns = sl->start_ns;
  v.end_ns = k + 1 < task->n_slices ? sl[1].start_ns
                                    : trace->compact_ends[ti].end_ns;
  v.start_step = sl->start_step, v.end_step = sl->end_step;
  return v;
}

/* The step whose event woke the wait @v: a slice ends at the step after
 * the one its end fell in (or at the next step, when the loop woke it
 * between two), so one before its end_step. */
static uint64_t
waking_step (const slice_view *v)
{
  return v->end_step > 0 ? v->end_step - 1 : 0;
}

static int
is_sync_reason (uint32_t reason)
{
  return reason >= BRAID_WAIT_EVENT && reason <= BRAID_WAIT_QUEUE;
}

/* ------------------------------------------------------------------ */
/* Waits and fairness                                                  */

typedef struct edge_ref
{
  int32_t to;
  size_t edge;
} edge_ref;

static int
cmp_edge_ref (const void *a, const void *b)
{
  const edge_ref *x = a, *y = b;
  if (x->to != y->to)
    return x->to < y->to ? -1 : 1;
  return x->edge < y->edge ? -1 : x->edge > y->edge;
}

/* The first of @refs[0..n) (sorted) that goes to @task. */
static size_t
first_ref (const edge_ref *refs, size_t n, int32_t task)
{
  size_t lo = 0, hi = n;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (refs[mid].to < task)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Orders s->by_object: by object, task, then step of acquisition. */
static const braid_trace_hold *sort_holds;

static int
cmp_hold_index (const void *a, const void *b)
{
  const braid_trace_hold *x = &sort_holds[*(const size_t *) a];
  const braid_trace_hold *y = &sort_holds[*(const size_t *) b];
  if (x->object != y->object)
    return x->object < y->object ? -1 : 1;
  if (x->task != y->task)
    return x->task < y->task ? -1 : 1;
  if (x->start_step != y->start_step)
    return x->start_step < y->start_step ? -1 : 1;
  return *(const size_t *) a < *(const size_t *) b ? -1 : 1;
}

/* Indexes the holds by object, task and step (s->by_object), so that
 * the questions below are binary searches, not scans: a trace may hold
 * millions of acquisitions. Returns 0 or -1. */
static int
index_holds (braid__sync *s)
{
  s->by_object = malloc ((s->n_holds ? s->n_holds : 1) * sizeof *s->by_object);
  if (s->by_object == NULL)
    return -1;
  for (size_t i = 0; i < s->n_holds; i++)
    s->by_object[i] = i;
  /* qsort has no context argument; the analysis runs on one thread. */
  sort_holds = s->holds;
  qsort (s->by_object, s->n_holds, sizeof *s->by_object, cmp_hold_index);
  sort_holds = NULL;
  return 0;
}

/* The first place in s->by_object whose hold is at or after (@object,
 * @task, @step). */
static size_t
holds_lower_bound (const braid__sync *s, uint64_t object, int32_t task,
                   uint64_t step)
{
  size_t lo = 0, hi = s->n_holds;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      const braid_trace_hold *h = &s->holds[s->by_object[mid]];
      int before = h->object != object ? h->object < object
                   : h->task != task   ? h->task < task
                                       : h->start_step < step;
      if (before)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Whether task @task took a hold of @object in step @step. */
static int
acquired_in (const braid__sync *s, int32_t task, uint64_t object,
             uint64_t step)
{
  size_t i = holds_lower_bound (s, object, task, step);
  if (i >= s->n_holds)
    return 0;
  const braid_trace_hold *h = &s->holds[s->by_object[i]];
  return h->object == object && h->task == task && h->start_step == step;
}

static int
object_has_holds (const braid__sync *s, uint64_t object)
{
  size_t i = holds_lower_bound (s, object, INT32_MIN, 0);
  return i < s->n_holds && s->holds[s->by_object[i]].object == object;
}

static int
cmp_take (const void *a, const void *b)
{
  const take *x = a, *y = b;
  if (x->object != y->object)
    return x->object < y->object ? -1 : 1;
  if (x->step != y->step)
    return x->step < y->step ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* The gets and puts, with task indexes, sorted by queue, step and order
 * (s->takes). Returns 0 or -1. */
static int
index_takes (const braid_trace *trace, braid__sync *s)
{
  s->takes = malloc ((s->n_items ? s->n_items : 1) * sizeof *s->takes);
  if (s->takes == NULL)
    return -1;
  for (size_t i = 0; i < s->n_items; i++)
    s->takes[i] = (take) {
      .object = s->items[i].object, .step = s->items[i].step, .order = i,
      .task = braid_trace_find_task (trace, s->items[i].task),
      .op = s->items[i].op,
    };
  s->n_takes = s->n_items;
  qsort (s->takes, s->n_takes, sizeof *s->takes, cmp_take);
  return 0;
}

/* The first place in s->takes at or after (@object, @step). */
static size_t
takes_lower_bound (const braid__sync *s, uint64_t object, uint64_t step)
{
  size_t lo = 0, hi = s->n_takes;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      const take *k = &s->takes[mid];
      if (k->object != object ? k->object < object : k->step < step)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static int
object_has_takes (const braid__sync *s, uint64_t object)
{
  size_t i = takes_lower_bound (s, object, 0);
  return i < s->n_takes && s->takes[i].object == object;
}

/* Whether task @task got from or put into queue @object in step @step. */
static int
took_in (const braid__sync *s, int32_t task, uint64_t object, uint64_t step)
{
  for (size_t i = takes_lower_bound (s, object, step);
       i < s->n_takes && s->takes[i].object == object
       && s->takes[i].step == step;
       i++)
    if (s->takes[i].task == task)
      return 1;
  return 0;
}

/* The take that robbed task @task, a waiter on queue @object woken in
 * step @woken that found the queue empty (or full) again when it resumed
 * in step @resumed. Of the takes of others between the two, the last
 * says what the waiter wanted (a getter finds the queue empty again only
 * after a get, a putter full only after a put), and the first of that
 * kind took it. A take outside any task between two steps has the
 * number of the step after it, so takes of step @resumed count (the
 * waiter's own are left out). Returns its index in s->takes, or SIZE_MAX
 * when the trace has none (a take nobody recorded). */
static size_t
find_robbery (const braid__sync *s, uint64_t object, int32_t task,
              uint64_t woken, uint64_t resumed)
{
  size_t lo = takes_lower_bound (s, object, woken);
  size_t hi = takes_lower_bound (s, object, resumed + 1);
  size_t last = SIZE_MAX;
  for (size_t i = hi; i-- > lo;)
    if (s->takes[i].task != task)
      {
        last = i;
        break;
      }
  if (last == SIZE_MAX)
    return SIZE_MAX;
  for (size_t i = lo; i < last; i++)
    if (s->takes[i].task != task && s->takes[i].op == s->takes[last].op)
      return i;
  return last;
}

static int
cmp_wait (const void *a, const void *b)
{
  const braid_trace_sync_wait *x = a, *y = b;
  if (x->object != y->object)
    return x->object < y->object ? -1 : 1;
  if (x->start_step != y->start_step)
    return x->start_step < y->start_step ? -1 : 1;
  if (x->start_ns != y->start_ns)
    return x->start_ns < y->start_ns ? -1 : 1;
  return x->task < y->task ? -1 : x->task > y->task;
}

/* Collects the waits of every task on a primitive, from its slices. */
static int
collect_waits (const braid_trace *trace, braid__sync *s)
{
  /* The wake and cancel edges, by the task they reach. */
  size_t n_wake = 0, n_cancel = 0;
  for (size_t i = 0; i < trace->n_edges; i++)
    {
      n_wake += trace->edges[i].kind == BRAID_EDGE_WAKE;
      n_cancel += trace->edges[i].kind == BRAID_EDGE_CANCEL;
    }
  edge_ref *wakes = malloc ((n_wake ? n_wake : 1) * sizeof *wakes);
  edge_ref *cancels = malloc ((n_cancel ? n_cancel : 1) * sizeof *cancels);
  size_t cap = 64, n = 0;
  braid_trace_sync_wait *w = malloc (cap * sizeof *w);
  if (wakes == NULL || cancels == NULL || w == NULL)
    goto fail;
  n_wake = n_cancel = 0;
  for (size_t i = 0; i < trace->n_edges; i++)
    {
      const braid_trace_edge *e = &trace->edges[i];
      if (e->kind == BRAID_EDGE_WAKE)
        wakes[n_wake++] = (edge_ref) { e->to, i };
      else if (e->kind == BRAID_EDGE_CANCEL)
        cancels[n_cancel++] = (edge_ref) { e->to, i };
    }
  qsort (wakes, n_wake, sizeof *wakes, cmp_edge_ref);
  qsort (cancels, n_cancel, sizeof *cancels, cmp_edge_ref);

  for (size_t ti = 0; ti < trace->n_tasks; ti++)
    {
      size_t ns = trace->tasks[ti].n_slices;
      size_t last = SIZE_MAX; /* this task's previous wait, in w */
      /* The step whose event woke that wait last (waking_step). */
      uint64_t last_woken = 0;
      /* This task's wake and cancel edges, in time order: cursors that
       * only move forward as its waits do. */
      size_t wake_at = first_ref (wakes, n_wake, (int32_t) ti);
      size_t cancel_at = first_ref (cancels, n_cancel, (int32_t) ti);
      for (size_t k = 0; k < ns; k++)
        {
          slice_view v = slice_at (trace, ti, k);
          if (v.state != BRAID_STATE_WAITING || !is_sync_reason (v.reason)
              || v.object == 0)
            continue;
          braid_trace_sync_wait cur = {
            .object = v.object, .task = (int32_t) ti, .woken_by = -1,
            .outcome = BRAID_TRACE_WAIT_PENDING, .reason = v.reason,
            .start_ns = v.start_ns,
            .end_ns = -1, .start_step = v.start_step,
            .served_step = UINT64_MAX, .serve_rank = UINT32_MAX,
            .robbed_by = -1, .robbed_step = UINT64_MAX,
          };
          /* Woken: a READY slice follows; served: then a RUNNING one. */
          if (k + 1 < ns && slice_at (trace, ti, k + 1).state
                              == BRAID_STATE_READY)
            {
              cur.end_ns = v.end_ns;
              cur.outcome = BRAID_TRACE_WAIT_SERVED;
              if (k + 2 < ns)
                {
                  slice_view run = slice_at (trace, ti, k + 2);
                  if (run.state == BRAID_STATE_RUNNING)
                    cur.served_step = run.start_step;
                }
              while (wake_at < n_wake && wakes[wake_at].to == (int32_t) ti
                     && trace->edges[wakes[wake_at].edge].step + 1
                          < v.end_step)
                wake_at++;
              for (size_t j = wake_at;
                   j < n_wake && wakes[j].to == (int32_t) ti; j++)
                {
                  const braid_trace_edge *e = &trace->edges[wakes[j].edge];
                  if (e->step > v.end_step)
                    break;
                  if (e->time_ns == v.end_ns)
                    cur.woken_by = e->from;
                }
              uint64_t until = cur.served_step != UINT64_MAX
                                 ? cur.served_step
                                 : v.end_step;
              while (cancel_at < n_cancel
                     && cancels[cancel_at].to == (int32_t) ti
                     && trace->edges[cancels[cancel_at].edge].step + 1
                          < v.start_step)
                cancel_at++;
              for (size_t j = cancel_at;
                   j < n_cancel && cancels[j].to == (int32_t) ti; j++)
                {
                  const braid_trace_edge *e = &trace->edges[cancels[j].edge];
                  if (e->step > until)
                    break;
                  cur.outcome = BRAID_TRACE_WAIT_CANCELLED;
                }
              if (cur.served_step == UINT64_MAX
                  && cur.outcome == BRAID_TRACE_WAIT_SERVED)
                cur.outcome = BRAID_TRACE_WAIT_PENDING;
            }
          /* A lock or semaphore waiter that was woken, ran, took nothing
           * and waited again in that same step lost its turn: one wait.
           * So did a queue's getter or putter (when the trace records
           * gets and puts): another task took its item or place. */
          bool again = last != SIZE_MAX && w[last].object == cur.object
                       && w[last].outcome == BRAID_TRACE_WAIT_SERVED
                       && w[last].served_step + 1 == cur.start_step;
          bool queue = v.reason == BRAID_WAIT_QUEUE;
          if (again && (v.reason == BRAID_WAIT_LOCK
                        || v.reason == BRAID_WAIT_SEMAPHORE))
            again = object_has_holds (s, cur.object)
                    && !acquired_in (s, (int32_t) ti, cur.object,
                                     w[last].served_step);
          else if (again && queue)
            again = object_has_takes (s, cur.object)
                    && !took_in (s, (int32_t) ti, cur.object,
                                 w[last].served_step);
          else
            again = false;
          if (again)
            {
              braid_trace_sync_wait *prev = &w[last];
              if (queue && prev->robbed++ == 0)
                {
                  size_t r = find_robbery (s, cur.object, (int32_t) ti,
                                           last_woken, prev->served_step);
                  if (r != SIZE_MAX)
                    {
                      prev->robbed_by = s->takes[r].task;
                      prev->robbed_step = s->takes[r].step;
                      prev->robbed_op = s->takes[r].op;
                    }
                }
              prev->rewaits++;
              prev->outcome = cur.outcome;
              prev->end_ns = cur.end_ns;
              prev->served_step = cur.served_step;
              prev->woken_by = cur.woken_by;
              last_woken = waking_step (&v);
              continue;
            }
          if (braid__grow ((void **) &w, &cap, n, sizeof *w, 64) != 0)
            goto fail;
          last = n;
          last_woken = waking_step (&v);
          w[n++] = cur;
        }
    }
  free (wakes);
  free (cancels);
  qsort (w, n, sizeof *w, cmp_wait);
  s->waits = w;
  s->n_waits = n;
  return 0;

fail:
  free (wakes);
  free (cancels);
  free (w);
  return -1;
}

static int
cmp_u64 (const void *a, const void *b)
{
  uint64_t x = *(const uint64_t *) a, y = *(const uint64_t *) b;
  return x < y ? -1 : x > y;
}

/* Orders one primitive's waits (w[0..n), in the order they began) and
 * fills @p's figures. */
static int
judge (braid_trace_primitive *p, braid_trace_sync_wait *w, size_t n)
{
  /* Serve ranks: the served waits sorted by the step they resumed in. */
  uint64_t *keys = malloc ((n ? n : 1) * sizeof *keys);
  if (keys == NULL)
    return -1;
  size_t n_served = 0;
  /* A sum of many waits of up to 2^61 ns each: wider than int64_t. */
  __int128 total = 0;
  for (size_t i = 0; i < n; i++)
    {
      w[i].wait_rank = (uint32_t) i;
      int64_t d = w[i].end_ns >= 0 ? w[i].end_ns - w[i].start_ns : 0;
      if (w[i].outcome == BRAID_TRACE_WAIT_SERVED)
        {
          /* A resumption is one step: served steps are distinct. */
          keys[n_served++] = w[i].served_step;
          total += d;
          p->n_served++;
          if (w[i].woken_by >= 0 && w[i].woken_by != w[i].task)
            p->n_handovers++;
        }
      else if (w[i].outcome == BRAID_TRACE_WAIT_CANCELLED)
        p->n_cancelled++;
      else
        p->n_pending++;
      if (w[i].outcome != BRAID_TRACE_WAIT_PENDING && d > p->longest_wait_ns)
        p->longest_wait_ns = d;
      p->n_rewaits += w[i].rewaits;
    }
  qsort (keys, n_served, sizeof *keys, cmp_u64);
  for (size_t i = 0; i < n; i++)
    if (w[i].outcome == BRAID_TRACE_WAIT_SERVED)
      {
        size_t lo = 0, hi = n_served;
        while (lo < hi)
          {
            size_t mid = lo + (hi - lo) / 2;
            if (keys[mid] < w[i].served_step)
              lo = mid + 1;
            else
              hi = mid;
          }
        w[i].serve_rank = (uint32_t) lo;
      }
  free (keys);
  p->mean_wait_ns = n_served ? (int64_t) (total / (__int128) n_served) : 0;
  /* A wait is overtaken when one that began after it was served before
   * it was (or while it was still waiting at the end): walk from the
   * last to begin, keeping the earliest service seen. Cancelled waits
   * take no part. */
  uint64_t min_later = UINT64_MAX;
  for (size_t i = n; i-- > 0;)
    {
      if (w[i].outcome == BRAID_TRACE_WAIT_CANCELLED)
        continue;
      uint64_t mine = w[i].outcome == BRAID_TRACE_WAIT_SERVED
                        ? w[i].served_step
                        : UINT64_MAX;
      if (min_later < mine || w[i].robbed > 0)
        {
          w[i].overtaken = true;
          p->n_overtaken++;
        }
      if (mine < min_later)
        min_later = mine;
    }
  /* A robbed wait is a FIFO violation even when no other waiter passed
   * it: the task that took its item may never have waited. */
  for (size_t i = 0; i < n; i++)
    p->n_robbed += w[i].robbed > 0;
  p->fifo = p->n_overtaken == 0;
  return 0;
}

static int
add_prim (braid__sync *s, size_t *cap, uint64_t object, uint32_t kind)
{
  if (braid__grow ((void **) &s->prims, cap, s->n_prims, sizeof *s->prims,
                   16)
      != 0)
    return -1;
  s->prims[s->n_prims++] = (braid_trace_primitive) {
    .object = object, .kind = kind, .name = "",
  };
  return 0;
}

static int
cmp_prim (const void *a, const void *b)
{
  const braid_trace_primitive *x = a, *y = b;
  return x->object < y->object ? -1 : x->object > y->object;
}

static int
is_sync_kind (uint32_t kind)
{
  return kind >= BRAID_OBJ_EVENT && kind <= BRAID_OBJ_QUEUE;
}

static int
analyse (braid_trace *trace, braid__sync *s)
{
  if (pair_holds (trace, s) != 0 || index_holds (s) != 0
      || index_takes (trace, s) != 0 || collect_waits (trace, s) != 0)
    return -1;
  size_t cap = 0;
  for (size_t i = 0; i < trace->n_objects; i++)
    if (is_sync_kind (trace->objects[i].kind)
        && add_prim (s, &cap, trace->objects[i].id, trace->objects[i].kind)
             != 0)
      return -1;
  /* Objects waited on or held whose creation the trace lacks. The wait
   * reasons of primitives have the numbers of their object kinds. */
  for (size_t i = 0; i < s->n_waits; i++)
    if ((i == 0 || s->waits[i - 1].object != s->waits[i].object)
        && braid_trace_find_object (trace, s->waits[i].object) == NULL)
      if (add_prim (s, &cap, s->waits[i].object, s->waits[i].reason) != 0)
        return -1;
  for (size_t i = 0; i < s->n_holds; i++)
    if ((i == 0 || s->holds[s->by_object[i - 1]].object
                     != s->holds[s->by_object[i]].object)
        && braid_trace_find_object (trace, s->holds[s->by_object[i]].object)
             == NULL)
      {
        const braid_trace_hold *h = &s->holds[s->by_object[i]];
        if (add_prim (s, &cap, h->object, h->kind) != 0)
          return -1;
      }
  for (size_t i = 0; i < s->n_takes; i++)
    if ((i == 0 || s->takes[i - 1].object != s->takes[i].object)
        && braid_trace_find_object (trace, s->takes[i].object) == NULL
        && add_prim (s, &cap, s->takes[i].object, BRAID_OBJ_QUEUE) != 0)
      return -1;
  qsort (s->prims, s->n_prims, sizeof *s->prims, cmp_prim);
  /* One entry per object (an object both waited on and held without a
   * creation was added twice; a file may create one twice). */
  size_t out = 0;
  for (size_t i = 0; i < s->n_prims; i++)
    if (out == 0 || s->prims[out - 1].object != s->prims[i].object)
      s->prims[out++] = s->prims[i];
  s->n_prims = out;
  for (size_t i = 0; i < s->n_holds; i++)
    {
      braid_trace_primitive *p = (braid_trace_primitive *)
        braid_trace_find_primitive (trace, s->holds[i].object);
      if (p != NULL)
        p->n_acquisitions++;
    }
  for (size_t i = 0; i < s->n_takes; i++)
    {
      braid_trace_primitive *p = (braid_trace_primitive *)
        braid_trace_find_primitive (trace, s->takes[i].object);
      if (p != NULL && s->takes[i].op == BRAID_QUEUE_OP_GET)
        p->n_gets++;
      else if (p != NULL)
        p->n_puts++;
    }
  size_t wi = 0;
  for (size_t i = 0; i < s->n_prims; i++)
    {
      braid_trace_primitive *p = &s->prims[i];
      const braid_trace_object *o = braid_trace_find_object (trace, p->object);
      if (o != NULL)
        p->name = o->name;
      while (wi < s->n_waits && s->waits[wi].object < p->object)
        wi++;
      size_t first = wi;
      while (wi < s->n_waits && s->waits[wi].object == p->object)
        wi++;
      p->first_wait = first;
      p->n_waits = wi - first;
      if (judge (p, &s->waits[first], p->n_waits) != 0)
        return -1;
    }
  return 0;
}

/* Makes sure the analysis is done; returns the sync state or NULL (no
 * record and out of memory alike leave an empty analysis). */
static braid__sync *
analysed (const braid_trace *ctrace)
{
  braid_trace *trace = (braid_trace *) ctrace;
  if (trace->sync == NULL && (trace->sync = calloc (1, sizeof *trace->sync))
                               == NULL)
    return NULL;
  braid__sync *s = trace->sync;
  if (s->analysed == 0)
    {
      s->analysed = 1; /* braid_trace_find_primitive is used inside */
      if (analyse (trace, s) != 0)
        {
          drop_analysis (s);
          s->analysed = -1;
        }
    }
  return s->analysed == 1 ? s : NULL;
}

const braid_trace_hold *
braid_trace_get_holds (const braid_trace *trace, size_t *n)
{
  braid__sync *s = analysed (trace);
  if (n != NULL)
    *n = s ? s->n_holds : 0;
  return s ? s->holds : NULL;
}

const braid_trace_primitive *
braid_trace_get_primitives (const braid_trace *trace, size_t *n)
{
  braid__sync *s = analysed (trace);
  if (n != NULL)
    *n = s ? s->n_prims : 0;
  return s ? s->prims : NULL;
}

const braid_trace_sync_wait *
braid_trace_get_sync_waits (const braid_trace *trace, size_t *n)
{
  braid__sync *s = analysed (trace);
  if (n != NULL)
    *n = s ? s->n_waits : 0;
  return s ? s->waits : NULL;
}

const braid_trace_primitive *
braid_trace_find_primitive (const braid_trace *trace, uint64_t id)
{
  braid__sync *s = analysed (trace);
  if (s == NULL)
    return NULL;
  size_t lo = 0, hi = s->n_prims;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (s->prims[mid].object < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo < s->n_prims && s->prims[lo].object == id ? &s->prims[lo] : NULL;
}

const char *
braid_trace_wait_outcome_name (braid_trace_wait_outcome outcome)
{
  switch (outcome)
    {
    case BRAID_TRACE_WAIT_SERVED:
      return "served";
    case BRAID_TRACE_WAIT_CANCELLED:
      return "cancelled";
    case BRAID_TRACE_WAIT_PENDING:
      return "pending";
    }
  return "unknown";
}

/* ------------------------------------------------------------------ */
/* The wait-for graph                                                  */

/* Whether hold @h counts at step @step (as the wait-for graph counts). */
static bool
hold_covers (const braid_trace_hold *h, uint64_t step)
{
  return h->start_step <= step && (h->end_ns < 0 || h->end_step >= step);
}

/* The tasks (not the loop) holding @object at @step, each once, the first
 * @max in @out; returns how many. Per holding task a binary search among
 * its holds of @object: a lock taken a million times costs no more. */
static size_t
holders_at (const braid__sync *s, uint64_t object, uint64_t step,
            int32_t *out, size_t max)
{
  size_t count = 0;
  size_t i = holds_lower_bound (s, object, 0, 0);
  while (i < s->n_holds && s->holds[s->by_object[i]].object == object)
    {
      int32_t task = s->holds[s->by_object[i]].task;
      size_t end = task == INT32_MAX ? s->n_holds
                                     : holds_lower_bound (s, object,
                                                          task + 1, 0);
      /* The last of its holds taken by @step, and before it (a task may
       * hold several permits of a semaphore at once) back to one that
       * still covers the step. A lock's holds never overlap: one look. */
      size_t j = holds_lower_bound (s, object, task, step + 1);
      if (step == UINT64_MAX)
        j = end;
      bool held = false;
      while (j > i && !held)
        {
          const braid_trace_hold *h = &s->holds[s->by_object[--j]];
          held = hold_covers (h, step);
          if (h->kind == BRAID_OBJ_LOCK)
            break;
        }
      if (held)
        {
          if (count < max)
            out[count] = task;
          count++;
        }
      i = end;
    }
  return count;
}

size_t
braid_trace_holders (const braid_trace *trace, uint64_t object,
                     uint64_t step, int32_t *out, size_t max)
{
  braid__sync *s = analysed (trace);
  return s ? holders_at (s, object, step, out, max) : 0;
}

/* Appends an edge; returns 0 or -1. */
static int
push_edge (braid_trace_wait_edge **e, size_t *n, size_t *cap,
           braid_trace_wait_edge edge)
{
  if (braid__grow ((void **) e, cap, *n, sizeof **e, 16) != 0)
    return -1;
  (*e)[(*n)++] = edge;
  return 0;
}

/* Finds a cycle among the tasks through the edges e[0..n) (each from its
 * task to its holder), marks its edges and moves them to the front in
 * cycle order. Iterative depth-first search: a file may hold millions of
 * tasks. */
static int
mark_cycle (const braid_trace *trace, braid_trace_wait_edge *e, size_t n)
{
  size_t nt = trace->n_tasks;
  if (n == 0 || nt == 0)
    return 0;
  /* Per task, its edges (e is grouped by task: built task by task). */
  size_t *first = malloc ((nt + 1) * sizeof *first);
  uint8_t *color = calloc (nt, 1);
  size_t *via = malloc (nt * sizeof *via); /* the edge that led here */
  size_t *stack = malloc (nt * sizeof *stack);
  size_t *next = malloc (nt * sizeof *next);
  int rc = -1;
  if (!first || !color || !via || !stack || !next)
    goto out;
  for (size_t i = 0; i <= nt; i++)
    first[i] = SIZE_MAX;
  for (size_t i = n; i-- > 0;)
    first[e[i].task] = i;
  for (size_t root = 0; root < nt; root++)
    {
      if (color[root] != 0 || first[root] == SIZE_MAX)
        continue;
      size_t sp = 0;
      stack[sp++] = root;
      next[root] = first[root];
      color[root] = 1;
      while (sp > 0)
        {
          size_t t = stack[sp - 1];
          size_t k = next[t];
          if (k == SIZE_MAX || k >= n || e[k].task != (int32_t) t)
            {
              color[t] = 2;
              sp--;
              continue;
            }
          next[t] = k + 1;
          int32_t h = e[k].holder;
          if (h < 0 || (size_t) h >= nt)
            continue;
          if (color[h] == 1)
            {
              /* A cycle: from h around to t, then e[k] back to h. */
              size_t len = 1;
              for (size_t u = t; u != (size_t) h; u = (size_t) e[via[u]].task)
                len++;
              size_t *order = malloc (len * sizeof *order);
              if (order == NULL)
                goto out;
              size_t at = len;
              order[--at] = k;
              for (size_t u = t; u != (size_t) h;
                   u = (size_t) e[via[u]].task)
                order[--at] = via[u];
              braid_trace_wait_edge *moved = malloc (n * sizeof *moved);
              if (moved == NULL)
                {
                  free (order);
                  goto out;
                }
              uint8_t *used = calloc (n, 1);
              if (used == NULL)
                {
                  free (order);
                  free (moved);
                  goto out;
                }
              size_t m = 0;
              for (size_t i = 0; i < len; i++)
                {
                  moved[m] = e[order[i]];
                  moved[m++].in_cycle = true;
                  used[order[i]] = 1;
                }
              for (size_t i = 0; i < n; i++)
                if (!used[i])
                  moved[m++] = e[i];
              memcpy (e, moved, n * sizeof *e);
              free (order);
              free (moved);
              free (used);
              rc = 0;
              goto out;
            }
          if (color[h] == 0 && first[h] != SIZE_MAX)
            {
              color[h] = 1;
              via[h] = k;
              next[h] = first[h];
              stack[sp++] = (size_t) h;
            }
        }
    }
  rc = 0;
out:
  free (first);
  free (color);
  free (via);
  free (stack);
  free (next);
  return rc;
}

int
braid_trace_wait_graph (const braid_trace *trace, uint64_t step,
                        braid_trace_wait_edge **out, size_t *n_out)
{
  *out = NULL;
  *n_out = 0;
  braid__sync *s = analysed (trace);
  braid_trace_wait_edge *e = NULL;
  size_t n = 0, cap = 0;
  for (size_t ti = 0; ti < trace->n_tasks; ti++)
    {
      const braid_trace_task *task = &trace->tasks[ti];
      size_t ns = task->n_slices;
      /* The last slice that began at or before the step. */
      size_t lo = 0, hi = ns;
      while (lo < hi)
        {
          size_t mid = lo + (hi - lo) / 2;
          if (slice_at (trace, ti, mid).start_step <= step)
            lo = mid + 1;
          else
            hi = mid;
        }
      if (lo == 0)
        continue;
      /* Of the slices around the step, the last wait: a wait that the
       * step ended is followed by a READY slice of that same step. A wait
       * that nothing ended (the task's last slice) lasts to the end of
       * the trace. */
      size_t k = lo;
      slice_view v;
      bool found = false;
      while (k-- > 0)
        {
          v = slice_at (trace, ti, k);
          if (v.end_step < step && k + 1 < ns)
            break;
          if (v.state == BRAID_STATE_WAITING)
            {
              found = true;
              break;
            }
        }
      if (!found)
        continue;
      braid_trace_wait_edge edge = {
        .task = (int32_t) ti, .reason = v.reason, .object = v.object,
        .holder = -1,
      };
      size_t before = n;
      if (v.reason == BRAID_WAIT_TASK)
        edge.holder = braid_trace_find_task (trace, v.object);
      else if (s != NULL)
        {
          int32_t holders[64];
          size_t nh = holders_at (s, v.object, step, holders, 64);
          for (size_t i = 0; i < nh && i < 64; i++)
            {
              if (holders[i] == edge.task)
                continue;
              edge.holder = holders[i];
              if (push_edge (&e, &n, &cap, edge) != 0)
                goto fail;
            }
        }
      if (n == before && push_edge (&e, &n, &cap, edge) != 0)
        goto fail;
    }
  if (mark_cycle (trace, e, n) != 0)
    goto fail;
  *out = e;
  *n_out = n;
  return 0;
fail:
  free (e);
  return BRAID_ENOMEM;
}
