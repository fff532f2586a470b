/* cli-diff.c: `braid diff [options] A B`.
 *
 * Prints the comparison of two traces' schedules that the reader makes
 * (braid_trace_compare, reader-compare.c: tasks matched by name and
 * order of creation, each step of each loop iteration that ran compared
 * tasks paired with the other trace's, how it began and how it ended):
 * the first step where the two differ and a per-task summary. Exits 0
 * when the schedules are the same, 1 when they differ, 2 on bad input.
 * Times are not compared unless --time asks for it (a virtual-clock
 * trace has reproducible times; a monotonic one never has).
 *
 * Nothing here is hot: a trace is read once, each step described once.
 */
#include "cli.h"
#include "safe-text.h"

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid-hooks.h> /* braid_wait_reason */
#include <braid/braid.h>       /* the error codes */

static const char help[]
    = "usage: braid diff [options] A B\n"
      "\n"
      "Compares the schedules of the traces A and B: the tasks each loop\n"
      "iteration ran, step by step, how each step began (created, after a\n"
      "yield, woken by whom from which wait) and how it ended (the wait it\n"
      "suspended on, or the task's outcome). Prints the first step where they\n"
      "differ and the tasks that differ.\n"
      "\n"
      "Tasks are matched by name and order of creation (the 2nd 'worker' of A\n"
      "is the 2nd 'worker' of B); unnamed tasks (Task-N) by their order among\n"
      "the unnamed tasks. Iterations that ran no compared task are skipped.\n"
      "\n"
      "  -t, --task NAME     compare only the tasks named NAME (or NAME#K,\n"
      "                      the K-th of that name); may be repeated\n"
      "      --time          also compare when each step began (for traces\n"
      "                      recorded with BRAID_CLOCK=virtual)\n"
      "      --tolerance DUR with --time: times within DUR are equal (a\n"
      "                      number with ns, us, ms or s; default 0)\n"
      "      --ignore-time   compare the order only (the default)\n"
      "  -q, --quiet         print nothing, only set the exit status\n"
      "  -h, --help          this help\n"
      "\n"
      "Exit status: 0 if the schedules are the same, 1 if they differ, 2 if\n"
      "a trace cannot be read or the command line is wrong.\n";

enum
{
  OPT_TIME = CLI_LONG_ONLY,
  OPT_IGNORE_TIME,
  OPT_TOLERANCE,
};

static const struct option options[] = {
  { "task", required_argument, NULL, 't' },
  { "time", no_argument, NULL, OPT_TIME },
  { "ignore-time", no_argument, NULL, OPT_IGNORE_TIME },
  { "tolerance", required_argument, NULL, OPT_TOLERANCE },
  { "quiet", no_argument, NULL, 'q' },
  { "help", no_argument, NULL, 'h' },
  { NULL, 0, NULL, 0 },
};

/* What the diff keeps of one trace: the comparison holds the rest. */
typedef struct side
{
  const char *path;
  braid_trace *trace;
  int index; /* 0 for A, 1 for B, in the comparison */
  const braid_trace_comparison *cmp;
  const braid_trace_task *tasks;
  size_t n_tasks;
  const braid_trace_iteration *iterations;
  size_t n_iterations;
  /* Per task, its label escaped for the terminal. */
  char **label;
} side;

typedef braid_trace_compared_step step;

/* -------------------------------------------------------------------- */
/* Describing steps */

static const char *
task_label (const side *s, int32_t task)
{
  if (task < 0 || (size_t)task >= s->n_tasks)
    return "the loop";
  return s->label[task];
}

/* Whether @ta of @a and @tb of @b stand for the same task. */
static bool
same_task (const side *a, int32_t ta, const side *b, int32_t tb)
{
  return a->index == 0 ? braid_trace_comparison_same_task (a->cmp, ta, tb)
                       : braid_trace_comparison_same_task (a->cmp, tb, ta);
}

