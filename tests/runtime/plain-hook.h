/* plain-hook.h: hooks for tests that read events one plain kind at a
 * time. The runtime folds a direct switch into one TASK_SWITCHED event
 * (braid-hooks.h); PLAIN_HOOK (hook, on_event) defines the hook @hook,
 * which passes each plain event that an event stands for
 * (braid_event_expand) to on_event, a braid_hook_fn, in order.
 */
#ifndef PLAIN_HOOK_H
#define PLAIN_HOOK_H

#include <braid/braid-hooks.h>

#define PLAIN_HOOK(hook, on_event)                                             \
  static void hook (void *user_data, const braid_event *event)                 \
  {                                                                            \
    braid_event plain[3];                                                      \
    int n = braid_event_expand (event, plain);                                 \
    for (int i = 0; i < n; i++)                                                \
      on_event (user_data, &plain[i]);                                         \
  }

#endif /* PLAIN_HOOK_H */
