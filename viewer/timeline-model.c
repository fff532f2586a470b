/* timeline-model.c: lanes and indexes of a trace, built once, off the draw
 * path.
 *
 * Owns the task tree (first child / next sibling links in creation order),
 * the collapse and filter state, the list of visible lanes, per-slice
 * prefix sums of running time (so a pixel column can tell how much of it a
 * task ran without visiting its slices), per-task mark lists and the
 * step -> time table that converts between the two axes.
 *
 * Hot path: braid_timeline_model_find_slice() (a binary search) is called
 * per pixel column by the drawing; everything else runs on load or when
 * the user collapses or filters.
 */
#include "timeline-private.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static void
rebuild_lanes (braid_timeline_model *m)
{
  size_t n = 0;
  for (size_t t = 0; t < m->n_tasks; t++)
    m->task_lane[t] = -1;

  /* A stackless depth-first walk: a chain of a million nested tasks must
   * not overflow the C stack. */
  int32_t node = m->first_root;
  while (node >= 0)
    {
      bool shown = m->shown[node];
      if (shown)
        {
          m->task_lane[node] = (int64_t)n;
          m->lanes[n++] = node;
        }
      if (shown && !m->collapsed[node] && m->first_child[node] >= 0)
        {
          node = m->first_child[node];
          continue;
        }
      while (node >= 0 && m->next_sibling[node] < 0)
        node = m->parent[node];
      if (node >= 0)
        node = m->next_sibling[node];
    }
  m->n_lanes = n;
}

static int
build_tree (braid_timeline_model *m)
{
  size_t n = m->n_tasks;
  int32_t *last_child = malloc ((n ? n : 1) * sizeof *last_child);
  if (!last_child)
    return -1;
  int32_t last_root = -1;
  m->first_root = -1;
  for (size_t t = 0; t < n; t++)
    {
      m->first_child[t] = -1;
      m->next_sibling[t] = -1;
      last_child[t] = -1;
    }
  for (size_t t = 0; t < n; t++)
    {
      int32_t p = m->tasks[t].parent;
      /* Untrusted input: a parent must come earlier, which also rules out
       * cycles. Anything else becomes a root. */
      if (p < 0 || (size_t)p >= t)
        p = -1;
      m->parent[t] = p;
      if (p < 0)
        {
          if (last_root < 0)
            m->first_root = (int32_t)t;
          else
            m->next_sibling[last_root] = (int32_t)t;
          last_root = (int32_t)t;
        }
      else
        {
          if (last_child[p] < 0)
            m->first_child[p] = (int32_t)t;
          else
            m->next_sibling[last_child[p]] = (int32_t)t;
          last_child[p] = (int32_t)t;
        }
    }
  free (last_child);
  return 0;
}

static void
build_prefix_sums (braid_timeline_model *m)
{
  int64_t ns = 0;
  uint32_t count = 0;
  for (size_t i = 0; i < m->n_slices; i++)
    {
      m->run_prefix_ns[i] = ns;
      m->run_prefix_count[i] = count;
      const braid_trace_slice *s = &m->slices[i];
      if (s->state == BRAID_STATE_RUNNING)
        {
          if (s->end_ns > s->start_ns)
            ns += s->end_ns - s->start_ns;
          count++;
        }
    }
  m->run_prefix_ns[m->n_slices] = ns;
  m->run_prefix_count[m->n_slices] = count;
}

