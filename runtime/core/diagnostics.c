/* diagnostics.c: asyncio's warnings, with sites. "Task exception was never
 * retrieved" (ORDERING.md rule 27), "Task was destroyed but it is
 * pending!" (rule 28 at loop close; rule 41 as soon as a task is
 * abandoned: nothing can wake it any more), the deadlock report, and the
 * slow-step watchdog (the time.sleep mistake). Each report goes to stderr
 * and to the hooks.
 *
 * The slow-step watchdog is a thread per running loop that samples the
 * loop's step counter; a step that keeps the same counter for longer than
 * the threshold is flagged, and the task reports it when its step ends.
 * So the hot path reads no clock: it bumps a counter and tests one flag.
 * A step still running at 10 times the threshold (1 s by default) is
 * also reported once by the watchdog thread itself, while it runs: a step
 * that never yields would otherwise never be reported at all.
 *
 * Hot path: none (braid__watchdog_check runs only when flagged).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "braid-private.h"

static void
describe_creator (const braid_task *t, char *buf, size_t size)
{
  if (t->parent_name)
    snprintf (buf, size, "%s", t->parent_name);
  else if (t->parent_id)
    snprintf (buf, size, "Task-%" PRIu64, t->parent_num);
  else
    snprintf (buf, size, "the main program");
}

/* "created at FILE:LINE", or "created by braid_run" for its main task
 * (which has no site in the program). */
static void
describe_site (const braid_task *t, char *buf, size_t size)
{
  if (t->line > 0)
    snprintf (buf, size, "created at %s:%d", t->file ? t->file : "?", t->line);
  else
    snprintf (buf, size, "created by %s", t->file ? t->file : "?");
}

static void
emit_error_event (braid_event_kind kind, braid_future *f)
{
  braid_event ev;
  braid_error *e = f->error;
  braid__event_init (&ev, kind,
                     f->loop ? braid__event_time (f->loop)
                             : braid__monotonic_ns ());
  ev.task = f->is_task ? f->id : 0;
  ev.object = f->id;
  ev.error = e;
  ev.str1 = e ? e->type->name : NULL;
  ev.str2 = e ? e->message : NULL;
  ev.str3 = e ? e->file : NULL;
  ev.line = e ? e->line : 0;
  braid__hook_call (&ev);
}

static void
print_raise_site (const braid_error *e)
{
  if (e->file)
    fprintf (stderr, " (raised at %s:%d in %s)", e->file, e->line,
             e->func ? e->func : "?");
  else if (e->func)
    fprintf (stderr, " (raised by %s)", e->func);
}

void
braid__report_never_retrieved (braid_future *f)
{
  f->reported = true;
  braid_error *e = f->error;
  flockfile (stderr);
  if (f->is_task)
    {
      braid_task *t = future_as_task (f);
      char creator[64], site[512];
      describe_creator (t, creator, sizeof creator);
      describe_site (t, site, sizeof site);
      fprintf (stderr,
               "braid: Task exception was never retrieved\n"
               "  task: %s (function %s, %s by %s)\n",
               braid_task_name (t), t->fn_name ? t->fn_name : "?", site,
               creator);
    }
  else
    fprintf (stderr,
             "braid: Future exception was never retrieved\n"
             "  future: id %" PRIu64 "\n",
             f->id);
  if (e)
    {
      fprintf (stderr, "  error: %s: %s", e->type->name, e->message);
      print_raise_site (e);
      fputc ('\n', stderr);
      for (const braid_error *c = e->cause; c; c = c->cause)
        {
          fprintf (stderr, "  caused by: %s: %s", c->type->name, c->message);
          print_raise_site (c);
          fputc ('\n', stderr);
        }
    }
  funlockfile (stderr);
  fflush (stderr);
  if (BRAID_UNLIKELY (braid__hooks_active))
    emit_error_event (BRAID_EV_ERROR_NEVER_RETRIEVED, f);
}

