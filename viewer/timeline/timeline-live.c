/* timeline-live.c: the model of a trace that grows, made from the last.
 *
 * Owns braid_timeline_model_new_after(), which the viewer calls for each
 * trace a follower hands out (braid_trace_follower_update). Such a trace
 * shares its slices, marks and edges with the one before it and only
 * adds to them: each task's slices grow at the end of its range, marks
 * and edges at the end of their arrays. So the indexes a model needs
 * grow the same way, and live in a store that the successive models
 * share: the run samples and the mark list of each task, in a range with
 * room to grow that moves to the end when full (as the follower's slices
 * do), and the step table. A new model copies what is per task from the
 * last, and adds the samples, marks, steps and extents of what was
 * added: its cost follows what was added plus the number of tasks.
 *
 * The store's arrays sit in reservations of address space that never
 * move, and what a model reads is never written again: a sample covers
 * only slices before a task's last (whose end moves while it is open),
 * a step's time is stored once the step has begun (steps below the
 * trace's n_steps; the table stops there), and a range that moves is
 * copied, not reused. The worker thread that makes a model can so write
 * the store while the main thread draws the models made before.
 *
 * Anything unexpected (not the same arrays, fewer of anything, a model
 * that is not the last one made on its store) makes the model from
 * nothing, on a store of its own: slower, as correct.
 */
#include "timeline-private.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Address space reserved per array of a store: made writable as it
 * grows, never moved. */
#define STORE_RESERVE ((size_t)16 << 30)

/* One array of a store: a reservation, its writable part, and how much
 * of it is taken, in elements. */
typedef struct store_array
{
  void *base;
  size_t bytes, used;
} store_array;

struct braid__timeline_store
{
  _Atomic int refs;
  uint64_t models; /* the models made on it: the last one's generation */
  store_array run_ns, run_count, marks, steps;
};

static void
store_array_free (store_array *a)
{
  if (a->base)
    munmap (a->base, STORE_RESERVE);
}

static void
store_unref (struct braid__timeline_store *st)
{
  if (!st || atomic_fetch_sub (&st->refs, 1) != 1)
    return;
  store_array_free (&st->run_ns);
  store_array_free (&st->run_count);
  store_array_free (&st->marks);
  store_array_free (&st->steps);
  free (st);
}

