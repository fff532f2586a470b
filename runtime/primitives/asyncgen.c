/* asyncgen.c: async generators (braid_agen_*), the StopAsyncIteration
 * and GeneratorExit error types.
 *
 * Owns the generator: its body, its own stack (taken from the loop's
 * stack pool at the first next() and returned when the body ends), and
 * its state. Python runs an async generator's body inside the consuming
 * task's step, so next() costs no loop iteration and the body's awaits
 * suspend the consumer (ORDERING.md rule 25). braid does the same without
 * the loop: next() switches from the consumer's stack straight to the
 * generator's, and yield switches back.
 *
 * Why the body's awaits suspend the consumer: the core suspends a task by
 * saving whatever context is running into task->co and resumes it by
 * switching to task->co. When the body awaits, the running context is the
 * body's, so the loop later resumes the body, as "the task". next() keeps
 * the task's own context aside in gen->caller (restored when the body
 * yields or ends) and switches to gen->co; yield saves the body into
 * gen->co, a struct of the generator's, never of a task: the next next()
 * may come from another task, after the first one was freed. The
 * coroutine layer's ASan annotations record the bounds of the stack each
 * context left, so they follow. Known limit: while the body is suspended
 * inside an await and resumed by the loop, task->co still names the task's
 * stack, so an overflow of the generator's stack from there is a plain
 * SIGSEGV rather than the named overflow report.
 *
 * This reads the core's private structs (braid_task.co, the loop's stack
 * pools) and changes none of them beyond that swap.
 *
 * asend() hands a value to the yield the body waits at (Python's
 * `x = yield v`), athrow() raises an error there; both then run the body
 * to its next yield or its end, as next() does.
 *
 * Hot path: braid_agen_next / braid_agen_yield: two context switches and
 * two struct copies per value.
 */
#include <stdio.h>
#include <string.h>

#include "braid-private.h"

const braid_error_type braid_stop_async_iteration_type
    = { "StopAsyncIteration", &braid_exception_type };
const braid_error_type braid_generator_exit_type
    = { "GeneratorExit", &braid_base_exception_type };

typedef enum gen_state
{
  GEN_CREATED = 0, /* the body has not started */
  GEN_SUSPENDED,   /* the body waits at a yield */
  GEN_RUNNING,     /* the body runs (or its consumer waits inside it) */
  GEN_DONE,        /* the body ended, or the generator was closed */
} gen_state;

struct braid_agen
{
  braid_agen_fn fn;
  void *arg;
  gen_state state;
  bool closing; /* close() resumed the body: yield raises GeneratorExit */
  bool yielded; /* the last resume ended at a yield, not at the end */
  bool has_stack;
  void *value;    /* the value yielded, or sent into the body by asend */
  braid_error *thrown; /* athrow's error, raised at the yield (a reference) */
  braid_task *task; /* the consumer while the body runs (borrowed) */
  braid_loop *loop; /* set at the first next() */
  braid_agen *live_prev, *live_next; /* the started, unfinished ones */
  braid__coro co;     /* the body's context while it does not run */
  braid__coro caller; /* the consumer's own context while the body runs */
  uint32_t magic;     /* BRAID__MAGIC_AGEN until freed */
};

/* Aborts naming @call for a NULL or freed generator. */
#define check_gen(gen, call)                                                   \
  braid__check_object (gen, call, "generator",                                 \
                       (gen)->magic == BRAID__MAGIC_AGEN)

braid_agen *
braid_agen_new (braid_agen_fn fn, void *arg)
{
  braid_agen *gen;

  braid__check_arg (fn, "braid_agen_new", "function");
  gen = braid__xcalloc (1, sizeof *gen);
  gen->magic = BRAID__MAGIC_AGEN;
  gen->fn = fn;
  gen->arg = arg;
  return gen;
}

/* The generators started and not finished on this thread, oldest first
 * (asyncio's loop._asyncgens), for braid__agen_shutdown. */
static BRAID_TLS braid_agen *live_head, *live_tail;

static void
live_add (braid_agen *gen)
{
  gen->live_prev = live_tail;
  gen->live_next = NULL;
  if (live_tail)
    live_tail->live_next = gen;
  else
    live_head = gen;
  live_tail = gen;
}

