/* reader-merge.c: several traces as one model.
 *
 * Owns what makes the files of one run (a process tree, each process
 * writing its own file under one meta.run_id) one braid_trace: the check
 * that they are one run, each file's offset on the run's common clock
 * (the monotonic start when every file has one, else the wall-clock
 * start), and the merge itself: a task per process on top of that
 * process's tasks, times shifted by the offsets, loop steps of all the
 * processes numbered together in the order they began, and every other
 * array merged in time order, ids renumbered so that they stay unique.
 *
 * The merged trace owns copies of everything (its own string arena and
 * arrays), so the inputs may be closed afterwards; braid_trace_close()
 * frees it as any trace. It holds full slices whatever the inputs held:
 * the merge is for a few processes, not for the largest traces.
 *
 * Also owns braid_trace_open_run, the one way braid-render and the
 * viewer open several files as a run: each file opened, the files
 * checked, then merged, with one line naming two of them when they are
 * not one run.
 *
 * Nothing here is hot: each input is read once, with a sort per array.
 */
#include "trace-private.h"
#include "format/safe-text.h"

#include <braid/braid.h> /* the error codes */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define OFFSET_LIMIT ((int64_t)1 << 60)

/* Where time 0 of @m lies on the run's clock: CLOCK_MONOTONIC (@mono) or
 * the wall clock. A monotonic loop clock's time 0 is its time base, a
 * CLOCK_MONOTONIC reading; a virtual one's is where recording began. All
 * these lie in [0, 2^62] (the reader clamps them). */
static int64_t
time_zero (const braid_trace_meta *m, bool mono)
{
  if (!mono)
    return m->start_unix_ns;
  if (strcmp (m->clock, "monotonic") == 0 && m->time_base_ns > 0)
    return m->time_base_ns;
  return m->start_monotonic_ns;
}

void
braid_trace_run_offsets (braid_trace *const *traces, size_t n,
                         int64_t *offsets)
{
  bool mono = n > 0;
  for (size_t i = 0; i < n; i++)
    mono = mono && traces[i]->meta.start_monotonic_ns > 0;
  int64_t first = INT64_MAX;
  for (size_t i = 0; i < n; i++)
    {
      int64_t s = time_zero (&traces[i]->meta, mono);
      if (s < first)
        first = s;
    }
  for (size_t i = 0; i < n; i++)
    {
      int64_t d = time_zero (&traces[i]->meta, mono) - first;
      offsets[i] = d > OFFSET_LIMIT ? OFFSET_LIMIT : d;
    }
}

int
braid_trace_check_run (braid_trace *const *traces, size_t n, size_t *bad_a,
                       size_t *bad_b, const char **why)
{
  size_t a = 0, b = 0;
  const char *what = NULL;
  for (size_t i = 0; n > 1 && i < n && what == NULL; i++)
    {
      const braid_trace_meta *m = &traces[i]->meta;
      if (m->run_id[0] == '\0')
        {
          a = i;
          b = i ? 0 : 1;
          what = "cannot be shown as one run (the first does not record "
                 "its run)";
        }
      else if (strcmp (m->run_id, traces[0]->meta.run_id) != 0)
        {
          a = 0;
          b = i;
          what = "are traces of different runs";
        }
      for (size_t j = 0; j < i && what == NULL; j++)
        if (traces[j]->meta.pid == m->pid
            && traces[j]->meta.start_unix_ns == m->start_unix_ns)
          {
            a = j;
            b = i;
            what = "are the trace of one process";
          }
    }
  if (bad_a)
    *bad_a = a;
  if (bad_b)
    *bad_b = b;
  if (why)
    *why = what;
  return what ? BRAID_EINVAL : 0;
}

/* ------------------------------------------------------------------ */

/* What the merge keeps of one input. */
typedef struct source
{
  const braid_trace *t;
  int64_t offset;      /* ns added to its times */
  int32_t task_base;   /* index of its process task in the output */
  uint64_t task_ids;   /* added to its task ids */
  uint64_t object_ids; /* added to its object ids */
  uint32_t loops;      /* added to its iterations' loop numbers */
  /* Its steps: the step numbers its running slices name, sorted and
   * distinct (never an array sized by a number in the file), and the
   * merged step of each, plus one past the last (step_map[n_steps]). */
  uint64_t n_steps;
  uint64_t *steps;
  uint64_t *step_map;
  const char *label;   /* "PROGRAM [pid N]", in the output's arena */
} source;

