/* cli-diff.c: `braid diff [options] A B`.
 *
 * Compares the schedules of two traces: which task ran each step of each
 * loop iteration, how the step began (created by whom, after a yield,
 * woken by whom from which wait) and how it ended (the wait it suspended
 * on, or the task's outcome). It prints the first step where the two
 * differ and a per-task summary, and exits 0 when the schedules are the
 * same, 1 when they differ, 2 on bad input.
 *
 * The two traces may come from two runs of one program, from two versions
 * of it, or from a C program and its asyncio twin, so nothing here
 * compares ids, object ids or file names. Tasks are matched by name and
 * order of creation: the k-th task named "worker" in A is the k-th task
 * named "worker" in B. A task without a name of its own is "Task-N" in
 * both runtimes (braid counts them across the process as asyncio does),
 * but N counts every unnamed task, so one extra unnamed task shifts every
 * later N: unnamed tasks are therefore matched by their order among the
 * unnamed tasks. Tasks that only a runtime's own machinery creates
 * (asyncio.run's loop.shutdown_asyncgens and shutdown_default_executor)
 * are left out of the comparison, by their function's name.
 *
 * The schedule is compared iteration by iteration, counting only the
 * iterations that ran a step of a compared task: an iteration that ran
 * only callbacks (a done callback's hop, a timer) changes no task's order
 * and the two runtimes need not have the same number of them. Times are
 * not compared unless --time asks for it (a virtual-clock trace has
 * reproducible times; a monotonic one never has).
 *
 * Nothing here is hot: a trace is read once, each step described once.
 */
#include "cli.h"
#include "safe-text.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid-hooks.h> /* braid_wait_reason */

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

/* The functions whose tasks only a runtime's machinery creates: asyncio.run
 * finishes with loop.shutdown_asyncgens() and
 * loop.shutdown_default_executor(), each a task of its own. Compared with
 * the last dotted part of the recorded function name. */
static const char *const internal_functions[] = {
  "shutdown_asyncgens",
  "shutdown_default_executor",
};

/* How a step began. */
typedef enum
{
  BEGAN_CREATED, /* the task's first step; `by` is its creator */
  BEGAN_YIELD,   /* after its own sleep(0) */
  BEGAN_WOKEN,   /* woken from began_reason by `by` (-1: the loop) */
  BEGAN_UNKNOWN, /* the trace does not say (a window, a cut trace) */
} began_kind;

/* How a step ended. */
typedef enum
{
  ENDED_WAIT,    /* suspended on ended_reason (BRAID_WAIT_YIELD: sleep(0)) */
  ENDED_OUTCOME, /* the task ended: ended_reason is its outcome */
  ENDED_RUNNING, /* still running when the trace ended */
} ended_kind;

/* One step of a compared task: 32 bytes, as a trace may hold tens of
 * millions. */
typedef struct step
{
  uint64_t step; /* the trace's step number */
  int64_t start_ns;
  uint32_t task;
  int32_t by;            /* creator or waker task index; -1: the loop */
  uint16_t began_reason; /* braid_wait_reason woken from */
  uint16_t ended_reason; /* braid_wait_reason, or braid_trace_outcome */
  uint8_t began;         /* began_kind */
  uint8_t ended;         /* ended_kind */
} step;

/* What the diff reads of a slice, from the full or the compact model. */
typedef struct slice_view
{
  braid_trace_state state;
  uint32_t wait_reason;
  uint64_t start_step;
  int64_t start_ns;
} slice_view;