static struct braid__timeline_store *
store_new (void)
{
  struct braid__timeline_store *st = calloc (1, sizeof *st);
  if (!st)
    return NULL;
  atomic_store (&st->refs, 1);
  store_array *all[] = { &st->run_ns, &st->run_count, &st->marks, &st->steps };
  for (size_t i = 0; i < 4; i++)
    {
      void *p = mmap (NULL, STORE_RESERVE, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
      if (p == MAP_FAILED)
        {
          store_unref (st);
          return NULL;
        }
      all[i]->base = p;
    }
  return st;
}

/* Makes elements [0, @n) of @a (of @size bytes each) writable. Returns
 * 0 or -1. */
static int
store_reserve (store_array *a, size_t n, size_t size)
{
  if (n > STORE_RESERVE / size)
    return -1;
  size_t need = n * size;
  if (need <= a->bytes)
    return 0;
  size_t bytes = a->bytes ? a->bytes : 64 * 1024;
  while (bytes < need)
    bytes *= 2;
  if (bytes > STORE_RESERVE)
    bytes = STORE_RESERVE;
  if (mprotect (a->base, bytes, PROT_READ | PROT_WRITE) != 0)
    return -1;
  a->bytes = bytes;
  return 0;
}

void
braid__timeline_live_free (braid_timeline_model *m)
{
  free (m->mark_count);
  free (m->mark_cap);
  free (m->run_cap);
  store_unref (m->store);
}

/* Room for @need samples in task @t's range (moved to the end of the
 * store, twice as large, when full; its @have samples copied). */
static int
run_room (braid_timeline_model *m, size_t t, size_t have, size_t need)
{
  if (need <= m->run_cap[t])
    return 0;
  struct braid__timeline_store *st = m->store;
  size_t cap = m->run_cap[t] ? m->run_cap[t] * 2 : 2;
  while (cap < need)
    cap *= 2;
  size_t at = st->run_ns.used;
  if (store_reserve (&st->run_ns, at + cap, sizeof (int64_t)) != 0
      || store_reserve (&st->run_count, at + cap, sizeof (uint32_t)) != 0)
    return -1;
  int64_t *ns = st->run_ns.base;
  uint32_t *count = st->run_count.base;
  memcpy (ns + at, ns + m->run_sample_offset[t], have * sizeof *ns);
  memcpy (count + at, count + m->run_sample_offset[t], have * sizeof *count);
  st->run_ns.used = st->run_count.used = at + cap;
  m->run_sample_offset[t] = at;
  m->run_cap[t] = cap;
  return 0;
}

/* Appends mark @i to task @t's list (moved as run_room's). */
static int
mark_append (braid_timeline_model *m, size_t t, uint32_t i)
{
  struct braid__timeline_store *st = m->store;
  uint32_t *idx = st->marks.base;
  if (m->mark_count[t] == m->mark_cap[t])
    {
      size_t cap = m->mark_cap[t] ? m->mark_cap[t] * 2 : 4;
      size_t at = st->marks.used;
      if (store_reserve (&st->marks, at + cap, sizeof *idx) != 0)
        return -1;
      memcpy (idx + at, idx + m->mark_offset[t],
              m->mark_count[t] * sizeof *idx);
      st->marks.used = at + cap;
      m->mark_offset[t] = at;
      m->mark_cap[t] = cap;
    }
  idx[m->mark_offset[t] + m->mark_count[t]++] = i;
  return 0;
}

/* Whether @prev's indexes can be grown into @m's: the same arrays, no
 * fewer of anything, and @prev the last model made on its store. */
static bool
can_grow (const braid_timeline_model *m, const braid_timeline_model *prev)
{
  if (!prev || !prev->store || prev->generation != prev->store->models
      || prev->cslices != m->cslices || prev->marks != m->marks
      || prev->edges != m->edges || prev->n_tasks > m->n_tasks
      || prev->n_marks > m->n_marks || prev->n_edges > m->n_edges
      || prev->n_slices > m->n_slices)
    return false;
  for (size_t t = 0; t < prev->n_tasks; t++)
    if (prev->tasks[t].n_slices > m->tasks[t].n_slices)
      return false;
  return true;
}

/* The per-task arrays of @m: @prev's for its tasks, empty ranges for
 * the tasks added since. */
static int
copy_task_arrays (braid_timeline_model *m, const braid_timeline_model *prev)
{
  size_t nt = m->n_tasks ? m->n_tasks : 1;
  size_t np = prev ? prev->n_tasks : 0;
  m->run_sample_offset = calloc (nt, sizeof *m->run_sample_offset);
  m->run_cap = calloc (nt, sizeof *m->run_cap);
  m->mark_offset = calloc (nt, sizeof *m->mark_offset);
  m->mark_count = calloc (nt, sizeof *m->mark_count);
  m->mark_cap = calloc (nt, sizeof *m->mark_cap);
  if (!m->run_sample_offset || !m->run_cap || !m->mark_offset || !m->mark_count
      || !m->mark_cap)
    return -1;
  if (np > 0)
    {
      memcpy (m->run_sample_offset, prev->run_sample_offset,
              np * sizeof *m->run_sample_offset);
      memcpy (m->run_cap, prev->run_cap, np * sizeof *m->run_cap);
      memcpy (m->mark_offset, prev->mark_offset, np * sizeof *m->mark_offset);
      memcpy (m->mark_count, prev->mark_count, np * sizeof *m->mark_count);
      memcpy (m->mark_cap, prev->mark_cap, np * sizeof *m->mark_cap);
    }
  return 0;
}

/* How many slices task @t had in @prev (0 for a task it did not have). */
static size_t
prev_slices (const braid_timeline_model *prev, size_t t)
{
  if (!prev || t >= prev->n_tasks)
    return 0;
  size_t first, n;
  braid__timeline_task_slices (prev, (int32_t)t, &first, &n);
  return n;
}

/* The samples, steps and extents of the slices added to each task. */
static int
grow_slices (braid_timeline_model *m, const braid_timeline_model *prev,
             size_t n_steps)
{
  struct braid__timeline_store *st = m->store;
  size_t had_steps = prev ? prev->n_step_time : 0;
  if (store_reserve (&st->steps, n_steps, sizeof (int64_t)) != 0)
    return -1;
  int64_t *steps = st->steps.base;
  for (size_t k = had_steps; k < n_steps; k++)
    steps[k] = -1;
  for (size_t t = 0; t < m->n_tasks; t++)
    {
      size_t first, n;
      braid__timeline_task_slices (m, (int32_t)t, &first, &n);
      size_t end = first + n;
      /* The samples: each covers slices before the last, so none that
       * a model made before read is written again. */
      size_t had = prev_slices (prev, t);
      size_t have
          = prev && t < prev->n_tasks ? braid__timeline_run_samples (had) : 0;
      size_t need = braid__timeline_run_samples (n);
      if (run_room (m, t, have, need) != 0)
        return -1;
      int64_t *ns = (int64_t *)st->run_ns.base + m->run_sample_offset[t];
      uint32_t *count
          = (uint32_t *)st->run_count.base + m->run_sample_offset[t];
      for (size_t j = have; j < need; j++)
        {
          if (j == 0)
            {
              ns[0] = 0;
              count[0] = 0;
              continue;
            }
          int64_t s = ns[j - 1];
          uint32_t c = count[j - 1];
          for (size_t i = first + (j - 1) * RUN_SAMPLE;
               i < first + j * RUN_SAMPLE; i++)
            if (braid__timeline_state (m, i) == BRAID_STATE_RUNNING)
              {
                s += braid__timeline_end_ns (m, (int32_t)t, end, i)
                     - braid__timeline_start_ns (m, i);
                c++;
              }
          ns[j] = s;
          count[j] = c;
        }
      /* Steps and extents, from the slices added (and the last one
       * before them, whose end moved). */
      for (size_t i = first + (had > 0 ? had - 1 : 0); i < end; i++)
        {
          const braid_trace_compact_slice *c = &m->cslices[i];
          if (c->end_step > m->max_step)
            m->max_step = c->end_step;
          if (c->state == BRAID_STATE_RUNNING && c->start_step >= had_steps
              && c->start_step < n_steps)
            steps[c->start_step] = c->start_ns;
        }
      if (n > 0)
        {
          int64_t e = braid__timeline_end_ns (m, (int32_t)t, end, end - 1);
          if (e > m->max_time)
            m->max_time = e;
        }
    }
  /* Fill the gaps so the table is non-decreasing: from the last entry
   * the models before wrote, which no step of the added slices lies
   * below (a step's running slice opens as it begins). */
  int64_t last = had_steps > 0 ? steps[had_steps - 1] : 0;
  for (size_t k = had_steps; k < n_steps; k++)
    {
      if (steps[k] < last)
        steps[k] = last;
      last = steps[k];
    }
  return 0;
}

/* The marks and edges added: the mark lists and the extents. */
static int
grow_points (braid_timeline_model *m, const braid_timeline_model *prev)
{
  uint64_t step_limit = m->n_slices + 1;
  for (size_t i = prev ? prev->n_marks : 0; i < m->n_marks; i++)
    {
      const braid_trace_mark *mk = &m->marks[i];
      if (mk->time_ns > m->max_time)
        m->max_time = mk->time_ns;
      if (mk->step < step_limit && mk->step + 1 > m->max_step)
        m->max_step = mk->step + 1;
      if (mk->task >= 0 && (size_t)mk->task < m->n_tasks
          && mark_append (m, (size_t)mk->task, (uint32_t)i) != 0)
        return -1;
    }
  for (size_t i = prev ? prev->n_edges : 0; i < m->n_edges; i++)
    {
      const braid_trace_edge *e = &m->edges[i];
      if (e->time_ns > m->max_time)
        m->max_time = e->time_ns;
      if (e->step < step_limit && e->step + 1 > m->max_step)
        m->max_step = e->step + 1;
    }
  return 0;
}

braid_timeline_model *
braid_timeline_model_new_after (const braid_trace *trace,
                                const braid_timeline_model *prev)
{
  braid_timeline_model *m = braid__timeline_model_base (trace);
  if (!m)
    return NULL;
  if (!m->cslices || m->n_marks > UINT32_MAX)
    {
      /* Not a follower's trace (the full form, or too many marks for
       * the lists): the usual model. */
      braid_timeline_model_free (m);
      return braid_timeline_model_new (trace);
    }
  if (!can_grow (m, prev))
    prev = NULL;
  m->store = prev ? prev->store : store_new ();
  if (!m->store)
    goto fail;
  if (prev)
    atomic_fetch_add (&prev->store->refs, 1);
  m->generation = ++m->store->models;
  if (prev)
    {
      m->max_time = prev->max_time;
      m->max_step = prev->max_step;
    }
  /* The step table stops at the steps begun, whose times never change
   * (braid_timeline_model_new's goes on to the last mark's step). */
  const braid_trace_meta *meta = braid_trace_get_meta (trace);
  size_t n_steps = meta->n_steps;
  if (prev && n_steps < prev->n_step_time)
    n_steps = prev->n_step_time;
  if (copy_task_arrays (m, prev) != 0 || grow_points (m, prev) != 0
      || grow_slices (m, prev, n_steps) != 0)
    goto fail;
  m->extent_time = m->max_time > 0 ? (double)m->max_time : 1.0;
  m->extent_steps = m->max_step > 0 ? (double)m->max_step : 1.0;
  m->n_step_time = n_steps;
  m->step_time = m->store->steps.base;
  m->run_sample_ns = m->store->run_ns.base;
  m->run_sample_count = m->store->run_count.base;
  m->mark_index = m->store->marks.base;
  braid__timeline_rebuild_lanes (m);
  return m;

fail:
  braid_timeline_model_free (m);
  return NULL;
}
