/* timeline-stats.c: statistics of a range of a trace, for the viewer's
 * range selection.
 *
 * Owns braid_timeline_model_range_stats(): per task the time running,
 * ready and waiting inside [from, to), waiting time per reason, the
 * counts of steps, marks, arrows and output lines in the range, and the
 * sorted durations of its steps and of the waits that ended in it, for
 * percentiles. It works
 * in time: a range on the step axis is converted to the time from its
 * first step's start to its last step's end, so both axes answer in
 * seconds. A task's slices are found by binary search, then only the
 * slices overlapping the range are read: the whole range of a
 * ten-million-event trace reads each slice once.
 */
#include "timeline-private.h"

#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The first index in the time-sorted array @base of @n records of @size
 * bytes whose int64 time at @offset is at or after @t. */
static size_t
first_at_or_after (const void *base, size_t n, size_t size, size_t offset,
                   int64_t t)
{
  size_t lo = 0, hi = n;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      int64_t v;
      memcpy (&v, (const char *)base + mid * size + offset, sizeof v);
      if (v < t)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Appends @v to the array *@a of *@n values (capacity *@cap). */
static int
push (int64_t **a, size_t *n, size_t *cap, int64_t v)
{
  if (*n == *cap)
    {
      size_t c = *cap ? *cap * 2 : 16;
      int64_t *grown = realloc (*a, c * sizeof *grown);
      if (!grown)
        return -1;
      *a = grown;
      *cap = c;
    }
  (*a)[(*n)++] = v;
  return 0;
}

static int
compare_i64 (const void *a, const void *b)
{
  int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
  return (x > y) - (x < y);
}

int64_t
braid_timeline_percentile (const int64_t *v, size_t n, int p)
{
  if (n == 0)
    return 0;
  if (p < 1)
    p = 1;
  if (p > 100)
    p = 100;
  size_t rank = (size_t)(((unsigned long long)n * (unsigned)p + 99) / 100);
  return v[rank > 0 ? rank - 1 : 0];
}

int
braid_timeline_model_range_stats (const braid_timeline_model *m,
                                  braid_timeline_axis axis, double from,
                                  double to, braid_timeline_range_stats *out)
{
  memset (out, 0, sizeof *out);
  if (!(to > from))
    return -1;
  double t0 = from, t1 = to;
  if (axis == BRAID_TIMELINE_AXIS_STEPS)
    {
      t0 = braid_timeline_model_convert (m, BRAID_TIMELINE_AXIS_STEPS, from);
      t1 = braid_timeline_model_convert (m, BRAID_TIMELINE_AXIS_STEPS, to);
    }
  out->from_ns = t0 < 0 ? 0 : (int64_t)t0;
  out->to_ns = (int64_t)t1;
  /* The steps that began in the range. */
  if (axis == BRAID_TIMELINE_AXIS_STEPS)
    {
      out->from_step = from < 0 ? 0 : (uint64_t)ceil (from);
      out->to_step = to < 0 ? 0 : (uint64_t)ceil (to);
      if (out->to_step > (uint64_t)m->extent_steps)
        out->to_step = (uint64_t)m->extent_steps;
      if (out->from_step > out->to_step)
        out->from_step = out->to_step;
    }
  else if (m->n_step_time > 0)
    {
      /* The steps that began at or after each bound: binary searches in
       * the table of step start times. */
      out->from_step = first_at_or_after (m->step_time, m->n_step_time,
                                          sizeof *m->step_time, 0,
                                          (int64_t)ceil (from));
      out->to_step = first_at_or_after (m->step_time, m->n_step_time,
                                        sizeof *m->step_time, 0,
                                        (int64_t)ceil (to));
      /* The table has a last entry for the trace's end. */
      if (out->to_step > (uint64_t)m->extent_steps)
        out->to_step = (uint64_t)m->extent_steps;
      if (out->from_step > out->to_step)
        out->from_step = out->to_step;
    }
  size_t nt = m->n_tasks;
  out->n_tasks = nt;
  out->running_ns = calloc (nt ? nt : 1, sizeof *out->running_ns);
  out->ready_ns = calloc (nt ? nt : 1, sizeof *out->ready_ns);
  out->waiting_ns = calloc (nt ? nt : 1, sizeof *out->waiting_ns);
  if (!out->running_ns || !out->ready_ns || !out->waiting_ns)
    {
      braid_timeline_range_stats_clear (out);
      return -1;
    }
  int64_t a = out->from_ns, b = out->to_ns;
  size_t step_cap = 0, wait_cap[BRAID_TIMELINE_STATS_REASONS] = { 0 };
  int rc = 0;
  for (size_t t = 0; t < nt && rc == 0; t++)
    {
      size_t first, n;
      braid__timeline_task_slices (m, (int32_t)t, &first, &n);
      size_t end = first + n;
      /* From the first slice ending at or after @a (times are whole
       * nanoseconds): an instant at @a, all a run on a virtual clock
       * without sleeps may be, is in the range. */
      size_t i = braid__timeline_lower_bound (m, (int32_t)t, end, first, end,
                                              BRAID_TIMELINE_AXIS_TIME,
                                              (double)a - 1);
      bool alive = false;
      for (; i < end; i++)
        {
          int64_t s = braid__timeline_start_ns (m, i);
          if (s >= b && !(s == b && a == b))
            break;
          int64_t e = braid__timeline_end_ns (m, (int32_t)t, end, i);
          int64_t lo = s > a ? s : a, hi = e < b ? e : b;
          alive = true;
          /* Whole durations: a step that began in the range, a wait that
           * ended in it. */
          braid_trace_state state = braid__timeline_state (m, i);
          if (state == BRAID_STATE_RUNNING && s >= a && (s < b || a == b))
            rc |= push (&out->step_ns, &out->n_step_ns, &step_cap, e - s);
          else if (state == BRAID_STATE_WAITING && e >= a
                   && (e < b || a == b))
            {
              uint32_t r = braid__timeline_reason (m, i);
              if (r >= BRAID_TIMELINE_STATS_REASONS)
                r = BRAID_TIMELINE_STATS_REASONS - 1;
              rc |= push (&out->wait_ns[r], &out->n_wait_ns[r], &wait_cap[r],
                          e - s);
            }
          if (hi <= lo)
            continue;
          int64_t d = hi - lo;
          switch (braid__timeline_state (m, i))
            {
            case BRAID_STATE_RUNNING:
              out->running_ns[t] += d;
              out->total_running_ns += d;
              break;
            case BRAID_STATE_READY:
              out->ready_ns[t] += d;
              out->total_ready_ns += d;
              break;
            default:
              {
                uint32_t r = braid__timeline_reason (m, i);
                out->waiting_ns[t] += d;
                out->total_waiting_ns += d;
                out->reason_ns[r < BRAID_TIMELINE_STATS_REASONS
                                   ? r
                                   : BRAID_TIMELINE_STATS_REASONS - 1]
                    += d;
              }
            }
        }
      out->n_alive += alive;
    }
  if (rc != 0)
    {
      braid_timeline_range_stats_clear (out);
      return -1;
    }
  qsort (out->step_ns, out->n_step_ns, sizeof *out->step_ns, compare_i64);
  for (int r = 0; r < BRAID_TIMELINE_STATS_REASONS; r++)
    qsort (out->wait_ns[r], out->n_wait_ns[r], sizeof *out->wait_ns[r],
           compare_i64);
  /* Points in time: marks, arrows and output lines are sorted by time. */
  size_t lo = first_at_or_after (m->marks, m->n_marks, sizeof *m->marks,
                                 offsetof (braid_trace_mark, time_ns), a);
  for (size_t i = lo; i < m->n_marks && m->marks[i].time_ns < b; i++)
    if ((unsigned)m->marks[i].kind < 8)
      out->n_marks_by_kind[m->marks[i].kind]++;
  out->n_edges
      = first_at_or_after (m->edges, m->n_edges, sizeof *m->edges,
                           offsetof (braid_trace_edge, time_ns), b)
        - first_at_or_after (m->edges, m->n_edges, sizeof *m->edges,
                             offsetof (braid_trace_edge, time_ns), a);
  size_t n_outputs;
  const braid_trace_output *o = braid_trace_get_outputs (m->trace, &n_outputs);
  out->n_outputs = first_at_or_after (o, n_outputs, sizeof *o,
                                      offsetof (braid_trace_output, time_ns),
                                      b)
                   - first_at_or_after (o, n_outputs, sizeof *o,
                                        offsetof (braid_trace_output, time_ns),
                                        a);
  return 0;
}

void
braid_timeline_range_stats_clear (braid_timeline_range_stats *stats)
{
  free (stats->running_ns);
  free (stats->ready_ns);
  free (stats->waiting_ns);
  free (stats->step_ns);
  for (int r = 0; r < BRAID_TIMELINE_STATS_REASONS; r++)
    free (stats->wait_ns[r]);
  memset (stats, 0, sizeof *stats);
}
