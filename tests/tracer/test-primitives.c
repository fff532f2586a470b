/* test-primitives.c: who holds what and who waits in what order.
 *
 * Known answers from prim-program.c (see its header) traced under `braid
 * run` with the virtual clock: braid's lock, semaphore, condition, queue
 * and event serve three waiters in the order they began waiting, as
 * `braid report --primitives` and the reader say; the lock and the
 * semaphore record who held them; a deadlock of two tasks over two locks
 * is reported by `braid problems` with each task, what it waits on, who
 * holds it and the cycle, and the reader's wait-for graph has that cycle.
 * A trace written through the recorder's API (as a runtime other than
 * libbraid would) with a waiter served out of turn gets a NOT FIFO
 * verdict. A queue getter (putter) woken for an item (a place) that a
 * task which never waited took first is robbed: the queue is NOT FIFO,
 * and the report names the robbed waiter and the task that took it.
 */
#include "sample-trace-util.h"

#include <braid/braid-hooks.h>

/* Traces prim-program in @mode; returns the trace's path (g_free). */
static char *
trace_prim_program (const char *mode, int want_status)
{
  const char *exe = g_getenv ("PRIM_PROGRAM");
  g_assert_nonnull (exe);
  char *path = test_trace_path ("prim.braid");
  char *out = NULL;
  const char *args[] = { "run", "-o", path, "--", exe, mode, NULL };
  g_assert_cmpint (run_braid (args, &out), ==, want_status);
  g_free (out);
  return path;
}

static const char *
task_name (const braid_trace *trace, int32_t task)
{
  size_t n;
  const braid_trace_task *tasks = braid_trace_get_tasks (trace, &n);
  g_assert_cmpint (task, >=, 0);
  g_assert_cmpuint ((size_t) task, <, n);
  return tasks[task].name;
}