/* What the diff keeps of one trace. */
typedef struct side
{
  const char *path;
  braid_trace *trace;
  const braid_trace_task *tasks;
  size_t n_tasks;
  const braid_trace_iteration *iterations;
  size_t n_iterations;
  /* The slices: compact when the reader could keep them so (a third of
   * the memory), else full. */
  const braid_trace_compact_slice *cslices;
  const braid_trace_slice *slices;
  /* Per task: its matching key (a name, or "" for an unnamed task, and
   * the task's rank among the tasks of that key, from 1), the name to
   * print, whether it is left out as the runtime's, whether it is
   * compared, and its partner in the other trace (-1: none). */
  const char **key;
  uint32_t *rank;
  bool *rank_shown; /* the label says the rank (name#K) */
  char **label;
  bool *internal;
  bool *compared;
  int32_t *match;
  /* The steps of the compared tasks: grouped by task, in step order
   * within a task (first_step/n_steps per task), and `order`, every
   * step's index in step order. */
  step *steps;
  size_t n_steps;
  size_t *first_step, *n_task_steps;
  size_t *order;
} side;

/* -------------------------------------------------------------------- */
/* Names and matching */

/* Whether @name is a runtime's default name, "Task-" and digits. */
static bool
is_default_name (const char *name)
{
  if (strncmp (name, "Task-", 5) != 0 || name[5] == '\0')
    return false;
  for (const char *p = name + 5; *p; p++)
    if (!isdigit ((unsigned char)*p))
      return false;
  return true;
}

static bool
is_internal_function (const char *function)
{
  const char *dot = strrchr (function, '.');
  const char *last = dot ? dot + 1 : function;
  for (size_t i = 0;
       i < sizeof internal_functions / sizeof internal_functions[0]; i++)
    if (strcmp (last, internal_functions[i]) == 0)
      return true;
  return false;
}

/* The side being sorted by qsort's comparison (qsort has no context). */
static const side *sort_side;

static int
compare_keys (const side *s, size_t a, const char *key_b, uint32_t rank_b)
{
  int c = strcmp (s->key[a], key_b);
  if (c != 0)
    return c;
  return s->rank[a] < rank_b ? -1 : s->rank[a] > rank_b;
}

/* Orders task indexes by key and rank, then by index: qsort is not
 * stable, and name_tasks needs the tasks of one key in creation order. */
static int
by_key (const void *pa, const void *pb)
{
  size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
  int c = compare_keys (sort_side, a, sort_side->key[b], sort_side->rank[b]);
  return c != 0 ? c : a < b ? -1 : a > b;
}

/* Gives every task of @s its key, rank and label. Ranks follow the order
 * of the task array, which is the order the tasks were created in. The
 * label is the name, with "#K" when several tasks share it. Returns 0 or
 * -1 when out of memory. */
static int
name_tasks (side *s)
{
  size_t n = s->n_tasks;
  size_t *idx = malloc ((n ? n : 1) * sizeof *idx);
  if (idx == NULL)
    return -1;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    {
      s->internal[i] = is_internal_function (s->tasks[i].function);
      s->key[i] = is_default_name (s->tasks[i].name) ? "" : s->tasks[i].name;
      s->rank[i] = 0;
      if (!s->internal[i])
        idx[m++] = i;
    }
  /* Equal keys become neighbours in creation order (the order of the
   * task array: by_key breaks ties by index while every rank is 0). */
  sort_side = s;
  qsort (idx, m, sizeof *idx, by_key);
  for (size_t j = 0; j < m; j++)
    {
      size_t i = idx[j];
      bool same = j > 0 && strcmp (s->key[idx[j - 1]], s->key[i]) == 0;
      s->rank[i] = same ? s->rank[idx[j - 1]] + 1 : 1;
    }
  /* A name that several tasks share gets its rank; the runtime's tasks
   * and the unnamed ones keep their own name. Names are the program's
   * bytes: escaped for the terminal. */
  for (size_t j = 0; j < m; j++)
    {
      size_t i = idx[j];
      if (s->key[i][0] != '\0'
          && ((j > 0 && strcmp (s->key[idx[j - 1]], s->key[i]) == 0)
              || (j + 1 < m && strcmp (s->key[idx[j + 1]], s->key[i]) == 0)))
        s->rank_shown[i] = true;
    }
  free (idx);
  for (size_t i = 0; i < n; i++)
    {
      char *name = braid__text_terminal_dup (s->tasks[i].name);
      if (name == NULL)
        return -1;
      if (!s->rank_shown[i])
        {
          s->label[i] = name;
          continue;
        }
      size_t len = strlen (name) + 16;
      s->label[i] = malloc (len);
      if (s->label[i] != NULL)
        snprintf (s->label[i], len, "%s#%u", name, s->rank[i]);
      free (name);
      if (s->label[i] == NULL)
        return -1;
    }
  return 0;
}