static int
build_mark_index (braid_timeline_model *m)
{
  m->mark_offset = calloc (m->n_tasks + 1, sizeof *m->mark_offset);
  m->mark_index
      = malloc ((m->n_marks ? m->n_marks : 1) * sizeof *m->mark_index);
  if (!m->mark_offset || !m->mark_index)
    return -1;
  /* A stable counting sort by task keeps each task's marks in time order. */
  for (size_t i = 0; i < m->n_marks; i++)
    {
      int32_t t = m->marks[i].task;
      if (t >= 0 && (size_t)t < m->n_tasks)
        m->mark_offset[t + 1]++;
    }
  for (size_t t = 0; t < m->n_tasks; t++)
    m->mark_offset[t + 1] += m->mark_offset[t];
  size_t *fill = malloc ((m->n_tasks ? m->n_tasks : 1) * sizeof *fill);
  if (!fill)
    return -1;
  memcpy (fill, m->mark_offset, m->n_tasks * sizeof *fill);
  for (size_t i = 0; i < m->n_marks; i++)
    {
      int32_t t = m->marks[i].task;
      if (t >= 0 && (size_t)t < m->n_tasks)
        m->mark_index[fill[t]++] = (uint32_t)i;
    }
  free (fill);

  m->mark_step_pos
      = malloc ((m->n_marks ? m->n_marks : 1) * sizeof *m->mark_step_pos);
  if (!m->mark_step_pos)
    return -1;
  for (size_t i = 0; i < m->n_marks; i++)
    m->mark_step_pos[i] = (double)m->marks[i].step + 0.5;
  for (size_t t = 0; t < m->n_tasks; t++)
    {
      size_t a = m->mark_offset[t], end = m->mark_offset[t + 1];
      while (a < end)
        {
          uint64_t step = m->marks[m->mark_index[a]].step;
          size_t b = a;
          while (b < end && m->marks[m->mark_index[b]].step == step)
            b++;
          for (size_t j = a; j < b; j++)
            m->mark_step_pos[m->mark_index[j]]
                = (double)step + (double)(j - a + 1) / (double)(b - a + 1);
          a = b;
        }
    }
  return 0;
}

static int
build_step_table (braid_timeline_model *m)
{
  /* The extent is what the lanes show: slices, marks and arrows. The
   * trace's own duration may include loop events after the last task. */
  uint64_t max_step = 0;
  int64_t max_time = 0;
  for (size_t i = 0; i < m->n_marks; i++)
    if (m->marks[i].time_ns > max_time)
      max_time = m->marks[i].time_ns;
  for (size_t i = 0; i < m->n_edges; i++)
    if (m->edges[i].time_ns > max_time)
      max_time = m->edges[i].time_ns;
  for (size_t i = 0; i < m->n_slices; i++)
    {
      const braid_trace_slice *s = &m->slices[i];
      if (s->end_step > max_step)
        max_step = s->end_step;
      if (s->end_ns > max_time)
        max_time = s->end_ns;
    }
  m->extent_time = max_time > 0 ? (double)max_time : 1.0;
  m->extent_steps = max_step > 0 ? (double)max_step : 1.0;

  /* Steps are dense in a well-formed trace; a hostile file with huge step
   * numbers gets a proportional conversion instead of a huge table. */
  if (max_step > 2 * (uint64_t)m->n_slices + 16)
    {
      m->n_step_time = 0;
      return 0;
    }
  m->n_step_time = (size_t)max_step + 1;
  m->step_time = malloc (m->n_step_time * sizeof *m->step_time);
  if (!m->step_time)
    return -1;
  for (size_t k = 0; k < m->n_step_time; k++)
    m->step_time[k] = -1;
  for (size_t i = 0; i < m->n_slices; i++)
    {
      const braid_trace_slice *s = &m->slices[i];
      if (s->state == BRAID_STATE_RUNNING && s->start_step < m->n_step_time)
        m->step_time[s->start_step] = s->start_ns;
    }
  /* Fill the gaps so the table is non-decreasing and binary-searchable. */
  int64_t last = 0;
  for (size_t k = 0; k < m->n_step_time; k++)
    {
      if (m->step_time[k] < last)
        m->step_time[k] = last;
      last = m->step_time[k];
    }
  return 0;
}

