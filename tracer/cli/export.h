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
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <braid/braid-trace.h>

/* The axis an export is drawn on. */
typedef enum export_axis
{
  EXPORT_AXIS_TIME,  /* the trace's clock */
  EXPORT_AXIS_STEPS, /* loop steps: step k is [k, k+1) microseconds */
} export_axis;

/* The exported stream of one trace (export-stream.c). The slices and
 * the loops' iterations are numbered as they begin, from 0, in one count
 * (their "sid"): the same file read twice gives the same numbers, which
 * is how the flows that the first read resolves find their slices in the
 * second. Spans are on the export's axis, in ns. */
typedef struct export_writer
{
  void *data;
  /* Slice @sid of task s->task begins at @start. */
  int (*slice_begin) (void *data, uint64_t sid, const braid_trace_slice *s,
                      int64_t start);
  /* Slice @sid ends: its span is [@start, @end]. */
  int (*slice_end) (void *data, uint64_t sid, const braid_trace_slice *s,
                    int64_t start, int64_t end);
  /* Iteration @sid begins at @start. */
  int (*iteration_begin) (void *data, uint64_t sid,
                          const braid_trace_iteration *it, int64_t start);
  /* Iteration @sid ends: its span is [@start, @end] (up to the next
   * iteration of its loop, or to the end of the trace). */
  int (*iteration_end) (void *data, uint64_t sid,
                        const braid_trace_iteration *it, int64_t start,
                        int64_t end);
  int (*edge) (void *data, uint64_t id, const braid_trace_edge *e);
  int (*mark) (void *data, const braid_trace_mark *m, const char *text);
} export_writer;

/* braid__export_stream:
 * Reads @path (whose summary trace is @summary) once, in the order of
 * events, handing each slice, iteration, edge (numbered from 1) and mark
 * to @w. Memory: a cursor per task and per loop. Returns 0, or -1 with a
 * one-line message on stderr. */
int braid__export_stream (const char *path, const braid_trace *summary,
                          export_axis axis, const export_writer *w);

/* The flows of one trace: every edge with the slice (or iteration) it
 * leaves and the one it enters, resolved from a first read into a
 * temporary SQLite file (on disk, with a bounded cache), so that the
 * memory does not grow with the number of edges. */
typedef struct export_flows export_flows;

typedef struct export_flow
{
  uint64_t id;                /* the edge's number, from 1 */
  braid_trace_edge_kind kind;
  int32_t from, to;           /* tasks; from -1 for the loop's */
  uint32_t from_loop;         /* the loop of an iteration it leaves */
  int64_t leave, enter;       /* where it leaves and enters, on the axis */
} export_flow;

/* braid__export_flows_collect:
 * Reads @path (summary @summary) and resolves its flows: each edge leaves
 * the running slice of its source with the last step at or before the
 * edge's step (else the source's first slice; the loop's edges, from -1,
 * leave the iteration in which their step ran) and enters the first
 * running slice of its target at or after the step (else the target's
 * last slice); an edge without both is left out. Returns the flows, or
 * NULL with a message on stderr. */
export_flows *braid__export_flows_collect (const char *path,
                                           const braid_trace *summary,
                                           export_axis axis);
/* The number of edges (flows left out counted), and of loops (the highest
 * loop number of the iterations + 1, 1 at least). */
uint64_t braid__export_flows_n_edges (const export_flows *f);
uint32_t braid__export_flows_n_loops (const export_flows *f);
/* Calls @fn with the id of each flow leaving (@leaving true) or entering
 * slice @sid. Calls must come in increasing @sid for each direction: two
 * cursors over the sorted store. Returns 0 or -1. */
int braid__export_flows_at (export_flows *f, bool leaving, uint64_t sid,
                            void (*fn) (void *data, uint64_t id),
                            void *data);
/* Calls @fn for each flow in order of id; stops at its first non-zero
 * return. Returns 0, or -1 on a failure of the store. */
int braid__export_flows_each (export_flows *f,
                              int (*fn) (void *data, const export_flow *fl),
                              void *data);
void braid__export_flows_free (export_flows *f); /* accepts NULL */

/* braid__export_iteration_span:
 * The span of iteration @it on @axis, in ns (on the steps axis, a step is
 * 1000 ns): from its start to the start of @next, the next iteration of
 * the same loop, or (@next NULL) to the end of the trace, @m's. */
void braid__export_iteration_span (const braid_trace_iteration *it,
                                   const braid_trace_iteration *next,
                                   const braid_trace_meta *m,
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

/* The writers of the two formats, for one trace (@summary, read from
 * @path) of a run: @process its index among the run's traces written to
 * @out one after the other (0 for the first or only one), @flows its
 * resolved flows, their ids moved by @flow_base. Perfetto: @base_ns is
 * the wall-clock time (ns since 1970) that the trace's time 0 is written
 * at. Chrome: its times are moved by @shift ns. Both stream: the memory
 * they take is a cursor per task and loop, a bit per interned name, and
 * the flows' store. Return 0, or -1 (said on stderr, or out of memory;
 * write errors are for the caller to find on @out). */
int braid__export_perfetto (FILE *out, const char *path,
                            const braid_trace *summary, export_flows *flows,
                            export_axis axis, unsigned process,
                            int64_t base_ns);

#endif /* BRAID_CLI_EXPORT_H */