/* Pairs the tasks of @a and @b that have the same key and rank. */
static int
match_tasks (side *a, side *b)
{
  size_t n = b->n_tasks;
  size_t *idx = malloc ((n ? n : 1) * sizeof *idx);
  if (idx == NULL)
    return -1;
  size_t m = 0;
  for (size_t i = 0; i < n; i++)
    if (!b->internal[i])
      idx[m++] = i;
  sort_side = b;
  qsort (idx, m, sizeof *idx, by_key);
  for (size_t i = 0; i < a->n_tasks; i++)
    {
      if (a->internal[i])
        continue;
      size_t lo = 0, hi = m;
      while (lo < hi)
        {
          size_t mid = lo + (hi - lo) / 2;
          int c = compare_keys (b, idx[mid], a->key[i], a->rank[i]);
          if (c == 0)
            {
              a->match[i] = (int32_t)idx[mid];
              b->match[idx[mid]] = (int32_t)i;
              break;
            }
          if (c < 0)
            lo = mid + 1;
          else
            hi = mid;
        }
    }
  free (idx);
  return 0;
}

/* Whether task @i of @s is named by one of the @n --task names: its name,
 * or its name and rank as NAME#K (K from 1, even when the name is the
 * only one of its kind). */
static bool
task_selected (const side *s, size_t i, char **names, size_t n)
{
  char ranked[512];
  snprintf (ranked, sizeof ranked, "%s#%u", s->tasks[i].name, s->rank[i]);
  for (size_t k = 0; k < n; k++)
    if (strcmp (s->tasks[i].name, names[k]) == 0
        || (s->key[i][0] != '\0' && strcmp (ranked, names[k]) == 0))
      return true;
  return false;
}

/* -------------------------------------------------------------------- */
/* Steps */

static int
by_step (const void *pa, const void *pb)
{
  const step *a = &sort_side->steps[*(const size_t *)pa];
  const step *b = &sort_side->steps[*(const size_t *)pb];
  return a->step < b->step ? -1 : a->step > b->step;
}

static slice_view
slice_at (const side *s, size_t i)
{
  if (s->cslices != NULL)
    {
      const braid_trace_compact_slice *c = &s->cslices[i];
      return (slice_view){ (braid_trace_state)c->state, c->wait_reason,
                           c->start_step, c->start_ns };
    }
  const braid_trace_slice *f = &s->slices[i];
  return (slice_view){ f->state, f->wait_reason, f->start_step, f->start_ns };
}

/* A wait reason or outcome as a step keeps it: a file's may be anything,
 * and one beyond 16 bits reads as unknown rather than as another. */
static uint16_t
small_reason (uint32_t reason)
{
  return reason > UINT16_MAX ? UINT16_MAX : (uint16_t)reason;
}

static bool
is_wake_edge (const braid_trace_edge *e)
{
  return (e->kind == BRAID_EDGE_WAKE || e->kind == BRAID_EDGE_GATHER)
         && e->to >= 0;
}

/* Fills @st (its step, time and task set) with how the step of task @i
 * whose running slice is @k began and ended. @waker is the task that
 * last woke the task before this step (-2: none). */
