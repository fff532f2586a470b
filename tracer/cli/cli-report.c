/* cli-report.c: `braid report FILE... [--axis steps|time] [--width N]
 * [--stats] [--primitives]`.
 *
 * Prints what a trace says in a terminal: a summary (program, clock,
 * events, steps, tasks by outcome, problems), a table of every task with
 * its time running, ready and waiting, and a text timeline with one row
 * per task. On the steps axis each column is one resumption of a task, so
 * a sleep(0) interleaving, invisible on a wall clock, reads plainly; a
 * running cell shows how many lines the task printed in that step.
 * With --stats, instead of the table and timeline: nearest-rank
 * percentiles of step, ready and wait durations (per wait reason), and
 * per task its times and step percentiles. With --primitives, instead of
 * them too: each primitive's fairness (cli-primitives.c).
 * Several traces of one run (cli-runset.c): a heading and that report
 * per process, then the run's totals.
 * Every string of the trace is printed through safe-text.c, which
 * escapes control characters: a name cannot drive the terminal.
 */
#include "cli.h"
#include "safe-text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char help[]
  = "usage: braid report FILE... [--axis steps|time] [--width N] [--stats]\n"
    "                            [--primitives]\n"
    "\n"
    "Prints a summary of the trace, each task's time running, ready and\n"
    "waiting, and a timeline with one row per task. Several FILEs of one\n"
    "run (the traces of a process tree that braid run lists) are reported\n"
    "as one run: a part per process, then the run's totals.\n"
    "\n"
    "  --axis steps   one column per loop step (a task's resumption): the\n"
    "                 default, shows sleep(0) interleavings\n"
    "  --axis time    columns of equal wall (or virtual) time\n"
    "  --width N      at most N timeline columns (default 100)\n"
    "  --stats        statistics instead of the timeline: percentiles\n"
    "                 p50/p90/p99/max of step durations, of ready times\n"
    "                 and of wait durations per wait reason, and per task\n"
    "                 its running, ready and waiting time and step\n"
    "                 percentiles\n"
    "  --primitives   instead of the timeline: for every lock, semaphore,\n"
    "                 condition, queue and event, the order tasks began\n"
    "                 waiting against the order they were served, the\n"
    "                 longest and mean wait, hand-overs, waits overtaken\n"
    "                 (FIFO violations) and a FIFO verdict\n"
    "  -h, --help     this help\n"
    "\n"
    "Timeline cells: '#' running (1-9: lines printed in that step), '.'\n"
    "ready, '-' waiting, blank: not alive.\n"
    "\n"
    "Percentiles are nearest-rank: pN is the smallest duration that at\n"
    "least N% of the durations do not exceed. A wait still open when the\n"
    "trace ends counts up to its end.\n";

enum
{
  AXIS_STEPS,
  AXIS_TIME
};

enum
{
  OPT_AXIS = CLI_LONG_ONLY,
  OPT_WIDTH,
  OPT_STATS,
  OPT_PRIMITIVES,
};