static void
test_braids_primitives_are_fifo (void)
{
  char *path = trace_prim_program ("fair", 0);
  braid_trace *trace = open_or_fail (path);

  size_t n, n_waits;
  const braid_trace_primitive *p = braid_trace_get_primitives (trace, &n);
  const braid_trace_sync_wait *w = braid_trace_get_sync_waits (trace,
                                                               &n_waits);
  /* lock, semaphore, the condition's own lock, condition, queue, event. */
  g_assert_cmpuint (n, ==, 6);
  static const uint32_t kinds[] = { BRAID_OBJ_LOCK, BRAID_OBJ_SEMAPHORE,
                                    BRAID_OBJ_LOCK, BRAID_OBJ_CONDITION,
                                    BRAID_OBJ_QUEUE, BRAID_OBJ_EVENT };
  static const char *const order[] = { "w1", "w2", "w3" };
  for (size_t i = 0; i < n; i++)
    {
      g_assert_cmpuint (p[i].kind, ==, kinds[i]);
      g_assert_true (p[i].fifo);
      g_assert_cmpuint (p[i].n_overtaken, ==, 0);
      g_assert_cmpuint (p[i].n_robbed, ==, 0);
      /* The queue's three gets are recorded (its puts are not: it is
       * unbounded), and robbed nobody. */
      g_assert_cmpuint (p[i].n_gets, ==, i == 4 ? 3 : 0);
      g_assert_cmpuint (p[i].n_puts, ==, 0);
      if (i == 2)
        {
          /* The condition's lock: taken 7 times (main once, each worker
           * twice: before its wait and when notified), never waited on. */
          g_assert_cmpuint (p[i].n_waits, ==, 0);
          g_assert_cmpuint (p[i].n_acquisitions, ==, 7);
          continue;
        }
      g_assert_cmpuint (p[i].n_waits, ==, 3);
      g_assert_cmpuint (p[i].n_served, ==, 3);
      g_assert_cmpuint (p[i].n_cancelled + p[i].n_pending, ==, 0);
      g_assert_cmpuint (p[i].n_handovers, ==, 3);
      if (i < 2)
        g_assert_cmpuint (p[i].n_acquisitions, ==, 4);
      for (size_t k = 0; k < 3; k++)
        {
          const braid_trace_sync_wait *x = &w[p[i].first_wait + k];
          g_assert_cmpuint (x->object, ==, p[i].object);
          g_assert_cmpstr (task_name (trace, x->task), ==, order[k]);
          g_assert_cmpuint (x->wait_rank, ==, k);
          g_assert_cmpuint (x->serve_rank, ==, k);
          g_assert_cmpint (x->outcome, ==, BRAID_TRACE_WAIT_SERVED);
          g_assert_false (x->overtaken);
        }
    }

  /* Holds: the lock is held by main, then w1, w2, w3, one at a time. */
  size_t n_holds;
  const braid_trace_hold *h = braid_trace_get_holds (trace, &n_holds);
  const char *holders[4];
  size_t m = 0;
  const braid_trace_hold *prev = NULL;
  for (size_t i = 0; i < n_holds; i++)
    if (h[i].object == p[0].object)
      {
        g_assert_cmpuint (m, <, 4);
        g_assert_cmpint (h[i].end_ns, >=, h[i].start_ns);
        if (prev != NULL)
          g_assert_cmpuint (h[i].start_step, >=, prev->end_step);
        prev = &h[i];
        holders[m++] = task_name (trace, h[i].task);
      }
  g_assert_cmpuint (m, ==, 4);
  g_assert_cmpstr (holders[0], ==, "Task-1");
  g_assert_cmpstr (holders[1], ==, "w1");
  g_assert_cmpstr (holders[2], ==, "w2");
  g_assert_cmpstr (holders[3], ==, "w3");
  /* braid_trace_holders: one holder at every step the lock was held, the
   * task of the hold covering it. */
  for (size_t i = 0; i < n_holds; i++)
    if (h[i].object == p[0].object)
      {
        int32_t who[2] = { -1, -1 };
        g_assert_cmpuint (braid_trace_holders (trace, p[0].object,
                                               h[i].start_step, who, 2),
                          >=, 1);
        bool found = who[0] == h[i].task || who[1] == h[i].task;
        g_assert_true (found);
      }
  g_assert_cmpuint (braid_trace_holders (trace, 12345, 1, NULL, 0), ==, 0);

  /* The CLI says the same. */
  char *out = NULL;
  const char *args[] = { "report", "--primitives", path, NULL };
  g_assert_cmpint (run_braid (args, &out), ==, 0);
  g_assert_nonnull (strstr (out, "primitives  6 "));
  g_assert_nonnull (strstr (out, "verdict     FIFO: every primitive"));
  g_assert_null (strstr (out, "NOT FIFO"));
  gchar **lines = g_strsplit (out, "\n", -1);
  size_t began = 0, served = 0;
  for (gchar **l = lines; *l; l++)
    {
      if (g_str_has_prefix (*l, "    began waiting "))
        {
          g_assert_true (g_str_has_suffix (*l, "'w1' 'w2' 'w3'"));
          began++;
        }
      if (g_str_has_prefix (*l, "    served "))
        {
          g_assert_true (g_str_has_suffix (*l, "'w1' 'w2' 'w3'"));
          served++;
        }
    }
  g_assert_cmpuint (began, ==, 5);
  g_assert_cmpuint (served, ==, 5);
  char *lock_line = g_strdup_printf ("\nlock %llu: FIFO\n",
                                     (unsigned long long) p[0].object);
  g_assert_nonnull (strstr (out, lock_line));
  g_assert_nonnull (strstr (out, "hand-overs 3, acquisitions 4\n"));
  g_free (lock_line);
  g_strfreev (lines);
  g_free (out);
  braid_trace_close (trace);
  g_free (path);
}