static void
describe_slices (const side *s, size_t i, size_t k, int32_t waker, step *st)
{
  const braid_trace_task *task = &s->tasks[i];
  st->began = BEGAN_UNKNOWN;
  st->by = -1;
  if (k > 0)
    {
      slice_view prev = slice_at (s, task->first_slice + k - 1);
      if (prev.state == BRAID_STATE_READY
          && prev.wait_reason == BRAID_WAIT_YIELD)
        st->began = BEGAN_YIELD;
      else if (k == 1 && prev.state == BRAID_STATE_READY
               && prev.wait_reason == BRAID_WAIT_NONE)
        {
          st->began = BEGAN_CREATED;
          st->by = task->parent;
        }
      else if (prev.state == BRAID_STATE_READY)
        {
          st->began = BEGAN_WOKEN;
          st->began_reason = small_reason (prev.wait_reason);
          if (waker != -2)
            st->by = waker;
        }
    }
  if (k + 1 < task->n_slices)
    {
      st->ended = ENDED_WAIT;
      st->ended_reason
          = small_reason (slice_at (s, task->first_slice + k + 1).wait_reason);
    }
  else if (task->ended_ns >= 0)
    {
      st->ended = ENDED_OUTCOME;
      st->ended_reason = small_reason (task->outcome);
    }
  else
    st->ended = ENDED_RUNNING;
}

/* Collects the steps of the compared tasks of @s with how each began and
 * ended. The waker of a step comes from the wake edges into its task:
 * edges appear in event order, each wake-up's edges (several for a
 * gather's fan-in, the last child to finish last) happen before the step
 * that follows it and after the task's previous step, so the waker of a
 * step is the last edge into the task at or before that step. Returns 0
 * or -1 when out of memory. */
static int
collect_steps (side *s)
{
  size_t n_edges;
  const braid_trace_edge *edges = braid_trace_get_edges (s->trace, &n_edges);
  /* The running slices are the steps (one per resumption); counted
   * rather than taken from n_steps, so that the array fits them
   * whatever the file says. */
  size_t total = 0;
  for (size_t i = 0; i < s->n_tasks; i++)
    if (s->compared[i])
      for (size_t k = 0; k < s->tasks[i].n_slices; k++)
        total += slice_at (s, s->tasks[i].first_slice + k).state
                 == BRAID_STATE_RUNNING;
  /* Wake edges grouped by the task they wake, in their order. */
  size_t *wake_first = calloc (s->n_tasks + 1, sizeof *wake_first);
  size_t *wake = malloc ((n_edges ? n_edges : 1) * sizeof *wake);
  size_t *cursor = malloc ((s->n_tasks ? s->n_tasks : 1) * sizeof *cursor);
  s->steps = malloc ((total ? total : 1) * sizeof *s->steps);
  s->order = malloc ((total ? total : 1) * sizeof *s->order);
  if (wake_first == NULL || wake == NULL || cursor == NULL || s->steps == NULL
      || s->order == NULL)
    {
      free (wake_first);
      free (wake);
      free (cursor);
      return -1;
    }
  for (size_t e = 0; e < n_edges; e++)
    if (is_wake_edge (&edges[e]))
      wake_first[edges[e].to + 1]++;
  for (size_t i = 0; i < s->n_tasks; i++)
    wake_first[i + 1] += wake_first[i];
  memcpy (cursor, wake_first, s->n_tasks * sizeof *cursor);
  for (size_t e = 0; e < n_edges; e++)
    if (is_wake_edge (&edges[e]))
      wake[cursor[edges[e].to]++] = e;
  free (cursor);

  size_t n = 0;
  for (size_t i = 0; i < s->n_tasks; i++)
    {
      s->first_step[i] = n;
      s->n_task_steps[i] = 0;
      if (!s->compared[i])
        continue;
      const braid_trace_task *task = &s->tasks[i];
      size_t w = wake_first[i], w_end = wake_first[i + 1];
      for (size_t k = 0; k < task->n_slices; k++)
        {
          slice_view sl = slice_at (s, task->first_slice + k);
          if (sl.state != BRAID_STATE_RUNNING)
            continue;
          step *st = &s->steps[n];
          *st = (step){ .step = sl.start_step,
                        .start_ns = sl.start_ns,
                        .task = (uint32_t)i };
          /* The wake-ups that came before this step: the last one woke
           * it. */
          int32_t waker = -2;
          while (w < w_end && edges[wake[w]].step <= st->step)
            waker = edges[wake[w++]].from;
          describe_slices (s, i, k, waker, st);
          s->n_task_steps[i]++;
          n++;
        }
    }
  s->n_steps = n;
  for (size_t j = 0; j < n; j++)
    s->order[j] = j;
  sort_side = s;
  qsort (s->order, n, sizeof *s->order, by_step);
  free (wake_first);
  free (wake);
  return 0;
}

