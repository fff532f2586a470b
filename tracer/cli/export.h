/* export.h: what the two writers of `braid export` share.
 *
 * cli-export.c writes Chrome trace-event JSON, export-perfetto.c writes
 * Perfetto's protobuf TrackEvent format. Both draw the same picture: a
 * track per task, a track per loop whose slices are the loop's
 * iterations (where the wake-ups that no task caused start), and every
 * causal edge
 * as a flow that leaves a slice of its source and enters a slice of its
 * target. The functions here decide which slices those are, so that the
 * two formats agree.
 *
 * Tracks in JSON: the first loop is tid 0, task i is tid i + 1, loop k > 0
 * is tid n_tasks + k.
 */
#ifndef BRAID_CLI_EXPORT_H
#define BRAID_CLI_EXPORT_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <braid/braid-trace.h>

/* The axis an export is drawn on. */
typedef enum export_axis
{
  EXPORT_AXIS_TIME,  /* the trace's clock */
  EXPORT_AXIS_STEPS, /* loop steps: step k is [k, k+1) microseconds */
} export_axis;

/* Where a flow starts or ends: a slice of a task (an index into
 * braid_trace_get_slices), an iteration of a loop (an index into
 * braid_trace_get_iterations), or nowhere. */
typedef enum export_end_kind
{
  EXPORT_END_NONE,
  EXPORT_END_SLICE,
  EXPORT_END_ITERATION,
} export_end_kind;

typedef struct export_end
{
  export_end_kind kind;
  size_t index;
} export_end;

/* braid__export_flow_source:
 * The slice edge @e leaves: for an edge of a task, the running slice of
 * that task with the last step at or before the edge's step (the step
 * that caused it, or, for a task that has finished, the step in which it
 * finished); for the loop's edges (from -1), the iteration in which the
 * edge's step ran. NONE when there is no such slice. */
export_end braid__export_flow_source (const braid_trace *trace,
                                      const braid_trace_edge *e);

/* braid__export_flow_target:
 * The slice edge @e enters: the first running slice of its target task
 * at or after the edge's step (the resumption the edge caused), else the
 * target's last slice; NONE when the target has no slice. */
export_end braid__export_flow_target (const braid_trace *trace,
                                      const braid_trace_edge *e);

/* braid__export_iteration_span:
 * The span of iteration @i on @axis, in ns (on the
 * steps axis, a step is 1000 ns): from its start to the start of the next
 * iteration of the same loop, or to the end of the trace. */
void braid__export_iteration_span (const braid_trace *trace, size_t i,
                                   export_axis axis, int64_t *start,
                                   int64_t *end);

/* braid__export_slice_span:
 * The span of slice @s on @axis, in ns. */
void braid__export_slice_span (const braid_trace_slice *s, export_axis axis,
                               int64_t *start, int64_t *end);

/* braid__export_wait_name:
 * The name of slice @s ("running", "ready", "waiting: lock on jobs"...)
 * into @buf of @size bytes (the object's name is cut to fit; it is
 * untrusted: the caller escapes it). Returns @buf. */
const char *braid__export_wait_name (const braid_trace *trace,
                                     const braid_trace_slice *s, char *buf,
                                     size_t size);

/* braid__export_n_loops:
 * The number of loops of the trace's iterations (the highest loop number
 * + 1), 1 at least: the "loop" track is always there. */
uint32_t braid__export_n_loops (const braid_trace *trace);

/* braid__export_pid:
 * The pid of the trace's process: as recorded, or for a trace that does
 * not record it one derived from its start time, the same at every
 * export (in [1000000, 4000000), above the usual pid_max). */
int32_t braid__export_pid (const braid_trace_meta *m);

/* braid__export_process_name:
 * The name of the trace's process on its tracks: the file name of its
 * program, without the folder (borrowed from @m). */
const char *braid__export_process_name (const braid_trace_meta *m);

/* Names of the marks and edges, by kind; "mark" and "edge" for others. */
const char *braid__export_mark_name (braid_trace_mark_kind kind);
const char *braid__export_edge_name (braid_trace_edge_kind kind);

/* braid__export_perfetto:
 * Writes @trace to @out as a Perfetto protobuf trace (a Trace message of
 * TracePackets), streaming: the memory it takes beyond the model is an
 * index of the edges. @process is the trace's index among the traces of
 * one run written to @out one after the other (0 for the first or only
 * one): it keeps their packet sequences and flow ids apart. @base_ns is
 * the wall-clock time (ns since 1970) that the trace's time 0 is written
 * at: its start_unix_ns alone, or for a process of a run the first
 * process's plus its offset on the run's clock, so that the processes
 * line up as the other outputs line them up. Returns 0, or -1 when out of
 * memory (the output is then cut short; write errors are for the caller
 * to find on @out). */
int braid__export_perfetto (FILE *out, const braid_trace *trace,
                            export_axis axis, unsigned process,
                            int64_t base_ns);

#endif /* BRAID_CLI_EXPORT_H */