static void
test_deadlock_names_holders_and_cycle (void)
{
  char *path = trace_prim_program ("deadlock", 0);
  braid_trace *trace = open_or_fail (path);

  /* The locks in creation order: 'first' (alpha's), 'second' (beta's). */
  size_t n_objects;
  const braid_trace_object *o = braid_trace_get_objects (trace, &n_objects);
  uint64_t locks[2];
  size_t n_locks = 0;
  for (size_t i = 0; i < n_objects; i++)
    if (o[i].kind == BRAID_OBJ_LOCK)
      {
        g_assert_cmpuint (n_locks, <, 2);
        locks[n_locks++] = o[i].id;
      }
  g_assert_cmpuint (n_locks, ==, 2);

  size_t n_problems;
  const braid_trace_problem *pr = braid_trace_get_problems (trace,
                                                            &n_problems);
  g_assert_cmpuint (n_problems, ==, 1);
  g_assert_cmpint (pr[0].kind, ==, BRAID_PROBLEM_DEADLOCK);
  braid_trace_wait_edge *e = NULL;
  size_t n = 0;
  g_assert_cmpint (braid_trace_wait_graph (trace, pr[0].step, &e, &n), ==, 0);
  /* alpha -> second -> beta -> first -> alpha, then the main task's
   * gather, outside the cycle. */
  g_assert_cmpuint (n, ==, 3);
  g_assert_true (e[0].in_cycle && e[1].in_cycle && !e[2].in_cycle);
  g_assert_cmpstr (task_name (trace, e[0].task), ==, "alpha");
  g_assert_cmpuint (e[0].object, ==, locks[1]);
  g_assert_cmpstr (task_name (trace, e[0].holder), ==, "beta");
  g_assert_cmpstr (task_name (trace, e[1].task), ==, "beta");
  g_assert_cmpuint (e[1].object, ==, locks[0]);
  g_assert_cmpstr (task_name (trace, e[1].holder), ==, "alpha");
  g_assert_cmpint (e[2].reason, ==, BRAID_WAIT_GATHER);
  g_assert_cmpint (e[2].holder, ==, -1);
  free (e);

  /* Before the deadlock, at step 1 (alpha's first step), nobody waits on
   * a lock. */
  g_assert_cmpint (braid_trace_wait_graph (trace, 1, &e, &n), ==, 0);
  for (size_t i = 0; i < n; i++)
    g_assert_cmpint (e[i].reason, !=, BRAID_WAIT_LOCK);
  free (e);

  char *out = NULL;
  const char *args[] = { "problems", path, NULL };
  g_assert_cmpint (run_braid (args, &out), ==, 1);
  char *want[3] = {
    g_strdup_printf ("    'alpha' waits on lock %llu, held by 'beta'\n",
                     (unsigned long long) locks[1]),
    g_strdup_printf ("    'beta' waits on lock %llu, held by 'alpha'\n",
                     (unsigned long long) locks[0]),
    g_strdup_printf ("    cycle: 'alpha' -> lock %llu -> 'beta' -> lock "
                     "%llu -> 'alpha'\n",
                     (unsigned long long) locks[1],
                     (unsigned long long) locks[0]),
  };
  for (size_t i = 0; i < 3; i++)
    {
      if (strstr (out, want[i]) == NULL)
        g_test_message ("output:\n%s\nwants: %s", out, want[i]);
      g_assert_nonnull (strstr (out, want[i]));
      g_free (want[i]);
    }
  g_free (out);
  braid_trace_close (trace);
  g_free (path);
}

/* The two queues of `prim-program robbed` ('jobs', then 'slots'), their
 * robbed waiter and the task that robbed it. */
static void
test_robbed_queue_waiter_is_not_fifo (void)
{
  char *path = trace_prim_program ("robbed", 0);
  braid_trace *trace = open_or_fail (path);

  size_t n, n_waits;
  const braid_trace_primitive *p = braid_trace_get_primitives (trace, &n);
  const braid_trace_sync_wait *w = braid_trace_get_sync_waits (trace,
                                                               &n_waits);
  g_assert_cmpuint (n, ==, 2);
  static const char *const waiter[] = { "getter", "putter" };
  static const char *const robber[] = { "thief", "sneak" };
  static const uint32_t op[] = { BRAID_QUEUE_OP_GET, BRAID_QUEUE_OP_PUT };
  /* jobs: thief's and getter's gets; slots (bounded): main's and
   * sneak's and putter's puts, main's three gets. */
  static const uint32_t gets[] = { 2, 3 }, puts[] = { 0, 3 };
  for (size_t i = 0; i < n; i++)
    {
      g_assert_cmpuint (p[i].kind, ==, BRAID_OBJ_QUEUE);
      g_assert_false (p[i].fifo);
      g_assert_cmpuint (p[i].n_robbed, ==, 1);
      g_assert_cmpuint (p[i].n_overtaken, ==, 1);
      g_assert_cmpuint (p[i].n_gets, ==, gets[i]);
      g_assert_cmpuint (p[i].n_puts, ==, puts[i]);
      /* The robbed waiter's wait is one wait, woken twice, served. */
      g_assert_cmpuint (p[i].n_waits, ==, 1);
      const braid_trace_sync_wait *x = &w[p[i].first_wait];
      g_assert_cmpstr (task_name (trace, x->task), ==, waiter[i]);
      g_assert_cmpint (x->outcome, ==, BRAID_TRACE_WAIT_SERVED);
      g_assert_true (x->overtaken);
      g_assert_cmpuint (x->robbed, ==, 1);
      g_assert_cmpuint (x->rewaits, ==, 1);
      g_assert_cmpuint (x->robbed_op, ==, op[i]);
      g_assert_cmpstr (task_name (trace, x->robbed_by), ==, robber[i]);
      /* Taken after the wake-up, before the waiter resumed. */
      g_assert_cmpuint (x->robbed_step, >, x->start_step);
      g_assert_cmpuint (x->robbed_step, <, x->served_step);
    }
  /* Nobody holds a queue: its gets and puts are no holds. */
  size_t n_holds;
  braid_trace_get_holds (trace, &n_holds);
  g_assert_cmpuint (n_holds, ==, 0);
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  for (uint64_t step = 0; step <= m->n_steps; step++)
    g_assert_cmpuint (braid_trace_holders (trace, p[0].object, step, NULL,
                                           0),
                      ==, 0);
  unsigned long long queues[2] = { p[0].object, p[1].object };
  braid_trace_close (trace);

  char *out = NULL;
  const char *args[] = { "report", "--primitives", path, NULL };
  g_assert_cmpint (run_braid (args, &out), ==, 0);
  char *want[] = {
    g_strdup_printf ("\nqueue %llu: NOT FIFO (1 wait overtaken, 1 robbed)\n",
                     queues[0]),
    g_strdup_printf ("\nqueue %llu: NOT FIFO (1 wait overtaken, 1 robbed)\n",
                     queues[1]),
    g_strdup ("    robbed          'getter' (waiting from step "),
    g_strdup ("its item went to 'thief' at step "),
    g_strdup ("    robbed          'putter' (waiting from step "),
    g_strdup ("its place went to 'sneak' at step "),
    g_strdup ("1 woken but waited again\n    hand-overs 1, gets 2, puts 0\n"),
    g_strdup ("verdict     NOT FIFO: 2 of 2 primitives"),
  };
  assert_output_has (out, want, G_N_ELEMENTS (want));
  g_free (out);
  g_free (path);
}