/* -------------------------------------------------------------------- */
/* Describing and comparing steps */

static const char *
task_label (const side *s, int32_t task)
{
  if (task < 0 || (size_t)task >= s->n_tasks)
    return "the loop";
  return s->label[task];
}

/* Whether @ta of @a and @tb of @b stand for the same task: both the loop,
 * or a matched pair. */
static bool
same_task (const side *a, int32_t ta, const side *b, int32_t tb)
{
  if (ta < 0 || tb < 0)
    return ta < 0 && tb < 0;
  if (a->match[ta] >= 0)
    return a->match[ta] == tb;
  /* Neither compared nor matched (a task of the runtime): the same key
   * is the same task. */
  return compare_keys (a, (size_t)ta, b->key[tb], b->rank[tb]) == 0;
}

/* One line's worth of what step @st of @s did, into @buf. */
static const char *
describe_step (const side *s, const step *st, char *buf, size_t size)
{
  char began[160], ended[96];
  switch (st->began)
    {
    case BEGAN_CREATED:
      if (st->by >= 0)
        snprintf (began, sizeof began, "first step (created by %s)",
                  task_label (s, st->by));
      else
        snprintf (began, sizeof began,
                  "first step (created outside any "
                  "task)");
      break;
    case BEGAN_YIELD:
      snprintf (began, sizeof began, "resumed after a yield");
      break;
    case BEGAN_WOKEN:
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
    case ENDED_WAIT:
      if (st->ended_reason == BRAID_WAIT_YIELD)
        snprintf (ended, sizeof ended, "then yielded");
      else
        snprintf (ended, sizeof ended, "then waited on %s",
                  braid_trace_wait_reason_name (st->ended_reason));
      break;
    case ENDED_OUTCOME:
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

typedef struct diff_options
{
  bool time;
  int64_t tolerance_ns;
} diff_options;

/* What differs between step @x of @a and step @y of @b, or NULL when
 * nothing does. */
static const char *
step_difference (const side *a, const step *x, const side *b, const step *y,
                 const diff_options *opt)
{
  if (!same_task (a, (int32_t)x->task, b, (int32_t)y->task))
    return "the steps run different tasks";
  if (x->began != y->began
      || (x->began == BEGAN_WOKEN && x->began_reason != y->began_reason))
    return "the step begins differently";
  if ((x->began == BEGAN_WOKEN || x->began == BEGAN_CREATED)
      && !same_task (a, x->by, b, y->by))
    return x->began == BEGAN_CREATED ? "the task has another creator"
                                     : "another task woke it";
  if (x->ended != y->ended || x->ended_reason != y->ended_reason)
    return "the step ends differently";
  if (opt->time)
    {
      int64_t d = x->start_ns - y->start_ns;
      if (d < 0)
        d = -d;
      if (d > opt->tolerance_ns)
        return "the step begins at another time";
    }
  return NULL;
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

/* The position of the step after @at in @s's step order: the end of its
 * iteration's run of steps, the steps before the next iteration began. */
static size_t
round_end (const side *s, size_t at)
{
  int64_t it
      = braid_trace_step_iteration (s->trace, s->steps[s->order[at]].step);
  size_t next = (size_t)(it + 1);
  uint64_t bound
      = next < s->n_iterations ? s->iterations[next].first_step : UINT64_MAX;
  size_t e = at;
  while (e < s->n_steps && s->steps[s->order[e]].step < bound)
    e++;
  return e;
}

static const char *
ordinal_suffix (size_t n)
{
  if (n % 100 >= 11 && n % 100 <= 13)
    return "th";
  return n % 10 == 1 ? "st" : n % 10 == 2 ? "nd" : n % 10 == 3 ? "rd" : "th";
}

/* Walks both schedules iteration by iteration and prints the first
 * divergence (unless @quiet). Returns whether there is one; *rounds gets
 * the number of iterations compared. */
static bool
first_divergence (const side *a, const side *b, const diff_options *opt,
                  bool quiet, size_t *rounds)
{
  size_t i = 0, j = 0, round = 0;
  while (i < a->n_steps || j < b->n_steps)
    {
      round++;
      size_t ie = i < a->n_steps ? round_end (a, i) : i;
      size_t je = j < b->n_steps ? round_end (b, j) : j;
      size_t na = ie - i, nb = je - j;
      for (size_t k = 0; k < (na > nb ? na : nb); k++)
        {
          const step *x = k < na ? &a->steps[a->order[i + k]] : NULL;
          const step *y = k < nb ? &b->steps[b->order[j + k]] : NULL;
          const char *what;
          if (x == NULL)
            what = na == 0 ? "A's schedule ends here"
                           : "the iteration runs fewer steps in A";
          else if (y == NULL)
            what = nb == 0 ? "B's schedule ends here"
                           : "the iteration runs fewer steps in B";
          else
            what = step_difference (a, x, b, y, opt);
          if (what == NULL)
            continue;
          if (!quiet)
            {
              printf ("First divergence, at step %zu of the %zu%s "
                      "iteration that ran compared tasks: %s.\n",
                      k + 1, round, ordinal_suffix (round), what);
              print_step_line ("A", a, x, opt->time);
              print_step_line ("B", b, y, opt->time);
            }
          *rounds = round;
          return true;
        }
      i = ie;
      j = je;
    }
  *rounds = round;
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
  return s->ended == ENDED_WAIT;
}

static bool
was_woken (const step *s)
{
  return s->began == BEGAN_WOKEN;
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
  size_t nx = a->n_task_steps[ta], ny = b->n_task_steps[tb];
  if (nx != ny)
    len = append (buf, size, len, "%s%zu / %zu steps", len ? "; " : "", nx, ny);
  const step *sx = &a->steps[a->first_step[ta]];
  const step *sy = &b->steps[b->first_step[tb]];
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
        if (x->compared[i] && x->match[i] < 0)
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
      int32_t j = a->match[i];
      if (j < 0 || !(a->compared[i] || b->compared[j]))
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

/* -------------------------------------------------------------------- */
/* The command */

static void
side_free (side *s)
{
  if (s->label != NULL)
    for (size_t i = 0; i < s->n_tasks; i++)
      free (s->label[i]);
  free (s->key);
  free (s->rank);
  free (s->rank_shown);
  free (s->label);
  free (s->internal);
  free (s->compared);
  free (s->match);
  free (s->steps);
  free (s->first_step);
  free (s->n_task_steps);
  free (s->order);
  braid_trace_close (s->trace);
}

/* Opens @s->path and names its tasks. Returns 0, or CLI_EXIT_USAGE after
 * printing why. */
static int
side_open (side *s)
{
  /* Compact slices hold what a step needs (state, reason, step, start),
   * and are what lets two large traces fit in memory at once. */
  braid_trace_load_options load = { .compact = true };
  s->trace = braid__cli_open_with (s->path, &load);
  if (s->trace == NULL)
    return CLI_EXIT_USAGE;
  s->cslices = braid_trace_get_compact_slices (s->trace, NULL);
  s->slices = braid_trace_get_slices (s->trace, NULL);
  s->tasks = braid_trace_get_tasks (s->trace, &s->n_tasks);
  s->iterations = braid_trace_get_iterations (s->trace, &s->n_iterations);
  size_t n = s->n_tasks ? s->n_tasks : 1;
  s->key = calloc (n, sizeof *s->key);
  s->rank = calloc (n, sizeof *s->rank);
  s->rank_shown = calloc (n, sizeof *s->rank_shown);
  s->label = calloc (n, sizeof *s->label);
  s->internal = calloc (n, sizeof *s->internal);
  s->compared = calloc (n, sizeof *s->compared);
  s->match = malloc (n * sizeof *s->match);
  s->first_step = calloc (n, sizeof *s->first_step);
  s->n_task_steps = calloc (n, sizeof *s->n_task_steps);
  if (s->key == NULL || s->rank == NULL || s->rank_shown == NULL
      || s->label == NULL || s->internal == NULL || s->compared == NULL
      || s->match == NULL || s->first_step == NULL || s->n_task_steps == NULL
      || name_tasks (s) != 0)
    {
      fprintf (stderr, "braid: diff: out of memory\n");
      return CLI_EXIT_USAGE;
    }
  for (size_t i = 0; i < s->n_tasks; i++)
    s->match[i] = -1;
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
  size_t compared = 0;
  for (size_t i = 0; i < s->n_tasks; i++)
    compared += s->compared[i];
  printf ("%s  ", tag);
  braid__text_fputs_terminal (s->path, stdout);
  fputs (": ", stdout);
  braid__text_fputs_terminal (m->program, stdout);
  if (m->arguments[0] != '\0')
    {
      putchar (' ');
      braid__text_fputs_terminal (m->arguments, stdout);
    }
  printf (", %zu compared step%s, %zu compared task%s%s\n", s->n_steps,
          s->n_steps == 1 ? "" : "s", compared, compared == 1 ? "" : "s",
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
  if (side_open (&a) != 0 || side_open (&b) != 0 || match_tasks (&a, &b) != 0)
    goto out;

  /* What is compared: every task but the runtime's, or the --task ones
   * and their partners. */
  side *sides[2] = { &a, &b };
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < sides[s]->n_tasks; i++)
      {
        bool on
            = !sides[s]->internal[i]
              && (n_names == 0 || task_selected (sides[s], i, names, n_names));
        sides[s]->compared[i] = on;
      }
  if (n_names > 0)
    {
      /* A --task that names nothing is a typo, not an empty comparison. */
      for (size_t k = 0; k < n_names; k++)
        {
          bool found = false;
          for (int s = 0; s < 2 && !found; s++)
            for (size_t i = 0; i < sides[s]->n_tasks && !found; i++)
              found = task_selected (sides[s], i, names + k, 1);
          if (!found)
            {
              char *name = braid__text_terminal_dup (names[k]);
              char *pa = braid__text_terminal_dup (a.path);
              char *pb = braid__text_terminal_dup (b.path);
              usage_error ("no task named '%s' in %s or %s", name ? name : "?",
                           pa ? pa : "A", pb ? pb : "B");
              free (name);
              free (pa);
              free (pb);
              goto out;
            }
        }
      for (int s = 0; s < 2; s++)
        {
          side *x = sides[s], *y = sides[1 - s];
          for (size_t i = 0; i < x->n_tasks; i++)
            if (x->compared[i] && x->match[i] >= 0)
              y->compared[x->match[i]] = true;
        }
    }
  if (collect_steps (&a) != 0 || collect_steps (&b) != 0)
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
  bool diverged = first_divergence (&a, &b, &opt, quiet, &rounds);
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
  side_free (&a);
  side_free (&b);
  free (names);
  return rc;
}
