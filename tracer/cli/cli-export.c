/* cli-export.c: `braid export [--format chrome|perfetto] FILE... -o OUT`.
 *
 * Writes a trace for Perfetto and chrome://tracing. The Chrome
 * trace-event JSON is written here: one track per task (tid = task index
 * + 1, named by a thread_name metadata event) and a track per loop
 * ("loop", tid 0; "loop K", tid n_tasks + K) whose slices are its
 * iterations, in a process with the traced
 * program's pid and name; each state slice a complete event (ph X);
 * spawns, wake-ups and errors as flow events (ph s / f) that lie inside
 * the slice they leave and the slice they enter (export-common.c), which
 * is what Perfetto needs to draw them; marks as instant events (ph i).
 * Times are microseconds with nanosecond decimals since the trace's
 * start (otherData.start_unix_ns gives it), or with --axis steps the
 * loop-step axis, a step a microsecond. Every string of the trace goes
 * through braid__json_string (safe-text.c), so the output is valid UTF-8
 * JSON whatever bytes the program recorded; times need no check here,
 * since the reader keeps every time within +-2^61 ns (braid-trace.h).
 * The protobuf format is export-perfetto.c's. Several traces of one run
 * (cli-runset.c) make one output, a process per trace, each moved by its
 * offset on the run's clock (braid_trace_run_offsets: monotonic starts
 * when recorded, else wall-clock ones), so the processes line up; flow
 * ids run on from one process to the next.
 */
#include "cli.h"
#include "export.h"
#include "safe-text.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

static const char help[]
  = "usage: braid export [--format FORMAT] [--axis AXIS] FILE... [-o OUT]\n"
    "\n"
    "Writes the trace for Perfetto (ui.perfetto.dev, trace_processor) or\n"
    "chrome://tracing: a track per task, slices for running, ready and\n"
    "waiting, arrows for spawns, wake-ups and errors, instants for marks.\n"
    "Several FILEs of one run (the traces of a process tree that braid run\n"
    "lists) make one output with a process (pid) per file, their times\n"
    "lined up on the files' wall-clock starts.\n"
    "\n"
    "  -f, --format FORMAT   the format to write: chrome (trace-event JSON,\n"
    "                        the default) or perfetto (Perfetto's protobuf\n"
    "                        TrackEvent format, smaller and lossless)\n"
    "  -a, --axis AXIS       time (the default: the trace's clock) or steps\n"
    "                        (the loop-step axis, a step a microsecond, which\n"
    "                        shows interleavings that take no time)\n"
    "  -o, --output FILE     where to write it; without -o, or with -o -,\n"
    "                        it goes to standard output\n"
    "  -h, --help            this help\n";