static const struct option options[] = {
  { "axis", required_argument, NULL, OPT_AXIS },
  { "width", required_argument, NULL, OPT_WIDTH },
  { "stats", no_argument, NULL, OPT_STATS },
  { "primitives", no_argument, NULL, OPT_PRIMITIVES },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

static const char *
base_name (const char *path)
{
  const char *slash = strrchr (path, '/');
  return slash ? slash + 1 : path;
}

/* The width of the task column of the table and of the timeline. */
#define NAME_COLS 20

/* Writes @t's name into @buf (at least NAME_COLS * 8 bytes), indented by
 * its depth, safe for a terminal, and cut or padded to exactly NAME_COLS
 * columns. Returns @buf. */
static const char *
task_column (const braid_trace_task *t, char *buf, size_t size)
{
  size_t indent = t->depth > 0 ? (size_t) t->depth * 2 : 0;
  if (indent > NAME_COLS)
    indent = NAME_COLS;
  memset (buf, ' ', indent);
  size_t cols = 0;
  /* The name takes at most 4 bytes a column; NAME_COLS bytes are kept
   * for the padding. */
  braid__text_terminal (t->name, NAME_COLS - indent, buf + indent,
                        size - indent - NAME_COLS, &cols);
  size_t len = strlen (buf);
  for (size_t c = indent + cols; c < NAME_COLS; c++)
    buf[len++] = ' ';
  buf[len] = '\0';
  return buf;
}

/* What the traces of a run add up to (the totals of a report over
 * several files). */
typedef struct totals
{
  uint64_t n_events, n_steps, n_iterations;
  size_t n_tasks, n_problems;
  size_t by_outcome[5];
} totals;

/* Prints "tasks N: K outcome, ..." for @by_outcome, and the problems
 * line. */
static void
print_tasks_line (size_t n_tasks, const size_t *by_outcome,
                  size_t n_problems)
{
  printf ("tasks       %zu:", n_tasks);
  const char *sep = " ";
  for (int o = 0; o < 5; o++)
    if (by_outcome[o])
      {
        printf ("%s%zu %s", sep, by_outcome[o],
                braid_trace_outcome_name ((braid_trace_outcome) o));
        sep = ", ";
      }
  printf ("\nproblems    %zu%s\n", n_problems,
          n_problems ? " (see 'braid problems')" : "");
}

/* Prints the summary of @trace and adds it to @sum. */
static void
print_summary (const braid_trace *trace, totals *sum)
{
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  size_t n_tasks, n_problems;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
  braid_trace_get_problems (trace, &n_problems);
  size_t by_outcome[5] = { 0 };
  for (size_t i = 0; i < n_tasks; i++)
    if (tasks[i].outcome <= BRAID_OUTCOME_DESTROYED_PENDING)
      by_outcome[tasks[i].outcome]++;
  sum->n_events += m->n_events;
  sum->n_steps += m->n_steps;
  sum->n_iterations += m->n_iterations;
  sum->n_tasks += n_tasks;
  sum->n_problems += n_problems;
  for (int o = 0; o < 5; o++)
    sum->by_outcome[o] += by_outcome[o];
  char dur[32];
  fputs ("program     ", stdout);
  braid__text_fputs_terminal (base_name (m->program), stdout);
  if (m->arguments[0])
    {
      putchar (' ');
      braid__text_fputs_terminal (m->arguments, stdout);
    }
  fputs ("\nclock       ", stdout);
  braid__text_fputs_terminal (m->clock, stdout);
  if (m->liveness == BRAID_LIVENESS_RUNNING)
    printf (", trace being written (the program is running, pid %lld)\n",
            (long long) m->pid);
  else
    printf (", trace %s\n",
            m->complete ? "complete" : "INCOMPLETE (killed or crashed)");
  printf ("events      %llu, %llu steps, %llu loop iterations, %s\n",
          (unsigned long long) m->n_events, (unsigned long long) m->n_steps,
          (unsigned long long) m->n_iterations,
          braid__cli_duration (m->duration_ns, dur, sizeof dur));
  print_tasks_line (n_tasks, by_outcome, n_problems);
}

/* The heading of process @k of @run, before its report. */
static void
print_process_heading (const cli_run *run, size_t k)
{
  const braid_trace_meta *m = braid_trace_get_meta (run->traces[k]);
  char after[32];
  printf ("%s== process %zu of %zu: ", k ? "\n" : "", k + 1, run->n);
  braid__text_fputs_terminal (base_name (m->program), stdout);
  printf (" (pid %lld), ", (long long) m->pid);
  braid__text_fputs_terminal (run->paths[k], stdout);
  printf (", started %s after the first ==\n",
          braid__cli_duration (run->offsets[k], after, sizeof after));
}

/* The totals of a run of several processes. */
static void
print_totals (const cli_run *run, const totals *sum)
{
  printf ("\n== run: %zu processes ==\n", run->n);
  printf ("processes  ");
  for (size_t k = 0; k < run->n; k++)
    {
      const braid_trace_meta *m = braid_trace_get_meta (run->traces[k]);
      printf ("%s", k ? ", " : " ");
      braid__text_fputs_terminal (base_name (m->program), stdout);
      printf (" (pid %lld)", (long long) m->pid);
    }
  printf ("\nevents      %llu, %llu steps, %llu loop iterations\n",
          (unsigned long long) sum->n_events,
          (unsigned long long) sum->n_steps,
          (unsigned long long) sum->n_iterations);
  print_tasks_line (sum->n_tasks, sum->by_outcome, sum->n_problems);
}

static void
print_tasks (const braid_trace *trace)
{
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n);
  if (n == 0)
    return;
  printf ("\n%-4s %-20s %-17s %5s %10s %10s %10s  %s\n", "id", "task",
          "outcome", "steps", "running", "ready", "waiting", "created at");
  for (size_t i = 0; i < n; i++)
    {
      const braid_trace_task *t = &tasks[i];
      char r[32], rd[32], w[32], name[NAME_COLS * 8];
      printf ("%-4llu %s %-17s %5u %10s %10s %10s  ",
              (unsigned long long) t->id, task_column (t, name, sizeof name),
              braid_trace_outcome_name (t->outcome), t->n_steps,
              braid__cli_duration (t->running_ns, r, sizeof r),
              braid__cli_duration (t->ready_ns, rd, sizeof rd),
              braid__cli_duration (t->waiting_ns, w, sizeof w));
      braid__text_fputs_terminal (base_name (t->file), stdout);
      printf (":%d\n", t->line);
    }
}