void
braid__report_destroyed_pending (braid_task *t, bool abandoned)
{
  char creator[64], what[128], site[512];
  t->destroyed_reported = true;
  describe_creator (t, creator, sizeof creator);
  describe_site (t, site, sizeof site);
  braid__wait_describe (t, what, sizeof what);
  fprintf (stderr,
           "braid: Task was destroyed but it is pending!\n"
           "  task: %s (function %s, %s by %s), waiting on %s\n",
           braid_task_name (t), t->fn_name ? t->fn_name : "?", site, creator,
           what);
  if (abandoned)
    fprintf (stderr, "  nothing can wake it: no reference to it, or to what "
                     "it waits on, is left outside the tasks that wait\n");
  fflush (stderr);
  if (BRAID_UNLIKELY (braid__hooks_active))
    {
      braid_event ev;
      braid__event_init (&ev, BRAID_EV_TASK_DESTROYED_PENDING,
                         braid__event_time (t->loop));
      ev.task = t->fut.id;
      ev.reason = t->wait_reason;
      ev.object = t->wait_object;
      ev.str1 = braid_task_name (t);
      ev.str2 = t->fn_name;
      ev.str3 = t->file;
      ev.line = t->line;
      braid__hook_call (&ev);
    }
}

/* ------------------------------------------------------------------ */
/* Abandoned tasks (rule 41)                                           */

/* The most futures (the bottom one and the tasks above it) a check
 * looks at: a larger wait tree is left unreported (never a false
 * report), and the walk needs no allocation. */
#define ABANDON_MAX_NODES 64

/* How many tasks wait on @f (its callbacks with no function). */
static uint32_t
count_waiters (const braid_future *f)
{
  uint32_t n = 0;
  for (uint32_t i = 0; i < f->ncbs; i++)
    if (f->cbs[i].fn == NULL)
      n++;
  return n;
}

/* braid__abandoned_check:
 * A pending task nothing can wake any more is reported as asyncio
 * reports a pending task the garbage collector frees. braid cannot see
 * every pointer, only the references counted on each future and task, so
 * the rule decides on those alone, and says yes only when it is sure:
 *
 * Follow @f down through the tasks that wait on tasks to the future at
 * the bottom. It must be a plain future (braid_future_new: not a task,
 * not the runtime's own, no cancel function: nothing but a holder of a
 * reference may complete it) and pending. Then walk up: the tasks waiting
 * on it, the tasks waiting on those, and so on. Every future in that tree
 * must be held by the tasks waiting on it alone (and by the loop, for a
 * task, whose reference only keeps it while pending): then no one outside
 * the tree can complete the bottom future or cancel any task of the tree,
 * and no task of the tree can act, since each is suspended. Each task of
 * the tree is reported once.
 *
 * Not reported (counted references say someone might still act): a task
 * whose future another task holds (even one that is itself stuck, or the
 * waiting task's own reference), a task waiting on a sleep, an I/O
 * request, a primitive (event, lock, queue...: freeing one that tasks
 * wait on aborts), a gather or anything else of the runtime's, tasks
 * waiting on each other in a cycle (the deadlock report names those), and
 * a tree larger than ABANDON_MAX_NODES. The loop closing reports what is
 * still pending then (rule 28). */