static const struct option options[] = {
  { "format", required_argument, NULL, 'f' },
  { "output", required_argument, NULL, 'o' },
  { "axis", required_argument, NULL, 'a' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

/* A task's track is named "NAME (task ID)", NAME cut to this many bytes
 * on a character boundary: Perfetto shows a track's name on one line. */
#define MAX_TRACK_NAME 255

/* Writes "KEY":@ns as microseconds with three decimals. The sign is
 * written apart from the magnitude, so that -500 ns reads -0.500. */
static void
ts (FILE *out, const char *key, int64_t ns)
{
  uint64_t mag = ns < 0 ? -(uint64_t) ns : (uint64_t) ns;
  fprintf (out, "\"%s\":%s%llu.%03llu", key, ns < 0 ? "-" : "",
           (unsigned long long) (mag / 1000),
           (unsigned long long) (mag % 1000));
}

/* The tid of loop @loop: 0 for the first, after the tasks' for the
 * others (export.h). */
static unsigned long long
loop_tid (uint32_t loop, size_t n_tasks)
{
  return loop == 0 ? 0 : (unsigned long long) n_tasks + loop;
}

/* The span of a flow's end @end on the axis, and its track (tid). */
static void
end_span (const braid_trace *trace, export_end end, export_axis axis,
          int64_t *start, int64_t *stop, unsigned long long *tid)
{
  size_t n;
  const braid_trace_slice *slices = braid_trace_get_slices (trace, &n);
  if (end.kind == EXPORT_END_ITERATION)
    {
      size_t n_iter, n_tasks;
      const braid_trace_iteration *it = braid_trace_get_iterations (trace,
                                                                    &n_iter);
      braid_trace_get_tasks (trace, &n_tasks);
      braid__export_iteration_span (trace, end.index, axis, start, stop);
      *tid = loop_tid (it[end.index].loop, n_tasks);
      return;
    }
  braid__export_slice_span (&slices[end.index], axis, start, stop);
  *tid = (unsigned long long) slices[end.index].task + 1;
}

static int64_t
clamp (int64_t v, int64_t lo, int64_t hi)
{
  return v < lo ? lo : v > hi ? hi : v;
}

/* Writes the start of the JSON: otherData, of the first trace @m, and
 * the opening of traceEvents. */
static void
write_chrome_head (FILE *out, const braid_trace_meta *m, export_axis axis,
                   size_t n_processes)
{
  fprintf (out, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"program\":");
  braid__json_string (out, m->program);
  fprintf (out, ",\"clock\":");
  braid__json_string (out, m->clock);
  fprintf (out, ",\"complete\":%s,\"start_unix_ns\":%lld,\"axis\":\"%s\"",
           m->complete ? "true" : "false", (long long) m->start_unix_ns,
           axis == EXPORT_AXIS_STEPS ? "steps" : "time");
  if (n_processes > 1)
    {
      fprintf (out, ",\"processes\":%zu,\"run_id\":", n_processes);
      braid__json_string (out, m->run_id);
    }
  fprintf (out, "},\n\"traceEvents\":[\n");
}

/* Writes the events of the process of @trace, after others when
 * @first is false: its times moved by @shift ns (where its start lies
 * after the first trace's), its flow ids from @flow_base + 1. */
static void
write_chrome (FILE *out, const braid_trace *trace, export_axis axis,
              bool first, int64_t shift, size_t flow_base)
{
  size_t n_tasks, n_slices, n_edges, n_marks, n_outputs, n_iter;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
  const braid_trace_slice *slices = braid_trace_get_slices (trace, &n_slices);
  const braid_trace_edge *edges = braid_trace_get_edges (trace, &n_edges);
  const braid_trace_mark *marks = braid_trace_get_marks (trace, &n_marks);
  const braid_trace_output *outputs
    = braid_trace_get_outputs (trace, &n_outputs);
  const braid_trace_iteration *iters
    = braid_trace_get_iterations (trace, &n_iter);
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  long long pid = braid__export_pid (m);

  fprintf (out, "%s{\"ph\":\"M\",\"pid\":%lld,\"name\":\"process_name\","
                "\"args\":{\"name\":",
           first ? "" : ",\n", pid);
  braid__json_string (out, braid__export_process_name (m));
  fprintf (out, "}}");
  /* The loops' own tracks, for what no task did: their slices are the
   * loops' iterations, where timer and I/O wake-ups start. */
  uint32_t n_loops = braid__export_n_loops (trace);
  for (uint32_t k = 0; k < n_loops; k++)
    fprintf (out, ",\n{\"ph\":\"M\",\"pid\":%lld,\"tid\":%llu,\"name\":"
                  "\"thread_name\",\"args\":{\"name\":\"loop%s%.0u\"}}",
             pid, loop_tid (k, n_tasks), k ? " " : "", k);
  for (size_t i = 0; i < n_tasks; i++)
    {
      fprintf (out, ",\n{\"ph\":\"M\",\"pid\":%lld,\"tid\":%zu,\"name\":"
                    "\"thread_name\",\"args\":{\"name\":\"",
               pid, i + 1);
      braid__json_chars (out, tasks[i].name, MAX_TRACK_NAME);
      fprintf (out, " (task %llu)\"}},\n{\"ph\":\"M\",\"pid\":%lld,"
                    "\"tid\":%zu,\"name\":\"thread_sort_index\",\"args\":{"
                    "\"sort_index\":%zu}}",
               (unsigned long long) tasks[i].id, pid, i + 1, i + 1);
    }
  for (size_t i = 0; i < n_iter; i++)
    {
      int64_t start, end;
      braid__export_iteration_span (trace, i, axis, &start, &end);
      fprintf (out, ",\n{\"ph\":\"X\",\"pid\":%lld,\"tid\":%llu,", pid,
               loop_tid (iters[i].loop, n_tasks));
      ts (out, "ts", start + shift);
      fputc (',', out);
      ts (out, "dur", end - start);
      fprintf (out, ",\"name\":\"iteration\",\"cat\":\"loop\",\"args\":{"
                    "\"number\":%u,\"first_step\":%llu}}",
               iters[i].number, (unsigned long long) iters[i].first_step);
    }
  for (size_t i = 0; i < n_slices; i++)
    {
      const braid_trace_slice *s = &slices[i];
      char name[320];
      int64_t start, end;
      braid__export_slice_span (s, axis, &start, &end);
      braid__export_wait_name (trace, s, name, sizeof name);
      fprintf (out, ",\n{\"ph\":\"X\",\"pid\":%lld,\"tid\":%u,", pid,
               s->task + 1);
      ts (out, "ts", start + shift);
      fputc (',', out);
      ts (out, "dur", end - start);
      fprintf (out, ",\"name\":");
      braid__json_string (out, name);
      fprintf (out, ",\"cat\":\"%s\",\"args\":{"
                    "\"start_step\":%llu,\"end_step\":%llu,\"object\":%llu}}",
               braid_trace_state_name (s->state),
               (unsigned long long) s->start_step,
               (unsigned long long) s->end_step,
               (unsigned long long) s->object);
    }
  /* Each edge leaves the slice of its source that caused it and enters
   * the resumption of its target (export-common.c): both flow events lie
   * inside those slices, which is where Perfetto binds a flow. */
  for (size_t i = 0; i < n_edges; i++)
    {
      const braid_trace_edge *e = &edges[i];
      export_end from = braid__export_flow_source (trace, e);
      export_end to = braid__export_flow_target (trace, e);
      if (from.kind == EXPORT_END_NONE || to.kind == EXPORT_END_NONE)
        continue;
      const char *name = braid__export_edge_name (e->kind);
      int64_t s0, s1, t0, t1;
      unsigned long long from_tid, to_tid;
      end_span (trace, from, axis, &s0, &s1, &from_tid);
      end_span (trace, to, axis, &t0, &t1, &to_tid);
      int64_t at = axis == EXPORT_AXIS_STEPS ? (int64_t) e->step * 1000
                                             : e->time_ns;
      int64_t leave = clamp (at, s0, s1);
      /* The target's start, or, when the edge enters a slice that was
       * already under way (a task reading an error in its own step),
       * the moment it left. */
      int64_t enter = clamp (leave, t0, t1);
      fprintf (out, ",\n{\"ph\":\"s\",\"id\":%zu,\"pid\":%lld,\"tid\":%llu,",
               flow_base + i + 1, pid, from_tid);
      ts (out, "ts", leave + shift);
      fprintf (out, ",\"name\":\"%s\",\"cat\":\"%s\"}", name, name);
      fprintf (out, ",\n{\"ph\":\"f\",\"bp\":\"e\",\"id\":%zu,\"pid\":%lld,"
                    "\"tid\":%llu,",
               flow_base + i + 1, pid, to_tid);
      ts (out, "ts", enter + shift);
      fprintf (out, ",\"name\":\"%s\",\"cat\":\"%s\"}", name, name);
    }
  size_t next_output = 0;
  for (size_t i = 0; i < n_marks; i++)
    {
      const braid_trace_mark *mk = &marks[i];
      int64_t at = axis == EXPORT_AXIS_STEPS ? (int64_t) mk->step * 1000
                                             : mk->time_ns;
      fprintf (out, ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":%lld,\"tid\":%d,",
               pid, mk->task + 1);
      ts (out, "ts", at + shift);
      fprintf (out, ",\"name\":\"%s\",\"cat\":\"mark\",\"args\":{"
                    "\"step\":%llu,\"value\":%lld",
               braid__export_mark_name (mk->kind),
               (unsigned long long) mk->step, (long long) mk->value);
      if (mk->kind == BRAID_MARK_OUTPUT)
        {
          /* Output marks and the outputs of tasks come in the same
           * order: the k-th mark is the k-th line written by a task. */
          while (next_output < n_outputs && outputs[next_output].task < 0)
            next_output++;
          if (next_output < n_outputs)
            {
              fprintf (out, ",\"text\":");
              braid__json_string (out, outputs[next_output++].text);
            }
        }
      fprintf (out, "}}");
    }
}

int
braid__cli_export (int argc, char **argv)
{
  const char *output = NULL, *format = NULL, *axis_name = NULL;
  int c;
  while ((c = braid__cli_getopt (argc, argv, ":hf:o:a:", options)) != -1)
    switch (c)
      {
      case 'h':
        fputs (help, stdout);
        return 0;
      case 'f':
        format = optarg;
        break;
      case 'o':
        output = optarg;
        break;
      case 'a':
        axis_name = optarg;
        break;
      default:
        return CLI_EXIT_USAGE;
      }
  if (format == NULL)
    format = "chrome";
  bool perfetto = strcmp (format, "perfetto") == 0;
  if (!perfetto && strcmp (format, "chrome") != 0)
    return braid__cli_usage_error ("export",
                                   "unknown format '%s' (known: chrome, "
                                   "perfetto)",
                                   format);
  export_axis axis = EXPORT_AXIS_TIME;
  if (axis_name != NULL && strcmp (axis_name, "steps") == 0)
    axis = EXPORT_AXIS_STEPS;
  else if (axis_name != NULL && strcmp (axis_name, "time") != 0)
    return braid__cli_usage_error ("export",
                                   "unknown axis '%s' (known: time, steps)",
                                   axis_name);
  cli_run run;
  if (braid__cli_run_open (argc, argv, &run) != 0)
    return CLI_EXIT_USAGE;
  FILE *out = stdout;
  if (output != NULL && strcmp (output, "-") != 0)
    {
      out = fopen (output, perfetto ? "wb" : "w");
      if (out == NULL)
        {
          fprintf (stderr, "braid: cannot write %s: %s\n", output,
                   strerror (errno));
          braid__cli_run_close (&run);
          return CLI_EXIT_USAGE;
        }
    }
  for (size_t k = 0; k < run.n; k++)
    if (!braid_trace_get_meta (run.traces[k])->complete)
      {
        fputs ("braid: ", stderr);
        braid__text_fputs_terminal (run.paths[k], stderr);
        fputs (braid_trace_get_meta (run.traces[k])->liveness
                   == BRAID_LIVENESS_RUNNING
                 ? " is being written (the program is running): exporting "
                   "what it holds so far\n"
                 : " is incomplete (the recording did not end cleanly): "
                   "exporting what it holds\n",
               stderr);
      }
  int failed = 0;
  const braid_trace_meta *first = braid_trace_get_meta (run.traces[0]);
  if (!perfetto)
    write_chrome_head (out, first, axis, run.n);
  size_t flow_base = 0;
  for (size_t k = 0; k < run.n && !failed; k++)
    {
      /* The processes line up on the run's clock (the runs are
       * ordered by it, so no shift is negative); the steps of each
       * process are its own. */
      int64_t shift = axis == EXPORT_AXIS_TIME ? run.offsets[k] : 0;
      if (perfetto)
        failed = braid__export_perfetto (out, run.traces[k], axis,
                                         (unsigned) k,
                                         first->start_unix_ns
                                           + run.offsets[k])
                 != 0;
      else
        write_chrome (out, run.traces[k], axis, k == 0, shift, flow_base);
      size_t n_edges;
      braid_trace_get_edges (run.traces[k], &n_edges);
      flow_base += n_edges;
    }
  if (!perfetto)
    fprintf (out, "\n]}\n");
  failed |= ferror (out);
  if (out != stdout)
    failed |= fclose (out) != 0;
  else
    failed |= fflush (out) != 0;
  braid__cli_run_close (&run);
  if (failed)
    {
      fprintf (stderr, "braid: cannot write %s\n", output ? output : "-");
      return CLI_EXIT_USAGE;
    }
  return 0;
}