static void
live_remove (braid_agen *gen)
{
  if (gen->live_prev)
    gen->live_prev->live_next = gen->live_next;
  else if (live_head == gen)
    live_head = gen->live_next;
  else
    return; /* not in the list */
  if (gen->live_next)
    gen->live_next->live_prev = gen->live_prev;
  else
    live_tail = gen->live_prev;
  gen->live_prev = gen->live_next = NULL;
}

/* The first code on the generator's stack. */
static void
gen_entry (void *arg)
{
  braid_agen *gen = arg;

  gen->fn (gen, gen->arg);
  gen->yielded = false;
  braid__coro_switch_final (&gen->co, &gen->caller);
}

/* Runs the body on behalf of @t until it yields or ends. */
static void
resume (braid_agen *gen, braid_task *t)
{
  gen->task = t;
  gen->state = GEN_RUNNING;
  gen->yielded = false;
  /* The task's own context goes aside. task->co keeps naming the task's
   * stack: if the loop closes while the task is suspended inside the body,
   * the core releases that stack, the right one. */
  gen->caller = t->co;
  braid__coro_switch (&gen->caller, &gen->co);
  /* Back on the consumer's stack. */
  t->co = gen->caller;
  gen->task = NULL;
  if (gen->yielded)
    gen->state = GEN_SUSPENDED;
  else
    {
      gen->state = GEN_DONE;
      braid__coro_release (&gen->co);
      gen->has_stack = false;
      live_remove (gen);
    }
}

/* braid_agen_yield_recv once @gen is checked (the hot path's yield
 * checks it once). */
static int
agen_yield_recv (braid_agen *gen, void *value, void **sent)
{
  braid_task *t = braid__tls_task;

  if (gen->state != GEN_RUNNING || !t || t != gen->task)
    return braid__raise_as (BRAID_INVALID_STATE_ERROR, BRAID_EINVALSTATE,
                            "braid_agen_yield: not called from the body of "
                            "the running generator");
  gen->value = value;
  gen->yielded = true;
  /* Saved into the generator's own context, which outlives the task that
   * is consuming now (the next next() may come from another task). */
  braid__coro_switch (&gen->co, &gen->caller);
  /* Resumed by next(), asend(), athrow() or close(), maybe from another
   * task. */
  if (sent)
    *sent = gen->closing || gen->thrown ? NULL : gen->value;
  if (gen->closing)
    return braid__raise_as (BRAID_GENERATOR_EXIT, BRAID_EGENEXIT, "%s", "");
  if (gen->thrown)
    {
      /* athrow: the error is raised here, where the body waits, as
       * Python raises it at the yield expression. The reference moves
       * into the current slot. */
      braid_error *e = gen->thrown;
      gen->thrown = NULL;
      return braid__error_set_current (e);
    }
  return 0;
}

int
braid_agen_yield (braid_agen *gen, void *value)
{
  check_gen (gen, "braid_agen_yield");
  return agen_yield_recv (gen, value, NULL);
}

int
braid_agen_yield_recv (braid_agen *gen, void *value, void **sent)
{
  check_gen (gen, "braid_agen_yield_recv");
  return agen_yield_recv (gen, value, sent);
}

/* Maps the generator's stack and registers it on the first resume. */
static int
start (braid_agen *gen, braid_task *t, const char *call)
{
  braid_loop *loop = t->loop;

  if (braid__coro_init (&gen->co, loop->pools[loop->npools - 1], gen_entry,
                        gen, "async generator")
      < 0)
    return braid__raise_code (BRAID_ENOMEM, call);
  gen->has_stack = true;
  gen->loop = loop;
  live_add (gen);
  return 0;
}

/* What a resume that ended the body returns. The error the body ended
 * with (one current now that was not @before) goes on; a
 * StopAsyncIteration among them is a RuntimeError whose cause it is, as
 * Python turns one raised inside an async generator (PEP 479), so that
 * BRAID_ESTOP means only "the body returned". */
