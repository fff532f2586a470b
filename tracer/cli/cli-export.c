/* cli-export.c: `braid export --format chrome FILE -o OUT.json`.
 *
 * Writes a trace as Chrome trace-event JSON, which Perfetto and
 * chrome://tracing open: one track per task (tid = task index + 1, named
 * by a thread_name metadata event), each state slice a complete event
 * (ph X), spawns and wake-ups as flow events (ph s / f, bound to the
 * enclosing slices), and marks as instant events (ph i). Times are
 * microseconds with nanosecond decimals. Every string of the trace goes
 * through braid__json_string (safe-text.c), so the output is valid UTF-8
 * JSON whatever bytes the program recorded; times need no check here,
 * since the reader keeps every time within +-2^61 ns (braid-trace.h).
 */
#include "cli.h"
#include "safe-text.h"

#include <stdio.h>
#include <string.h>

static const char help[]
  = "usage: braid export --format chrome FILE [-o OUT.json]\n"
    "\n"
    "Writes the trace as Chrome trace-event JSON (open it in Perfetto or\n"
    "chrome://tracing): a track per task, slices for running, ready and\n"
    "waiting, arrows for spawns and wake-ups, instants for marks.\n"
    "\n"
    "  -f, --format FORMAT   the format to write: chrome (the default, and\n"
    "                        the only one)\n"
    "  -o, --output FILE     where to write it; without -o, or with -o -,\n"
    "                        the JSON goes to standard output\n"
    "  -h, --help            this help\n";