braid_timeline_model *
braid_timeline_model_new (const braid_trace *trace)
{
  braid_timeline_model *m = calloc (1, sizeof *m);
  if (!m)
    return NULL;
  m->trace = trace;
  m->meta = braid_trace_get_meta (trace);
  m->tasks = braid_trace_get_tasks (trace, &m->n_tasks);
  m->slices = braid_trace_get_slices (trace, &m->n_slices);
  m->marks = braid_trace_get_marks (trace, &m->n_marks);
  m->edges = braid_trace_get_edges (trace, &m->n_edges);
  if (m->n_tasks > INT32_MAX)
    m->n_tasks = INT32_MAX;

  size_t nt = m->n_tasks ? m->n_tasks : 1;
  m->parent = malloc (nt * sizeof *m->parent);
  m->first_child = malloc (nt * sizeof *m->first_child);
  m->next_sibling = malloc (nt * sizeof *m->next_sibling);
  m->collapsed = calloc (nt, 1);
  m->matches = malloc (nt);
  m->shown = malloc (nt);
  m->lanes = malloc (nt * sizeof *m->lanes);
  m->task_lane = malloc (nt * sizeof *m->task_lane);
  m->run_prefix_ns = malloc ((m->n_slices + 1) * sizeof *m->run_prefix_ns);
  m->run_prefix_count
      = malloc ((m->n_slices + 1) * sizeof *m->run_prefix_count);
  if (!m->parent || !m->first_child || !m->next_sibling || !m->collapsed
      || !m->matches || !m->shown || !m->lanes || !m->task_lane
      || !m->run_prefix_ns || !m->run_prefix_count)
    goto fail;
  memset (m->matches, 1, nt);
  memset (m->shown, 1, nt);
  if (build_tree (m) != 0 || build_mark_index (m) != 0
      || build_step_table (m) != 0)
    goto fail;
  build_prefix_sums (m);
  rebuild_lanes (m);
  return m;

fail:
  braid_timeline_model_free (m);
  return NULL;
}

void
braid_timeline_model_free (braid_timeline_model *m)
{
  if (!m)
    return;
  free (m->parent);
  free (m->first_child);
  free (m->next_sibling);
  free (m->collapsed);
  free (m->matches);
  free (m->shown);
  free (m->lanes);
  free (m->task_lane);
  free (m->run_prefix_ns);
  free (m->run_prefix_count);
  free (m->mark_offset);
  free (m->mark_index);
  free (m->mark_step_pos);
  free (m->step_time);
  free (m);
}

const braid_trace *
braid_timeline_model_get_trace (const braid_timeline_model *m)
{
  return m->trace;
}

size_t
braid_timeline_model_get_n_lanes (const braid_timeline_model *m)
{
  return m->n_lanes;
}

int32_t
braid_timeline_model_lane_task (const braid_timeline_model *m, size_t lane)
{
  return lane < m->n_lanes ? m->lanes[lane] : -1;
}

int64_t
braid_timeline_model_task_lane (const braid_timeline_model *m, int32_t task)
{
  if (task < 0 || (size_t)task >= m->n_tasks)
    return -1;
  return m->task_lane[task];
}

bool
braid_timeline_model_task_has_children (const braid_timeline_model *m,
                                        int32_t task)
{
  return task >= 0 && (size_t)task < m->n_tasks && m->first_child[task] >= 0;
}

bool
braid_timeline_model_get_collapsed (const braid_timeline_model *m, int32_t task)
{
  return task >= 0 && (size_t)task < m->n_tasks && m->collapsed[task];
}

void
braid_timeline_model_set_collapsed (braid_timeline_model *m, int32_t task,
                                    bool collapsed)
{
  if (task < 0 || (size_t)task >= m->n_tasks || m->collapsed[task] == collapsed)
    return;
  m->collapsed[task] = collapsed;
  rebuild_lanes (m);
}

void
braid_timeline_model_reveal (braid_timeline_model *m, int32_t task)
{
  if (task < 0 || (size_t)task >= m->n_tasks)
    return;
  if (!m->shown[task])
    braid_timeline_model_set_filter (m, NULL);
  for (int32_t p = m->parent[task]; p >= 0; p = m->parent[p])
    m->collapsed[p] = 0;
  rebuild_lanes (m);
}

static bool
contains_nocase (const char *hay, const char *needle)
{
  size_t n = strlen (needle);
  for (; *hay; hay++)
    if (strncasecmp (hay, needle, n) == 0)
      return true;
  return false;
}

size_t
braid_timeline_model_set_filter (braid_timeline_model *m, const char *text)
{
  size_t nt = m->n_tasks;
  size_t matched = 0;
  if (!text || !*text)
    {
      memset (m->matches, 1, nt);
      memset (m->shown, 1, nt);
      m->filtering = false;
      rebuild_lanes (m);
      return nt;
    }
  memset (m->shown, 0, nt);
  for (size_t t = 0; t < nt; t++)
    {
      m->matches[t] = contains_nocase (m->tasks[t].name, text)
                      || contains_nocase (m->tasks[t].function, text);
      if (!m->matches[t])
        continue;
      matched++;
      /* Walk up until an ancestor already shown: linear overall. */
      for (int32_t p = (int32_t)t; p >= 0 && !m->shown[p]; p = m->parent[p])
        m->shown[p] = 1;
    }
  m->filtering = true;
  rebuild_lanes (m);
  return matched;
}