static int
state_rank (braid_trace_state s)
{
  return s == BRAID_STATE_RUNNING ? 3 : s == BRAID_STATE_READY ? 2 : 1;
}

static char
state_char (int rank)
{
  return rank == 3 ? '#' : rank == 2 ? '.' : rank == 1 ? '-' : ' ';
}

/* The column of position @x (a step or a time) when each column is
 * @per_col wide, as (int) (x / per_col) but kept within [-1, @cols]: a
 * time far before the start (the reader allows 73 years) would not fit
 * an int. */
static int
column_of (double x, double per_col, int cols)
{
  double q = x / per_col;
  if (!(q >= -1.0))
    return -1;
  return q > (double) cols ? cols : (int) q;
}

static void
print_timeline (const braid_trace *trace, int axis, int width)
{
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  size_t n_tasks, n_outputs;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
  const braid_trace_slice *slices = braid_trace_get_slices (trace, NULL);
  const braid_trace_output *outputs
    = braid_trace_get_outputs (trace, &n_outputs);
  if (n_tasks == 0)
    return;
  double extent = axis == AXIS_STEPS ? (double) m->n_steps
                                     : (double) m->duration_ns;
  int cols;
  if (axis == AXIS_STEPS)
    cols = m->n_steps < (uint64_t) width ? (int) m->n_steps : width;
  else
    cols = width;
  if (cols <= 0 || extent <= 0)
    {
      printf ("\ntimeline: nothing to show (%s)\n",
              axis == AXIS_STEPS ? "no steps" : "no time passed");
      return;
    }
  double per_col = extent / cols;
  char unit[32];
  if (axis == AXIS_STEPS)
    printf ("\ntimeline (axis: steps, %s per column)\n",
            per_col == 1.0 ? "1 step" : "several steps");
  else
    printf ("\ntimeline (axis: time, %s per column)\n",
            braid__cli_duration ((int64_t) per_col, unit, sizeof unit));

  /* A ruler with the column's step (or time) every 10 columns. */
  char *row = malloc ((size_t) cols + 1);
  int *lines = calloc ((size_t) cols, sizeof *lines);
  if (row == NULL || lines == NULL)
    {
      free (row);
      free (lines);
      return;
    }
  printf ("%-20s  ", "");
  for (int c = 0; c < cols; c += 10)
    {
      char label[16];
      if (axis == AXIS_STEPS)
        snprintf (label, sizeof label, "%-10llu",
                  (unsigned long long) (c * per_col));
      else
        snprintf (label, sizeof label, "%-10s",
                  braid__cli_duration ((int64_t) (c * per_col), unit,
                                       sizeof unit));
      printf ("%.*s", cols - c < 10 ? cols - c : 10, label);
    }
  printf ("\n");

  /* Group the output lines by task once (a counting sort), so each row
   * reads only its own lines. */
  size_t *first_output = calloc (n_tasks + 2, sizeof *first_output);
  size_t *by_task = malloc ((n_outputs ? n_outputs : 1) * sizeof *by_task);
  if (first_output == NULL || by_task == NULL)
    {
      free (first_output);
      free (by_task);
      free (row);
      free (lines);
      return;
    }
  for (size_t k = 0; k < n_outputs; k++)
    if (outputs[k].task >= 0 && (size_t) outputs[k].task < n_tasks)
      first_output[outputs[k].task + 2]++;
  for (size_t i = 0; i < n_tasks; i++)
    first_output[i + 2] += first_output[i + 1];
  for (size_t k = 0; k < n_outputs; k++)
    if (outputs[k].task >= 0 && (size_t) outputs[k].task < n_tasks)
      by_task[first_output[outputs[k].task + 1]++] = k;

  for (size_t i = 0; i < n_tasks; i++)
    {
      const braid_trace_task *t = &tasks[i];
      int *rank = calloc ((size_t) cols, sizeof *rank);
      if (rank == NULL)
        break;
      memset (lines, 0, (size_t) cols * sizeof *lines);
      for (size_t k = t->first_slice; k < t->first_slice + t->n_slices; k++)
        {
          const braid_trace_slice *s = &slices[k];
          double a = axis == AXIS_STEPS ? (double) s->start_step
                                        : (double) s->start_ns;
          double b = axis == AXIS_STEPS ? (double) s->end_step
                                        : (double) s->end_ns;
          int c0 = column_of (a, per_col, cols);
          int c1 = column_of (b - 1e-9, per_col, cols);
          if (b <= a)
            c1 = c0; /* an instant still shows in its column */
          if (c0 >= cols)
            c0 = cols - 1; /* the very end belongs to the last column */
          if (c1 >= cols)
            c1 = cols - 1;
          for (int c = c0 < 0 ? 0 : c0; c <= c1 && c < cols; c++)
            if (state_rank (s->state) > rank[c])
              rank[c] = state_rank (s->state);
        }
      /* This task's output lines: a contiguous run in by_task. */
      for (size_t k = first_output[i]; k < first_output[i + 1]; k++)
        {
          const braid_trace_output *o = &outputs[by_task[k]];
          double a = axis == AXIS_STEPS ? (double) o->step
                                        : (double) o->time_ns;
          int c = column_of (a, per_col, cols);
          if (c >= cols)
            c = cols - 1;
          if (c >= 0)
            lines[c]++;
        }
      for (int c = 0; c < cols; c++)
        {
          row[c] = state_char (rank[c]);
          if (rank[c] == 3 && lines[c] > 0)
            row[c] = lines[c] > 9 ? '+' : (char) ('0' + lines[c]);
        }
      row[cols] = '\0';
      char name[NAME_COLS * 8];
      printf ("%s |%s|\n", task_column (t, name, sizeof name), row);
      free (rank);
    }
  printf ("('#' running, 1-9 lines printed in the step, '.' ready, "
          "'-' waiting)\n");
  free (first_output);
  free (by_task);
  free (row);
  free (lines);
}