/* The slice @i of @t as a full record, from either mode. */
static braid_trace_slice
slice_of (const braid_trace *t, size_t task, size_t i)
{
  if (!t->compact)
    return t->slices[i];
  const braid_trace_compact_slice *c
      = &((const braid_trace_compact_slice *)t->slices)[i];
  const braid_trace_task *tk = &t->tasks[task];
  braid_trace_slice s = {
    .task = (uint32_t)task,
    .state = (braid_trace_state)c->state,
    .wait_reason = c->wait_reason,
    .object = c->object,
    .start_ns = c->start_ns,
    .start_step = c->start_step,
    .end_step = c->end_step,
  };
  size_t end = tk->first_slice + tk->n_slices;
  int64_t e = i + 1 < end
                  ? ((const braid_trace_compact_slice *)t->slices)[i + 1]
                        .start_ns
                  : t->compact_ends[task].end_ns;
  s.end_ns = e > s.start_ns ? e : s.start_ns;
  return s;
}

/* The index in @s->steps of the first step at or after @step (n_steps
 * when none). */
static uint64_t
step_index (const source *s, uint64_t step)
{
  uint64_t lo = 0, hi = s->n_steps;
  while (lo < hi)
    {
      uint64_t mid = lo + (hi - lo) / 2;
      if (s->steps[mid] < step)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* The merged step of @s's step @step, or of the first of its steps after
 * it (a boundary such as a wait's end). */
static uint64_t
map_step (const source *s, uint64_t step)
{
  return s->step_map[step_index (s, step)];
}

/* Gives the steps of the two sources of comparison @c columns side by
 * side: the steps @c pairs share a column, and the steps between two
 * pairs (of tasks not compared) take columns of their own, A's and B's
 * side by side. Stores in *@diff the sorted columns of the pairs that
 * differ. Returns the number of columns, or UINT64_MAX when out of
 * memory. */
static uint64_t
align_steps (source *src, const braid_trace_comparison *c, uint64_t **diff,
             size_t *n_diff)
{
  size_t n_pairs, n_sides[2];
  const braid_trace_step_pair *pairs = braid_trace_comparison_pairs (c, &n_pairs);
  const braid_trace_compared_step *steps[2]
      = { braid_trace_comparison_steps (c, 0, &n_sides[0]),
          braid_trace_comparison_steps (c, 1, &n_sides[1]) };
  *diff = malloc ((n_pairs ? n_pairs : 1) * sizeof **diff);
  *n_diff = 0;
  if (!*diff)
    return UINT64_MAX;
  /* In indexes of each source's steps. */
  uint64_t next[2] = { 0, 0 }, col = 0;
  for (size_t p = 0; p <= n_pairs; p++)
    {
      /* Up to the pair's steps (or to the end, after the last pair): the
       * steps no pair holds, then the pair's. */
      int64_t at[2] = { p < n_pairs ? pairs[p].a : -1,
                        p < n_pairs ? pairs[p].b : -1 };
      uint64_t until[2], most = 0;
      for (int k = 0; k < 2; k++)
        {
          until[k] = p == n_pairs ? src[k].n_steps
                     : at[k] >= 0 ? step_index (&src[k], steps[k][at[k]].step)
                                  : next[k];
          if (until[k] < next[k])
            until[k] = next[k];
          if (until[k] - next[k] > most)
            most = until[k] - next[k];
        }
      for (int k = 0; k < 2; k++)
        for (uint64_t i = next[k]; i < until[k]; i++)
          src[k].step_map[i] = col + (i - next[k]);
      col += most;
      for (int k = 0; k < 2; k++)
        next[k] = until[k];
      if (p == n_pairs)
        break;
      bool placed = false;
      for (int k = 0; k < 2; k++)
        if (at[k] >= 0 && next[k] < src[k].n_steps)
          {
            src[k].step_map[next[k]++] = col;
            placed = true;
          }
      if (placed && pairs[p].difference)
        (*diff)[(*n_diff)++] = col;
      col += placed;
    }
  return col;
}

/* Sorts steps and their times together. */
typedef struct step_time
{
  uint64_t step;
  int64_t time;
} step_time;

static int
by_step_number (const void *pa, const void *pb)
{
  const step_time *a = pa, *b = pb;
  return a->step < b->step ? -1 : a->step > b->step;
}

/* Lists the steps of @s (the distinct steps of its running slices, in
 * order) with the time each began on the merge's clock in @times (one
 * per step, malloc'd). Returns 0 or -1 when out of memory. */
static int
list_steps (source *s, int64_t **times)
{
  const braid_trace *t = s->t;
  size_t n = 0;
  for (size_t k = 0; k < t->n_tasks; k++)
    for (size_t i = t->tasks[k].first_slice;
         i < t->tasks[k].first_slice + t->tasks[k].n_slices; i++)
      n += slice_of (t, k, i).state == BRAID_STATE_RUNNING;
  step_time *st = malloc ((n ? n : 1) * sizeof *st);
  if (!st)
    return -1;
  n = 0;
  for (size_t k = 0; k < t->n_tasks; k++)
    for (size_t i = t->tasks[k].first_slice;
         i < t->tasks[k].first_slice + t->tasks[k].n_slices; i++)
      {
        braid_trace_slice sl = slice_of (t, k, i);
        if (sl.state == BRAID_STATE_RUNNING)
          st[n++] = (step_time){ sl.start_step, sl.start_ns + s->offset };
      }
  qsort (st, n, sizeof *st, by_step_number);
  s->steps = malloc ((n ? n : 1) * sizeof *s->steps);
  s->step_map = malloc ((n + 1) * sizeof *s->step_map);
  *times = malloc ((n ? n : 1) * sizeof **times);
  if (!s->steps || !s->step_map || !*times)
    {
      free (st);
      return -1;
    }
  /* Distinct steps; a step's time never before the one before it (the
   * merge by time needs each source's times in order). */
  uint64_t m = 0;
  int64_t last = s->offset;
  for (size_t i = 0; i < n; i++)
    {
      if (m > 0 && s->steps[m - 1] == st[i].step)
        continue;
      last = st[i].time > last ? st[i].time : last;
      s->steps[m] = st[i].step;
      (*times)[m++] = last;
    }
  s->n_steps = m;
  free (st);
  return 0;
}

/* Numbers the steps of every source together: with a comparison @c,
 * side by side as it pairs them (align_steps), else in the order they
 * began (a merge by start time; ties keep the order of the sources),
 * filling each source's step_map. Returns the number of steps, or
 * UINT64_MAX when out of memory. */
static uint64_t
number_steps (source *src, size_t n, const braid_trace_comparison *c,
              uint64_t **diff, size_t *n_diff)
{
  int64_t **times = calloc (n, sizeof *times);
  if (!times)
    return UINT64_MAX;
  uint64_t total = 0;
  bool failed = false;
  for (size_t f = 0; f < n && !failed; f++)
    {
      failed = list_steps (&src[f], &times[f]) != 0;
      total += src[f].n_steps;
    }
  if (!failed && c)
    {
      total = align_steps (src, c, diff, n_diff);
      failed = total == UINT64_MAX;
    }
  else if (!failed)
    {
      uint64_t *at = calloc (n, sizeof *at);
      failed = at == NULL;
      for (uint64_t next = 0; !failed && next < total; next++)
        {
          size_t best = n;
          for (size_t f = 0; f < n; f++)
            if (at[f] < src[f].n_steps
                && (best == n || times[f][at[f]] < times[best][at[best]]))
              best = f;
          src[best].step_map[at[best]++] = next;
        }
      free (at);
    }
  /* The boundary after a source's last step: one past it. */
  for (size_t f = 0; !failed && f < n; f++)
    src[f].step_map[src[f].n_steps]
        = src[f].n_steps ? src[f].step_map[src[f].n_steps - 1] + 1 : 0;
  for (size_t f = 0; f < n; f++)
    free (times[f]);
  free (times);
  return failed ? UINT64_MAX : total;
}

/* A string of the output: a copy in its arena ("" for NULL). */
static const char *
dup (braid_trace *out, const char *text)
{
  if (text == NULL || text[0] == '\0')
    return "";
  return braid__arena_strndup (out->arena, text, strlen (text));
}

/* Sort keys: a time, then the source, then the index in the source, so
 * that the merged order keeps each source's own. */
typedef struct order_key
{
  int64_t time;
  uint32_t src;
  size_t index;
} order_key;

static int
by_time (const void *pa, const void *pb)
{
  const order_key *a = pa, *b = pb;
  if (a->time != b->time)
    return a->time < b->time ? -1 : 1;
  if (a->src != b->src)
    return a->src < b->src ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

static int
by_first_step (const void *pa, const void *pb)
{
  const braid_trace_iteration *a = pa, *b = pb;
  if (a->first_step != b->first_step)
    return a->first_step < b->first_step ? -1 : 1;
  return a->loop < b->loop ? -1 : a->loop > b->loop;
}

/* Allocates @n elements of @size for a big array of the output. */
static void *
big_array (size_t n, size_t size, size_t *bytes)
{
  void *p = NULL;
  *bytes = 0;
  if (braid__big_reserve (&p, bytes, (n ? n : 1) * size) != 0)
    return NULL;
  return p;
}

static int32_t
map_task (const source *s, int32_t task)
{
  return task < 0 ? -1 : s->task_base + 1 + task;
}

static uint64_t
map_object (const source *s, uint64_t id)
{
  return id == 0 ? 0 : id + s->object_ids;
}

/* Fills the id map @keys/@vals of @n ids (@id_of gives the i-th). */
static int
build_map (uint64_t **keys, int32_t **vals, size_t *mask, size_t n,
           uint64_t (*id_of) (const braid_trace *, size_t),
           const braid_trace *t)
{
  size_t size = 16;
  while (size < 2 * n + 2)
    size *= 2;
  *keys = calloc (size, sizeof **keys);
  *vals = malloc (size * sizeof **vals);
  if (!*keys || !*vals)
    return -1;
  *mask = size - 1;
  for (size_t i = 0; i < n; i++)
    {
      uint64_t id = id_of (t, i);
      if (id == 0)
        continue;
      size_t at = braid__id_hash (id) & *mask;
      while ((*keys)[at] != 0 && (*keys)[at] != id)
        at = (at + 1) & *mask;
      if ((*keys)[at] == 0)
        {
          (*keys)[at] = id;
          (*vals)[at] = (int32_t)i;
        }
    }
  return 0;
}

static uint64_t
task_id_of (const braid_trace *t, size_t i)
{
  return t->tasks[i].id;
}

static uint64_t
object_id_of (const braid_trace *t, size_t i)
{
  return t->objects[i].id;
}

/* The largest id of @t's tasks (@objects false) or objects. */
static uint64_t
max_id (const braid_trace *t, bool objects)
{
  uint64_t m = 0;
  size_t n = objects ? t->n_objects : t->n_tasks;
  for (size_t i = 0; i < n; i++)
    {
      uint64_t id = objects ? t->objects[i].id : t->tasks[i].id;
      if (id > m)
        m = id;
    }
  return m;
}

static const char *
base_name (const char *path)
{
  const char *slash = strrchr (path, '/');
  return slash && slash[1] ? slash + 1 : path;
}

/* Copies the tasks and slices of every source, a process task first. */
static int
merge_tasks (braid_trace *out, source *src, size_t n)
{
  size_t n_tasks = n, n_slices = 0;
  for (size_t f = 0; f < n; f++)
    {
      n_tasks += src[f].t->n_tasks;
      n_slices += src[f].t->n_slices;
    }
  if (n_tasks > INT32_MAX)
    return BRAID_ENOMEM;
  out->tasks = calloc (n_tasks, sizeof *out->tasks);
  out->slices = big_array (n_slices, sizeof *out->slices, &out->slices_bytes);
  if (!out->tasks || !out->slices)
    return BRAID_ENOMEM;
  size_t at = 0, sl = 0;
  uint64_t next_id = 1;
  for (size_t f = 0; f < n; f++)
    {
      const braid_trace *t = src[f].t;
      const braid_trace_meta *m = &t->meta;
      src[f].task_base = (int32_t)at;
      /* The process: a lane of its own with no slices, whose label heads
       * its group. */
      braid_trace_task *p = &out->tasks[at++];
      p->id = next_id++;
      p->parent = -1;
      p->depth = 0;
      p->name = src[f].label;
      p->function = dup (out, m->program);
      p->file = "";
      p->created_ns = src[f].offset;
      p->ended_ns = m->complete ? src[f].offset + m->duration_ns : -1;
      p->outcome = m->complete ? BRAID_OUTCOME_COMPLETED : BRAID_OUTCOME_PENDING;
      p->error_type = p->error_message = p->error_file = "";
      p->first_slice = sl;
      src[f].task_ids = next_id;
      next_id += max_id (t, false) + 1;
      for (size_t k = 0; k < t->n_tasks; k++)
        {
          const braid_trace_task *in = &t->tasks[k];
          braid_trace_task *o = &out->tasks[at++];
          *o = *in;
          o->id = in->id + src[f].task_ids;
          o->parent = in->parent >= 0 ? map_task (&src[f], in->parent)
                                      : src[f].task_base;
          o->depth = in->depth + 1;
          o->name = dup (out, in->name);
          o->function = dup (out, in->function);
          o->file = dup (out, in->file);
          o->error_type = dup (out, in->error_type);
          o->error_message = dup (out, in->error_message);
          o->error_file = dup (out, in->error_file);
          o->created_ns = in->created_ns + src[f].offset;
          o->ended_ns = in->ended_ns >= 0 ? in->ended_ns + src[f].offset : -1;
          o->first_slice = sl;
          uint64_t prev_end = 0;
          for (size_t i = 0; i < in->n_slices; i++)
            {
              braid_trace_slice s = slice_of (t, k, in->first_slice + i);
              s.task = (uint32_t)(at - 1);
              s.object = map_object (&src[f], s.object);
              s.start_ns += src[f].offset;
              s.end_ns += src[f].offset;
              /* A step stays one step wide; the slice after it starts
               * where it ended, though other processes' steps may come
               * between this step and the task's next. */
              if (s.state == BRAID_STATE_RUNNING)
                {
                  s.start_step = map_step (&src[f], s.start_step);
                  s.end_step = s.start_step + 1;
                }
              else
                {
                  s.start_step = i > 0 ? prev_end
                                       : map_step (&src[f], s.start_step);
                  s.end_step = map_step (&src[f], s.end_step);
                  if (s.end_step < s.start_step)
                    s.end_step = s.start_step;
                }
              prev_end = s.end_step;
              out->slices[sl++] = s;
            }
        }
    }
  out->n_tasks = at;
  out->n_slices = sl;
  return 0;
}

/* Merges one kind of time-ordered array: @count and @time_of read the
 * sources, @copy writes element @index of source @f at @dst. */
typedef struct array_kind
{
  size_t size;
  size_t (*count) (const braid_trace *t);
  int64_t (*time_of) (const braid_trace *t, size_t i);
  void (*copy) (braid_trace *out, const source *s, size_t i, void *dst);
} array_kind;

static int
merge_array (braid_trace *out, const source *src, size_t n,
             const array_kind *kind, void **arr, size_t *bytes, size_t *len,
             bool big)
{
  size_t total = 0;
  for (size_t f = 0; f < n; f++)
    total += kind->count (src[f].t);
  order_key *keys = malloc ((total ? total : 1) * sizeof *keys);
  if (!keys)
    return BRAID_ENOMEM;
  size_t k = 0;
  for (size_t f = 0; f < n; f++)
    for (size_t i = 0; i < kind->count (src[f].t); i++)
      keys[k++] = (order_key){ kind->time_of (src[f].t, i) + src[f].offset,
                               (uint32_t)f, i };
  qsort (keys, total, sizeof *keys, by_time);
  char *dst = big ? big_array (total, kind->size, bytes)
                  : malloc ((total ? total : 1) * kind->size);
  if (!dst)
    {
      free (keys);
      return BRAID_ENOMEM;
    }
  for (size_t i = 0; i < total; i++)
    kind->copy (out, &src[keys[i].src], keys[i].index, dst + i * kind->size);
  free (keys);
  *arr = dst;
  *len = total;
  return 0;
}

/* The count and the i-th time of a time-ordered array @field of a trace,
 * for array_kind. */
#define TIME_ORDERED(field, one)                                            \
  static size_t n_##field (const braid_trace *t) { return t->n_##field; }   \
  static int64_t one##_time (const braid_trace *t, size_t i)                \
  {                                                                         \
    return t->field[i].time_ns;                                             \
  }

TIME_ORDERED (edges, edge)
static void
copy_edge (braid_trace *out, const source *s, size_t i, void *dst)
{
  braid_trace_edge e = s->t->edges[i];
  e.from = map_task (s, e.from);
  e.to = map_task (s, e.to);
  e.time_ns += s->offset;
  e.step = map_step (s, e.step);
  e.object = map_object (s, e.object);
  memcpy (dst, &e, sizeof e);
}

TIME_ORDERED (marks, mark)
static void
copy_mark (braid_trace *out, const source *s, size_t i, void *dst)
{
  braid_trace_mark m = s->t->marks[i];
  m.task = map_task (s, m.task);
  m.time_ns += s->offset;
  m.step = map_step (s, m.step);
  memcpy (dst, &m, sizeof m);
}

TIME_ORDERED (outputs, output)
static void
copy_output (braid_trace *out, const source *s, size_t i, void *dst)
{
  braid_trace_output o = s->t->outputs[i];
  o.task = map_task (s, o.task);
  o.time_ns += s->offset;
  o.step = map_step (s, o.step);
  o.text = dup (out, o.text);
  memcpy (dst, &o, sizeof o);
}

TIME_ORDERED (problems, problem)
static void
copy_problem (braid_trace *out, const source *s, size_t i, void *dst)
{
  braid_trace_problem p = s->t->problems[i];
  p.task = map_task (s, p.task);
  p.time_ns += s->offset;
  p.step = map_step (s, p.step);
  /* Which process it is about, as braid problems labels it. */
  const char *label = braid__arena_printf (
      out->arena, "[%s %lld] %s", base_name (s->t->meta.program),
      (long long)s->t->meta.pid, p.summary ? p.summary : "");
  p.summary = label ? label : dup (out, p.summary);
  p.detail = dup (out, p.detail);
  memcpy (dst, &p, sizeof p);
}

TIME_ORDERED (iterations, iteration)
static void
copy_iteration (braid_trace *out, const source *s, size_t i, void *dst)
{
  braid_trace_iteration it = s->t->iterations[i];
  it.first_step = map_step (s, it.first_step);
  it.time_ns += s->offset;
  it.loop += s->loops;
  memcpy (dst, &it, sizeof it);
}

static int
merge_objects (braid_trace *out, const source *src, size_t n)
{
  size_t total = 0;
  for (size_t f = 0; f < n; f++)
    total += src[f].t->n_objects;
  out->objects = malloc ((total ? total : 1) * sizeof *out->objects);
  if (!out->objects)
    return BRAID_ENOMEM;
  size_t at = 0;
  for (size_t f = 0; f < n; f++)
    for (size_t i = 0; i < src[f].t->n_objects; i++)
      {
        braid_trace_object o = src[f].t->objects[i];
        o.id = map_object (&src[f], o.id);
        o.creator = map_task (&src[f], o.creator);
        o.name = dup (out, o.name);
        out->objects[at++] = o;
      }
  out->n_objects = at;
  return 0;
}

/* The meta of the run: the first process's, with the totals of all. */
static void
merge_meta (braid_trace *out, const source *src, size_t n, uint64_t steps)
{
  const braid_trace_meta *first = &src[0].t->meta;
  braid_trace_meta *m = &out->meta;
  *m = *first;
  m->program = dup (out, first->program);
  m->arguments = dup (out, first->arguments);
  m->braid_version = dup (out, first->braid_version);
  m->clock = dup (out, first->clock);
  m->run_id = dup (out, first->run_id);
  m->n_events = m->n_iterations = 0;
  m->duration_ns = 0;
  m->complete = true;
  for (size_t f = 0; f < n; f++)
    {
      const braid_trace_meta *x = &src[f].t->meta;
      m->n_events += x->n_events;
      m->n_iterations += x->n_iterations;
      m->complete = m->complete && x->complete;
      if (x->duration_ns + src[f].offset > m->duration_ns)
        m->duration_ns = x->duration_ns + src[f].offset;
      if (x->start_unix_ns < m->start_unix_ns)
        m->start_unix_ns = x->start_unix_ns;
      if (x->start_monotonic_ns < m->start_monotonic_ns)
        m->start_monotonic_ns = x->start_monotonic_ns;
    }
  m->n_steps = steps;
}

/* Merges the @n @traces into *@out_trace, each moved by @offsets, its
 * process task named with @prefixes (may be NULL) before "PROGRAM [pid
 * N]", steps numbered by time or, with @c, side by side as @c pairs them
 * (*@diff then gets the columns that differ). Returns 0 or BRAID_ENOMEM. */
static int
merge (braid_trace *const *traces, size_t n, const int64_t *offsets,
       const char *const *prefixes, const braid_trace_comparison *c,
       braid_trace **out_trace, uint64_t **diff, size_t *n_diff)
{
  int rc = BRAID_ENOMEM;
  braid_trace *out = calloc (1, sizeof *out);
  source *src = calloc (n, sizeof *src);
  if (!out || !src || !(out->arena = braid__arena_new ()))
    goto done;
  /* The processes in the order they started, the first one on top. */
  for (size_t f = 0; f < n; f++)
    {
      size_t at = f;
      while (at > 0 && src[at - 1].offset > offsets[f])
        {
          src[at] = src[at - 1];
          at--;
        }
      src[at].t = traces[f];
      src[at].offset = offsets[f];
    }
  for (size_t f = 0; f < n; f++)
    {
      const braid_trace_meta *m = &src[f].t->meta;
      src[f].label = braid__arena_printf (
          out->arena, "%s%s [pid %lld]", prefixes ? prefixes[f] : "",
          base_name (m->program), (long long)m->pid);
      /* Object ids are numbered on from the previous process's (the
       * slices, edges and objects all map them), and so are loops. */
      src[f].object_ids = f == 0 ? 0
                                 : src[f - 1].object_ids
                                       + max_id (src[f - 1].t, true) + 1;
      src[f].loops = 0;
      if (f > 0)
        {
          uint32_t used = 0;
          for (size_t i = 0; i < src[f - 1].t->n_iterations; i++)
            if (src[f - 1].t->iterations[i].loop >= used)
              used = src[f - 1].t->iterations[i].loop + 1;
          src[f].loops = src[f - 1].loops + used;
        }
      if (!src[f].label)
        goto done;
    }
  uint64_t steps = number_steps (src, n, c, diff, n_diff);
  if (steps == UINT64_MAX)
    goto done;
  static const array_kind edges
      = { sizeof (braid_trace_edge), n_edges, edge_time, copy_edge };
  static const array_kind marks
      = { sizeof (braid_trace_mark), n_marks, mark_time, copy_mark };
  static const array_kind outputs
      = { sizeof (braid_trace_output), n_outputs, output_time, copy_output };
  static const array_kind problems = { sizeof (braid_trace_problem),
                                       n_problems, problem_time,
                                       copy_problem };
  static const array_kind iterations
      = { sizeof (braid_trace_iteration), n_iterations, iteration_time,
          copy_iteration };
  size_t unused;
  if (merge_tasks (out, src, n) != 0 || merge_objects (out, src, n) != 0
      || merge_array (out, src, n, &edges, (void **)&out->edges,
                      &out->edges_bytes, &out->n_edges, true)
             != 0
      || merge_array (out, src, n, &marks, (void **)&out->marks,
                      &out->marks_bytes, &out->n_marks, true)
             != 0
      || merge_array (out, src, n, &outputs, (void **)&out->outputs,
                      &out->outputs_bytes, &out->n_outputs, true)
             != 0
      || merge_array (out, src, n, &problems, (void **)&out->problems,
                      &unused, &out->n_problems, false)
             != 0
      || merge_array (out, src, n, &iterations, (void **)&out->iterations,
                      &out->iterations_bytes, &out->n_iterations, true)
             != 0)
    goto done;
  /* Iterations stay sorted by first step when steps are numbered in the
   * time order the iterations are merged in (ties broken alike); two
   * compared traces' steps are numbered by their pairs instead, which
   * two clocks from 0 need not follow: sort them again. */
  if (c)
    qsort (out->iterations, out->n_iterations, sizeof *out->iterations,
           by_first_step);
  merge_meta (out, src, n, steps);
  if (build_map (&out->task_keys, &out->task_vals, &out->task_mask,
                 out->n_tasks, task_id_of, out)
          != 0
      || build_map (&out->obj_keys, &out->obj_vals, &out->obj_mask,
                    out->n_objects, object_id_of, out)
             != 0)
    goto done;
  rc = 0;

done:
  for (size_t f = 0; src && f < n; f++)
    {
      free (src[f].steps);
      free (src[f].step_map);
    }
  free (src);
  if (rc != 0)
    {
      braid_trace_close (out);
      return rc;
    }
  *out_trace = out;
  return 0;
}

int
braid_trace_merge_run (braid_trace *const *traces, size_t n,
                       braid_trace **out_trace, char **error)
{
  *out_trace = NULL;
  if (error)
    *error = NULL;
  size_t a, b;
  const char *why;
  if (n == 0 || braid_trace_check_run (traces, n, &a, &b, &why) != 0)
    {
      if (error)
        {
          char buf[512];
          if (n == 0)
            snprintf (buf, sizeof buf, "no trace to show");
          else
            snprintf (buf, sizeof buf, "%s (pid %lld) and %s (pid %lld) %s",
                      base_name (traces[a]->meta.program),
                      (long long)traces[a]->meta.pid,
                      base_name (traces[b]->meta.program),
                      (long long)traces[b]->meta.pid, why);
          *error = strdup (buf);
        }
      return BRAID_EINVAL;
    }
  int64_t *offsets = malloc (n * sizeof *offsets);
  if (!offsets)
    return BRAID_ENOMEM;
  braid_trace_run_offsets (traces, n, offsets);
  int rc = merge (traces, n, offsets, NULL, NULL, out_trace, NULL, NULL);
  free (offsets);
  if (rc != 0 && error)
    *error = strdup ("out of memory while merging the traces");
  return rc;
}

/* The progress of file @k of @n, as a fraction of the whole load, and
 * whether the caller's callback asked to stop. The reader asks only
 * every 65,536 events and ignores the answer to its last call, so a
 * small file loads whatever the answer: the stop is kept for between
 * the files. */
typedef struct run_progress
{
  braid_trace_progress_fn fn;
  void *data;
  size_t k, n;
  bool stop;
} run_progress;

static bool
on_file_progress (double fraction, void *data)
{
  run_progress *p = data;
  if (p->fn && !p->fn (((double)p->k + fraction) / (double)p->n, p->data))
    p->stop = true;
  return !p->stop;
}

int
braid_trace_open_run (char *const *paths, size_t n,
                      const braid_trace_load_options *options,
                      braid_trace **out, char **error)
{
  *out = NULL;
  if (error)
    *error = NULL;
  if (n == 0)
    {
      if (error)
        *error = strdup ("no trace file given");
      return BRAID_EINVAL;
    }
  if (n == 1)
    return braid_trace_open (paths[0], options, out, error);
  braid_trace **traces = calloc (n, sizeof *traces);
  if (!traces)
    return BRAID_ENOMEM;
  braid_trace_load_options one = { 0 };
  if (options)
    one = *options;
  run_progress progress = { one.progress, one.progress_data, 0, n, false };
  one.progress = on_file_progress;
  one.progress_data = &progress;
  int rc = 0;
  for (size_t k = 0; k < n && rc == 0; k++)
    {
      progress.k = k;
      rc = braid_trace_open (paths[k], &one, &traces[k], error);
      if (rc == 0 && progress.stop)
        {
          braid__error_printf (error, "%s: loading cancelled", paths[k]);
          rc = BRAID_ECANCELLED;
        }
    }
  size_t a, b;
  const char *why;
  if (rc == 0 && braid_trace_check_run (traces, n, &a, &b, &why) != 0)
    {
      braid__error_printf (error, "%s and %s %s", paths[a], paths[b],
                           why);
      rc = BRAID_EINVAL;
    }
  if (rc == 0)
    rc = braid_trace_merge_run (traces, n, out, error);
  for (size_t k = 0; k < n; k++)
    braid_trace_close (traces[k]);
  free (traces);
  return rc;
}

int
braid_trace_merge_compared (braid_trace *a, braid_trace *b,
                            const braid_trace_comparison *c,
                            braid_trace **out, uint64_t **diff_steps,
                            size_t *n_diff)
{
  *out = NULL;
  *diff_steps = NULL;
  *n_diff = 0;
  braid_trace *traces[2] = { a, b };
  const int64_t offsets[2] = { 0, 0 };
  const char *const prefixes[2] = { "A: ", "B: " };
  int rc = merge (traces, 2, offsets, prefixes, c, out, diff_steps, n_diff);
  if (rc != 0)
    {
      free (*diff_steps);
      *diff_steps = NULL;
      *n_diff = 0;
    }
  return rc;
}
