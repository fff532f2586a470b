/* reader-compare.c: the schedules of two traces, step by step.
 *
 * Owns the comparison behind `braid diff` and the viewer's side by side
 * view (braid_trace_compare): which task ran each step of each loop
 * iteration, how the step began (created by whom, after a yield, woken by
 * whom from which wait) and how it ended (the wait it suspended on, or
 * the task's outcome), paired with the step at the same place in the
 * other trace. The CLI prints it (cli-diff.c); the viewer lines the two
 * traces up on it.
 *
 * The two traces may come from two runs of one program, from two
 * versions of it, or from a C program and its asyncio twin, so nothing
 * here compares ids, object ids or file names. Tasks are matched by name
 * and order of creation: the k-th task named "worker" in A is the k-th
 * task named "worker" in B. A task without a name of its own is "Task-N"
 * in both runtimes (braid counts them across the process as asyncio
 * does), but N counts every unnamed task, so one extra unnamed task
 * shifts every later N: unnamed tasks are therefore matched by their
 * order among the unnamed tasks. Tasks that only a runtime's own
 * machinery creates (asyncio.run's loop.shutdown_asyncgens and
 * shutdown_default_executor) are left out of the comparison, by their
 * function's name.
 *
 * The schedule is compared iteration by iteration, counting only the
 * iterations that ran a step of a compared task: an iteration that ran
 * only callbacks (a done callback's hop, a timer) changes no task's order
 * and the two runtimes need not have the same number of them. Times are
 * not compared unless asked (a virtual-clock trace has reproducible
 * times; a monotonic one never has).
 *
 * Nothing here is hot: a trace is read once, each step described once.
 */
#include "trace-private.h"

#include <braid/braid.h> /* the error codes */

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The functions whose tasks only a runtime's machinery creates: asyncio.run
 * finishes with loop.shutdown_asyncgens() and
 * loop.shutdown_default_executor(), each a task of its own. Compared with
 * the last dotted part of the recorded function name. */
static const char *const internal_functions[] = {
  "shutdown_asyncgens",
  "shutdown_default_executor",
};

/* What a step reads of a slice, from the full or the compact model. */
typedef struct slice_view
{
  braid_trace_state state;
  uint32_t wait_reason;
  uint64_t start_step;
  int64_t start_ns;
} slice_view;

/* What the comparison keeps of one trace. */
typedef struct cmp_side
{
  const braid_trace *trace;
  const braid_trace_task *tasks;
  size_t n_tasks;
  /* The slices: compact when the reader kept them so, else full. */
  const braid_trace_compact_slice *cslices;
  const braid_trace_slice *slices;
  /* Per task: its matching key (a name, or "" for an unnamed task, and
   * the task's rank among the tasks of that key, from 1), its label,
   * whether it is left out as the runtime's, whether it is compared, and
   * its partner in the other trace (-1: none). */
  const char **key;
  uint32_t *rank;
  bool *rank_shown; /* the label says the rank (name#K) */
  char **label;
  bool *internal;
  bool *compared;
  int32_t *match;
  /* The tasks not left out, by key and rank (name_tasks sorts them,
   * match_tasks searches them). */
  size_t *by_key;
  size_t n_by_key;
  /* The steps of the compared tasks: grouped by task, in step order
   * within a task (first_step/n_steps per task), and `order`, every
   * step's index in step order. */
  braid_trace_compared_step *steps;
  size_t n_steps;
  size_t *first_step, *n_task_steps;
  size_t *order;
} cmp_side;

struct braid_trace_comparison
{
  cmp_side side[2];
  braid_trace_compare_options opt;
  braid_trace_step_pair *pairs;
  size_t n_pairs;
  size_t rounds;
};

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
static const cmp_side *sort_side;

static int
compare_keys (const cmp_side *s, size_t a, const char *key_b, uint32_t rank_b)
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
name_tasks (cmp_side *s)
{
  size_t n = s->n_tasks;
  size_t *idx = s->by_key = malloc ((n ? n : 1) * sizeof *idx);
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
   * task array: by_key breaks ties by index while every rank is 0), so
   * that the ranks given below keep the order sorted by key and rank. */
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
   * bytes: whoever prints them escapes them. */
  for (size_t j = 0; j < m; j++)
    {
      size_t i = idx[j];
      if (s->key[i][0] != '\0'
          && ((j > 0 && strcmp (s->key[idx[j - 1]], s->key[i]) == 0)
              || (j + 1 < m && strcmp (s->key[idx[j + 1]], s->key[i]) == 0)))
        s->rank_shown[i] = true;
    }
  s->n_by_key = m;
  for (size_t i = 0; i < n; i++)
    {
      const char *name = s->tasks[i].name;
      size_t len = strlen (name) + 16;
      s->label[i] = malloc (len);
      if (s->label[i] == NULL)
        return -1;
      if (s->rank_shown[i])
        snprintf (s->label[i], len, "%s#%u", name, s->rank[i]);
      else
        memcpy (s->label[i], name, len - 15);
    }
  return 0;
}