/* ----- --stats --------------------------------------------------------- */

/* A growable array of durations. */
typedef struct durations
{
  int64_t *v;
  size_t n, cap;
} durations;

static int
durations_add (durations *d, int64_t ns)
{
  if (d->n == d->cap)
    {
      size_t cap = d->cap ? d->cap * 2 : 64;
      int64_t *v = realloc (d->v, cap * sizeof *v);
      if (v == NULL)
        return -1;
      d->v = v;
      d->cap = cap;
    }
  d->v[d->n++] = ns;
  return 0;
}

static int
compare_i64 (const void *a, const void *b)
{
  int64_t x = *(const int64_t *) a, y = *(const int64_t *) b;
  return (x > y) - (x < y);
}

/* The nearest-rank percentile @p (0 < p <= 100) of the @n sorted values
 * @v: the value at rank ceil(p/100 * n). */
static int64_t
percentile (const int64_t *v, size_t n, int p)
{
  size_t rank = (size_t) (((unsigned long long) n * (unsigned) p + 99) / 100);
  return v[rank > 0 ? rank - 1 : 0];
}

/* Sorts @d and prints one row: label, count, total, p50, p90, p99, max. */
static void
print_stats_row (const char *label, durations *d)
{
  qsort (d->v, d->n, sizeof *d->v, compare_i64);
  int64_t total = 0;
  for (size_t i = 0; i < d->n; i++)
    total += d->v[i];
  char t[32], p50[32], p90[32], p99[32], mx[32];
  printf ("%-20s %8zu %11s %10s %10s %10s %10s\n", label, d->n,
          braid__cli_duration (total, t, sizeof t),
          braid__cli_duration (percentile (d->v, d->n, 50), p50, sizeof p50),
          braid__cli_duration (percentile (d->v, d->n, 90), p90, sizeof p90),
          braid__cli_duration (percentile (d->v, d->n, 99), p99, sizeof p99),
          braid__cli_duration (d->v[d->n - 1], mx, sizeof mx));
}

