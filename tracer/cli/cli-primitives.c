/* cli-primitives.c: the primitives in the terminal, for `braid report
 * --primitives` and for the deadlocks of `braid problems`.
 *
 * Owns the text of a primitive's fairness (the order its waiters began
 * waiting against the order they were served, the longest and mean
 * wait, hand-overs, FIFO violations: waits overtaken, and queue waiters
 * robbed of their item by another task, and the verdict) and of a wait-for
 * graph (who waits on what, held by whom, and the cycle of a deadlock).
 * The figures are the reader's (braid_trace_get_primitives,
 * braid_trace_wait_graph); names go through safe-text.c.
 */
#include "cli.h"
#include "safe-text.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <braid/braid-hooks.h>

/* How many names an order line shows before it says how many more. */
#define ORDER_NAMES 12

static const char *
kind_name (uint32_t kind)
{
  switch (kind)
    {
    case BRAID_OBJ_EVENT:
      return "event";
    case BRAID_OBJ_LOCK:
      return "lock";
    case BRAID_OBJ_SEMAPHORE:
      return "semaphore";
    case BRAID_OBJ_CONDITION:
      return "condition";
    case BRAID_OBJ_QUEUE:
      return "queue";
    case BRAID_OBJ_TASK:
      return "task";
    case BRAID_OBJ_FUTURE:
      return "future";
    case BRAID_OBJ_GATHER:
      return "gather";
    case BRAID_OBJ_WAIT:
      return "wait";
    case BRAID_OBJ_TIMER:
      return "timer";
    case BRAID_OBJ_IO:
      return "I/O";
    default:
      return "object";
    }
}

static void
put_task (const braid_trace *trace, int32_t task)
{
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n);
  if (task < 0 || (size_t) task >= n)
    {
      fputs ("(the loop)", stdout);
      return;
    }
  putchar ('\'');
  braid__text_fputs_terminal (tasks[task].name, stdout);
  putchar ('\'');
}

/* "lock 12" or "queue 7 'jobs'": the kind, the id, and the name when it
 * says more than the kind. */
static void
put_object (const braid_trace *trace, uint64_t id, uint32_t fallback_kind)
{
  const braid_trace_object *o = braid_trace_find_object (trace, id);
  uint32_t kind = o ? o->kind : fallback_kind;
  if (kind == BRAID_OBJ_TASK || braid_trace_find_task (trace, id) >= 0)
    {
      fputs ("task ", stdout);
      put_task (trace, braid_trace_find_task (trace, id));
      return;
    }
  printf ("%s %llu", kind_name (kind), (unsigned long long) id);
  if (o && o->name[0] != '\0' && strcmp (o->name, kind_name (kind)) != 0)
    {
      fputs (" '", stdout);
      braid__text_fputs_terminal (o->name, stdout);
      putchar ('\'');
    }
}

static int
cmp_serve (const void *a, const void *b)
{
  const braid_trace_sync_wait *x = *(const braid_trace_sync_wait *const *) a;
  const braid_trace_sync_wait *y = *(const braid_trace_sync_wait *const *) b;
  return x->serve_rank < y->serve_rank ? -1 : x->serve_rank > y->serve_rank;
}

/* One order line: the tasks of @w[0..n) as they are listed. */
static void
put_order (const braid_trace *trace, const char *label,
           const braid_trace_sync_wait *const *w, size_t n)
{
  printf ("    %-16s", label);
  if (n == 0)
    fputs (" (none)", stdout);
  for (size_t i = 0; i < n && i < ORDER_NAMES; i++)
    {
      putchar (' ');
      put_task (trace, w[i]->task);
    }
  if (n > ORDER_NAMES)
    printf (" ... and %zu more", n - ORDER_NAMES);
  putchar ('\n');
}

/* The line of a robbed queue wait: who took the item (or the place) it
 * was woken for, and when. */
static void
put_robbed (const braid_trace *trace, const braid_trace_sync_wait *a)
{
  fputs ("    robbed          ", stdout);
  put_task (trace, a->task);
  printf (" (waiting from step %llu): ",
          (unsigned long long) a->start_step);
  if (a->robbed_step == UINT64_MAX)
    fputs ("woken, but another task took what it waited for", stdout);
  else
    {
      fputs (a->robbed_op == BRAID_QUEUE_OP_PUT ? "its place went to "
                                                : "its item went to ",
             stdout);
      put_task (trace, a->robbed_by);
      printf (" at step %llu", (unsigned long long) a->robbed_step);
    }
  if (a->robbed > 1)
    printf (", robbed %u times in all", a->robbed);
  fputs (", and it waited again\n", stdout);
}