void
braid__abandoned_check (braid_future *f)
{
  braid_loop *loop = f->loop;
  braid_future *nodes[ABANDON_MAX_NODES];
  size_t n = 0;

  if (!loop || loop->closing)
    return;
  /* Down to the bottom future. */
  for (int depth = 0; f->is_task; depth++)
    {
      braid_task *t = future_as_task (f);
      if (f->state != FUT_PENDING || t->wait_kind != WAITK_FUTURE
          || !t->waiting_on || t == braid__tls_task
          || depth == ABANDON_MAX_NODES)
        return;
      f = t->waiting_on;
    }
  if (f->state != FUT_PENDING || f->is_private || f->cancel_fn)
    return;
  /* Up through every task that waits, checking each holder. */
  nodes[n++] = f;
  for (size_t i = 0; i < n; i++)
    {
      braid_future *node = nodes[i];
      if (node->refcount != (int)count_waiters (node) + (node->is_task ? 1 : 0))
        return;
      for (uint32_t k = 0; k < node->ncbs; k++)
        {
          if (node->cbs[k].fn != NULL)
            continue;
          braid_task *w = node->cbs[k].data;
          if (w->fut.state != FUT_PENDING || w->wait_kind != WAITK_FUTURE
              || w->waiting_on != node || w == braid__tls_task
              || n == ABANDON_MAX_NODES)
            return;
          nodes[n++] = &w->fut;
        }
    }
  for (size_t i = 1; i < n; i++)
    {
      braid_task *t = future_as_task (nodes[i]);
      if (!t->destroyed_reported)
        braid__report_destroyed_pending (t, true);
    }
}

void
braid__report_deadlock (braid_loop *loop)
{
  size_t waiting = 0;
  for (braid_task *t = loop->tasks; t; t = t->next)
    if (t->fut.state == FUT_PENDING)
      waiting++;
  fprintf (stderr,
           "braid: deadlock: no task can run and nothing can wake any of "
           "them (%zu waiting)\n",
           waiting);
  if (BRAID_UNLIKELY (braid__hooks_active))
    braid__emit_simple (loop, BRAID_EV_DEADLOCK, 0, 0, loop->id,
                        (int64_t)waiting, 0);
  /* The list is newest first; report in creation order. */
  braid_task *last = loop->tasks;
  while (last && last->next)
    last = last->next;
  for (braid_task *t = last; t; t = t->prev)
    {
      if (t->fut.state != FUT_PENDING)
        continue;
      char what[128], site[512];
      braid__wait_describe (t, what, sizeof what);
      describe_site (t, site, sizeof site);
      fprintf (stderr, "  %s (function %s, %s) waits on %s\n",
               braid_task_name (t), t->fn_name ? t->fn_name : "?", site, what);
      if (BRAID_UNLIKELY (braid__hooks_active))
        braid__emit_simple (loop, BRAID_EV_DEADLOCK_TASK, t->fut.id, 0,
                            t->wait_object, 0, t->wait_reason);
    }
  fflush (stderr);
}

/* ------------------------------------------------------------------ */
/* Slow steps                                                          */

typedef struct watchdog
{
  pthread_t thread;
  pthread_mutex_t lock;
  pthread_cond_t cond;
  bool stop;
  braid_loop *loop;
} watchdog;

/* From the watchdog thread: reports that step @seq, begun @held ns ago,
 * still runs. The running task is read through the loop thread's
 * braid__tls_task, and only its fields that never change after the spawn
 * (name number or custom name, function, site); the line is dropped if the
 * step ended while it was formatted (the task may be gone), and goes out
 * in one write(2), so it is never interleaved with stdio's buffers. */
static void
report_step_still_running (braid_loop *loop, uint64_t seq, uint64_t held)
{
  braid_task *const *addr = loop->tls_task_addr;
  if (!addr)
    return;
  const braid_task *t = __atomic_load_n (addr, __ATOMIC_ACQUIRE);
  if (!t)
    return;
  char name[40], site[512], line[1024];
  if (t->custom_name)
    snprintf (name, sizeof name, "%s", t->custom_name);
  else
    snprintf (name, sizeof name, "Task-%" PRIu64, t->name_num);
  describe_site (t, site, sizeof site);
  int n = snprintf (line, sizeof line,
                    "braid: task '%s' (%s, %s) has held the loop for %.1f s "
                    "without yielding\n",
                    name, t->fn_name ? t->fn_name : "?", site, held / 1e9);
  if (__atomic_load_n (&loop->step_seq, __ATOMIC_ACQUIRE) != seq)
    return;
  if (n < 0)
    return;
  if ((size_t)n >= sizeof line)
    {
      n = sizeof line - 1;
      line[n - 1] = '\n';
    }
  ssize_t r = write (STDERR_FILENO, line, (size_t)n);
  (void)r;
}