static int
body_ended (braid_error *before)
{
  braid_error *err = braid_error_current ();

  if (!err || err == before)
    return braid__raise_as (BRAID_STOP_ASYNC_ITERATION, BRAID_ESTOP, "%s", "");
  if (braid_error_is (err, BRAID_STOP_ASYNC_ITERATION))
    {
      braid_error *stop = braid_error_ref (err);
      braid_error *e = braid_error_new (
          BRAID_RUNTIME_ERROR, "async generator raised StopAsyncIteration");
      int rc = braid_raise_from (e, stop);
      braid_error_unref (e);
      braid_error_unref (stop);
      return rc;
    }
  return braid_error_code (err);
}

/* braid_agen_asend once @gen is checked (the hot path's next() checks
 * it once). */
static int
agen_asend (braid_agen *gen, void *sent, void **value)
{
  braid_task *t = braid__tls_task;
  braid_error *before;

  if (!t)
    return braid__raise_code (BRAID_ENOTASK, "braid_agen_asend");
  if (gen->state == GEN_RUNNING)
    return braid__raise_as (BRAID_RUNTIME_ERROR, BRAID_EBUSY,
                            "anext(): asynchronous generator is already "
                            "running");
  if (gen->state == GEN_DONE)
    return braid__raise_as (BRAID_STOP_ASYNC_ITERATION, BRAID_ESTOP, "%s", "");
  if (gen->state == GEN_CREATED)
    {
      /* Nothing waits at a yield to receive it: Python's TypeError. */
      if (sent)
        return braid__raise_as (BRAID_TYPE_ERROR, BRAID_EINVAL,
                                "can't send non-None value to a "
                                "just-started async generator");
      if (start (gen, t, "braid_agen_asend") < 0)
        return BRAID_ENOMEM;
    }
  gen->value = sent;
  before = braid_error_current ();
  resume (gen, t);
  if (gen->yielded)
    {
      if (value)
        *value = gen->value;
      return 0;
    }
  return body_ended (before);
}

int
braid_agen_asend (braid_agen *gen, void *sent, void **value)
{
  check_gen (gen, "braid_agen_asend");
  return agen_asend (gen, sent, value);
}

int
braid_agen_next (braid_agen *gen, void **value)
{
  check_gen (gen, "braid_agen_next");
  return agen_asend (gen, NULL, value);
}

int
braid_agen_athrow (braid_agen *gen, braid_error *error, void **value)
{
  braid_task *t = braid__tls_task;
  braid_error *before;

  check_gen (gen, "braid_agen_athrow");
  braid__check_object (error, "braid_agen_athrow", "error",
                       ERROR_ALIVE (error));
  if (!t)
    return braid__raise_code (BRAID_ENOTASK, "braid_agen_athrow");
  if (gen->state == GEN_RUNNING)
    return braid__raise_as (BRAID_RUNTIME_ERROR, BRAID_EBUSY,
                            "athrow(): asynchronous generator is already "
                            "running");
  if (gen->state == GEN_DONE)
    {
      /* CPython 3.11 throws into the finished frame, which returns None
       * whatever the error: athrow() of an ended generator gives None. */
      if (value)
        *value = NULL;
      return 0;
    }
  if (gen->state == GEN_CREATED)
    {
      /* The body never runs: the error leaves at once and the generator
       * is finished, as a throw into a just-created frame. */
      gen->state = GEN_DONE;
      if (value)
        *value = NULL;
      return braid_reraise (error);
    }
  gen->thrown = braid_error_ref (error);
  before = braid_error_current ();
  if (before == error)
    {
      /* Throwing the error that is current: it is handed to the body, so
       * it must not also read as the consumer's own error afterwards. */
      braid_error_clear ();
      before = NULL;
    }
  resume (gen, t);
  if (gen->yielded)
    {
      if (value)
        *value = gen->value;
      return 0;
    }
  return body_ended (before);
}