/* Wait reasons the statistics keep apart; a larger number (a newer
 * recorder) is counted with the last one. */
#define STATS_REASONS 32

/* Prints the percentiles of step, ready and wait durations (per wait
 * reason) over the whole trace, then per task. Returns 0, or -1 when
 * memory ran out (with a message). */
static int
print_stats (const braid_trace *trace)
{
  size_t n_tasks, n_slices;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n_tasks);
  const braid_trace_slice *slices = braid_trace_get_slices (trace, &n_slices);
  durations running = { 0 }, ready = { 0 }, waits[STATS_REASONS] = { { 0 } };
  durations task_steps = { 0 };
  int rc = 0;
  for (size_t i = 0; i < n_slices && rc == 0; i++)
    {
      const braid_trace_slice *s = &slices[i];
      int64_t d = s->end_ns > s->start_ns ? s->end_ns - s->start_ns : 0;
      if (s->state == BRAID_STATE_RUNNING)
        rc = durations_add (&running, d);
      else if (s->state == BRAID_STATE_READY)
        rc = durations_add (&ready, d);
      else
        rc = durations_add (
          &waits[s->wait_reason < STATS_REASONS ? s->wait_reason
                                                : STATS_REASONS - 1],
          d);
    }
  if (rc == 0)
    {
      printf ("\nstatistics (durations; nearest-rank percentiles)\n");
      printf ("%-20s %8s %11s %10s %10s %10s %10s\n", "", "count", "total",
              "p50", "p90", "p99", "max");
      if (running.n)
        print_stats_row ("step (running)", &running);
      if (ready.n)
        print_stats_row ("ready", &ready);
      for (int r = 0; r < STATS_REASONS; r++)
        if (waits[r].n)
          {
            char label[64];
            snprintf (label, sizeof label, "wait: %s",
                      braid_trace_wait_reason_name ((uint32_t) r));
            print_stats_row (label, &waits[r]);
          }
      if (n_tasks)
        printf ("\n%-20s %5s %10s %10s %10s %10s %10s %10s\n", "task",
                "steps", "running", "ready", "waiting", "step p50",
                "step p99", "step max");
    }
  for (size_t t = 0; t < n_tasks && rc == 0; t++)
    {
      const braid_trace_task *task = &tasks[t];
      task_steps.n = 0;
      for (size_t k = task->first_slice;
           k < task->first_slice + task->n_slices && k < n_slices && rc == 0;
           k++)
        if (slices[k].state == BRAID_STATE_RUNNING)
          rc = durations_add (&task_steps,
                              slices[k].end_ns > slices[k].start_ns
                                ? slices[k].end_ns - slices[k].start_ns
                                : 0);
      if (rc != 0)
        break;
      qsort (task_steps.v, task_steps.n, sizeof *task_steps.v, compare_i64);
      char name[NAME_COLS * 8], r[32], rd[32], w[32], p50[32], p99[32],
        mx[32];
      bool any = task_steps.n > 0;
      printf ("%s %5u %10s %10s %10s %10s %10s %10s\n",
              task_column (task, name, sizeof name), task->n_steps,
              braid__cli_duration (task->running_ns, r, sizeof r),
              braid__cli_duration (task->ready_ns, rd, sizeof rd),
              braid__cli_duration (task->waiting_ns, w, sizeof w),
              any ? braid__cli_duration (
                      percentile (task_steps.v, task_steps.n, 50), p50,
                      sizeof p50)
                  : "-",
              any ? braid__cli_duration (
                      percentile (task_steps.v, task_steps.n, 99), p99,
                      sizeof p99)
                  : "-",
              any ? braid__cli_duration (task_steps.v[task_steps.n - 1], mx,
                                         sizeof mx)
                  : "-");
    }
  if (rc != 0)
    fprintf (stderr, "braid report: out of memory computing statistics\n");
  free (running.v);
  free (ready.v);
  free (task_steps.v);
  for (int r = 0; r < STATS_REASONS; r++)
    free (waits[r].v);
  return rc;
}

