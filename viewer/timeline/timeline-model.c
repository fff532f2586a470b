/* timeline-model.c: lanes and indexes of a trace, built once, off the draw
 * path.
 *
 * Owns the task tree (first child / next sibling links in creation order),
 * the collapse and filter state, the list of visible lanes, prefix sums
 * of running time sampled every 8 slices of a task (so a pixel column can
 * tell how much of it a task ran visiting at most 14 slices), per-task
 * mark lists and the step -> time table that converts between the two
 * axes. Slices are read from the reader's compact form when the trace was
 * loaded in compact mode (as the viewer does: 24 bytes a slice instead of
 * 56), else from the full one, through the accessors of
 * timeline-private.h. Marks' step-axis positions are computed when asked
 * (braid__timeline_mark_pos), not stored.
 *
 * Hot path: braid__timeline_lower_bound() (a binary search) and
 * braid__timeline_running() (a prefix-sum difference) are called per
 * pixel column by the drawing, braid_timeline_model_find_slice() per
 * hit test; everything else runs on load or when the user collapses or
 * filters.
 */
#include "timeline-private.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

void
braid__timeline_rebuild_lanes (braid_timeline_model *m)
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

typedef struct range_key
{
  size_t first;
  int32_t task;
} range_key;

static int
cmp_range_key (const void *a, const void *b)
{
  size_t x = ((const range_key *)a)->first;
  size_t y = ((const range_key *)b)->first;
  return x < y ? -1 : x > y;
}

/* The tasks with slices in the order of their ranges, when that is not
 * the tasks' order (a followed trace moves a task's range to the end of
 * the array as it grows): what braid_timeline_model_slice_task searches.
 * Left NULL in the usual case. */
