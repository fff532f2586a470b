/* hooks.c: the one installed observer of runtime events, braid_hooks_emit,
 * and the loading of modules (BRAID_MODULES) at the first loop creation.
 *
 * Hot path: braid__hooks_active, read by every transition; it is 0 unless
 * a hook is installed, so the runtime's branches on it are predictable.
 * With a hook installed, the emitters of the frequent events (suspended,
 * resumed, woken, iteration) are the hot path: each costs a timestamp
 * (braid__event_time, a counter read, or none within a shared-reading
 * window), a dozen stores and the indirect call.
 */
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "braid-config.h"
#include "braid-private.h"

int braid__hooks_active;
static braid_hook_fn hook_fn;
static void *hook_data;

int
braid_hooks_install (braid_hook_fn fn, void *user_data)
{
  if (!fn)
    braid__abort ("braid_hooks_install", "NULL hook");
  if (hook_fn && hook_fn != fn)
    return braid__raise_code (BRAID_EBUSY, "braid_hooks_install");
  hook_fn = fn;
  hook_data = user_data;
  braid__hooks_active = 1;
  return 0;
}

int
braid_hooks_uninstall (braid_hook_fn fn)
{
  if (!fn || fn != hook_fn)
    return braid__raise_code (BRAID_EINVAL, "braid_hooks_uninstall");
  braid__hooks_active = 0;
  hook_fn = NULL;
  hook_data = NULL;
  return 0;
}

void
braid__hook_call (braid_event *event)
{
  braid_hook_fn fn = hook_fn;
  if (fn)
    fn (hook_data, event);
}

void
braid_hooks_emit (braid_event *event)
{
  if (!event || !hook_fn)
    return;
  if (event->time_ns == 0)
    {
      braid_loop *loop = braid__tls_loop;
      event->time_ns = loop ? braid__event_time (loop) : braid__monotonic_ns ();
    }
  braid__hook_call (event);
}

/* Passes @ev to the hook. Inline in the emitters below: one load of the
 * hook instead of a call to braid__hook_call. */
static inline __attribute__ ((always_inline)) void
call_hook (braid_event *ev)
{
  braid_hook_fn fn = hook_fn;
  if (BRAID_LIKELY (fn != NULL))
    fn (hook_data, ev);
}

void
braid__emit_simple (braid_loop *loop, braid_event_kind kind, uint64_t task,
                    uint64_t other, uint64_t object, int64_t value,
                    uint32_t reason)
{
  braid_event ev;
  uint64_t now;
  if (loop)
    {
      now = braid__event_time (loop);
      loop->ev_held = false;
    }
  else
    now = braid__monotonic_ns ();
  braid__event_init (&ev, kind, now);
  ev.task = task;
  ev.other = other;
  ev.object = object;
  ev.value = value;
  ev.reason = reason;
  call_hook (&ev);
}

void
braid__emit_suspended (braid_task *t, uint32_t reason, uint64_t object,
                       int64_t value)
{
  braid_loop *loop = t->loop;
  braid_event ev;
  braid__event_init (&ev, BRAID_EV_TASK_SUSPENDED, braid__event_time (loop));
  /* The switch that follows (the next task's RESUMED, an iteration's
   * start, wake-ups by due timers) happens within a few hundred
   * instructions: its events reuse this reading. */
  loop->ev_held = true;
  ev.task = t->fut.id;
  ev.object = object;
  ev.value = value;
  ev.reason = reason;
  call_hook (&ev);
}

void
braid__emit_resumed (braid_loop *loop, braid_task *t, bool may_share)
{
  braid_event ev;
  /* A task's first step (wait_kind still WAITK_NONE) follows the set-up
   * of its stack, which may map memory: a fresh reading then. */
  uint64_t now = may_share && t->wait_kind != WAITK_NONE
                     ? braid__event_time_shared (loop)
                     : braid__event_time (loop);
  loop->ev_held = false;
  braid__event_init (&ev, BRAID_EV_TASK_RESUMED, now);
  ev.task = t->fut.id;
  call_hook (&ev);
}

void
braid__emit_woken (braid_task *t, braid_task *waker, uint64_t object)
{
  braid_loop *loop = t->loop;
  braid_event ev;
  braid__event_init (&ev, BRAID_EV_TASK_WOKEN, braid__event_time_shared (loop));
  ev.task = t->fut.id;
  ev.other = waker ? waker->fut.id : loop->cause;
  /* The object is the one the task said it waits on at its suspension
   * (a gather, a wait...), not the private future behind it, so the
   * suspension and its wake-up name the same object. */
  ev.object = t->wait_object ? t->wait_object : object;
  ev.reason = t->wait_reason;
  call_hook (&ev);
}

void
braid__emit_iteration (braid_loop *loop)
{
  braid_event ev;
  braid__event_init (&ev, BRAID_EV_ITERATION_BEGIN,
                     braid__event_time_shared (loop));
  ev.other = loop->queue.len;
  ev.object = loop->id;
  ev.value = (int64_t)loop->iteration;
  call_hook (&ev);
}

/* Loads one module; @explicit_ says the user named it (warn when missing). */
static void
load_module (const char *path, bool explicit_)
{
  void *h = dlopen (path, RTLD_NOW | RTLD_GLOBAL);
  if (!h)
    {
      if (explicit_)
        fprintf (stderr, "braid: cannot load module %s: %s\n", path,
                 dlerror ());
      return;
    }
  braid_module_init_fn init
      = (braid_module_init_fn)dlsym (h, BRAID_MODULE_INIT_SYMBOL);
  if (!init)
    {
      if (explicit_)
        fprintf (stderr, "braid: module %s has no %s\n", path,
                 BRAID_MODULE_INIT_SYMBOL);
      return;
    }
  int rc = init ();
  if (rc < 0)
    {
      fprintf (stderr, "braid: module %s failed to initialise: %s\n", path,
               braid_strerror (rc));
      braid_error_clear ();
    }
}

static void
modules_load (void)
{
  const char *env = getenv ("BRAID_MODULES");
  bool explicit_ = env != NULL;
  const char *list = env ? env : BRAID_DEFAULT_MODULES;
  if (!list || !*list)
    return;
  char *copy = braid__xstrdup (list);
  char *save = NULL;
  for (char *p = strtok_r (copy, ":", &save); p;
       p = strtok_r (NULL, ":", &save))
    if (*p)
      load_module (p, explicit_);
  free (copy);
}

void
braid__modules_load_once (void)
{
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once (&once, modules_load);
}