int
braid__cli_report (int argc, char **argv)
{
  int axis = AXIS_STEPS;
  int width = 100;
  bool stats = false;
  bool primitives = false;
  int c;
  while ((c = braid__cli_getopt (argc, argv, ":h", options)) != -1)
    switch (c)
      {
      case 'h':
        fputs (help, stdout);
        return 0;
      case OPT_AXIS:
        if (strcmp (optarg, "steps") == 0)
          axis = AXIS_STEPS;
        else if (strcmp (optarg, "time") == 0)
          axis = AXIS_TIME;
        else
          return braid__cli_usage_error ("report",
                                         "unknown axis '%s' (steps or time)",
                                         optarg);
        break;
      case OPT_WIDTH:
        {
          char *end = NULL;
          long w = strtol (optarg, &end, 10);
          if (end == optarg || *end != '\0' || w < 10 || w > 10000)
            return braid__cli_usage_error ("report",
                                           "--width needs a number from 10 "
                                           "to 10000");
          width = (int) w;
          break;
        }
      case OPT_STATS:
        stats = true;
        break;
      case OPT_PRIMITIVES:
        primitives = true;
        break;
      default:
        return CLI_EXIT_USAGE;
      }
  cli_run run;
  if (braid__cli_run_open (argc, argv, &run) != 0)
    return CLI_EXIT_USAGE;
  totals sum = { 0 };
  int rc = 0;
  for (size_t k = 0; k < run.n; k++)
    {
      if (run.n > 1)
        print_process_heading (&run, k);
      print_summary (run.traces[k], &sum);
      if (stats)
        rc |= print_stats (run.traces[k]) == 0 ? 0 : 1;
      if (primitives)
        rc |= braid__cli_print_primitives (run.traces[k]) == 0 ? 0 : 1;
      if (!stats && !primitives)
        {
          print_tasks (run.traces[k]);
          print_timeline (run.traces[k], axis, width);
        }
    }
  if (run.n > 1)
    print_totals (&run, &sum);
  braid__cli_run_close (&run);
  return rc;
}