static int
build_range_order (braid_timeline_model *m)
{
  size_t last_end = 0, n = 0;
  bool ordered = true;
  for (size_t t = 0; t < m->n_tasks; t++)
    {
      size_t first, c;
      braid__timeline_task_slices (m, (int32_t)t, &first, &c);
      if (c == 0)
        continue;
      ordered = ordered && first >= last_end;
      last_end = first + c;
      n++;
    }
  if (ordered)
    return 0;
  range_key *keys = malloc (n * sizeof *keys);
  m->range_order = malloc (n * sizeof *m->range_order);
  if (!keys || !m->range_order)
    {
      free (keys);
      return -1;
    }
  n = 0;
  for (size_t t = 0; t < m->n_tasks; t++)
    {
      size_t first, c;
      braid__timeline_task_slices (m, (int32_t)t, &first, &c);
      if (c > 0)
        keys[n++] = (range_key){ first, (int32_t)t };
    }
  qsort (keys, n, sizeof *keys, cmp_range_key);
  for (size_t i = 0; i < n; i++)
    m->range_order[i] = keys[i].task;
  free (keys);
  m->n_range_order = n;
  return 0;
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


/* The running sums cannot overflow: the reader keeps every time within
 * BRAID_TRACE_TIME_LIMIT_NS of 0 and a task's slices apart (braid-trace.h),
 * so a task's running time is at most 2^62 ns, whatever the file says.
 * tests/fuzz/fuzz-trace.c builds this model from hostile files under
 * UBSan. */
static int
build_prefix_sums (braid_timeline_model *m)
{
  size_t nt = m->n_tasks;
  m->run_sample_offset = malloc ((nt + 1) * sizeof *m->run_sample_offset);
  if (!m->run_sample_offset)
    return -1;
  size_t total = 0;
  for (size_t t = 0; t < nt; t++)
    {
      size_t first, n;
      braid__timeline_task_slices (m, (int32_t)t, &first, &n);
      m->run_sample_offset[t] = total;
      total += braid__timeline_run_samples (n);
    }
  m->run_sample_offset[nt] = total;
  m->run_sample_ns = malloc ((total ? total : 1) * sizeof *m->run_sample_ns);
  m->run_sample_count
      = malloc ((total ? total : 1) * sizeof *m->run_sample_count);
  if (!m->run_sample_ns || !m->run_sample_count)
    return -1;
  for (size_t t = 0; t < nt; t++)
    {
      size_t first, n;
      braid__timeline_task_slices (m, (int32_t)t, &first, &n);
      size_t end = first + n, at = m->run_sample_offset[t];
      int64_t ns = 0;
      uint32_t count = 0;
      for (size_t k = 0; k < n; k++)
        {
          if (k % RUN_SAMPLE == 0)
            {
              m->run_sample_ns[at] = ns;
              m->run_sample_count[at++] = count;
            }
          size_t i = first + k;
          if (braid__timeline_state (m, i) == BRAID_STATE_RUNNING)
            {
              ns += braid__timeline_end_ns (m, (int32_t)t, end, i)
                    - braid__timeline_start_ns (m, i);
              count++;
            }
        }
      if (n == 0)
        {
          m->run_sample_ns[at] = 0;
          m->run_sample_count[at] = 0;
        }
    }
  return 0;
}

/* Running time and count of @task's slices before local index @k. */
static void
run_prefix (const braid_timeline_model *m, int32_t task, size_t first,
            size_t end, size_t k, int64_t *ns, uint32_t *count)
{
  /* The samples stop before the task's last slice, whose end may still
   * move in a followed trace (timeline-live.c). */
  size_t j = k / RUN_SAMPLE, have = braid__timeline_run_samples (end - first);
  if (j >= have)
    j = have - 1;
  size_t at = m->run_sample_offset[task] + j;
  int64_t s = m->run_sample_ns[at];
  uint32_t c = m->run_sample_count[at];
  for (size_t i = first + j * RUN_SAMPLE; i < first + k; i++)
    if (braid__timeline_state (m, i) == BRAID_STATE_RUNNING)
      {
        s += braid__timeline_end_ns (m, task, end, i)
             - braid__timeline_start_ns (m, i);
        c++;
      }
  *ns = s;
  *count = c;
}

void
braid__timeline_running (const braid_timeline_model *m, int32_t task,
                         size_t task_first, size_t task_end, size_t i,
                         size_t j, int64_t *ns, uint32_t *count)
{
  int64_t a_ns, b_ns;
  uint32_t a_c, b_c;
  run_prefix (m, task, task_first, task_end, i - task_first, &a_ns, &a_c);
  run_prefix (m, task, task_first, task_end, j - task_first, &b_ns, &b_c);
  *ns = b_ns - a_ns;
  *count = b_c - a_c;
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

  return 0;
}

static int
build_step_table (braid_timeline_model *m)
{
  /* The extent is what the lanes show: slices, marks and arrows. The
   * trace's own duration may include loop events after the last task. */
  uint64_t max_step = 0;
  int64_t max_time = 0;
  /* A mark or arrow of step k sits in [k, k + 1) on the step axis, also
   * one after the last step (asyncio reports a never-retrieved error at
   * exit, after the run's last step). A trace has at most as many steps as
   * slices: a larger step number (a hostile file) does not stretch the
   * axis. */
  uint64_t step_limit = m->n_slices + 1;
  for (size_t i = 0; i < m->n_marks; i++)
    {
      if (m->marks[i].time_ns > max_time)
        max_time = m->marks[i].time_ns;
      if (m->marks[i].step < step_limit && m->marks[i].step + 1 > max_step)
        max_step = m->marks[i].step + 1;
    }
  for (size_t i = 0; i < m->n_edges; i++)
    {
      if (m->edges[i].time_ns > max_time)
        max_time = m->edges[i].time_ns;
      if (m->edges[i].step < step_limit && m->edges[i].step + 1 > max_step)
        max_step = m->edges[i].step + 1;
    }
  for (size_t t = 0; t < m->n_tasks; t++)
    {
      size_t first, n;
      braid__timeline_task_slices (m, (int32_t)t, &first, &n);
      for (size_t i = first; i < first + n; i++)
        {
          double s, e;
          braid__timeline_range (m, (int32_t)t, first + n, i,
                                 BRAID_TIMELINE_AXIS_STEPS, &s, &e);
          if (e > (double)max_step)
            max_step = (uint64_t)e;
        }
      if (n > 0)
        {
          int64_t e = braid__timeline_end_ns (m, (int32_t)t, first + n,
                                              first + n - 1);
          if (e > max_time)
            max_time = e;
        }
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
  /* Every slice, in one pass when the tasks' ranges cover the array,
   * else task by task: a followed trace's slices array has gaps between
   * the ranges (braid_trace_follower_update). */
  size_t in_ranges = 0;
  for (size_t t = 0; t < m->n_tasks; t++)
    in_ranges += m->tasks[t].n_slices;
  bool gaps = in_ranges != m->n_slices;
  for (size_t t = 0; t < (gaps ? m->n_tasks : 1); t++)
    {
      size_t first = 0, n = m->n_slices;
      if (gaps)
        braid__timeline_task_slices (m, (int32_t)t, &first, &n);
      for (size_t i = first; i < first + n; i++)
        {
          /* The start step does not need the end. */
          if (braid__timeline_state (m, i) != BRAID_STATE_RUNNING)
            continue;
          double s = m->cslices ? (double)m->cslices[i].start_step
                                : (double)m->slices[i].start_step;
          if (s < (double)m->n_step_time)
            m->step_time[(size_t)s] = braid__timeline_start_ns (m, i);
        }
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
braid__timeline_model_base (const braid_trace *trace)
{
  braid_timeline_model *m = calloc (1, sizeof *m);
  if (!m)
    return NULL;
  m->trace = trace;
  m->tasks = braid_trace_get_tasks (trace, &m->n_tasks);
  m->cslices = braid_trace_get_compact_slices (trace, &m->n_slices);
  if (m->cslices)
    {
      size_t n_ends;
      m->cends = braid_trace_get_compact_ends (trace, &n_ends);
    }
  else
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
  if (!m->parent || !m->first_child || !m->next_sibling || !m->collapsed
      || !m->matches || !m->shown || !m->lanes || !m->task_lane
)
    goto fail;
  memset (m->matches, 1, nt);
  memset (m->shown, 1, nt);
  if (build_tree (m) != 0 || build_range_order (m) != 0)
    goto fail;
  return m;

fail:
  braid_timeline_model_free (m);
  return NULL;
}

braid_timeline_model *
braid_timeline_model_new (const braid_trace *trace)
{
  braid_timeline_model *m = braid__timeline_model_base (trace);
  if (!m)
    return NULL;
  if (build_mark_index (m) != 0 || build_step_table (m) != 0
      || build_prefix_sums (m) != 0)
    {
      braid_timeline_model_free (m);
      return NULL;
    }
  braid__timeline_rebuild_lanes (m);
  return m;
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
  free (m->run_sample_offset);
  free (m->mark_offset);
  free (m->range_order);
  if (m->store)
    braid__timeline_live_free (m); /* the rest is the store's */
  else
    {
      free (m->run_sample_ns);
      free (m->run_sample_count);
      free (m->mark_index);
      free (m->step_time);
    }
  braid__timeline_deadlocks_free (m);
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
  braid__timeline_rebuild_lanes (m);
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
  braid__timeline_rebuild_lanes (m);
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
      braid__timeline_rebuild_lanes (m);
      return nt;
    }
  memset (m->shown, 0, nt);
  for (size_t t = 0; t < nt; t++)
    m->matches[t] = braid_timeline_task_text_matches (&m->tasks[t], text);
  /* A task that printed a matching line matches too: one pass over the
   * output, linear in its size. */
  size_t n_outputs;
  const braid_trace_output *outputs
      = braid_trace_get_outputs (m->trace, &n_outputs);
  for (size_t i = 0; i < n_outputs; i++)
    {
      int32_t t = outputs[i].task;
      if (t >= 0 && (size_t)t < nt && !m->matches[t]
          && contains_nocase (outputs[i].text, text))
        m->matches[t] = 1;
    }
  for (size_t t = 0; t < nt; t++)
    {
      if (!m->matches[t])
        continue;
      matched++;
      /* Walk up until an ancestor already shown: linear overall. */
      for (int32_t p = (int32_t)t; p >= 0 && !m->shown[p]; p = m->parent[p])
        m->shown[p] = 1;
    }
  braid__timeline_rebuild_lanes (m);
  return matched;
}

bool
braid_timeline_text_matches (const char *text, const char *query)
{
  return text && query && *query && contains_nocase (text, query);
}

bool
braid_timeline_task_text_matches (const braid_trace_task *task,
                                  const char *query)
{
  return braid_timeline_text_matches (task->name, query)
         || braid_timeline_text_matches (task->function, query)
         || braid_timeline_text_matches (task->error_type, query)
         || braid_timeline_text_matches (task->error_message, query);
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

/* Pixel columns of a typical fitted view, for judging how crowded the
 * steps are on wall time. */
#define PREFERRED_AXIS_COLUMNS 1000

braid_timeline_axis
braid_timeline_model_preferred_axis (const braid_timeline_model *m)
{
  if (m->extent_time <= 1.0)
    return BRAID_TIMELINE_AXIS_STEPS;
  /* Under the virtual clock a step takes no time: running slices have no
   * width on wall time, and the order of steps, the interleaving, is only
   * visible on the step axis. */
  const braid_trace_meta *meta = braid_trace_get_meta (m->trace);
  if (meta && meta->clock && strcmp (meta->clock, "virtual") == 0
      && m->extent_steps > 1.0)
    return BRAID_TIMELINE_AXIS_STEPS;
  /* Steps dense relative to pixels: when on a fitted wall-time view the
   * steps crowd into few pixel columns (eight or more steps per occupied
   * column on average), the interleaving is invisible there. */
  if (m->n_step_time >= 64)
    {
      size_t occupied = 0;
      int64_t last_col = -1;
      for (size_t k = 0; k < m->n_step_time; k++)
        {
          int64_t col = (int64_t)((double)m->step_time[k] / m->extent_time
                                  * PREFERRED_AXIS_COLUMNS);
          if (col != last_col)
            {
              occupied++;
              last_col = col;
            }
        }
      if (m->n_step_time >= 8 * occupied)
        return BRAID_TIMELINE_AXIS_STEPS;
    }
  return BRAID_TIMELINE_AXIS_TIME;
}

int64_t
braid_timeline_model_resumption (const braid_timeline_model *m, int32_t task,
                                 int64_t time_ns, uint64_t step)
{
  if (task < 0 || (size_t)task >= m->n_tasks)
    return -1;
  size_t first, n;
  braid__timeline_task_slices (m, task, &first, &n);
  /* The slice holding the moment, then the first running slice from
   * there that began at or after the step (a few slices at most: ready,
   * then running). An edge made during step k has step k, and its
   * woken task runs later; one made between steps (by the loop, or by a
   * gather's callback) has the number of the next step, which may be the
   * woken task's own. */
  size_t i = braid__timeline_lower_bound (m, task, first + n, first,
                                          first + n, BRAID_TIMELINE_AXIS_STEPS,
                                          (double)step);
  for (size_t k = 0; i < first + n && k < 8; i++, k++)
    {
      double s, e;
      braid__timeline_range (m, task, first + n, i, BRAID_TIMELINE_AXIS_STEPS,
                             &s, &e);
      if (braid__timeline_state (m, i) == BRAID_STATE_RUNNING
          && s >= (double)step && braid__timeline_start_ns (m, i) >= time_ns)
        return (int64_t)i;
    }
  return -1;
}

int64_t
braid_timeline_model_find_waker (const braid_timeline_model *m, int32_t task,
                                 int64_t slice)
{
  if (task < 0 || (size_t)task >= m->n_tasks)
    return -1;
  size_t first, n;
  braid__timeline_task_slices (m, task, &first, &n);
  if (slice < (int64_t)first || slice >= (int64_t)(first + n))
    return -1;
  /* The resumption is the running slice at or after @slice (a waiting or
   * ready slice leads to it); the wake happened before it, after the
   * wait before it began. */
  size_t run = (size_t)slice;
  while (run < first + n && run < (size_t)slice + 3
         && braid__timeline_state (m, run) != BRAID_STATE_RUNNING)
    run++;
  if (run >= first + n || braid__timeline_state (m, run) != BRAID_STATE_RUNNING)
    return -1;
  size_t wait = run;
  while (wait > first && run - wait < 3
         && braid__timeline_state (m, wait - 1) != BRAID_STATE_RUNNING)
    wait--;
  if (wait == run)
    return -1; /* ran straight on: nothing woke it */
  int64_t run_ns = braid__timeline_start_ns (m, run);
  int64_t wait_ns = braid__timeline_start_ns (m, wait);
  double run_step, wait_step, e;
  braid__timeline_range (m, task, first + n, run, BRAID_TIMELINE_AXIS_STEPS,
                         &run_step, &e);
  braid__timeline_range (m, task, first + n, wait, BRAID_TIMELINE_AXIS_STEPS,
                         &wait_step, &e);
  /* The last edge at or before the resumption's time, then backwards
   * through the wait (bounded: a wait crossed by millions of edges is
   * searched in its last million). */
  size_t lo = 0, hi = m->n_edges;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (m->edges[mid].time_ns <= run_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (size_t i = lo, k = 0; i-- > 0 && k < 1000000; k++)
    {
      const braid_trace_edge *ed = &m->edges[i];
      if (ed->time_ns < wait_ns)
        break;
      if (ed->to != task || (double)ed->step > run_step
          || (double)ed->step < wait_step)
        continue;
      if (ed->kind == BRAID_EDGE_WAKE || ed->kind == BRAID_EDGE_GATHER
          || ed->kind == BRAID_EDGE_ERROR || ed->kind == BRAID_EDGE_CANCEL)
        return (int64_t)i;
    }
  return -1;
}

int64_t
braid_timeline_model_mark_output (const braid_timeline_model *m, int64_t mark)
{
  if (mark < 0 || (size_t)mark >= m->n_marks)
    return -1;
  const braid_trace_mark *mk = &m->marks[mark];
  if (mk->kind != BRAID_MARK_OUTPUT)
    return -1;
  /* Its rank among the same task's output marks of the same moment, then
   * the output line of that rank: both arrays are in time order. */
  size_t rank = 0;
  for (size_t i = (size_t)mark; i-- > 0 && m->marks[i].time_ns == mk->time_ns;)
    rank += m->marks[i].kind == BRAID_MARK_OUTPUT
            && m->marks[i].task == mk->task && m->marks[i].step == mk->step;
  size_t n_outputs;
  const braid_trace_output *o = braid_trace_get_outputs (m->trace, &n_outputs);
  size_t lo = 0, hi = n_outputs;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (o[mid].time_ns < mk->time_ns)
        lo = mid + 1;
      else
        hi = mid;
    }
  int64_t fallback = -1;
  for (size_t i = lo; i < n_outputs && o[i].time_ns == mk->time_ns; i++)
    {
      if (o[i].task != mk->task || o[i].step != mk->step)
        continue;
      if (fallback < 0)
        fallback = (int64_t)i;
      if (rank-- == 0)
        return (int64_t)i;
    }
  return fallback;
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
braid__timeline_lower_bound (const braid_timeline_model *m, int32_t task,
                             size_t task_end, size_t first, size_t end,
                             braid_timeline_axis axis, double value)
{
  /* The first slice in [first, end) that ends after @value. A task's
   * slices do not overlap and are sorted, so ends are sorted too. */
  size_t lo = first, hi = end;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      double s, e;
      braid__timeline_range (m, task, task_end, mid, axis, &s, &e);
      if (e <= value)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

bool
braid_timeline_model_task_slices (const braid_timeline_model *m,
                                  int32_t task, size_t *first, size_t *n)
{
  if (task < 0 || (size_t)task >= m->n_tasks)
    {
      *first = *n = 0;
      return false;
    }
  braid__timeline_task_slices (m, task, first, n);
  return true;
}

int64_t
braid_timeline_model_find_slice (const braid_timeline_model *m, int32_t task,
                                 braid_timeline_axis axis, double value)
{
  if (task < 0 || (size_t)task >= m->n_tasks)
    return -1;
  size_t first, n;
  braid__timeline_task_slices (m, task, &first, &n);
  size_t i = braid__timeline_lower_bound (m, task, first + n, first,
                                          first + n, axis, value);
  if (i >= first + n)
    return -1;
  double s, e;
  braid__timeline_range (m, task, first + n, i, axis, &s, &e);
  return s <= value ? (int64_t)i : -1;
}

int32_t
braid_timeline_model_slice_task (const braid_timeline_model *m, int64_t slice)
{
  if (slice < 0 || (size_t)slice >= m->n_slices)
    return -1;
  if (m->range_order)
    {
      /* The last range starting at or before @slice holds it, or it
       * lies in a gap between ranges. */
      size_t lo = 0, hi = m->n_range_order;
      while (lo < hi)
        {
          size_t mid = lo + (hi - lo) / 2;
          if (m->tasks[m->range_order[mid]].first_slice <= (size_t)slice)
            lo = mid + 1;
          else
            hi = mid;
        }
      if (lo == 0)
        return -1;
      int32_t t = m->range_order[lo - 1];
      size_t first, n;
      braid__timeline_task_slices (m, t, &first, &n);
      return (size_t)slice < first + n ? t : -1;
    }
  /* Tasks' slice ranges are in task order: the last task starting at or
   * before @slice with a non-empty range holds it. */
  size_t lo = 0, hi = m->n_tasks;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (m->tasks[mid].first_slice <= (size_t)slice)
        lo = mid + 1;
      else
        hi = mid;
    }
  for (size_t t = lo; t-- > 0;)
    {
      size_t first, n;
      braid__timeline_task_slices (m, (int32_t)t, &first, &n);
      if ((size_t)slice >= first && (size_t)slice < first + n)
        return (int32_t)t;
      if (first + n <= (size_t)slice && n > 0)
        break;
    }
  return -1;
}

bool
braid_timeline_model_get_slice (const braid_timeline_model *m, int64_t slice,
                                braid_trace_slice *out)
{
  if (slice < 0 || (size_t)slice >= m->n_slices)
    return false;
  if (!m->cslices)
    {
      *out = m->slices[slice];
      return true;
    }
  int32_t task = braid_timeline_model_slice_task (m, slice);
  if (task < 0)
    return false;
  size_t first, n;
  braid__timeline_task_slices (m, task, &first, &n);
  const braid_trace_compact_slice *c = &m->cslices[slice];
  *out = (braid_trace_slice){
    .task = (uint32_t)task,
    .state = (braid_trace_state)c->state,
    .wait_reason = c->wait_reason,
    .object = c->object,
    .start_ns = c->start_ns,
    .end_ns = braid__timeline_end_ns (m, task, first + n, (size_t)slice),
    .start_step = c->start_step,
    .end_step = c->end_step,
  };
  return true;
}

double
braid__timeline_mark_pos (const braid_timeline_model *m, const uint32_t *idx,
                          size_t n, size_t i, braid_timeline_axis axis)
{
  const braid_trace_mark *mk = &m->marks[idx[i]];
  if (axis != BRAID_TIMELINE_AXIS_STEPS)
    return (double)mk->time_ns;
  /* The task's marks in this step: a few neighbours are looked at one by
   * one, a long run by binary search (steps never decrease along a
   * task's marks, which are in time order). */
  uint64_t step = mk->step;
  size_t a = i, b = i + 1;
  for (int k = 0; k < 4 && a > 0 && m->marks[idx[a - 1]].step == step; k++)
    a--;
  if (a > 0 && m->marks[idx[a - 1]].step == step)
    {
      size_t lo = 0, hi = a;
      while (lo < hi)
        {
          size_t mid = lo + (hi - lo) / 2;
          if (m->marks[idx[mid]].step < step)
            lo = mid + 1;
          else
            hi = mid;
        }
      a = lo;
    }
  for (int k = 0; k < 4 && b < n && m->marks[idx[b]].step == step; k++)
    b++;
  if (b < n && m->marks[idx[b]].step == step)
    {
      size_t lo = b, hi = n;
      while (lo < hi)
        {
          size_t mid = lo + (hi - lo) / 2;
          if (m->marks[idx[mid]].step <= step)
            lo = mid + 1;
          else
            hi = mid;
        }
      b = lo;
    }
  return (double)step + (double)(i - a + 1) / (double)(b - a + 1);
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
  *n = m->mark_count ? m->mark_count[task]
                     : m->mark_offset[task + 1] - m->mark_offset[task];
  return m->mark_index + m->mark_offset[task];
}