/* The samples that wait on primitives (a queue's consumers, a lock, an
 * event's workers, a bounded semaphore) serve them FIFO, the queue's
 * gets robbing nobody. */
static void
test_samples_stay_fifo (void)
{
  static const char *const names[] = { "advanced_techniques",
                                       "event_workers",
                                       "semaphore_bounded" };
  for (size_t k = 0; k < G_N_ELEMENTS (names); k++)
    {
      char *path = trace_sample (names[k]);
      if (path == NULL)
        {
          g_test_skip ("the samples are not built");
          return;
        }
      braid_trace *trace = open_or_fail (path);
      size_t n, waits = 0, gets = 0;
      const braid_trace_primitive *p = braid_trace_get_primitives (trace,
                                                                   &n);
      for (size_t i = 0; i < n; i++)
        {
          g_assert_true (p[i].fifo);
          g_assert_cmpuint (p[i].n_robbed, ==, 0);
          waits += p[i].n_waits;
          gets += p[i].n_gets;
        }
      g_assert_cmpuint (waits, >, 0);
      /* advanced_techniques' queue: 4 gets, 3 of them after a wait. */
      if (k == 0)
        g_assert_cmpuint (gets, ==, 4);
      braid_trace_close (trace);
      g_free (path);
    }
}

/* Records one event through the recorder's public entry point. */
static void
put (braid_event_kind kind, uint64_t t, uint64_t task, uint64_t other,
        uint64_t object, uint32_t reason, const char *name)
{
  braid_event ev = {
    .kind = kind, .time_ns = t, .task = task, .other = other,
    .object = object, .reason = reason, .str1 = name,
  };
  braid_trace_record (&ev);
}

/* Ends a recording made with put(): closes loop 1 at @t, stops, and
 * opens the trace at @path. */
static braid_trace *
stop_and_open (const char *path, uint64_t t)
{
  put (BRAID_EV_LOOP_CLOSED, t, 0, 0, 1, 0, NULL);
  g_assert_cmpint (braid_trace_stop (), ==, 0);
  return open_or_fail (path);
}