int
braid__cli_print_primitives (const braid_trace *trace)
{
  size_t n, n_waits;
  const braid_trace_primitive *prims = braid_trace_get_primitives (trace, &n);
  const braid_trace_sync_wait *waits
    = braid_trace_get_sync_waits (trace, &n_waits);
  size_t unfair = 0;
  printf ("\nprimitives  %zu (locks, semaphores, conditions, queues, "
          "events)\n",
          n);
  for (size_t i = 0; i < n; i++)
    {
      const braid_trace_primitive *p = &prims[i];
      char longest[32], mean[32];
      putchar ('\n');
      put_object (trace, p->object, p->kind);
      if (p->n_waits == 0)
        fputs (": FIFO (nobody waited)\n", stdout);
      else if (p->fifo)
        fputs (": FIFO\n", stdout);
      else
        {
          unfair++;
          printf (": NOT FIFO (%u wait%s overtaken", p->n_overtaken,
                  p->n_overtaken == 1 ? "" : "s");
          if (p->n_robbed > 0)
            printf (", %u robbed", p->n_robbed);
          fputs (")\n", stdout);
        }
      printf ("    waits %zu: %u served, %u cancelled, %u still waiting",
              p->n_waits, p->n_served, p->n_cancelled, p->n_pending);
      if (p->n_rewaits > 0)
        printf (", %u woken but waited again", p->n_rewaits);
      printf ("\n    hand-overs %u", p->n_handovers);
      if (p->kind == BRAID_OBJ_LOCK || p->kind == BRAID_OBJ_SEMAPHORE)
        printf (", acquisitions %u", p->n_acquisitions);
      if (p->n_gets + p->n_puts > 0)
        printf (", gets %u, puts %u", p->n_gets, p->n_puts);
      printf ("\n    wait        longest %s, mean %s\n",
              braid__cli_duration (p->longest_wait_ns, longest,
                                   sizeof longest),
              braid__cli_duration (p->mean_wait_ns, mean, sizeof mean));
      if (p->n_waits == 0)
        continue;
      const braid_trace_sync_wait **order
        = malloc (p->n_waits * sizeof *order);
      if (order == NULL)
        {
          fprintf (stderr, "braid report: out of memory\n");
          return -1;
        }
      size_t m = 0;
      for (size_t k = 0; k < p->n_waits; k++)
        order[k] = &waits[p->first_wait + k];
      put_order (trace, "began waiting", order, p->n_waits);
      for (size_t k = 0; k < p->n_waits; k++)
        if (waits[p->first_wait + k].outcome == BRAID_TRACE_WAIT_SERVED)
          order[m++] = &waits[p->first_wait + k];
      qsort (order, m, sizeof *order, cmp_serve);
      put_order (trace, "served", order, m);
      free (order);
      /* Each overtaken wait: the task that robbed it of its item, and
       * the first wait that passed it. */
      size_t shown = 0;
      for (size_t k = 0; k < p->n_waits && shown < ORDER_NAMES; k++)
        {
          const braid_trace_sync_wait *a = &waits[p->first_wait + k];
          if (!a->overtaken)
            continue;
          if (a->robbed > 0)
            put_robbed (trace, a);
          const braid_trace_sync_wait *by = NULL;
          for (size_t j = k + 1; j < p->n_waits; j++)
            {
              const braid_trace_sync_wait *b = &waits[p->first_wait + j];
              if (b->outcome == BRAID_TRACE_WAIT_SERVED
                  && (a->outcome != BRAID_TRACE_WAIT_SERVED
                      || b->served_step < a->served_step)
                  && (by == NULL || b->served_step < by->served_step))
                by = b;
            }
          shown++;
          if (a->robbed > 0 && by == NULL)
            continue;
          fputs ("    overtaken       ", stdout);
          put_task (trace, a->task);
          printf (" (waiting from step %llu) by ",
                  (unsigned long long) a->start_step);
          if (by != NULL)
            {
              put_task (trace, by->task);
              printf (" (from step %llu, served at step %llu)",
                      (unsigned long long) by->start_step,
                      (unsigned long long) by->served_step);
            }
          putchar ('\n');
        }
    }
  if (n > 0)
    {
      if (unfair == 0)
        printf ("\nverdict     FIFO: every primitive served its waiters in "
                "the order they began waiting\n");
      else
        printf ("\nverdict     NOT FIFO: %zu of %zu primitives served a "
                "task before one that waited longer\n",
                unfair, n);
    }
  return 0;
}

int
braid__cli_print_wait_graph (const braid_trace *trace, uint64_t step,
                             const char *indent)
{
  braid_trace_wait_edge *e = NULL;
  size_t n = 0;
  if (braid_trace_wait_graph (trace, step, &e, &n) != 0)
    {
      fprintf (stderr, "braid: out of memory computing the wait-for graph\n");
      return -1;
    }
  for (size_t i = 0; i < n; i++)
    {
      /* A task waiting on a semaphore held by several tasks has an edge
       * per holder: one line names them all. */
      if (i > 0 && e[i - 1].task == e[i].task
          && e[i - 1].object == e[i].object && !e[i - 1].in_cycle
          && !e[i].in_cycle)
        continue;
      fputs (indent, stdout);
      put_task (trace, e[i].task);
      fputs (" waits on ", stdout);
      put_object (trace, e[i].object, e[i].reason);
      if (e[i].reason == BRAID_WAIT_TASK)
        ;
      else if (e[i].holder >= 0)
        {
          fputs (", held by ", stdout);
          put_task (trace, e[i].holder);
          for (size_t j = i + 1; j < n && !e[i].in_cycle && e[j].task == e[i].task
                                 && e[j].object == e[i].object;
               j++)
            {
              fputs (", ", stdout);
              put_task (trace, e[j].holder);
            }
        }
      else if (e[i].reason == BRAID_WAIT_LOCK
               || e[i].reason == BRAID_WAIT_SEMAPHORE)
        fputs (", held by no task", stdout);
      putchar ('\n');
    }
  if (n > 0 && e[0].in_cycle)
    {
      printf ("%scycle: ", indent);
      size_t i = 0;
      for (; i < n && e[i].in_cycle; i++)
        {
          put_task (trace, e[i].task);
          fputs (" -> ", stdout);
          put_object (trace, e[i].object, e[i].reason);
          fputs (" -> ", stdout);
        }
      put_task (trace, e[0].task);
      putchar ('\n');
    }
  free (e);
  return 0;
}