bool
braid_timeline_model_task_matches (const braid_timeline_model *m, int32_t task)
{
  return task >= 0 && (size_t)task < m->n_tasks && m->matches[task];
}

double
braid_timeline_model_get_extent (const braid_timeline_model *m,
                                 braid_timeline_axis axis)
{
  return axis == BRAID_TIMELINE_AXIS_STEPS ? m->extent_steps : m->extent_time;
}

braid_timeline_axis
braid_timeline_model_preferred_axis (const braid_timeline_model *m)
{
  return m->extent_time <= 1.0 ? BRAID_TIMELINE_AXIS_STEPS
                               : BRAID_TIMELINE_AXIS_TIME;
}

double
braid_timeline_model_convert (const braid_timeline_model *m,
                              braid_timeline_axis from, double value)
{
  if (m->n_step_time == 0)
    {
      /* No table: scale proportionally. */
      if (from == BRAID_TIMELINE_AXIS_TIME)
        return value / m->extent_time * m->extent_steps;
      return value / m->extent_steps * m->extent_time;
    }
  if (from == BRAID_TIMELINE_AXIS_STEPS)
    {
      if (value <= 0)
        return 0;
      size_t k = (size_t)value;
      if (k >= m->n_step_time)
        return m->extent_time;
      double frac = value - (double)k;
      double t0 = (double)m->step_time[k];
      double t1 = k + 1 < m->n_step_time ? (double)m->step_time[k + 1]
                                         : m->extent_time;
      return t0 + frac * (t1 - t0);
    }
  /* The last step that began at or before @value. */
  size_t lo = 0, hi = m->n_step_time;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if ((double)m->step_time[mid] <= value)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo > 0 ? (double)(lo - 1) : 0.0;
}

void
braid_timeline_slice_range (const braid_trace_slice *s,
                            braid_timeline_axis axis, double *start,
                            double *end)
{
  if (axis == BRAID_TIMELINE_AXIS_STEPS)
    {
      *start = (double)s->start_step;
      *end = (double)s->end_step;
    }
  else
    {
      *start = (double)s->start_ns;
      *end = (double)s->end_ns;
    }
}

void
braid__timeline_task_slices (const braid_timeline_model *m, int32_t task,
                             size_t *first, size_t *n)
{
  const braid_trace_task *t = &m->tasks[task];
  size_t f = t->first_slice, c = t->n_slices;
  /* Untrusted ranges are clamped to the slice array. */
  if (f > m->n_slices)
    f = m->n_slices;
  if (c > m->n_slices - f)
    c = m->n_slices - f;
  *first = f;
  *n = c;
}

size_t
braid__timeline_lower_bound (const braid_timeline_model *m, size_t first,
                             size_t n, braid_timeline_axis axis, double value)
{
  /* The first slice in [first, first+n) that ends after @value. A task's
   * slices do not overlap and are sorted, so ends are sorted too. */
  size_t lo = first, hi = first + n;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      double s, e;
      braid_timeline_slice_range (&m->slices[mid], axis, &s, &e);
      if (e <= value)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

int64_t
braid_timeline_model_find_slice (const braid_timeline_model *m, int32_t task,
                                 braid_timeline_axis axis, double value)
{
  if (task < 0 || (size_t)task >= m->n_tasks)
    return -1;
  size_t first, n;
  braid__timeline_task_slices (m, task, &first, &n);
  size_t i = braid__timeline_lower_bound (m, first, n, axis, value);
  if (i >= first + n)
    return -1;
  double s, e;
  braid_timeline_slice_range (&m->slices[i], axis, &s, &e);
  return s <= value ? (int64_t)i : -1;
}

const uint32_t *
braid_timeline_model_task_marks (const braid_timeline_model *m, int32_t task,
                                 size_t *n)
{
  if (task < 0 || (size_t)task >= m->n_tasks)
    {
      *n = 0;
      return NULL;
    }
  *n = m->mark_offset[task + 1] - m->mark_offset[task];
  return m->mark_index + m->mark_offset[task];
}
