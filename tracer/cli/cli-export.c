/* cli-export.c: `braid export [--format chrome|perfetto] FILE... -o OUT`.
 *
 * Writes a trace for Perfetto and chrome://tracing. The Chrome
 * trace-event JSON is written here: one track per task (tid = task index
 * + 1, named by a thread_name metadata event) and a track per loop
 * ("loop", tid 0; "loop K", tid n_tasks + K) whose slices are its
 * iterations, in a process with the traced
 * program's pid and name; each state slice a complete event (ph X);
 * spawns, wake-ups and errors as flow events (ph s / f) that lie inside
 * the slice they leave and the slice they enter (export-stream.c), which
 * is what Perfetto needs to draw them; marks as instant events (ph i).
 * Times are microseconds with nanosecond decimals since the trace's
 * start (otherData.start_unix_ns gives it), or with --axis steps the
 * loop-step axis, a step a microsecond. Every string of the trace goes
 * through braid__json_string (safe-text.c), so the output is valid UTF-8
 * JSON whatever bytes the program recorded; times need no check here,
 * since the reader keeps every time within +-2^61 ns (braid-trace.h).
 * Both formats are written as the trace streams by (export-stream.c):
 * each file is read twice and never held whole, so the memory does not
 * grow with its length; the flow events come after the slices.
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

/* What the JSON writer of one process needs while the trace streams by. */
typedef struct chrome
{
  FILE *out;
  const braid_trace *trace; /* the summary: names of tasks and objects */
  long long pid;
  size_t n_tasks;
  int64_t shift;
  size_t flow_base;
} chrome;

static int
chrome_slice (void *data, uint64_t sid, const braid_trace_slice *s,
              int64_t start, int64_t end)
{
  chrome *c = data;
  FILE *out = c->out;
  char name[320];
  (void) sid;
  braid__export_wait_name (c->trace, s, name, sizeof name);
  fprintf (out, ",\n{\"ph\":\"X\",\"pid\":%lld,\"tid\":%u,", c->pid,
           s->task + 1);
  ts (out, "ts", start + c->shift);
  fputc (',', out);
  ts (out, "dur", end - start);
  fprintf (out, ",\"name\":");
  braid__json_string (out, name);
  fprintf (out, ",\"cat\":\"%s\",\"args\":{"
                "\"start_step\":%llu,\"end_step\":%llu,\"object\":%llu}}",
           braid_trace_state_name (s->state),
           (unsigned long long) s->start_step,
           (unsigned long long) s->end_step, (unsigned long long) s->object);
  return 0;
}

static int
chrome_iteration (void *data, uint64_t sid, const braid_trace_iteration *it,
                  int64_t start, int64_t end)
{
  chrome *c = data;
  (void) sid;
  fprintf (c->out, ",\n{\"ph\":\"X\",\"pid\":%lld,\"tid\":%llu,", c->pid,
           loop_tid (it->loop, c->n_tasks));
  ts (c->out, "ts", start + c->shift);
  fputc (',', c->out);
  ts (c->out, "dur", end - start);
  fprintf (c->out, ",\"name\":\"iteration\",\"cat\":\"loop\",\"args\":{"
                   "\"number\":%u,\"first_step\":%llu}}",
           it->number, (unsigned long long) it->first_step);
  return 0;
}

static int
chrome_mark (void *data, const braid_trace_mark *mk, const char *text)
{
  chrome *c = data;
  FILE *out = c->out;
  int64_t at = mk->time_ns;
  fprintf (out, ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":%lld,\"tid\":%d,",
           c->pid, mk->task + 1);
  ts (out, "ts", at + c->shift);
  fprintf (out, ",\"name\":\"%s\",\"cat\":\"mark\",\"args\":{"
                "\"step\":%llu,\"value\":%lld",
           braid__export_mark_name (mk->kind), (unsigned long long) mk->step,
           (long long) mk->value);
  if (mk->kind == BRAID_MARK_OUTPUT && text != NULL)
    {
      fprintf (out, ",\"text\":");
      braid__json_string (out, text);
    }
  fprintf (out, "}}");
  return 0;
}

static int
chrome_mark_steps (void *data, const braid_trace_mark *mk, const char *text)
{
  braid_trace_mark m = *mk;
  m.time_ns = (int64_t) mk->step * 1000;
  return chrome_mark (data, &m, text);
}

