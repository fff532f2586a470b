/* export-common.c: the picture both formats of `braid export` draw.
 *
 * See export.h. Which slice a flow leaves and enters is found by binary
 * search in the task's slices, which are in time order and so in step
 * order too: no index is built, whatever the size of the trace.
 */
#include "export.h"

#include <stdio.h>
#include <string.h>

static const char *const mark_names[] = {
  "yield",
  "error",
  "cancelled",
  "never-retrieved",
  "destroyed-pending",
  "slow-step",
  "output",
  "observer-wait",
};

static const char *const edge_names[] = {
  "spawn", "wake", "gather", "error", "cancel",
};

uint32_t
braid__export_n_loops (const braid_trace *trace)
{
  size_t n;
  const braid_trace_iteration *it = braid_trace_get_iterations (trace, &n);
  uint32_t loops = 1;
  for (size_t i = 0; i < n; i++)
    if (it[i].loop >= loops && it[i].loop < UINT32_MAX / 2)
      loops = it[i].loop + 1;
  return loops;
}

int32_t
braid__export_pid (const braid_trace_meta *m)
{
  if (m->pid > 0 && m->pid <= INT32_MAX)
    return (int32_t)m->pid;
  return 1000000 + (int32_t)((uint64_t)m->start_unix_ns % 3000000);
}

const char *
braid__export_process_name (const braid_trace_meta *m)
{
  const char *slash = strrchr (m->program, '/');
  return slash ? slash + 1 : m->program;
}

const char *
braid__export_mark_name (braid_trace_mark_kind kind)
{
  return (unsigned)kind <= BRAID_MARK_OBSERVER_WAIT ? mark_names[kind] : "mark";
}

const char *
braid__export_edge_name (braid_trace_edge_kind kind)
{
  return (unsigned)kind <= BRAID_EDGE_CANCEL ? edge_names[kind] : "edge";
}

/* The first slice of @t (in the task's range) whose start_step is at
 * least @step; first + n when there is none. */
static size_t
first_at_or_after (const braid_trace_slice *slices, const braid_trace_task *t,
                   uint64_t step)
{
  size_t lo = t->first_slice, hi = t->first_slice + t->n_slices;
  while (lo < hi)
    {
      size_t mid = lo + (hi - lo) / 2;
      if (slices[mid].start_step < step)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

/* Task @index of @trace, if it has slices (stored in *slices); else
 * NULL. */
static const braid_trace_task *
task_of (const braid_trace *trace, int32_t index,
         const braid_trace_slice **slices)
{
  size_t n_tasks, n_slices;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
  *slices = braid_trace_get_slices (trace, &n_slices);
  if (index < 0 || (size_t)index >= n_tasks || *slices == NULL
      || tasks[index].n_slices == 0)
    return NULL;
  return &tasks[index];
}

export_end
braid__export_flow_source (const braid_trace *trace, const braid_trace_edge *e)
{
  export_end none = { EXPORT_END_NONE, 0 };
  if (e->from < 0)
    {
      int64_t i = braid_trace_step_iteration (trace, e->step);
      if (i < 0)
        return none;
      return (export_end){ EXPORT_END_ITERATION, (size_t)i };
    }
  const braid_trace_slice *slices;
  const braid_trace_task *t = task_of (trace, e->from, &slices);
  if (t == NULL)
    return none;
  /* The last slice that began at or before the edge's step, then back to
   * the nearest running one. */
  size_t i = first_at_or_after (slices, t, e->step + 1);
  while (i > t->first_slice)
    {
      i--;
      if (slices[i].state == BRAID_STATE_RUNNING)
        return (export_end){ EXPORT_END_SLICE, i };
    }
  /* An edge before the task's first step (its creation): its first
   * slice. */
  return (export_end){ EXPORT_END_SLICE, t->first_slice };
}

export_end
braid__export_flow_target (const braid_trace *trace, const braid_trace_edge *e)
{
  export_end none = { EXPORT_END_NONE, 0 };
  const braid_trace_slice *slices;
  const braid_trace_task *t = task_of (trace, e->to, &slices);
  if (t == NULL)
    return none;
  size_t end = t->first_slice + t->n_slices;
  for (size_t i = first_at_or_after (slices, t, e->step); i < end; i++)
    if (slices[i].state == BRAID_STATE_RUNNING)
      return (export_end){ EXPORT_END_SLICE, i };
  return (export_end){ EXPORT_END_SLICE, end - 1 };
}

void
braid__export_iteration_span (const braid_trace *trace, size_t i,
                              export_axis axis, int64_t *start, int64_t *end)
{
  size_t n_iter;
  const braid_trace_iteration *it = braid_trace_get_iterations (trace, &n_iter);
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  size_t next = i + 1;
  while (next < n_iter && it[next].loop != it[i].loop)
    next++;
  if (axis == EXPORT_AXIS_STEPS)
    {
      uint64_t last = next < n_iter ? it[next].first_step : m->n_steps;
      *start = (int64_t)it[i].first_step * 1000;
      *end
          = (int64_t)(last > it[i].first_step ? last : it[i].first_step) * 1000;
      return;
    }
  *start = it[i].time_ns;
  *end = next < n_iter ? it[next].time_ns : m->duration_ns;
  if (*end < *start)
    *end = *start;
}

void
braid__export_slice_span (const braid_trace_slice *s, export_axis axis,
                          int64_t *start, int64_t *end)
{
  if (axis == EXPORT_AXIS_STEPS)
    {
      *start = (int64_t)s->start_step * 1000;
      *end
          = (int64_t)(s->end_step > s->start_step ? s->end_step : s->start_step)
            * 1000;
      return;
    }
  *start = s->start_ns;
  *end = s->end_ns > s->start_ns ? s->end_ns : s->start_ns;
}

const char *
braid__export_wait_name (const braid_trace *trace, const braid_trace_slice *s,
                         char *buf, size_t size)
{
  if (s->state != BRAID_STATE_WAITING)
    {
      snprintf (buf, size, "%s", braid_trace_state_name (s->state));
      return buf;
    }
  const char *reason = braid_trace_wait_reason_name (s->wait_reason);
  const char *what = "";
  const braid_trace_object *o
      = s->object ? braid_trace_find_object (trace, s->object) : NULL;
  if (o != NULL && o->name[0])
    what = o->name;
  else if (s->object != 0)
    {
      int32_t task = braid_trace_find_task (trace, s->object);
      size_t n_tasks;
      const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
      if (task >= 0)
        what = tasks[task].name;
    }
  if (what[0])
    snprintf (buf, size, "waiting: %s on %s", reason, what);
  else
    snprintf (buf, size, "waiting: %s", reason);
  return buf;
}