/* One line's worth of what step @st of @s did, into @buf. */
static const char *
describe_step (const side *s, const step *st, char *buf, size_t size)
{
  char began[160], ended[96];
  switch (st->began)
    {
    case BRAID_STEP_BEGAN_CREATED:
      if (st->by >= 0)
        snprintf (began, sizeof began, "first step (created by %s)",
                  task_label (s, st->by));
      else
        snprintf (began, sizeof began,
                  "first step (created outside any "
                  "task)");
      break;
    case BRAID_STEP_BEGAN_YIELD:
      snprintf (began, sizeof began, "resumed after a yield");
      break;
    case BRAID_STEP_BEGAN_WOKEN:
      snprintf (began, sizeof began, "woken by %s from %s",
                task_label (s, st->by),
                braid_trace_wait_reason_name (st->began_reason));
      break;
    default:
      snprintf (began, sizeof began, "resumed");
      break;
    }
  switch (st->ended)
    {
    case BRAID_STEP_ENDED_WAIT:
      if (st->ended_reason == BRAID_WAIT_YIELD)
        snprintf (ended, sizeof ended, "then yielded");
      else
        snprintf (ended, sizeof ended, "then waited on %s",
                  braid_trace_wait_reason_name (st->ended_reason));
      break;
    case BRAID_STEP_ENDED_OUTCOME:
      snprintf (
          ended, sizeof ended, "then %s",
          braid_trace_outcome_name ((braid_trace_outcome)st->ended_reason));
      break;
    default:
      snprintf (ended, sizeof ended, "still running when the trace ended");
      break;
    }
  snprintf (buf, size, "%s: %s, %s", task_label (s, (int32_t)st->task), began,
            ended);
  return buf;
}

/* Where step @st of @s ran, "loop L, iteration N, step S" (from 1 for
 * loops, as the runtime numbers iterations). */
static const char *
step_place (const side *s, const step *st, char *buf, size_t size)
{
  int64_t i = braid_trace_step_iteration (s->trace, st->step);
  if (i >= 0)
    {
      const braid_trace_iteration *it = &s->iterations[i];
      snprintf (buf, size, "loop %u, iteration %u, step %llu", it->loop + 1,
                it->number, (unsigned long long)st->step);
    }
  else
    snprintf (buf, size, "before any iteration, step %llu",
              (unsigned long long)st->step);
  return buf;
}

static void
print_step_line (const char *tag, const side *s, const step *st, bool show_time)
{
  char place[96], what[512];
  if (st == NULL)
    {
      printf ("  %s  (no step)\n", tag);
      return;
    }
  step_place (s, st, place, sizeof place);
  describe_step (s, st, what, sizeof what);
  printf ("  %s  %s: %s", tag, place, what);
  if (show_time)
    {
      char t[32];
      printf (" (t = %s)", braid__cli_duration (st->start_ns, t, sizeof t));
    }
  putchar ('\n');
}