/* Each flow leaves the slice of its source that caused it and enters the
 * resumption of its target (export-stream.c): both flow events lie
 * inside those slices, which is where Perfetto binds a flow. */
static int
chrome_flow (void *data, const export_flow *fl)
{
  chrome *c = data;
  FILE *out = c->out;
  const char *name = braid__export_edge_name (fl->kind);
  unsigned long long from_tid = fl->from < 0
                                  ? loop_tid (fl->from_loop, c->n_tasks)
                                  : (unsigned long long) fl->from + 1;
  unsigned long long to_tid = (unsigned long long) fl->to + 1;
  fprintf (out, ",\n{\"ph\":\"s\",\"id\":%llu,\"pid\":%lld,\"tid\":%llu,",
           (unsigned long long) (c->flow_base + fl->id), c->pid, from_tid);
  ts (out, "ts", fl->leave + c->shift);
  fprintf (out, ",\"name\":\"%s\",\"cat\":\"%s\"}", name, name);
  fprintf (out, ",\n{\"ph\":\"f\",\"bp\":\"e\",\"id\":%llu,\"pid\":%lld,"
                "\"tid\":%llu,",
           (unsigned long long) (c->flow_base + fl->id), c->pid, to_tid);
  ts (out, "ts", fl->enter + c->shift);
  fprintf (out, ",\"name\":\"%s\",\"cat\":\"%s\"}", name, name);
  return 0;
}

/* Writes the events of the process of @trace (the summary of @path),
 * after others when @first is false: its times moved by @shift ns (where
 * its start lies after the first trace's), its flow ids from @flow_base +
 * 1. Streams: nothing per event is kept. Returns 0 or -1. */
static int
write_chrome (FILE *out, const char *path, const braid_trace *trace,
              export_flows *flows, export_axis axis, bool first,
              int64_t shift, size_t flow_base)
{
  size_t n_tasks;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  long long pid = braid__export_pid (m);

  fprintf (out, "%s{\"ph\":\"M\",\"pid\":%lld,\"name\":\"process_name\","
                "\"args\":{\"name\":",
           first ? "" : ",\n", pid);
  braid__json_string (out, braid__export_process_name (m));
  fprintf (out, "}}");
  /* The loops' own tracks, for what no task did: their slices are the
   * loops' iterations, where timer and I/O wake-ups start. */
  uint32_t n_loops = braid__export_flows_n_loops (flows);
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
  chrome c = { out, trace, pid, n_tasks, shift, flow_base };
  export_writer w = {
    .data = &c,
    .slice_end = chrome_slice,
    .iteration_end = chrome_iteration,
    .mark = axis == EXPORT_AXIS_STEPS ? chrome_mark_steps : chrome_mark,
  };
  if (braid__export_stream (path, trace, axis, &w) != 0)
    return -1;
  if (braid__export_flows_each (flows, chrome_flow, &c) != 0)
    {
      fprintf (stderr, "braid: cannot export %s: the temporary store "
                       "failed\n", path);
      return -1;
    }
  return 0;
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
  /* The files are opened in summary mode (meta, tasks, objects): the
   * events are streamed from them twice each, never all held. */
  cli_run run;
  braid_trace_load_options load = { .summary = true };
  if (braid__cli_run_open_with (argc, argv, &load, &run) != 0)
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
      export_flows *flows
        = braid__export_flows_collect (run.paths[k], run.traces[k], axis);
      if (flows == NULL)
        {
          failed = 1;
          break;
        }
      if (perfetto)
        failed = braid__export_perfetto (out, run.paths[k], run.traces[k],
                                         flows, axis, (unsigned) k,
                                         first->start_unix_ns
                                           + run.offsets[k])
                 != 0;
      else
        failed = write_chrome (out, run.paths[k], run.traces[k], flows, axis,
                               k == 0, shift, flow_base)
                 != 0;
      flow_base += braid__export_flows_n_edges (flows);
      braid__export_flows_free (flows);
    }
  if (!perfetto)
    fprintf (out, "\n]}\n");
  /* A failed export said why (export-stream.c); a failed write is said
   * here. */
  int unwritten = ferror (out);
  if (out != stdout)
    unwritten |= fclose (out) != 0;
  else
    unwritten |= fflush (out) != 0;
  braid__cli_run_close (&run);
  if (unwritten)
    fprintf (stderr, "braid: cannot write %s\n", output ? output : "-");
  return failed || unwritten ? CLI_EXIT_USAGE : 0;
}