int
braid_agen_close (braid_agen *gen)
{
  braid_task *t = braid__tls_task;
  braid_error *before, *err;

  check_gen (gen, "braid_agen_close");
  if (gen->state == GEN_CREATED || gen->state == GEN_DONE)
    {
      gen->state = GEN_DONE;
      return 0;
    }
  if (gen->state == GEN_RUNNING)
    return braid__raise_as (BRAID_RUNTIME_ERROR, BRAID_EBUSY,
                            "aclose(): asynchronous generator is already "
                            "running");
  if (!t)
    return braid__raise_code (BRAID_ENOTASK, "braid_agen_close");
  gen->closing = true;
  before = braid_error_current ();
  resume (gen, t);
  if (gen->yielded)
    {
      gen->closing = false;
      return braid_raise (BRAID_RUNTIME_ERROR,
                          "async generator ignored GeneratorExit");
    }
  err = braid_error_current ();
  if (!err || err == before)
    return 0;
  err = braid_error_catch (BRAID_GENERATOR_EXIT);
  if (err)
    {
      braid_error_unref (err);
      return 0;
    }
  return braid_error_code (braid_error_current ());
}

bool
braid_agen_done (const braid_agen *gen)
{
  check_gen (gen, "braid_agen_done");
  return gen->state == GEN_DONE;
}

void
braid_agen_free (braid_agen *gen)
{
  if (!gen)
    return;
  check_gen (gen, "braid_agen_free");
  /* The body runs on the generator's stack, and its consumer is inside
   * it: freeing it now would pull the stack from under the body. */
  if (gen->state == GEN_RUNNING && braid__tls_task
      && gen->task == braid__tls_task)
    braid__abort ("braid_agen_free", "called from the generator's own body");
  if (gen->state == GEN_RUNNING && braid__tls_task
      && gen->loop == braid__tls_loop)
    braid__abort ("braid_agen_free", "the generator is running (its consumer "
                                     "is suspended inside its body)");
  if (gen->state == GEN_SUSPENDED && braid__tls_task)
    {
      /* Run the cleanup; its outcome has nowhere to go but the current
       * error, which must not change under the caller: keep it aside. */
      braid_error *saved = braid_error_current ();
      if (saved)
        braid_error_ref (saved);
      braid_error_clear ();
      if (braid_agen_close (gen) < 0)
        braid_error_clear ();
      if (saved)
        {
          braid_reraise (saved);
          braid_error_unref (saved);
        }
    }
  /* A generator still running here lost its consumer (a task destroyed
   * while suspended inside the body, at loop close): its stack's pool may
   * be gone with the loop, so the stack is left alone. */
  if (gen->has_stack && gen->state != GEN_RUNNING)
    braid__coro_release (&gen->co);
  live_remove (gen);
  braid_error_unref (gen->thrown);
  braid__forget (gen->magic);
  free (gen);
}

/* A task closing one generator for braid__agen_shutdown. */
static void *
shutdown_one (void *arg)
{
  braid_agen *gen = arg;

  if (braid_agen_close (gen) < 0)
    {
      /* asyncio's loop.call_exception_handler for aclose() errors. */
      fprintf (stderr, "braid: an error occurred during closing of an "
                       "asynchronous generator: ");
      braid_error_print (braid_error_current (), stderr);
      braid_error_clear ();
    }
  return NULL;
}

void
braid__agen_shutdown (braid_loop *loop)
{
  size_t n = 0, i = 0;
  braid_task **tasks;
  braid_future **futs, *all;

  for (braid_agen *g = live_head; g; g = g->live_next)
    if (g->loop == loop && g->state == GEN_SUSPENDED)
      n++;
  if (n == 0)
    return;
  tasks = braid__xcalloc (n, sizeof *tasks);
  for (braid_agen *g = live_head; g; g = g->live_next)
    if (g->loop == loop && g->state == GEN_SUSPENDED)
      tasks[i++] = braid_loop_spawn (loop, NULL, shutdown_one, g);
  futs = braid__xcalloc (n, sizeof *futs);
  for (i = 0; i < n; i++)
    futs[i] = braid_task_future (tasks[i]);
  all = braid_gather_future (futs, n, BRAID_GATHER_RETURN_EXCEPTIONS);
  free (futs);
  if (braid_loop_run_until_complete (loop, all, NULL) < 0)
    braid_error_clear ();
  braid_future_unref (all);
  for (i = 0; i < n; i++)
    braid_task_unref (tasks[i]);
  free (tasks);
}