static const char *
ordinal_suffix (size_t n)
{
  if (n % 100 >= 11 && n % 100 <= 13)
    return "th";
  return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

/* Prints, unless @quiet, the first pair of steps of @c that differ.
 * Returns whether there is one; *rounds gets the iteration it is in, or
 * the number of iterations compared. */
static bool
first_divergence (const side *a, const side *b, bool time, bool quiet,
                  size_t *rounds)
{
  size_t n, na, nb;
  const braid_trace_step_pair *pairs
      = braid_trace_comparison_pairs (a->cmp, &n);
  const step *sa = braid_trace_comparison_steps (a->cmp, 0, &na);
  const step *sb = braid_trace_comparison_steps (a->cmp, 1, &nb);
  for (size_t i = 0; i < n; i++)
    {
      const braid_trace_step_pair *p = &pairs[i];
      if (p->difference == NULL)
        continue;
      if (!quiet)
        {
          printf ("First divergence, at step %zu of the %zu%s "
                  "iteration that ran compared tasks: %s.\n",
                  p->position, p->round, ordinal_suffix (p->round),
                  p->difference);
          print_step_line ("A", a, p->a >= 0 ? &sa[p->a] : NULL, time);
          print_step_line ("B", b, p->b >= 0 ? &sb[p->b] : NULL, time);
        }
      *rounds = p->round;
      return true;
    }
  *rounds = braid_trace_comparison_rounds (a->cmp);
  return false;
}

/* -------------------------------------------------------------------- */
/* Per-task summary */

/* Appends to @buf (of @size, holding @len bytes) and returns the new
 * length, never past the end. */
static size_t append (char *buf, size_t size, size_t len, const char *fmt, ...)
    __attribute__ ((format (printf, 4, 5)));

static size_t
append (char *buf, size_t size, size_t len, const char *fmt, ...)
{
  if (len >= size)
    return len;
  va_list ap;
  va_start (ap, fmt);
  int n = vsnprintf (buf + len, size - len, fmt, ap);
  va_end (ap);
  if (n < 0)
    return len;
  return len + (size_t)n < size ? len + (size_t)n : size - 1;
}

static bool
ends_in_wait (const step *s)
{
  return s->ended == BRAID_STEP_ENDED_WAIT;
}

static bool
was_woken (const step *s)
{
  return s->began == BRAID_STEP_BEGAN_WOKEN;
}

static size_t
count_steps (const step *s, size_t n, bool (*is) (const step *))
{
  size_t count = 0;
  for (size_t k = 0; k < n; k++)
    count += is (&s[k]);
  return count;
}

/* Moves *kx and *ky on to the next steps of @sx (@nx steps) and @sy (@ny)
 * for which @is holds. Returns false when either list has no more. */
static bool
next_pair (const step *sx, size_t nx, size_t *kx, const step *sy, size_t ny,
           size_t *ky, bool (*is) (const step *))
{
  while (*kx < nx && !is (&sx[*kx]))
    (*kx)++;
  while (*ky < ny && !is (&sy[*ky]))
    (*ky)++;
  return *kx < nx && *ky < ny;
}

/* What differs between task @ta of @a and its partner @tb of @b, into
 * @buf (empty when nothing does): the outcome, the number of steps, the
 * first wait that differs (or the number of waits, when one task's are
 * the first of the other's), the first wake-up by another task. */
static void
task_difference (const side *a, size_t ta, const side *b, size_t tb, char *buf,
                 size_t size)
{
  size_t len = 0;
  buf[0] = '\0';
  const braid_trace_task *x = &a->tasks[ta], *y = &b->tasks[tb];
  if (x->outcome != y->outcome)
    len = append (buf, size, len, "%soutcome %s / %s", len ? "; " : "",
                  braid_trace_outcome_name (x->outcome),
                  braid_trace_outcome_name (y->outcome));
  size_t nx, ny;
  const step *sx
      = braid_trace_comparison_task_steps (a->cmp, 0, (int32_t)ta, &nx);
  const step *sy
      = braid_trace_comparison_task_steps (a->cmp, 1, (int32_t)tb, &ny);
  if (nx != ny)
    len = append (buf, size, len, "%s%zu / %zu steps", len ? "; " : "", nx, ny);
  size_t kx = 0, ky = 0, nth = 0;
  bool differ = false;
  while (!differ && next_pair (sx, nx, &kx, sy, ny, &ky, ends_in_wait))
    {
      nth++;
      differ = sx[kx].ended_reason != sy[ky].ended_reason;
      if (differ)
        len = append (buf, size, len, "%swait %zu: %s / %s", len ? "; " : "",
                      nth, braid_trace_wait_reason_name (sx[kx].ended_reason),
                      braid_trace_wait_reason_name (sy[ky].ended_reason));
      kx++, ky++;
    }
  size_t wx = count_steps (sx, nx, ends_in_wait);
  size_t wy = count_steps (sy, ny, ends_in_wait);
  if (!differ && wx != wy)
    len = append (buf, size, len, "%s%zu / %zu waits", len ? "; " : "", wx, wy);
  kx = ky = nth = 0;
  differ = false;
  while (!differ && next_pair (sx, nx, &kx, sy, ny, &ky, was_woken))
    {
      nth++;
      differ = !same_task (a, sx[kx].by, b, sy[ky].by);
      if (differ)
        len = append (buf, size, len, "%swake-up %zu: by %s / by %s",
                      len ? "; " : "", nth, task_label (a, sx[kx].by),
                      task_label (b, sy[ky].by));
      kx++, ky++;
    }
}

/* Prints, unless @quiet, the tasks only in one trace and the matched
 * tasks that differ, one line each. Returns how many tasks differ. */
static size_t
task_summary (const side *a, const side *b, bool quiet)
{
  size_t differ = 0;
  const side *sides[2] = { a, b };
  for (int s = 0; s < 2; s++)
    {
      const side *x = sides[s];
      size_t count = 0;
      for (size_t i = 0; i < x->n_tasks; i++)
        if (braid_trace_comparison_is_compared (x->cmp, s, (int32_t)i)
            && braid_trace_comparison_partner (x->cmp, s, (int32_t)i) < 0)
          {
            if (!quiet)
              printf ("%s%s",
                      count    ? ", "
                      : s == 0 ? "  only in A: "
                               : "  only in B: ",
                      x->label[i]);
            count++;
          }
      if (count && !quiet)
        putchar ('\n');
      differ += count;
    }
  for (size_t i = 0; i < a->n_tasks; i++)
    {
      int32_t j = braid_trace_comparison_partner (a->cmp, 0, (int32_t)i);
      if (j < 0
          || !(braid_trace_comparison_is_compared (a->cmp, 0, (int32_t)i)
               || braid_trace_comparison_is_compared (a->cmp, 1, j)))
        continue;
      char what[512];
      task_difference (a, i, b, (size_t)j, what, sizeof what);
      if (what[0] == '\0')
        continue;
      differ++;
      if (quiet)
        continue;
      if (strcmp (a->label[i], b->label[j]) == 0)
        printf ("  %s differs: %s (A / B)\n", a->label[i], what);
      else
        printf ("  %s (in B: %s) differs: %s (A / B)\n", a->label[i],
                b->label[j], what);
    }
  return differ;
}

typedef struct diff_options
{
  bool time;
  int64_t tolerance_ns;
} diff_options;

/* -------------------------------------------------------------------- */
/* The command */

static void
side_free (side *s)
{
  if (s->label != NULL)
    for (size_t i = 0; i < s->n_tasks; i++)
      free (s->label[i]);
  free (s->label);
  braid_trace_close (s->trace);
}

/* Opens @s->path. Returns 0, or CLI_EXIT_USAGE after printing why. */
static int
side_open (side *s)
{
  /* Compact slices hold what a step needs (state, reason, step, start),
   * and are what lets two large traces fit in memory at once. */
  braid_trace_load_options load = { .compact = true };
  s->trace = braid__cli_open_with (s->path, &load);
  if (s->trace == NULL)
    return CLI_EXIT_USAGE;
  s->tasks = braid_trace_get_tasks (s->trace, &s->n_tasks);
  s->iterations = braid_trace_get_iterations (s->trace, &s->n_iterations);
  return 0;
}

/* Keeps @c in @s and escapes its task labels for the terminal. Returns 0
 * or -1 when out of memory. */
static int
side_label (side *s, const braid_trace_comparison *c, int index)
{
  s->cmp = c;
  s->index = index;
  s->label = calloc (s->n_tasks ? s->n_tasks : 1, sizeof *s->label);
  if (s->label == NULL)
    return -1;
  for (size_t i = 0; i < s->n_tasks; i++)
    if ((s->label[i] = braid__text_terminal_dup (
             braid_trace_comparison_label (c, index, (int32_t)i)))
        == NULL)
      return -1;
  return 0;
}

/* Parses a duration such as "500us" or "1.5 s" into *ns. A bare number
 * is nanoseconds. Returns 0, or -1 when @text is not a duration. */
static int
parse_duration (const char *text, int64_t *ns)
{
  static const struct
  {
    const char *unit;
    double scale;
  } units[]
      = { { "ns", 1 }, { "us", 1e3 }, { "ms", 1e6 }, { "s", 1e9 }, { "", 1 } };
  char *end;
  errno = 0;
  double v = strtod (text, &end);
  if (end == text || errno != 0 || !(v >= 0))
    return -1;
  while (*end == ' ')
    end++;
  for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
    if (strcmp (end, units[i].unit) == 0)
      {
        double d = v * units[i].scale;
        if (d > 9.2e18)
          return -1;
        *ns = (int64_t)d;
        return 0;
      }
  return -1;
}

/* The one line of a refused command line. */
static int usage_error (const char *fmt, ...)
    __attribute__ ((format (printf, 1, 2)));

static int
usage_error (const char *fmt, ...)
{
  va_list ap;
  va_start (ap, fmt);
  fputs ("braid: diff: ", stderr);
  vfprintf (stderr, fmt, ap);
  va_end (ap);
  fputs (" (see 'braid diff --help')\n", stderr);
  return CLI_EXIT_USAGE;
}

static void
print_header (const char *tag, const side *s)
{
  const braid_trace_meta *m = braid_trace_get_meta (s->trace);
  size_t compared = 0, n_steps;
  for (size_t i = 0; i < s->n_tasks; i++)
    compared += braid_trace_comparison_is_compared (s->cmp, s->index,
                                                    (int32_t)i);
  braid_trace_comparison_steps (s->cmp, s->index, &n_steps);
  printf ("%s  ", tag);
  braid__text_fputs_terminal (s->path, stdout);
  fputs (": ", stdout);
  braid__text_fputs_terminal (m->program, stdout);
  if (m->arguments[0] != '\0')
    {
      putchar (' ');
      braid__text_fputs_terminal (m->arguments, stdout);
    }
  printf (", %zu compared step%s, %zu compared task%s%s\n", n_steps,
          n_steps == 1 ? "" : "s", compared, compared == 1 ? "" : "s",
          m->complete ? "" : " (incomplete trace)");
}

int
braid__cli_diff (int argc, char **argv)
{
  diff_options opt = { 0 };
  bool quiet = false;
  char **names = NULL;
  size_t n_names = 0;
  int rc = CLI_EXIT_USAGE;
  side a = { 0 }, b = { 0 };
  braid_trace_comparison *cmp = NULL;

  names = malloc ((size_t)(argc > 0 ? argc : 1) * sizeof *names);
  if (names == NULL)
    return CLI_EXIT_USAGE;
  /* Options may come before, between or after the two files. */
  optind = 0;
  opterr = 0;
  int c;
  while ((c = getopt_long (argc, argv, ":hqt:", options, NULL)) != -1)
    switch (c)
      {
      case 'h':
        fputs (help, stdout);
        free (names);
        return 0;
      case 'q':
        quiet = true;
        break;
      case 't':
        names[n_names++] = optarg;
        break;
      case OPT_TIME:
        opt.time = true;
        break;
      case OPT_IGNORE_TIME:
        opt.time = false;
        break;
      case OPT_TOLERANCE:
        if (parse_duration (optarg, &opt.tolerance_ns) != 0)
          {
            free (names);
            return usage_error ("--tolerance: '%s' is not a duration "
                                "(such as 500us or 1.5s)",
                                optarg);
          }
        opt.time = true;
        break;
      default:
        {
          char problem[256];
          braid__cli_option_problem (c, argv, options, problem, sizeof problem);
          free (names);
          return usage_error ("%s", problem);
        }
      }
  if (argc - optind != 2)
    {
      free (names);
      return usage_error ("%s", argc - optind < 2 ? "two trace files are "
                                                    "needed, A and B"
                                                  : "only two trace files, "
                                                    "A and B");
    }
  a.path = argv[optind];
  b.path = argv[optind + 1];
  if (side_open (&a) != 0 || side_open (&b) != 0)
    goto out;
  braid_trace_compare_options copt = {
    .tasks = (const char *const *)names,
    .n_tasks = n_names,
    .time = opt.time,
    .tolerance_ns = opt.tolerance_ns,
  };
  size_t unknown = 0;
  int crc = braid_trace_compare (a.trace, b.trace, &copt, &cmp, &unknown);
  if (crc == BRAID_EINVAL)
    {
      /* A --task that names nothing is a typo, not an empty comparison. */
      char *name = braid__text_terminal_dup (names[unknown]);
      char *pa = braid__text_terminal_dup (a.path);
      char *pb = braid__text_terminal_dup (b.path);
      usage_error ("no task named '%s' in %s or %s", name ? name : "?",
                   pa ? pa : "A", pb ? pb : "B");
      free (name);
      free (pa);
      free (pb);
      goto out;
    }
  if (crc != 0 || side_label (&a, cmp, 0) != 0 || side_label (&b, cmp, 1) != 0)
    {
      fprintf (stderr, "braid: diff: out of memory\n");
      goto out;
    }

  if (!quiet)
    {
      print_header ("A", &a);
      print_header ("B", &b);
    }
  size_t rounds = 0;
  bool diverged = first_divergence (&a, &b, opt.time, quiet, &rounds);
  size_t differ = task_summary (&a, &b, true);
  if (!quiet)
    {
      if (!diverged && differ == 0)
        printf ("The schedules are the same: %zu iteration%s ran compared "
                "tasks, step by step alike%s.\n",
                rounds, rounds == 1 ? "" : "s",
                !opt.time               ? ""
                : opt.tolerance_ns == 0 ? ", at the same times"
                                        : ", at the same times within the "
                                          "tolerance");
      else if (!diverged)
        printf ("The steps are alike, but the tasks differ.\n");
      if (differ > 0)
        {
          printf ("Tasks that differ (%zu):\n", differ);
          task_summary (&a, &b, false);
        }
    }
  rc = diverged || differ > 0 ? 1 : 0;

out:
  braid_trace_comparison_free (cmp);
  side_free (&a);
  side_free (&b);
  free (names);
  return rc;
}