static void *
watchdog_main (void *arg)
{
  watchdog *w = arg;
  braid_loop *loop = w->loop;
  uint64_t last_seq = 0, since = 0, flagged_seq = 0, live_seq = 0;
  pthread_mutex_lock (&w->lock);
  while (!w->stop)
    {
      uint64_t threshold
          = __atomic_load_n (&loop->slow_step_ns, __ATOMIC_RELAXED);
      uint64_t period = threshold ? threshold / 4 : 100000000;
      if (period < 1000000)
        period = 1000000;
      struct timespec ts;
      clock_gettime (CLOCK_MONOTONIC, &ts);
      uint64_t wake = (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec + period;
      ts.tv_sec = wake / 1000000000u;
      ts.tv_nsec = wake % 1000000000u;
      pthread_cond_timedwait (&w->cond, &w->lock, &ts);
      if (w->stop)
        break;
      uint64_t now = braid__monotonic_ns ();
      int in_step = __atomic_load_n (&loop->in_step, __ATOMIC_RELAXED);
      uint64_t seq = __atomic_load_n (&loop->step_seq, __ATOMIC_RELAXED);
      if (!in_step || seq != last_seq)
        {
          last_seq = seq;
          since = now;
          continue;
        }
      if (threshold && now - since >= threshold && seq != flagged_seq)
        {
          flagged_seq = seq;
          __atomic_store_n (&loop->slow_since, since, __ATOMIC_RELAXED);
          __atomic_store_n (&loop->slow_seq, seq, __ATOMIC_RELAXED);
          __atomic_fetch_or (&loop->slow_flag, SLOW_FLAG_STEP,
                             __ATOMIC_RELEASE);
        }
      if (threshold && now - since >= threshold * 10 && seq != live_seq)
        {
          live_seq = seq;
          report_step_still_running (loop, seq, now - since);
        }
    }
  pthread_mutex_unlock (&w->lock);
  return NULL;
}

/* Starts the loop's watchdog at its first run (it lives until the loop
 * closes, sleeping while the loop does not run a step). The threshold is
 * read at each sample, so braid_loop_set_slow_step_ns applies at once. */
void
braid__watchdog_start (braid_loop *loop)
{
  if (loop->slow_step_ns == 0 || loop->watchdog)
    return;
  /* The address of this (the loop's) thread's current task, for the
   * watchdog thread to read. */
  loop->tls_task_addr = &braid__tls_task;
  watchdog *w = braid__xcalloc (1, sizeof *w);
  w->loop = loop;
  pthread_mutex_init (&w->lock, NULL);
  pthread_condattr_t attr;
  pthread_condattr_init (&attr);
  pthread_condattr_setclock (&attr, CLOCK_MONOTONIC);
  pthread_cond_init (&w->cond, &attr);
  pthread_condattr_destroy (&attr);
  if (pthread_create (&w->thread, NULL, watchdog_main, w) != 0)
    {
      pthread_cond_destroy (&w->cond);
      pthread_mutex_destroy (&w->lock);
      free (w);
      return;
    }
  loop->watchdog = w;
}

void
braid__watchdog_stop (braid_loop *loop)
{
  watchdog *w = loop->watchdog;
  if (!w)
    return;
  pthread_mutex_lock (&w->lock);
  w->stop = true;
  pthread_cond_signal (&w->cond);
  pthread_mutex_unlock (&w->lock);
  pthread_join (w->thread, NULL);
  pthread_cond_destroy (&w->cond);
  pthread_mutex_destroy (&w->lock);
  free (w);
  loop->watchdog = NULL;
}

void
braid__watchdog_check (braid_loop *loop, braid_task *t)
{
  if (!(__atomic_load_n (&loop->slow_flag, __ATOMIC_ACQUIRE) & SLOW_FLAG_STEP))
    return;
  __atomic_fetch_and (&loop->slow_flag, ~SLOW_FLAG_STEP, __ATOMIC_RELAXED);
  if (__atomic_load_n (&loop->slow_seq, __ATOMIC_RELAXED) != loop->step_seq)
    return; /* flagged a step that has already ended */
  uint64_t since = __atomic_load_n (&loop->slow_since, __ATOMIC_RELAXED);
  uint64_t held = braid__monotonic_ns () - since;
  /* The watchdog saw the step start up to a quarter threshold late; the
   * step lasted at least the threshold. */
  if (held < loop->slow_step_ns)
    held = loop->slow_step_ns;
  char site[512];
  describe_site (t, site, sizeof site);
  fprintf (stderr,
           "braid: slow step: %s (function %s, %s) held the loop for at "
           "least %.0f ms without suspending (threshold %.0f ms): a blocking "
           "call in a task?\n",
           braid_task_name (t), t->fn_name ? t->fn_name : "?", site, held / 1e6,
           loop->slow_step_ns / 1e6);
  fflush (stderr);
  if (BRAID_UNLIKELY (braid__hooks_active))
    braid__emit_simple (loop, BRAID_EV_SLOW_STEP, t->fut.id, 0, 0,
                        (int64_t)held, 0);
}

/* Done callback names. */

static size_t
site_slot (const braid__callback_site *sites, size_t cap, const void *fn)
{
  /* Functions are at least 16-byte aligned: the low bits carry nothing. */
  size_t i = (size_t)(((uintptr_t)fn >> 4) * 0x9e3779b97f4a7c15ull);
  for (;; i++)
    {
      i &= cap - 1;
      if (sites[i].fn == fn || sites[i].fn == NULL)
        return i;
    }
}

void
braid__callback_site_note (braid_loop *loop, const void *fn, const char *name,
                           const char *file, int line)
{
  if (loop->capcb_sites
      && loop->cb_sites[site_slot (loop->cb_sites, loop->capcb_sites, fn)].fn
             == fn)
    return;
  if (2 * (loop->ncb_sites + 1) > loop->capcb_sites)
    {
      size_t cap = loop->capcb_sites ? 2 * loop->capcb_sites : 16;
      braid__callback_site *sites = braid__xcalloc (cap, sizeof *sites);
      for (size_t i = 0; i < loop->capcb_sites; i++)
        if (loop->cb_sites[i].fn)
          sites[site_slot (sites, cap, loop->cb_sites[i].fn)]
              = loop->cb_sites[i];
      free (loop->cb_sites);
      loop->cb_sites = sites;
      loop->capcb_sites = cap;
    }
  braid__callback_site *s
      = &loop->cb_sites[site_slot (loop->cb_sites, loop->capcb_sites, fn)];
  s->fn = fn;
  s->name = name;
  s->file = file;
  s->line = line;
  loop->ncb_sites++;
}

void
braid__callback_print_name (const braid_loop *loop, const void *fn, FILE *out)
{
  if (loop->capcb_sites)
    {
      const braid__callback_site *s
          = &loop->cb_sites[site_slot (loop->cb_sites, loop->capcb_sites, fn)];
      if (s->fn == fn)
        {
          fprintf (out, "%s (added at %s:%d)", s->name ? s->name : "?",
                   s->file ? s->file : "?", s->line);
          return;
        }
    }
  /* Not a done callback registered through the macro: its dynamic
   * symbol if it has one, else where it is in which object. */
  Dl_info info;
  if (dladdr (fn, &info) && info.dli_sname && info.dli_saddr == fn)
    fputs (info.dli_sname, out);
  else if (dladdr (fn, &info) && info.dli_fname)
    fprintf (out, "%p (%s+%#tx)", fn, info.dli_fname,
             (const char *)fn - (const char *)info.dli_fbase);
  else
    fprintf (out, "%p", fn);
}