static const struct option options[] = {
  { "format", required_argument, NULL, 'f' },
  { "output", required_argument, NULL, 'o' },
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

static const char *const mark_names[] = {
  "yield", "error", "cancelled", "never-retrieved", "destroyed-pending",
  "slow-step", "output", "observer-wait",
};

static const char *const edge_names[] = {
  "spawn", "wake", "gather", "error", "cancel",
};

static void
write_chrome (FILE *out, const braid_trace *trace)
{
  size_t n_tasks, n_slices, n_edges, n_marks, n_outputs;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
  const braid_trace_slice *slices = braid_trace_get_slices (trace, &n_slices);
  const braid_trace_edge *edges = braid_trace_get_edges (trace, &n_edges);
  const braid_trace_mark *marks = braid_trace_get_marks (trace, &n_marks);
  const braid_trace_output *outputs
    = braid_trace_get_outputs (trace, &n_outputs);
  const braid_trace_meta *m = braid_trace_get_meta (trace);

  fprintf (out, "{\"displayTimeUnit\":\"ns\",\"otherData\":{\"program\":");
  braid__json_string (out, m->program);
  fprintf (out, ",\"clock\":");
  braid__json_string (out, m->clock);
  fprintf (out, ",\"complete\":%s},\n\"traceEvents\":[\n",
           m->complete ? "true" : "false");
  fprintf (out, "{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\","
                "\"args\":{\"name\":");
  braid__json_string (out, m->program);
  fprintf (out, "}}");
  /* The loop's own track, for what no task did. */
  fprintf (out, ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":0,\"name\":"
                "\"thread_name\",\"args\":{\"name\":\"loop\"}}");
  for (size_t i = 0; i < n_tasks; i++)
    {
      fprintf (out, ",\n{\"ph\":\"M\",\"pid\":1,\"tid\":%zu,\"name\":"
                    "\"thread_name\",\"args\":{\"name\":\"",
               i + 1);
      braid__json_chars (out, tasks[i].name, MAX_TRACK_NAME);
      fprintf (out, " (task %llu)\"}},\n{\"ph\":\"M\",\"pid\":1,\"tid\":%zu,"
                    "\"name\":\"thread_sort_index\",\"args\":{"
                    "\"sort_index\":%zu}}",
               (unsigned long long) tasks[i].id, i + 1, i + 1);
    }
  for (size_t i = 0; i < n_slices; i++)
    {
      const braid_trace_slice *s = &slices[i];
      char name[64];
      if (s->state == BRAID_STATE_WAITING)
        snprintf (name, sizeof name, "waiting: %s",
                  braid_trace_wait_reason_name (s->wait_reason));
      else
        snprintf (name, sizeof name, "%s",
                  braid_trace_state_name (s->state));
      fprintf (out, ",\n{\"ph\":\"X\",\"pid\":1,\"tid\":%u,",
               s->task + 1);
      ts (out, "ts", s->start_ns);
      fputc (',', out);
      ts (out, "dur", s->end_ns - s->start_ns);
      fprintf (out, ",\"name\":\"%s\",\"cat\":\"%s\",\"args\":{"
                    "\"start_step\":%llu,\"end_step\":%llu,\"object\":%llu}}",
               name, braid_trace_state_name (s->state),
               (unsigned long long) s->start_step,
               (unsigned long long) s->end_step,
               (unsigned long long) s->object);
    }
  for (size_t i = 0; i < n_edges; i++)
    {
      const braid_trace_edge *e = &edges[i];
      const char *name = e->kind <= BRAID_EDGE_CANCEL ? edge_names[e->kind]
                                                      : "edge";
      fprintf (out, ",\n{\"ph\":\"s\",\"id\":%zu,\"pid\":1,\"tid\":%d,",
               i + 1, e->from + 1);
      ts (out, "ts", e->time_ns);
      fprintf (out, ",\"name\":\"%s\",\"cat\":\"%s\"}", name, name);
      fprintf (out, ",\n{\"ph\":\"f\",\"bp\":\"e\",\"id\":%zu,\"pid\":1,"
                    "\"tid\":%d,",
               i + 1, e->to + 1);
      ts (out, "ts", e->time_ns);
      fprintf (out, ",\"name\":\"%s\",\"cat\":\"%s\"}", name, name);
    }
  size_t next_output = 0;
  for (size_t i = 0; i < n_marks; i++)
    {
      const braid_trace_mark *mk = &marks[i];
      const char *name = mk->kind <= BRAID_MARK_OBSERVER_WAIT
                           ? mark_names[mk->kind]
                           : "mark";
      fprintf (out, ",\n{\"ph\":\"i\",\"s\":\"t\",\"pid\":1,\"tid\":%d,",
               mk->task + 1);
      ts (out, "ts", mk->time_ns);
      fprintf (out, ",\"name\":\"%s\",\"cat\":\"mark\",\"args\":{"
                    "\"step\":%llu,\"value\":%lld",
               name, (unsigned long long) mk->step, (long long) mk->value);
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
  fprintf (out, "\n]}\n");
}

int
braid__cli_export (int argc, char **argv)
{
  const char *output = NULL, *format = NULL;
  int c;
  while ((c = braid__cli_getopt (argc, argv, ":hf:o:", options)) != -1)
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
      default:
        return CLI_EXIT_USAGE;
      }
  if (format == NULL)
    format = "chrome";
  if (strcmp (format, "chrome") != 0)
    return braid__cli_usage_error ("export",
                                   "unknown format '%s' (known: chrome)",
                                   format);
  const char *path = braid__cli_trace_arg (argc, argv);
  if (path == NULL)
    return CLI_EXIT_USAGE;
  braid_trace *trace = braid__cli_open (path);
  if (trace == NULL)
    return CLI_EXIT_USAGE;
  FILE *out = stdout;
  if (output != NULL && strcmp (output, "-") != 0)
    {
      out = fopen (output, "w");
      if (out == NULL)
        {
          perror (output);
          braid_trace_close (trace);
          return CLI_EXIT_USAGE;
        }
    }
  write_chrome (out, trace);
  int failed = ferror (out);
  if (out != stdout)
    failed |= fclose (out) != 0;
  else
    failed |= fflush (out) != 0;
  braid_trace_close (trace);
  if (failed)
    {
      fprintf (stderr, "braid: cannot write %s\n", output ? output : "-");
      return CLI_EXIT_USAGE;
    }
  return 0;
}