static void
test_unfair_order_is_not_fifo (void)
{
  char *path = test_trace_path ("unfair.braid");
  braid_trace_start_options opts = { .program = "unfair", .foreign = true };
  g_assert_cmpint (braid_trace_start_with (path, &opts), ==, 0);
  enum { LOOP = 1, A = 10, B = 11, C = 12, LOCK = 20 };
  uint64_t t = 1000;
  put (BRAID_EV_LOOP_CREATED, t, 0, 0, LOOP, 1, "unfair");
  put (BRAID_EV_TASK_CREATED, t, C, 0, LOOP, 0, "holder");
  put (BRAID_EV_TASK_CREATED, t, A, 0, LOOP, 0, "early");
  put (BRAID_EV_TASK_CREATED, t, B, 0, LOOP, 0, "late");
  put (BRAID_EV_OBJECT_CREATED, t, 0, C, LOCK, BRAID_OBJ_LOCK, "lock");
  /* The holder takes the lock; early, then late, wait on it. */
  put (BRAID_EV_TASK_RESUMED, t += 10, C, 0, 0, 0, NULL);
  put (BRAID_EV_ACQUIRED, t, C, 0, LOCK, BRAID_OBJ_LOCK, NULL);
  put (BRAID_EV_TASK_SUSPENDED, t += 10, C, 0, 0, BRAID_WAIT_YIELD, NULL);
  put (BRAID_EV_TASK_RESUMED, t += 10, A, 0, 0, 0, NULL);
  put (BRAID_EV_TASK_SUSPENDED, t += 10, A, 0, LOCK, BRAID_WAIT_LOCK,
          NULL);
  put (BRAID_EV_TASK_RESUMED, t += 10, B, 0, 0, 0, NULL);
  put (BRAID_EV_TASK_SUSPENDED, t += 10, B, 0, LOCK, BRAID_WAIT_LOCK,
          NULL);
  /* The release hands the lock to late, out of turn. */
  put (BRAID_EV_TASK_RESUMED, t += 10, C, 0, 0, 0, NULL);
  put (BRAID_EV_RELEASED, t, C, 0, LOCK, BRAID_OBJ_LOCK, NULL);
  put (BRAID_EV_TASK_WOKEN, t, B, C, LOCK, BRAID_WAIT_LOCK, NULL);
  put (BRAID_EV_TASK_COMPLETED, t += 10, C, 0, 0, 0, NULL);
  put (BRAID_EV_TASK_RESUMED, t += 10, B, 0, 0, 0, NULL);
  put (BRAID_EV_ACQUIRED, t, B, 0, LOCK, BRAID_OBJ_LOCK, NULL);
  put (BRAID_EV_RELEASED, t += 10, B, 0, LOCK, BRAID_OBJ_LOCK, NULL);
  put (BRAID_EV_TASK_WOKEN, t, A, B, LOCK, BRAID_WAIT_LOCK, NULL);
  put (BRAID_EV_TASK_COMPLETED, t += 10, B, 0, 0, 0, NULL);
  put (BRAID_EV_TASK_RESUMED, t += 10, A, 0, 0, 0, NULL);
  put (BRAID_EV_ACQUIRED, t, A, 0, LOCK, BRAID_OBJ_LOCK, NULL);
  put (BRAID_EV_RELEASED, t += 10, A, 0, LOCK, BRAID_OBJ_LOCK, NULL);
  put (BRAID_EV_TASK_COMPLETED, t += 10, A, 0, 0, 0, NULL);

  braid_trace *trace = stop_and_open (path, t);
  size_t n;
  const braid_trace_primitive *p = braid_trace_get_primitives (trace, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpuint (p[0].object, ==, LOCK);
  g_assert_false (p[0].fifo);
  g_assert_cmpuint (p[0].n_overtaken, ==, 1);
  g_assert_cmpuint (p[0].n_served, ==, 2);
  g_assert_cmpuint (p[0].n_acquisitions, ==, 3);
  g_assert_cmpint (p[0].longest_wait_ns, ==, 60);
  const braid_trace_sync_wait *w = braid_trace_get_sync_waits (trace, NULL);
  g_assert_cmpstr (task_name (trace, w[0].task), ==, "early");
  g_assert_true (w[0].overtaken);
  g_assert_cmpuint (w[0].serve_rank, ==, 1);
  g_assert_cmpstr (task_name (trace, w[1].task), ==, "late");
  g_assert_false (w[1].overtaken);
  g_assert_cmpuint (w[1].serve_rank, ==, 0);
  g_assert_cmpstr (task_name (trace, w[1].woken_by), ==, "holder");
  braid_trace_close (trace);

  char *out = NULL;
  const char *args[] = { "report", "--primitives", path, NULL };
  g_assert_cmpint (run_braid (args, &out), ==, 0);
  g_assert_nonnull (strstr (out, "\nlock 20: NOT FIFO (1 wait overtaken)\n"));
  g_assert_nonnull (strstr (out, "    began waiting    'early' 'late'\n"));
  g_assert_nonnull (strstr (out, "    served           'late' 'early'\n"));
  g_assert_nonnull (strstr (out, "    overtaken       'early'"));
  g_assert_nonnull (strstr (out, "verdict     NOT FIFO: 1 of 1 primitives"));
  g_free (out);
  g_free (path);
}

/* Queue waits written through the recorder's API: a getter robbed by a
 * get outside any task (a callback's, between two steps), one robbed by
 * nobody the trace names (it has no take of another task), and a queue
 * without any get or put (as in a trace of schema 3), whose waiter woken
 * and waiting again is two waits, as before, and FIFO. */
static void
test_robbed_outside_tasks_and_by_nobody_known (void)
{
  char *path = test_trace_path ("robbed.braid");
  braid_trace_start_options opts = { .program = "robbed", .foreign = true };
  g_assert_cmpint (braid_trace_start_with (path, &opts), ==, 0);
  enum { LOOP = 1, G = 10, H = 11, G2 = 12, G3 = 13,
         Q = 20, Q2 = 21, Q3 = 22 };
  const uint32_t W = BRAID_WAIT_QUEUE, GET = BRAID_QUEUE_OP_GET;
  uint64_t t = 1000;
  put (BRAID_EV_LOOP_CREATED, t, 0, 0, LOOP, 1, "robbed");
  put (BRAID_EV_TASK_CREATED, t, G, 0, LOOP, 0, "g");
  put (BRAID_EV_TASK_CREATED, t, H, 0, LOOP, 0, "h");
  put (BRAID_EV_TASK_CREATED, t, G2, 0, LOOP, 0, "g2");
  put (BRAID_EV_TASK_CREATED, t, G3, 0, LOOP, 0, "g3");
  put (BRAID_EV_OBJECT_CREATED, t, 0, 0, Q, BRAID_OBJ_QUEUE, "q");
  put (BRAID_EV_OBJECT_CREATED, t, 0, 0, Q2, BRAID_OBJ_QUEUE, "q2");
  put (BRAID_EV_OBJECT_CREATED, t, 0, 0, Q3, BRAID_OBJ_QUEUE, "q3");
  static const uint64_t getters[] = { G, G2, G3 }, queues[] = { Q, Q2, Q3 };
  /* g, g2 and g3 wait on their empty queues. */
  for (size_t i = 0; i < 3; i++)
    {
      put (BRAID_EV_TASK_RESUMED, t += 10, getters[i], 0, 0, 0, NULL);
      put (BRAID_EV_TASK_SUSPENDED, t += 10, getters[i], 0, queues[i], W,
           NULL);
    }
  /* A callback puts into each queue, waking its getter, and takes q's
   * item back itself (a get outside any task). */
  put (BRAID_EV_TASK_WOKEN, t += 10, G, 0, Q, W, NULL);
  put (BRAID_EV_QUEUE_ITEM, t, 0, 0, Q, GET, NULL);
  put (BRAID_EV_TASK_WOKEN, t, G2, 0, Q2, W, NULL);
  put (BRAID_EV_TASK_WOKEN, t, G3, 0, Q3, W, NULL);
  /* Each getter finds its queue empty and waits again: q's was taken,
   * q2's and q3's by no take the trace has. */
  for (size_t i = 0; i < 3; i++)
    {
      put (BRAID_EV_TASK_RESUMED, t += 10, getters[i], 0, 0, 0, NULL);
      put (BRAID_EV_TASK_SUSPENDED, t += 10, getters[i], 0, queues[i], W,
           NULL);
    }
  /* h puts into each queue (not recorded: unbounded) and wakes them;
   * g and g2 then get their items, g3 too, unrecorded (no get or put of
   * q3 is in the trace). */
  put (BRAID_EV_TASK_RESUMED, t += 10, H, 0, 0, 0, NULL);
  for (size_t i = 0; i < 3; i++)
    put (BRAID_EV_TASK_WOKEN, t, getters[i], H, queues[i], W, NULL);
  put (BRAID_EV_TASK_COMPLETED, t += 10, H, 0, 0, 0, NULL);
  for (size_t i = 0; i < 3; i++)
    {
      put (BRAID_EV_TASK_RESUMED, t += 10, getters[i], 0, 0, 0, NULL);
      if (queues[i] != Q3)
        put (BRAID_EV_QUEUE_ITEM, t, getters[i], 0, queues[i], GET, NULL);
      put (BRAID_EV_TASK_COMPLETED, t += 10, getters[i], 0, 0, 0, NULL);
    }

  braid_trace *trace = stop_and_open (path, t);
  size_t n;
  const braid_trace_primitive *p = braid_trace_get_primitives (trace, &n);
  const braid_trace_sync_wait *w = braid_trace_get_sync_waits (trace, NULL);
  g_assert_cmpuint (n, ==, 3);
  /* q: robbed by the callback's get, outside any task. */
  g_assert_cmpuint (p[0].object, ==, Q);
  g_assert_false (p[0].fifo);
  g_assert_cmpuint (p[0].n_robbed, ==, 1);
  g_assert_cmpuint (p[0].n_gets, ==, 2);
  g_assert_cmpuint (p[0].n_waits, ==, 1);
  const braid_trace_sync_wait *x = &w[p[0].first_wait];
  g_assert_cmpuint (x->robbed, ==, 1);
  g_assert_cmpint (x->robbed_by, ==, -1);
  g_assert_cmpuint (x->robbed_step, !=, UINT64_MAX);
  g_assert_cmpuint (x->robbed_op, ==, GET);
  g_assert_cmpint (x->outcome, ==, BRAID_TRACE_WAIT_SERVED);
  /* q2: robbed, by a take the trace lacks. */
  g_assert_cmpuint (p[1].object, ==, Q2);
  g_assert_false (p[1].fifo);
  g_assert_cmpuint (p[1].n_robbed, ==, 1);
  x = &w[p[1].first_wait];
  g_assert_cmpuint (x->robbed, ==, 1);
  g_assert_cmpint (x->robbed_by, ==, -1);
  g_assert_cmpuint (x->robbed_step, ==, UINT64_MAX);
  g_assert_cmpuint (x->robbed_op, ==, 0);
  /* q3: no gets or puts at all, read as before: two waits, FIFO. */
  g_assert_cmpuint (p[2].object, ==, Q3);
  g_assert_true (p[2].fifo);
  g_assert_cmpuint (p[2].n_robbed + p[2].n_gets + p[2].n_puts, ==, 0);
  g_assert_cmpuint (p[2].n_waits, ==, 2);
  braid_trace_close (trace);

  char *out = NULL;
  const char *args[] = { "report", "--primitives", path, NULL };
  g_assert_cmpint (run_braid (args, &out), ==, 0);
  g_assert_nonnull (strstr (out, "\nqueue 20 'q': NOT FIFO (1 wait "
                                 "overtaken, 1 robbed)\n"));
  g_assert_nonnull (strstr (out, "    robbed          'g' (waiting from "
                                 "step "));
  g_assert_nonnull (strstr (out, "its item went to (the loop) at step "));
  g_assert_nonnull (strstr (out, "    robbed          'g2' (waiting from "
                                 "step "));
  g_assert_nonnull (strstr (out, "woken, but another task took what it "
                                 "waited for, and it waited again\n"));
  g_assert_nonnull (strstr (out, "\nqueue 22 'q3': FIFO\n"));
  g_assert_nonnull (strstr (out, "verdict     NOT FIFO: 2 of 3 primitives"));
  g_free (out);
  g_free (path);
}

/* Events that make no sense together (a release nobody acquired, holds
 * outside any task and of object 0, a wait on an object never created
 * that never ends, a wake of a task that was not waiting, a deadlock
 * naming nobody, times going back): the reader, report --primitives
 * and problems take them without a crash or a made-up holder. */
static void
test_nonsense_is_survived (void)
{
  char *path = test_trace_path ("nonsense.braid");
  braid_trace_start_options opts = { .program = "nonsense", .foreign = true };
  g_assert_cmpint (braid_trace_start_with (path, &opts), ==, 0);
  enum { LOOP = 1, A = 10, B = 11, LOCK = 20, GHOST = 99 };
  put (BRAID_EV_LOOP_CREATED, 100, 0, 0, LOOP, 1, "nonsense");
  put (BRAID_EV_TASK_CREATED, 100, A, 0, LOOP, 0, "a");
  put (BRAID_EV_TASK_CREATED, 100, B, 0, LOOP, 0, "b");
  put (BRAID_EV_RELEASED, 100, A, 0, LOCK, BRAID_OBJ_LOCK, NULL);
  put (BRAID_EV_ACQUIRED, 100, 0, 0, LOCK, BRAID_OBJ_LOCK, NULL);
  put (BRAID_EV_ACQUIRED, 100, A, 0, 0, BRAID_OBJ_LOCK, NULL);
  put (BRAID_EV_ACQUIRED, 100, A, 0, LOCK, 77, NULL);
  put (BRAID_EV_TASK_RESUMED, 100, A, 0, 0, 0, NULL);
  put (BRAID_EV_TASK_SUSPENDED, 100, A, 0, GHOST, BRAID_WAIT_SEMAPHORE, NULL);
  put (BRAID_EV_TASK_WOKEN, 100, B, A, GHOST, BRAID_WAIT_QUEUE, NULL);
  put (BRAID_EV_TASK_RESUMED, 100, B, 0, 0, 0, NULL);
  put (BRAID_EV_TASK_SUSPENDED, 100, B, 0, LOCK, BRAID_WAIT_LOCK, NULL);
  put (BRAID_EV_DEADLOCK, 100, 0, 0, LOOP, 5, NULL);
  put (BRAID_EV_DEADLOCK_TASK, 100, B, 0, LOCK, BRAID_WAIT_LOCK, NULL);
  put (BRAID_EV_RELEASED, 100, B, 0, GHOST, BRAID_OBJ_SEMAPHORE, NULL);
  /* Gets and puts with no op, an unknown op, of object 0. */
  put (BRAID_EV_QUEUE_ITEM, 100, A, 0, GHOST, 0, NULL);
  put (BRAID_EV_QUEUE_ITEM, 100, A, 0, GHOST, 77, NULL);
  put (BRAID_EV_QUEUE_ITEM, 100, B, 0, 0, BRAID_QUEUE_OP_GET, NULL);
  g_assert_cmpint (braid_trace_stop (), ==, 0);

  braid_trace *trace = open_or_fail (path);
  size_t n, n_holds;
  const braid_trace_primitive *p = braid_trace_get_primitives (trace, &n);
  g_assert_nonnull (braid_trace_find_primitive (trace, GHOST));
  g_assert_nonnull (braid_trace_find_primitive (trace, LOCK));
  g_assert_null (braid_trace_find_primitive (trace, 12345));
  for (size_t i = 0; i < n; i++)
    {
      g_assert_true (p[i].fifo);
      g_assert_cmpuint (p[i].n_gets + p[i].n_puts, ==, 0);
    }
  const braid_trace_hold *h = braid_trace_get_holds (trace, &n_holds);
  /* Two holds of the lock (outside any task, and a's), none of object
   * 0; the release before any acquisition and the one of an object
   * nobody held change nothing. */
  g_assert_cmpuint (n_holds, ==, 2);
  g_assert_cmpint (h[0].task, ==, -1);
  g_assert_cmpint (h[1].end_ns, ==, -1);
  braid_trace_wait_edge *e = NULL;
  size_t ne = 0;
  const braid_trace_meta *m = braid_trace_get_meta (trace);
  g_assert_cmpint (braid_trace_wait_graph (trace, m->n_steps, &e, &ne), ==,
                   0);
  /* a waits on the ghost semaphore, held by nobody; b on the lock,
   * held by a (the hold outside any task names no task). */
  g_assert_cmpuint (ne, ==, 2);
  for (size_t i = 0; i < ne; i++)
    {
      g_assert_false (e[i].in_cycle);
      if (e[i].object == LOCK)
        g_assert_cmpstr (task_name (trace, e[i].holder), ==, "a");
      else
        g_assert_cmpint (e[i].holder, ==, -1);
    }
  free (e);
  g_assert_cmpint (braid_trace_wait_graph (trace, UINT64_MAX, &e, &ne), ==,
                   0);
  free (e);
  braid_trace_close (trace);

  char *out = NULL;
  const char *report[] = { "report", "--primitives", path, NULL };
  g_assert_cmpint (run_braid (report, &out), ==, 0);
  g_free (out);
  const char *problems[] = { "problems", path, NULL };
  g_assert_cmpint (run_braid (problems, &out), ==, 1);
  g_assert_nonnull (strstr (out, "    'b' waits on lock 20, held by 'a'\n"));
  g_free (out);
  g_free (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tracer/primitives/braids-primitives-are-fifo",
                   test_braids_primitives_are_fifo);
  g_test_add_func ("/tracer/primitives/deadlock-names-holders-and-cycle",
                   test_deadlock_names_holders_and_cycle);
  g_test_add_func ("/tracer/primitives/robbed-queue-waiter-is-not-fifo",
                   test_robbed_queue_waiter_is_not_fifo);
  g_test_add_func ("/tracer/primitives/samples-stay-fifo",
                   test_samples_stay_fifo);
  g_test_add_func ("/tracer/primitives/robbed-outside-tasks-and-by-nobody-known",
                   test_robbed_outside_tasks_and_by_nobody_known);
  g_test_add_func ("/tracer/primitives/unfair-order-is-not-fifo",
                   test_unfair_order_is_not_fifo);
  g_test_add_func ("/tracer/primitives/nonsense-is-survived",
                   test_nonsense_is_survived);
  return g_test_run ();
}