/* Pairs the tasks of @a and @b that have the same key and rank. */
static void
match_tasks (cmp_side *a, cmp_side *b)
{
  const size_t *idx = b->by_key;
  size_t m = b->n_by_key;
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
}

/* Whether task @i of @s is named by one of the @n --task names: its name,
 * or its name and rank as NAME#K (K from 1, even when the name is the
 * only one of its kind). */
static bool
task_selected (const cmp_side *s, size_t i, const char *const *names,
               size_t n)
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
  const braid_trace_compared_step *a = &sort_side->steps[*(const size_t *)pa];
  const braid_trace_compared_step *b = &sort_side->steps[*(const size_t *)pb];
  return a->step < b->step ? -1 : a->step > b->step;
}

static slice_view
slice_at (const cmp_side *s, size_t i)
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
describe_slices (const cmp_side *s, size_t i, size_t k, int32_t waker, braid_trace_compared_step *st)
{
  const braid_trace_task *task = &s->tasks[i];
  st->began = BRAID_STEP_BEGAN_UNKNOWN;
  st->by = -1;
  if (k > 0)
    {
      slice_view prev = slice_at (s, task->first_slice + k - 1);
      if (prev.state == BRAID_STATE_READY
          && prev.wait_reason == BRAID_WAIT_YIELD)
        st->began = BRAID_STEP_BEGAN_YIELD;
      else if (k == 1 && prev.state == BRAID_STATE_READY
               && prev.wait_reason == BRAID_WAIT_NONE)
        {
          st->began = BRAID_STEP_BEGAN_CREATED;
          st->by = task->parent;
        }
      else if (prev.state == BRAID_STATE_READY
               || prev.state == BRAID_STATE_WAITING)
        {
          /* A wait that the step itself ends was ended by a wake-up that
           * the trace implies and that took no time (reader-model.c's
           * implied_wake, SCHEMA.md "Implied wake-ups"). */
          st->began = BRAID_STEP_BEGAN_WOKEN;
          st->began_reason = small_reason (prev.wait_reason);
          if (waker != -2)
            st->by = waker;
        }
    }
  if (k + 1 < task->n_slices)
    {
      st->ended = BRAID_STEP_ENDED_WAIT;
      st->ended_reason
          = small_reason (slice_at (s, task->first_slice + k + 1).wait_reason);
    }
  else if (task->ended_ns >= 0)
    {
      st->ended = BRAID_STEP_ENDED_OUTCOME;
      st->ended_reason = small_reason (task->outcome);
    }
  else
    st->ended = BRAID_STEP_ENDED_RUNNING;
}

/* Collects the steps of the compared tasks of @s with how each began and
 * ended. The waker of a step comes from the wake edges into its task:
 * edges appear in event order, each wake-up's edges (several for a
 * gather's fan-in, the last child to finish last) happen before the step
 * that follows it and after the task's previous step, so the waker of a
 * step is the last edge into the task at or before that step. Returns 0
 * or -1 when out of memory. */
