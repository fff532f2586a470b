/* export-common.c: the picture both formats of `braid export` draw.
 *
 * See export.h: the spans of slices and iterations on the axis, and the
 * names of slices, marks, edges and the process. Which slice a flow
 * leaves and enters is export-stream.c's.
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

void
braid__export_iteration_span (const braid_trace_iteration *it,
                              const braid_trace_iteration *next,
                              const braid_trace_meta *m, export_axis axis,
                              int64_t *start, int64_t *end)
{
  if (axis == EXPORT_AXIS_STEPS)
    {
      uint64_t last = next != NULL ? next->first_step : m->n_steps;
      *start = (int64_t)it->first_step * 1000;
      *end = (int64_t)(last > it->first_step ? last : it->first_step) * 1000;
      return;
    }
  *start = it->time_ns;
  *end = next != NULL ? next->time_ns : m->duration_ns;
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