static int
collect_steps (cmp_side *s)
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
          braid_trace_compared_step *st = &s->steps[n];
          *st = (braid_trace_compared_step){ .step = sl.start_step,
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
/* Comparing steps */

/* Whether @ta of @a and @tb of @b stand for the same task: both the loop,
 * or a matched pair. */
static bool
same_task (const cmp_side *a, int32_t ta, const cmp_side *b, int32_t tb)
{
  if (ta < 0 || tb < 0)
    return ta < 0 && tb < 0;
  if (a->match[ta] >= 0)
    return a->match[ta] == tb;
  /* Neither compared nor matched (a task of the runtime): the same key
   * is the same task. */
  return compare_keys (a, (size_t)ta, b->key[tb], b->rank[tb]) == 0;
}

/* What differs between step @x of @a and step @y of @b, or NULL when
 * nothing does. */
static const char *
step_difference (const cmp_side *a, const braid_trace_compared_step *x, const cmp_side *b, const braid_trace_compared_step *y,
                 const braid_trace_compare_options *opt)
{
  if (!same_task (a, (int32_t)x->task, b, (int32_t)y->task))
    return "the steps run different tasks";
  if (x->began != y->began
      || (x->began == BRAID_STEP_BEGAN_WOKEN && x->began_reason != y->began_reason))
    return "the step begins differently";
  if ((x->began == BRAID_STEP_BEGAN_WOKEN || x->began == BRAID_STEP_BEGAN_CREATED)
      && !same_task (a, x->by, b, y->by))
    return x->began == BRAID_STEP_BEGAN_CREATED ? "the task has another creator"
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

/* The position of the step after @at in @s's step order: the end of its
 * iteration's run of steps, the steps before the next iteration began. */
static size_t
round_end (const cmp_side *s, size_t at)
{
  int64_t it
      = braid_trace_step_iteration (s->trace, s->steps[s->order[at]].step);
  size_t next = (size_t)(it + 1);
  size_t n_iterations;
  const braid_trace_iteration *iterations
      = braid_trace_get_iterations (s->trace, &n_iterations);
  uint64_t bound
      = next < n_iterations ? iterations[next].first_step : UINT64_MAX;
  size_t e = at;
  while (e < s->n_steps && s->steps[s->order[e]].step < bound)
    e++;
  return e;
}

/* -------------------------------------------------------------------- */
/* The comparison */

static void
side_free (cmp_side *s)
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
  free (s->by_key);
}

/* Takes @trace's tasks and slices and names its tasks. Returns 0 or -1
 * when out of memory. */
static int
side_init (cmp_side *s, const braid_trace *trace)
{
  s->trace = trace;
  s->cslices = braid_trace_get_compact_slices (trace, NULL);
  s->slices = braid_trace_get_slices (trace, NULL);
  s->tasks = braid_trace_get_tasks (trace, &s->n_tasks);
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
    return -1;
  for (size_t i = 0; i < s->n_tasks; i++)
    s->match[i] = -1;
  return 0;
}

/* Chooses the compared tasks: every task but the runtime's, or the named
 * ones and their partners. Returns 0, or BRAID_EINVAL with the index of
 * a name that names nothing in *@unknown. */
static int
choose_tasks (braid_trace_comparison *c, size_t *unknown)
{
  const braid_trace_compare_options *opt = &c->opt;
  for (int s = 0; s < 2; s++)
    for (size_t i = 0; i < c->side[s].n_tasks; i++)
      c->side[s].compared[i]
          = !c->side[s].internal[i]
            && (opt->n_tasks == 0
                || task_selected (&c->side[s], i, opt->tasks, opt->n_tasks));
  if (opt->n_tasks == 0)
    return 0;
  /* A name that names nothing is a typo, not an empty comparison. */
  for (size_t k = 0; k < opt->n_tasks; k++)
    {
      bool found = false;
      for (int s = 0; s < 2 && !found; s++)
        for (size_t i = 0; i < c->side[s].n_tasks && !found; i++)
          found = task_selected (&c->side[s], i, opt->tasks + k, 1);
      if (!found)
        {
          *unknown = k;
          return BRAID_EINVAL;
        }
    }
  for (int s = 0; s < 2; s++)
    {
      cmp_side *x = &c->side[s], *y = &c->side[1 - s];
      for (size_t i = 0; i < x->n_tasks; i++)
        if (x->compared[i] && x->match[i] >= 0)
          y->compared[x->match[i]] = true;
    }
  return 0;
}

/* Walks both schedules iteration by iteration, pairing the k-th step of
 * each iteration of A with the k-th of B. Returns 0 or -1 when out of
 * memory. */
static int
pair_steps (braid_trace_comparison *c)
{
  const cmp_side *a = &c->side[0], *b = &c->side[1];
  size_t cap = a->n_steps + b->n_steps + 1;
  c->pairs = malloc (cap * sizeof *c->pairs);
  if (c->pairs == NULL)
    return -1;
  size_t i = 0, j = 0, round = 0, n = 0;
  while (i < a->n_steps || j < b->n_steps)
    {
      round++;
      size_t ie = i < a->n_steps ? round_end (a, i) : i;
      size_t je = j < b->n_steps ? round_end (b, j) : j;
      size_t na = ie - i, nb = je - j;
      for (size_t k = 0; k < (na > nb ? na : nb); k++)
        {
          const braid_trace_compared_step *x
              = k < na ? &a->steps[a->order[i + k]] : NULL;
          const braid_trace_compared_step *y
              = k < nb ? &b->steps[b->order[j + k]] : NULL;
          const char *what;
          if (x == NULL)
            what = na == 0 ? "A's schedule ends here"
                           : "the iteration runs fewer steps in A";
          else if (y == NULL)
            what = nb == 0 ? "B's schedule ends here"
                           : "the iteration runs fewer steps in B";
          else
            what = step_difference (a, x, b, y, &c->opt);
          c->pairs[n++] = (braid_trace_step_pair){
            .a = x ? (int64_t)a->order[i + k] : -1,
            .b = y ? (int64_t)b->order[j + k] : -1,
            .round = round,
            .position = k + 1,
            .difference = what,
          };
        }
      i = ie;
      j = je;
    }
  c->n_pairs = n;
  c->rounds = round;
  return 0;
}

int
braid_trace_compare (const braid_trace *a, const braid_trace *b,
                     const braid_trace_compare_options *options,
                     braid_trace_comparison **out, size_t *unknown_task)
{
  *out = NULL;
  braid_trace_comparison *c = calloc (1, sizeof *c);
  if (c == NULL)
    return BRAID_ENOMEM;
  if (options != NULL)
    c->opt = *options;
  int rc = BRAID_ENOMEM;
  size_t unknown = 0;
  if (side_init (&c->side[0], a) != 0 || side_init (&c->side[1], b) != 0)
    goto fail;
  match_tasks (&c->side[0], &c->side[1]);
  rc = choose_tasks (c, &unknown);
  if (rc != 0)
    {
      if (unknown_task != NULL)
        *unknown_task = unknown;
      goto fail;
    }
  rc = BRAID_ENOMEM;
  if (collect_steps (&c->side[0]) != 0 || collect_steps (&c->side[1]) != 0
      || pair_steps (c) != 0)
    goto fail;
  /* The names stay the caller's: they are only needed while choosing. */
  c->opt.tasks = NULL;
  c->opt.n_tasks = 0;
  *out = c;
  return 0;

fail:
  braid_trace_comparison_free (c);
  return rc;
}

void
braid_trace_comparison_free (braid_trace_comparison *c)
{
  if (c == NULL)
    return;
  side_free (&c->side[0]);
  side_free (&c->side[1]);
  free (c->pairs);
  free (c);
}

const braid_trace_step_pair *
braid_trace_comparison_pairs (const braid_trace_comparison *c, size_t *n)
{
  *n = c->n_pairs;
  return c->pairs;
}

size_t
braid_trace_comparison_rounds (const braid_trace_comparison *c)
{
  return c->rounds;
}

const braid_trace_compared_step *
braid_trace_comparison_steps (const braid_trace_comparison *c, int side,
                              size_t *n)
{
  *n = c->side[side != 0].n_steps;
  return c->side[side != 0].steps;
}

/* The side @side's task @task, or NULL when out of range. */
static const cmp_side *
side_of (const braid_trace_comparison *c, int side, int32_t task)
{
  const cmp_side *s = &c->side[side != 0];
  return task >= 0 && (size_t)task < s->n_tasks ? s : NULL;
}

const braid_trace_compared_step *
braid_trace_comparison_task_steps (const braid_trace_comparison *c,
                                   int side, int32_t task, size_t *n)
{
  const cmp_side *s = side_of (c, side, task);
  *n = s ? s->n_task_steps[task] : 0;
  return s ? &s->steps[s->first_step[task]] : NULL;
}

bool
braid_trace_comparison_is_compared (const braid_trace_comparison *c,
                                    int side, int32_t task)
{
  const cmp_side *s = side_of (c, side, task);
  return s && s->compared[task];
}

int32_t
braid_trace_comparison_partner (const braid_trace_comparison *c, int side,
                                int32_t task)
{
  const cmp_side *s = side_of (c, side, task);
  return s ? s->match[task] : -1;
}

const char *
braid_trace_comparison_label (const braid_trace_comparison *c, int side,
                              int32_t task)
{
  const cmp_side *s = side_of (c, side, task);
  return s ? s->label[task] : NULL;
}

bool
braid_trace_comparison_same_task (const braid_trace_comparison *c,
                                  int32_t ta, int32_t tb)
{
  if ((ta >= 0 && !side_of (c, 0, ta)) || (tb >= 0 && !side_of (c, 1, tb)))
    return false;
  return same_task (&c->side[0], ta, &c->side[1], tb);
}

/* The length of @program's name without its folder and extension, and
 * in *@start where it begins. */
static size_t
program_stem (const char *program, const char **start)
{
  const char *slash = strrchr (program, '/');
  const char *base = slash && slash[1] ? slash + 1 : program;
  const char *dot = strrchr (base, '.');
  *start = base;
  return dot && dot != base ? (size_t)(dot - base) : strlen (base);
}

bool
braid_trace_same_program (const braid_trace *a, const braid_trace *b)
{
  const char *sa, *sb;
  size_t na = program_stem (braid_trace_get_meta (a)->program, &sa);
  size_t nb = program_stem (braid_trace_get_meta (b)->program, &sb);
  return na == nb && memcmp (sa, sb, na) == 0;
}
